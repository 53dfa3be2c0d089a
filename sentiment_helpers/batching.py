"""From texts to padded batches: tokenize and encode once, truncate, pad per batch, bucket by length."""
from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial

import torch
from torch.utils.data import DataLoader, Sampler

from .settings import TRUNCATIONS, check_choice
from .text import tokenize
from .vocab import PAD_ID, UNK_ID, Vocab


def truncate(ids: list[int], max_len: int, truncation: str = "head") -> list[int]:
    """Keep at most ``max_len`` ids: the first ones ("head"), or the first and last halves ("head+tail")."""
    check_choice("truncation", truncation, TRUNCATIONS)  # checked on short reviews too: a typo fails at once
    if len(ids) <= max_len:
        return ids
    if truncation == "head":
        return ids[:max_len]
    head = max_len // 2  # head+tail: reviews often end with the verdict
    return ids[:head] + ids[len(ids) - (max_len - head):]


@dataclass
class EncodedReviews:
    """A split encoded once: token ids per review (already truncated) and labels."""
    ids: list[list[int]]
    labels: list[int]
    n_tokens: list[int]  # tokens before truncation

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> tuple[list[int], int, int]:
        return self.ids[i], self.labels[i], i

    @property
    def lengths(self) -> list[int]:
        return [len(ids) for ids in self.ids]


def encode_text(text: str, vocab: Vocab, max_len: int, truncation: str = "head") -> tuple[list[int], int]:
    """Ids of one review (at least one: an empty review becomes a single <unk>) and its full token count."""
    return encode_tokens(tokenize(text), vocab, max_len, truncation)


def encode_tokens(tokens: list[str], vocab: Vocab, max_len: int, truncation: str = "head") -> tuple[list[int], int]:
    """``encode_text`` for a review that is already tokenized."""
    ids = truncate(vocab.encode(tokens), max_len, truncation) or [UNK_ID]
    return ids, len(tokens)


def encode_texts(texts: Sequence[str], labels: Sequence[int] | None, vocab: Vocab, max_len: int = 256,
                 truncation: str = "head", tokens: Sequence[list[str]] | None = None) -> EncodedReviews:
    """Encode a split once. ``tokens``: the texts already tokenized (the vocabulary was built from them), so that
    they are not tokenized twice."""
    if tokens is not None and len(tokens) != len(texts):
        raise ValueError(f"{len(tokens)} tokenized reviews for {len(texts)} texts")
    encoded = ([encode_tokens(review, vocab, max_len, truncation) for review in tokens] if tokens is not None
               else [encode_text(text, vocab, max_len, truncation) for text in texts])
    labels = list(labels) if labels is not None else [-1] * len(encoded)
    return EncodedReviews([ids for ids, _ in encoded], labels, [n for _, n in encoded])


def collate(batch: list[tuple[list[int], int, int]], pad_to: int | None = None) -> dict[str, torch.Tensor]:
    """Pad to the longest review in this batch (or to ``pad_to``, as the original design did).

    Returns ids [B, T], lengths [B], labels [B] (float), index [B] (position in the split).
    """
    lengths = torch.tensor([len(ids) for ids, _, _ in batch])
    width = max(int(lengths.max()), pad_to or 0)
    ids = torch.full((len(batch), width), PAD_ID, dtype=torch.long)
    for row, (review, _, _) in enumerate(batch):
        ids[row, : len(review)] = torch.tensor(review)
    return {
        "ids": ids,
        "lengths": lengths,
        "labels": torch.tensor([label for _, label, _ in batch], dtype=torch.float),
        "index": torch.tensor([i for _, _, i in batch]),
    }


class BucketBatchSampler(Sampler[list[int]]):
    """Batches of reviews of similar length, so little time goes into padding.

    Shuffled pools of ``batch_size * pool_batches`` reviews are sorted by length and cut into batches;
    the batches are then shuffled. The order depends only on ``seed`` and the epoch set by ``set_epoch``
    (the training loop calls it), so peeking at a batch never changes a training run. Without
    shuffling the whole split is sorted (fastest for evaluation).
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, shuffle: bool = True, seed: int = 0,
                 pool_batches: int = 50):
        self.lengths, self.batch_size, self.shuffle = list(lengths), batch_size, shuffle
        self.seed, self.pool_batches, self.epoch = seed, pool_batches, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self) -> Iterator[list[int]]:
        rng = random.Random(self.seed + self.epoch)
        order = list(range(len(self.lengths)))
        if not self.shuffle:
            order.sort(key=self.lengths.__getitem__)
            yield from (order[i: i + self.batch_size] for i in range(0, len(order), self.batch_size))
            return
        rng.shuffle(order)
        pool_size = self.batch_size * self.pool_batches
        batches = []
        for start in range(0, len(order), pool_size):
            pool = sorted(order[start: start + pool_size], key=self.lengths.__getitem__)
            batches += [pool[i: i + self.batch_size] for i in range(0, len(pool), self.batch_size)]
        rng.shuffle(batches)
        yield from batches

    def __len__(self) -> int:
        return -(-len(self.lengths) // self.batch_size)


def make_loader(encoded: EncodedReviews, batch_size: int = 64, shuffle: bool = False, bucket: bool = True,
                seed: int = 0, pad_to: int | None = None) -> DataLoader:
    """Batches with per-batch padding; ``bucket=True`` groups similar lengths (each batch carries 'index')."""
    pad = partial(collate, pad_to=pad_to)
    if bucket:
        sampler = BucketBatchSampler(encoded.lengths, batch_size, shuffle=shuffle, seed=seed)
        return DataLoader(encoded, batch_sampler=sampler, collate_fn=pad)
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(encoded, batch_size=batch_size, shuffle=shuffle, collate_fn=pad, generator=generator)
