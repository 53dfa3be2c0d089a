"""Predictions for new reviews: one text, or many with a progress bar.

Every result says how many tokens the model recognised, so "I did not know any of these words"
is visible instead of hidden behind a confident-looking number.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tqdm.auto import tqdm

from .batching import collate, encode_text, truncate
from .checkpoint import Checkpoint, load_checkpoint
from .device import place_model
from .model import SentimentLSTM
from .text import tokenize
from .vocab import UNK_ID, Vocab


@dataclass
class Prediction:
    label: str  # "positive" or "negative"
    confidence: float  # probability of the predicted label, in [0.5, 1]
    p_positive: float
    n_tokens: int  # tokens in the text after cleaning
    n_known: int  # of the tokens the model read, how many are in its vocabulary
    truncated: bool  # True when the model read only max_len tokens of a longer text

    def to_dict(self) -> dict:
        return asdict(self)


def check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected the review as a str, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("the review is empty: type a few words to analyse")
    return text


class SentimentPredictor:
    """A trained model with its vocabulary, ready for raw text.

    Runs on the GPU when there is one (explanations run the model once per word), else on the CPU;
    ``device=`` chooses. ``temperature``: probabilities are sigmoid(logit / T), with the T fitted on validation
    reviews (``calibration.fit_temperature``; a checkpoint carries it once ``held_out.calibrate_checkpoint`` ran).
    T = 1 gives the network's raw probabilities."""

    def __init__(self, model: SentimentLSTM, vocab: Vocab, max_len: int = 256, truncation: str = "head",
                 device: str | torch.device | None = None, temperature: float = 1.0):
        if not temperature > 0:
            raise ValueError(f"temperature must be positive, not {temperature}")
        self.device = place_model(model, device)
        self.model, self.vocab = model.eval(), vocab
        self.max_len, self.truncation, self.temperature = max_len, truncation, float(temperature)

    @classmethod
    def from_checkpoint(cls, path: str | Path | Checkpoint,
                        device: str | torch.device | None = None) -> SentimentPredictor:
        bundle = path if isinstance(path, Checkpoint) else load_checkpoint(path)
        return cls(bundle.model, bundle.vocab, bundle.max_len, bundle.truncation, device,
                   bundle.metadata.get("temperature", 1.0))

    def truncation_note(self) -> str:
        """What the model reads of a review longer than ``max_len`` tokens, in words."""
        if self.truncation == "head+tail":
            head = self.max_len // 2
            return f"read only the first {head} and the last {self.max_len - head} tokens"
        return f"read only the first {self.max_len} tokens"

    def read_tokens(self, text: str) -> tuple[list[str], list[int]]:
        """The tokens this predictor reads of ``text`` (after its truncation), and their ids."""
        tokens = tokenize(check_text(text))
        kept = [tokens[i] for i in truncate(list(range(len(tokens))), self.max_len, self.truncation)]
        return kept, self.vocab.encode(kept)

    def _encode(self, text: str) -> tuple[list[int], int]:
        return encode_text(check_text(text), self.vocab, self.max_len, self.truncation)

    @torch.inference_mode()
    def logits(self, encoded: list[list[int]]) -> list[float]:
        """The model's raw logits for already-encoded reviews (lists of ids), in one padded batch."""
        batch = collate([(ids, 0, i) for i, ids in enumerate(encoded)])  # pad to the longest review
        return self.model(batch["ids"].to(self.device), batch["lengths"].to(self.device)).float().cpu().tolist()

    def probabilities(self, encoded: list[list[int]]) -> list[float]:
        """P(positive) = sigmoid(logit / temperature) for already-encoded reviews."""
        return torch.sigmoid(torch.tensor(self.logits(encoded)) / self.temperature).tolist()

    @staticmethod
    def _result(p_positive: float, ids: list[int], n_tokens: int, max_len: int) -> Prediction:
        label = "positive" if p_positive >= 0.5 else "negative"
        n_known = sum(i != UNK_ID for i in ids) if n_tokens else 0
        return Prediction(label, max(p_positive, 1 - p_positive), p_positive, n_tokens, n_known, n_tokens > max_len)

    def predict_sentiment(self, text: str) -> Prediction:
        """Label, confidence and probability of positive for one review."""
        ids, n_tokens = self._encode(text)
        return self._result(self.probabilities([ids])[0], ids, n_tokens, self.max_len)

    def predict_stream(self, texts: Iterable[str], chunk_size: int = 256) -> Iterator[Prediction]:
        """Predictions for a stream of reviews, in order, one chunk at a time: however long the stream, only one
        chunk of reviews is in memory, and the first results come before the stream ends."""
        chunk: list[str] = []
        for text in texts:
            chunk.append(text)
            if len(chunk) == chunk_size:
                yield from self.predict_batch(chunk, batch_size=chunk_size, progress=False)
                chunk = []
        if chunk:
            yield from self.predict_batch(chunk, batch_size=chunk_size, progress=False)

    def predict_batch(self, texts: Sequence[str], batch_size: int = 256, progress: bool = True) -> list[Prediction]:
        """The same answers as one by one (padding never changes a result), faster and with bounded memory."""
        if isinstance(texts, str):
            raise TypeError("predict_batch expects a list of reviews; for one review use predict_sentiment")
        encoded = [self._encode(text) for text in texts]
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))  # similar lengths together
        results: list[Prediction | None] = [None] * len(encoded)
        chunks = range(0, len(order), batch_size)
        for start in tqdm(chunks, desc="predict", disable=not progress or len(chunks) < 2):
            chunk = order[start: start + batch_size]
            for i, p in zip(chunk, self.probabilities([encoded[i][0] for i in chunk]), strict=True):
                results[i] = self._result(p, encoded[i][0], encoded[i][1], self.max_len)
        return results

    def p_positive(self, texts: Sequence[str]) -> list[float]:
        """p(positive) of each review, in order: the predictor as a function of texts, the form the probes, the
        behavioural tests and the ensembles take a model in."""
        return [p.p_positive for p in self.predict_batch(list(texts), progress=False)]
