"""Two models, one answer: a weighted average of two models' log-odds, the weight chosen on validation.

A BiLSTM and an n-gram model make different mistakes, so their average can beat both. The average is taken of the
log-odds, log(p / (1 - p)), not of the probabilities: a model that is very sure moves the average more than one that
hesitates, and the result stays as sharp as its inputs (an average of probabilities pulls every disagreement towards
0.5). On the validation reviews of the course's benchmark it gave a lower log loss than the average of probabilities
(benchmarks/results/ensemble-variants.md). The weight of the first model is the one with the lowest validation log
loss on a grid from 0 to 1 (log loss uses every review's probability, so it is a smoother guide than accuracy, which
only counts reviews that cross 0.5). Test is scored once, with that weight.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import calibration, compare
from .evaluate import Evaluation, compute_metrics

WEIGHTS = tuple(np.round(np.linspace(0.0, 1.0, 21), 2))  # the first model's weight: 0, 0.05, ..., 1


def logit(p_positive: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)); p is kept 1e-12 away from 0 and 1, so that a certain model gives a large, finite value."""
    p = np.clip(np.asarray(p_positive, dtype=float), 1e-12, 1 - 1e-12)
    return np.log(p) - np.log1p(-p)


def combine(p_first: np.ndarray, p_second: np.ndarray, weight: float) -> np.ndarray:
    """p(positive) of weight * logit(p_first) + (1 - weight) * logit(p_second), review by review."""
    if weight in (0.0, 1.0):  # one model alone, exactly
        return np.asarray(p_first if weight else p_second, dtype=float)
    z = weight * logit(p_first) + (1.0 - weight) * logit(p_second)
    return 1.0 / (1.0 + np.exp(-z))


def log_loss(labels: np.ndarray, p_positive: np.ndarray) -> float:
    """calibration.log_loss of probabilities, each kept 1e-7 away from 0 and 1 (a certain mistake costs about 16)."""
    return calibration.log_loss(labels, logit(np.clip(np.asarray(p_positive, dtype=float), 1e-7, 1 - 1e-7)))


def weight_table(p_first: np.ndarray, p_second: np.ndarray, labels, weights=WEIGHTS,
                 combination=combine) -> pd.DataFrame:
    """Log loss and accuracy of the average for every weight of the first model, on the reviews given.
    ``combination(p_first, p_second, weight)`` is the average (``combine``; benchmarks compare others)."""
    labels = np.asarray(labels, dtype=float)
    rows = []
    for weight in weights:
        p = combination(p_first, p_second, weight)
        rows.append({"weight": float(weight), "log loss": log_loss(labels, p),
                     "accuracy": float(((p >= 0.5) == labels).mean())})
    return pd.DataFrame(rows)


def best_weight(table: pd.DataFrame) -> float:
    """The weight of a weight_table with the lowest log loss."""
    return float(table.loc[table["log loss"].idxmin(), "weight"])


@dataclass
class EnsembleReport:
    names: tuple[str, str]
    weight: float  # of the first model, chosen on validation
    validation: pd.DataFrame  # weight_table on validation
    test: dict[str, Evaluation]  # each model alone and the ensemble, on test
    mcnemar: dict[str, compare.McNemarResult]  # the ensemble against each model alone, on test

    @property
    def ensemble_name(self) -> str:
        return f"ensemble ({self.weight:.2f} x {self.names[0]} + {1 - self.weight:.2f} x {self.names[1]})"

    def table(self) -> pd.DataFrame:
        """Test accuracy, ROC AUC and calibration error of each model alone and of the ensemble."""
        rows = {}
        for name, evaluation in self.test.items():
            rows[name] = {"test accuracy": evaluation.metrics["accuracy"], "ROC AUC": evaluation.metrics["roc_auc"],
                          "ECE": calibration.expected_calibration_error(evaluation.y_true, evaluation.p_positive)}
            if name in self.mcnemar:
                rows[name]["McNemar p (ensemble vs this)"] = self.mcnemar[name].p_value
        return pd.DataFrame(rows).T


def evaluate_ensemble(names: tuple[str, str], validation: tuple[np.ndarray, np.ndarray], validation_labels,
                      test: tuple[np.ndarray, np.ndarray], test_labels) -> EnsembleReport:
    """Choose the weight on validation, then score both models and their average once on test."""
    table = weight_table(*validation, validation_labels)
    weight = best_weight(table)
    evaluations = {names[0]: compute_metrics(test_labels, test[0]), names[1]: compute_metrics(test_labels, test[1])}
    report = EnsembleReport(names, weight, table, evaluations, {})
    combined = compute_metrics(test_labels, combine(*test, weight))
    report.test[report.ensemble_name] = combined
    report.mcnemar = {name: compare.mcnemar(combined.y_true, combined.y_pred, evaluations[name].y_pred)
                      for name in names}
    return report

