"""How far to trust a probability: calibration error, reliability curves and temperature scaling.

A classifier is *calibrated* when, of the reviews it calls positive with 80% confidence, about 80% are positive.
Networks trained to minimise cross-entropy are often over-confident (whether one is, is measured). Temperature scaling
divides every logit by one number T > 0, fitted on validation reviews (never test) to minimise the log loss: T > 1
softens the probabilities. It never changes which side of 0.5 a review falls on, so accuracy and ROC AUC stay the same.

Confidence here is *top-label* confidence, max(p, 1 - p): the probability of the label the model chose.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from .errors import DataError
from .evaluate import sigmoid


def _confidence(p_positive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p_positive = np.asarray(p_positive, dtype=float)
    return np.maximum(p_positive, 1 - p_positive), (p_positive >= 0.5).astype(int)


def reliability_table(y_true, p_positive, n_bins: int = 10) -> pd.DataFrame:
    """Reviews grouped by top-label confidence (equal-width bins over [0.5, 1]); per bin: how many, mean
    confidence, accuracy. Empty bins are left out."""
    y_true = np.asarray(y_true).astype(int)
    confidence, predicted = _confidence(p_positive)
    edges = np.linspace(0.5, 1.0, n_bins + 1)
    bins = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, n_bins - 1)
    frame = pd.DataFrame({"bin": bins, "confidence": confidence, "correct": predicted == y_true})
    table = frame.groupby("bin").agg(reviews=("correct", "size"), confidence=("confidence", "mean"),
                                     accuracy=("correct", "mean"))
    table.index = pd.IntervalIndex.from_arrays(edges[table.index], edges[table.index + 1], name="confidence bin")
    return table


def expected_calibration_error(y_true, p_positive, n_bins: int = 10) -> float:
    """ECE: the gap |accuracy - confidence| of each confidence bin, weighted by the share of reviews in it."""
    table = reliability_table(y_true, p_positive, n_bins)
    return float((table.reviews * (table.accuracy - table.confidence).abs()).sum() / table.reviews.sum())


def log_loss(labels, logits, temperature: float = 1.0) -> float:
    """Mean binary cross-entropy of sigmoid(logits / T), computed stably from the logits."""
    z = np.asarray(logits, dtype=float) / temperature
    y = np.asarray(labels, dtype=float)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


@dataclass
class TemperatureFit:
    temperature: float
    log_loss_before: float  # on the reviews it was fitted on (validation)
    log_loss_after: float


def fit_temperature(logits, labels) -> TemperatureFit:
    """The T > 0 that minimises the log loss of sigmoid(logits / T) on these (validation) reviews.

    One parameter, a convex problem in 1/T: a bounded scalar search over log T finds it."""
    logits, labels = np.asarray(logits, dtype=float), np.asarray(labels, dtype=float)
    if len(logits) == 0 or len(set(labels.tolist())) < 2:
        raise DataError("fitting a temperature needs reviews of both classes")
    search = minimize_scalar(lambda log_t: log_loss(labels, logits, float(np.exp(log_t))), bounds=(-4.0, 4.0),
                             method="bounded", options={"xatol": 1e-6})
    temperature = float(np.exp(search.x))
    return TemperatureFit(temperature, log_loss(labels, logits), log_loss(labels, logits, temperature))


def scale(logits, temperature: float) -> np.ndarray:
    """Calibrated p(positive) = sigmoid(logit / T)."""
    return sigmoid(np.asarray(logits, dtype=float) / temperature)
