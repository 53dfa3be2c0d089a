"""Ten short negation and contrast probes ("not bad at all", "a bad cast, yet a wonderful film", ...).

They check whether a model reads words in context; they are never used for training or for choosing a model
(tuned on, they would stop measuring anything)."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

NEGATION_PROBES: list[tuple[str, int]] = [
    ("not bad at all", 1), ("not good", 0), ("not good at all, a waste of time", 0), ("it was not terrible", 1),
    ("I expected to hate it but I loved it", 1), ("I expected to love it but I hated it", 0),
    ("the actors were great but the film was boring", 0), ("a bad cast, yet a wonderful film", 1),
    ("never have I been so bored", 0), ("I could not stop smiling", 1),
]


def probe_table(models: dict[str, Callable[[Sequence[str]], np.ndarray]]) -> pd.DataFrame:
    """One row per probe: the expected label and, per model, p(positive) and whether it is right.

    ``models`` maps a name to a function from texts to p(positive), e.g.
    ``predictor.p_positive``."""
    table = pd.DataFrame(NEGATION_PROBES, columns=["text", "expected"])
    for name, predict in models.items():
        table[f"{name} p(positive)"] = np.asarray(predict(table.text.tolist()), dtype=float)
        table[f"{name} right"] = (table[f"{name} p(positive)"] >= 0.5) == (table.expected == 1)
    return table


def probes_right(predict: Callable[[Sequence[str]], np.ndarray]) -> int:
    """How many of the ten probes a model gets right."""
    return int(probe_table({"model": predict})["model right"].sum())
