"""The vocabulary: the most frequent training words, plus <pad> = 0 and <unk> = 1."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1


class Vocab:
    """Maps tokens to ids and back. Unknown tokens map to ``UNK_ID``."""

    def __init__(self, itos: list[str]):
        if itos[:2] != [PAD, UNK]:
            raise ValueError(f"a vocabulary must start with {PAD!r}, {UNK!r}; got {itos[:2]!r}")
        if len(set(itos)) != len(itos):
            raise ValueError("a vocabulary must not list a token twice")
        self.itos = list(itos)
        self.stoi = {token: i for i, token in enumerate(self.itos)}

    @classmethod
    def build(cls, token_lists: Iterable[list[str]], max_size: int = 10_000, min_freq: int = 5) -> Vocab:
        """The ``max_size`` most frequent tokens seen at least ``min_freq`` times (ties: alphabetical)."""
        counts = Counter()
        for tokens in token_lists:
            counts.update(tokens)
        frequent = [(token, n) for token, n in counts.items() if n >= min_freq]
        frequent.sort(key=lambda item: (-item[1], item[0]))
        return cls([PAD, UNK] + [token for token, _ in frequent[:max_size]])

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def encode(self, tokens: Iterable[str]) -> list[int]:
        return [self.stoi.get(token, UNK_ID) for token in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        return [self.itos[i] for i in ids]

    def to_json(self) -> str:
        return json.dumps({"itos": self.itos}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Vocab:
        return cls(json.loads(text)["itos"])

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))
