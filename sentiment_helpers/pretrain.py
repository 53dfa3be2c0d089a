"""Pretraining on reviews nobody labeled: word2vec vectors (here), or forward and backward LSTM language models
(``lm.py``, cached by ``lm_cache.py``), learned from the training and unlabeled reviews, and cached.

word2vec (CBOW) learns one vector per word by predicting each word from the words around it, so words that are used
in the same contexts ("great", "excellent", "superb") end up close together. Copied into the classifier's embedding,
these vectors give it what 22,500 labeled reviews alone teach slowly: which words mean similar things.

The test reviews never enter pretraining (``pretraining_texts`` takes train and unlabeled only): a model whose
vectors were shaped by the test reviews would be graded on text it had already studied.

The results are cached under the artifacts folder together with what they were built from (a fingerprint of the
texts and the settings). A cache built from other texts or other settings is rebuilt, and the reason is printed: it
is never reused silently. An instructor can build it before a workshop and hand the file out.
"""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tqdm.auto import tqdm

from . import data
from .cache import NotThisCache, fingerprint, load_or_build
from .errors import DataError
from .files import atomic_file
from .text import tokenize
from .vocab import PAD_ID, Vocab

CACHE_FORMAT = "sentiment-helpers-word2vec"


@dataclass(frozen=True)
class Word2VecSettings:
    dim: int = 128  # the classifier's embedding size
    window: int = 5  # context words on each side
    min_count: int = 2  # rarer words get no vector
    epochs: int = 5
    skip_gram: bool = False  # False: CBOW (predict a word from its context; fast), True: skip-gram (the reverse)
    negative: int = 5  # negative samples per prediction
    seed: int = 42


@dataclass
class WordVectors:
    words: list[str]
    vectors: torch.Tensor  # [n_words, dim]
    built_for: dict  # fingerprint of the texts and the settings
    info: dict  # texts, tokens, seconds to build

    def __post_init__(self) -> None:
        self.index = {word: i for i, word in enumerate(self.words)}
        self._unit = torch.nn.functional.normalize(self.vectors, dim=1)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> torch.Tensor:
        return self.vectors[self.index[word]]

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words' vectors (1: same direction, 0: unrelated)."""
        return float(self._unit[self.index[a]] @ self._unit[self.index[b]])

    def most_similar(self, word_or_vector: str | torch.Tensor, n: int = 8) -> list[tuple[str, float]]:
        """The ``n`` words whose vectors point most nearly the same way (cosine similarity)."""
        if isinstance(word_or_vector, str):
            if word_or_vector not in self.index:
                raise KeyError(f"{word_or_vector!r} has no vector (seen fewer than min_count times)")
            query, skip = self._unit[self.index[word_or_vector]], {word_or_vector}
        else:
            query, skip = torch.nn.functional.normalize(word_or_vector.float(), dim=0), set()
        scores = self._unit @ query
        best = scores.topk(n + len(skip)).indices.tolist()
        return [(self.words[i], float(scores[i])) for i in best if self.words[i] not in skip][:n]


def pretraining_texts(dataset) -> list[str]:
    """The reviews pretraining may read: the training split and the unlabeled split, never validation or test."""
    if "unsupervised" not in dataset:
        raise DataError("pretraining needs the unlabeled reviews: load the data with load_imdb(unsupervised=True)")
    return data.column(dataset["train"], "text") + data.column(dataset["unsupervised"], "text")


class _EpochBar:
    """gensim calls this after each of its epochs: a progress bar over word2vec's passes."""

    def __init__(self, bar):
        self.bar = bar

    def on_epoch_begin(self, model): ...
    def on_train_begin(self, model): ...
    def on_train_end(self, model): ...

    def on_epoch_end(self, model):
        self.bar.update()


def train_word2vec(texts: Sequence[str], settings: Word2VecSettings = Word2VecSettings(),
                   progress: bool = True) -> WordVectors:
    """word2vec on ``texts``, tokenized as the classifier reads them."""
    from gensim.models import Word2Vec

    start = time.perf_counter()
    sentences = [tokenize(text) for text in tqdm(texts, desc="tokenizing", disable=not progress)]
    # a worker thread per core, up to 8: 2 on a 2-core laptop or in Colab, 8 on a 16-core GPU machine (where the GPU
    # check builds two sets of vectors side by side)
    model = Word2Vec(vector_size=settings.dim, window=settings.window, min_count=settings.min_count,
                     sg=int(settings.skip_gram), negative=settings.negative, seed=settings.seed,
                     workers=max(1, min(8, os.cpu_count() or 1)))
    model.build_vocab(sentences)
    with tqdm(total=settings.epochs, desc="word2vec epochs", disable=not progress) as bar:
        model.train(sentences, total_examples=len(sentences), epochs=settings.epochs, callbacks=[_EpochBar(bar)])
    info = {"texts": len(texts), "tokens": sum(map(len, sentences)), "words": len(model.wv.index_to_key),
            "seconds": time.perf_counter() - start}
    return WordVectors(list(model.wv.index_to_key), torch.from_numpy(model.wv.vectors.copy()),
                       _built_for(texts, settings), info)


def _built_for(texts: Sequence[str], settings: Word2VecSettings) -> dict:
    return {"texts": fingerprint(texts), "n_texts": len(texts), "settings": asdict(settings)}


def save_word_vectors(path: str | Path, vectors: WordVectors) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as f:
        torch.save({"format": CACHE_FORMAT, "words": vectors.words, "vectors": vectors.vectors,
                    "built_for": vectors.built_for, "info": vectors.info}, f)
    return path


def load_word_vectors(path: str | Path) -> WordVectors:
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(bundle, dict) or bundle.get("format") != CACHE_FORMAT:
        raise NotThisCache(f"{path}: not a word-vector cache of this course")
    return WordVectors(bundle["words"], bundle["vectors"], bundle["built_for"], bundle["info"])


def cached_word2vec(texts: Sequence[str], cache: str | Path, settings: Word2VecSettings = Word2VecSettings(),
                    progress: bool = True) -> tuple[WordVectors, bool]:
    """The word vectors for ``texts`` and ``settings``: from ``cache`` when it was built for exactly these, else
    trained now and saved there. Returns the vectors and whether they came from the cache."""
    return load_or_build(cache, _built_for(texts, settings), load_word_vectors,
                         lambda: train_word2vec(texts, settings, progress), save_word_vectors, "word vectors")


def embedding_matrix(vectors: WordVectors, vocab: Vocab, seed: int = 0) -> tuple[torch.Tensor, float]:
    """An embedding matrix [len(vocab), dim] for the classifier: each word's pretrained vector where it has one; a
    random vector of the same scale where it has none (<unk>, very rare words); zeros for <pad>.
    Returns the matrix and the share of vocabulary words that got a pretrained vector."""
    scale = float(vectors.vectors.std())
    generator = torch.Generator().manual_seed(seed)
    matrix = torch.randn(len(vocab), vectors.vectors.size(1), generator=generator) * scale
    found = 0
    for i, word in enumerate(vocab.itos):
        if word in vectors.index:
            matrix[i] = vectors.vectors[vectors.index[word]]
            found += 1
    matrix[PAD_ID] = 0.0
    return matrix, found / max(len(vocab) - 2, 1)
