"""Pretraining on reviews nobody labeled: word2vec vectors, or forward and backward LSTM language models (``lm.py``),
learned from the training and unlabeled reviews, and cached.

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

import hashlib
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tqdm.auto import tqdm

from . import data
from .errors import DataError
from .files import atomic_file
from .text import tokenize
from .vocab import PAD_ID, Vocab

CACHE_FORMAT = "sentiment-helpers-word2vec"
LM_CACHE_FORMAT = "sentiment-helpers-language-models"


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


def fingerprint(texts: Sequence[str]) -> str:
    """A sha256 over the texts in order: the same reviews give the same fingerprint, any change a different one."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


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


def _why_stale(cached: dict, wanted: dict) -> str | None:
    if cached == wanted:
        return None
    if cached.get("n_texts") != wanted["n_texts"] or cached.get("texts") != wanted["texts"]:
        return f"other reviews ({cached.get('n_texts', '?'):,} texts, not these {wanted['n_texts']:,})"
    if cached.get("vocab") != wanted.get("vocab"):
        return "another vocabulary"
    changed = [f"{key}={value!r} (now {wanted['settings'][key]!r})"
               for key, value in cached.get("settings", {}).items() if wanted["settings"].get(key) != value]
    return "other settings: " + (", ".join(changed) or "unknown")


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
        raise ValueError(f"{path}: not a word-vector cache of this course")
    return WordVectors(bundle["words"], bundle["vectors"], bundle["built_for"], bundle["info"])


def cached_word2vec(texts: Sequence[str], cache: str | Path, settings: Word2VecSettings = Word2VecSettings(),
                    progress: bool = True) -> tuple[WordVectors, bool]:
    """The word vectors for ``texts`` and ``settings``: from ``cache`` when it was built for exactly these, else
    trained now and saved there. Returns the vectors and whether they came from the cache."""
    cache = Path(cache)
    wanted = _built_for(texts, settings)
    if cache.is_file():
        try:
            vectors = load_word_vectors(cache)
            reason = _why_stale(vectors.built_for, wanted)
        except Exception as error:  # a truncated or foreign file: say so and rebuild
            reason = f"an unreadable file ({type(error).__name__})"
        if reason is None:
            print(f"Word vectors from the cache {cache} (built in {vectors.info['seconds']:.0f} s from "
                  f"{vectors.info['texts']:,} reviews).", file=sys.stderr)
            return vectors, True
        print(f"The cache {cache} holds word vectors built from {reason}: building them again.", file=sys.stderr)
    vectors = train_word2vec(texts, settings, progress)
    save_word_vectors(cache, vectors)
    return vectors, False


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


@dataclass(frozen=True)
class LMSettings:
    embed_dim: int = 128  # the classifier's embedding and hidden sizes: the weights are copied into it
    hidden_dim: int = 128
    epochs: int = 1
    max_seconds: float | None = None  # per direction
    batch_size: int = 64
    bptt: int = 64  # tokens per step of truncated backpropagation through time
    lr: float = 3e-3
    seed: int = 42


@dataclass
class LanguageModels:
    forward: torch.nn.Module
    backward: torch.nn.Module
    built_for: dict
    info: dict  # per direction: perplexity per epoch; seconds to build


def train_language_models(texts: Sequence[str], val_texts: Sequence[str], vocab: Vocab,
                          settings: LMSettings = LMSettings(), progress: bool = True) -> LanguageModels:
    """A forward and a backward LSTM language model on ``texts``; perplexity measured on ``val_texts``."""
    from . import lm

    start, models, info = time.perf_counter(), {}, {}
    for direction in ("forward", "backward"):
        torch.manual_seed(settings.seed)
        backward = direction == "backward"
        model = lm.LSTMLanguageModel(len(vocab), settings.embed_dim, settings.hidden_dim)
        history = lm.train_language_model(
            model, lm.token_stream(texts, vocab, backward), lm.token_stream(val_texts, vocab, backward),
            epochs=settings.epochs, batch_size=settings.batch_size, bptt=settings.bptt, lr=settings.lr,
            max_seconds=settings.max_seconds, progress=progress, desc=f"{direction} LM")
        models[direction], info[direction] = model.eval(), history.epochs
    info["seconds"] = time.perf_counter() - start
    info["texts"] = len(texts)
    return LanguageModels(models["forward"], models["backward"], _lm_built_for(texts, vocab, settings), info)


def _lm_built_for(texts: Sequence[str], vocab: Vocab, settings: LMSettings) -> dict:
    return {"texts": fingerprint(texts), "n_texts": len(texts), "vocab": fingerprint(vocab.itos),
            "settings": asdict(settings)}


def cached_language_models(texts: Sequence[str], val_texts: Sequence[str], vocab: Vocab, cache: str | Path,
                           settings: LMSettings = LMSettings(), progress: bool = True) -> tuple[LanguageModels, bool]:
    """Like ``cached_word2vec``: the cache is used only if built from these texts, this vocabulary, these settings."""
    from . import lm

    cache, wanted = Path(cache), _lm_built_for(texts, vocab, settings)
    if cache.is_file():
        try:
            bundle = torch.load(cache, map_location="cpu", weights_only=True)
            if bundle.get("format") != LM_CACHE_FORMAT:
                raise ValueError("not a language-model cache")
            reason = _why_stale(bundle["built_for"], wanted)
        except Exception as error:
            reason = f"an unreadable file ({type(error).__name__})"
        if reason is None:
            models = {}
            for direction in ("forward", "backward"):
                models[direction] = lm.LSTMLanguageModel(len(vocab), settings.embed_dim, settings.hidden_dim)
                models[direction].load_state_dict(bundle[direction])
                models[direction].eval()
            print(f"Language models from the cache {cache} (built in {bundle['info']['seconds']:.0f} s).",
                  file=sys.stderr)
            return LanguageModels(models["forward"], models["backward"], bundle["built_for"], bundle["info"]), True
        print(f"The cache {cache} holds language models built from {reason}: building them again.", file=sys.stderr)
    models = train_language_models(texts, val_texts, vocab, settings, progress)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(cache) as f:
        torch.save({"format": LM_CACHE_FORMAT, "forward": models.forward.state_dict(),
                    "backward": models.backward.state_dict(), "built_for": models.built_for, "info": models.info}, f)
    return models, False
