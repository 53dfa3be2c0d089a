"""Every model the course trains, on one axis: the scoreboard of lessons 05 and 07.

Each recorded entry is a model trained on the full data and scored on all 25,000 test reviews, once per seed, with
the results file that holds its runs (``benchmarks/results/NAME.md``). ``table`` adds a lesson's own runs ("this
run") beside them, and for every row the test set's standard error, sqrt(p (1 - p) / n): the noise of measuring an
accuracy p on n reviews, which no number of seeds removes. ``plots.scoreboard`` draws the table.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import pandas as pd

N_TEST = 25_000  # the full IMDB test set


@dataclass(frozen=True)
class Recorded:
    model: str
    accuracies: tuple[float, ...]  # test accuracy of each seed
    source: str  # the results file: benchmarks/results/<source>.md


LESSON_05 = (
    Recorded("BiLSTM, cpu profile (04)", (0.89052, 0.8898, 0.89284), "seeds-cpu-slow-float32"),
    Recorded("TF-IDF + logistic regression (04b)", (0.90708,), "pretraining-cpu-pretrained"),
    Recorded("NB-weighted n-grams (04b)", (0.91672,), "ensemble-cpu"),
)
LESSON_07 = LESSON_05 + (
    Recorded("BiLSTM, random start, cpu-pretrained size (07)", (0.8818, 0.8828), "learning-curve-cpu"),
    Recorded("BiLSTM, word2vec start: cpu-pretrained (07)", (0.91228, 0.91192, 0.91156),
             "pretraining-cpu-pretrained"),
    Recorded("cpu-pretrained + NB n-grams, log-odds averaged (05's ensemble)", (0.92416, 0.92412, 0.92424),
             "ensemble-cpu"),
)

LEARNING_CURVE = (  # (model, labelled reviews, seed, test accuracy): benchmarks/results/learning-curve-cpu.md
    ("TF-IDF", 250, 42, 0.79024),
    ("NB n-grams", 250, 42, 0.78672),
    ("BiLSTM, word2vec start", 250, 42, 0.82452),
    ("BiLSTM, random start", 250, 42, 0.71876),
    ("TF-IDF", 250, 43, 0.79824),
    ("NB n-grams", 250, 43, 0.795),
    ("BiLSTM, word2vec start", 250, 43, 0.82708),
    ("BiLSTM, random start", 250, 43, 0.72556),
    ("TF-IDF", 1000, 42, 0.84976),
    ("NB n-grams", 1000, 42, 0.85452),
    ("BiLSTM, word2vec start", 1000, 42, 0.86368),
    ("BiLSTM, random start", 1000, 42, 0.78624),
    ("TF-IDF", 1000, 43, 0.84816),
    ("NB n-grams", 1000, 43, 0.84636),
    ("BiLSTM, word2vec start", 1000, 43, 0.86292),
    ("BiLSTM, random start", 1000, 43, 0.78652),
    ("TF-IDF", 4000, 42, 0.8806),
    ("NB n-grams", 4000, 42, 0.88652),
    ("BiLSTM, word2vec start", 4000, 42, 0.87296),
    ("BiLSTM, random start", 4000, 42, 0.82452),
    ("TF-IDF", 4000, 43, 0.88376),
    ("NB n-grams", 4000, 43, 0.89056),
    ("BiLSTM, word2vec start", 4000, 43, 0.86376),
    ("BiLSTM, random start", 4000, 43, 0.81612),
    ("TF-IDF", 10000, 42, 0.89744),
    ("NB n-grams", 10000, 42, 0.9036),
    ("BiLSTM, word2vec start", 10000, 42, 0.89212),
    ("BiLSTM, random start", 10000, 42, 0.86312),
    ("TF-IDF", 10000, 43, 0.89864),
    ("NB n-grams", 10000, 43, 0.90488),
    ("BiLSTM, word2vec start", 10000, 43, 0.89856),
    ("BiLSTM, random start", 10000, 43, 0.86304),
    ("TF-IDF", 22500, 42, 0.90708),
    ("NB n-grams", 22500, 42, 0.91672),
    ("BiLSTM, word2vec start", 22500, 42, 0.91108),
    ("BiLSTM, random start", 22500, 42, 0.8818),
    ("TF-IDF", 22500, 43, 0.90708),
    ("NB n-grams", 22500, 43, 0.91672),
    ("BiLSTM, word2vec start", 22500, 43, 0.91364),
    ("BiLSTM, random start", 22500, 43, 0.8828),
)


def standard_error(accuracy: float, n: int) -> float:
    """The standard error of an accuracy measured on n reviews (a binomial proportion)."""
    return math.sqrt(accuracy * (1 - accuracy) / n)


def table(recorded: tuple[Recorded, ...], this_run: dict[str, float] | None = None, n_this_run: int = N_TEST
          ) -> pd.DataFrame:
    """One row per model: mean test accuracy, its seeds' lowest and highest, the number of seeds, the standard error
    of the test set, and where it comes from. ``this_run``: a lesson's own accuracies, scored on ``n_this_run``."""
    rows = []
    for entry in recorded:
        values = entry.accuracies
        rows.append({"model": entry.model, "test accuracy": statistics.mean(values), "seeds": len(values),
                     "lowest seed": min(values), "highest seed": max(values),
                     "standard error": standard_error(statistics.mean(values), N_TEST),
                     "source": f"recorded: {entry.source}"})
    for model, accuracy in (this_run or {}).items():
        rows.append({"model": model, "test accuracy": accuracy, "seeds": 1, "lowest seed": accuracy,
                     "highest seed": accuracy, "standard error": standard_error(accuracy, n_this_run),
                     "source": "this run"})
    return pd.DataFrame(rows).set_index("model")


def learning_curve_runs() -> pd.DataFrame:
    """Lesson 07's recorded learning curve: one row per run (model, labelled, seed, test_accuracy), each trained on
    that many labelled reviews and scored on all 25,000 test reviews."""
    return pd.DataFrame(LEARNING_CURVE, columns=["model", "labelled", "seed", "test_accuracy"])
