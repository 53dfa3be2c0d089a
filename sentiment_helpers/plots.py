"""The figures the notebooks show. Each function returns a matplotlib Figure (it never calls plt.show())."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure


def training_curves(steps: pd.DataFrame, epochs: pd.DataFrame, smooth: int = 20) -> Figure:
    """Loss and accuracy: per step (raw and smoothed) and per epoch, train vs validation."""
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(12, 4))
    if len(steps):
        steps_per_epoch = steps.groupby("epoch").step.max()
        x = steps.step / steps_per_epoch.iloc[0] if len(steps_per_epoch) else steps.step
        for ax, column in ((loss_ax, "loss"), (acc_ax, "accuracy")):
            ax.plot(x, steps[column], alpha=0.25, color="C0", label=f"train {column} per step")
            ax.plot(x, steps[column].rolling(smooth, min_periods=1).mean(), color="C0", label=f"train (mean of {smooth} steps)")
    if len(epochs):
        for ax, column in ((loss_ax, "loss"), (acc_ax, "accuracy")):
            ax.plot(epochs.epoch, epochs[f"train_{column}"], "o-", color="C1", label=f"train {column} per epoch")
            ax.plot(epochs.epoch, epochs[f"val_{column}"], "s-", color="C2", label=f"validation {column}")
    for ax, name in ((loss_ax, "loss (binary cross-entropy)"), (acc_ax, "accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def confusion_matrix(confusion: np.ndarray, labels: tuple[str, str] = ("negative", "positive")) -> Figure:
    """Two heatmaps: counts, and rows normalised to the share of each true class."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    normalised = confusion / confusion.sum(axis=1, keepdims=True).clip(min=1)
    for ax, values, fmt, title in ((axes[0], confusion, "d", "counts"), (axes[1], normalised, ".1%", "share of true class")):
        sns.heatmap(values, annot=True, fmt=fmt, cmap="Blues", cbar=False, ax=ax, xticklabels=labels, yticklabels=labels)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(title)
    fig.tight_layout()
    return fig


def roc_curve(y_true: np.ndarray, p_positive: np.ndarray) -> Figure:
    from sklearn.metrics import roc_auc_score
    from sklearn.metrics import roc_curve as compute_roc

    fpr, tpr, _ = compute_roc(y_true, p_positive)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot(fpr, tpr, label=f"model (AUC {roc_auc_score(y_true, p_positive):.3f})")
    ax.plot([0, 1], [0, 1], "--", color="grey", label="chance")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend()
    return fig


def length_histogram(lengths: pd.Series, labels: pd.Series, max_len: int | None = None) -> Figure:
    """Review lengths (tokens) per class; a line at ``max_len`` shows what truncation cuts."""
    fig, ax = plt.subplots(figsize=(9, 4))
    frame = pd.DataFrame({"tokens": lengths, "class": labels.map({0: "negative", 1: "positive"})})
    sns.histplot(frame, x="tokens", hue="class", bins=80, element="step", ax=ax, binrange=(0, frame.tokens.quantile(0.99)))
    if max_len:
        ax.axvline(max_len, color="black", linestyle="--")
        ax.text(max_len, ax.get_ylim()[1] * 0.9, f" max_len = {max_len}")
    ax.set_xlabel("tokens per review")
    return fig


def probability_bars(p_positive: float) -> Figure:
    """A horizontal bar chart of P(negative) and P(positive), for the prediction demo."""
    fig, ax = plt.subplots(figsize=(6, 1.6))
    values = [1 - p_positive, p_positive]
    bars = ax.barh(["Negative", "Positive"], values, color=["#d9534f", "#5cb85c"])
    for bar, value in zip(bars, values):
        ax.text(min(value + 0.01, 0.9), bar.get_y() + bar.get_height() / 2, f"{value:.1%}", va="center")
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability")
    fig.tight_layout()
    return fig
