"""The figures of the lessons' data, training runs and evaluations: review lengths, training curves, confusion
matrices, ROC and reliability, accuracy tables, behavioural-test failure rates. Each function returns a matplotlib
Figure (it never calls plt.show()). The drawings that explain how a method works are in ``diagrams``."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure


def length_histogram(lengths: pd.Series, labels: pd.Series, max_len: int | None = None) -> Figure:
    """Review lengths (tokens) per class; a line at ``max_len`` shows what truncation cuts."""
    fig, ax = plt.subplots(figsize=(9, 4))
    frame = pd.DataFrame({"tokens": lengths, "class": labels.map({0: "negative", 1: "positive"})})
    sns.histplot(frame, x="tokens", hue="class", bins=80, element="step", ax=ax,
                 binrange=(0, frame.tokens.quantile(0.99)))
    if max_len:
        ax.axvline(max_len, color="black", linestyle="--")
        ax.text(max_len, ax.get_ylim()[1] * 0.9, f" max_len = {max_len}")
    ax.set_xlabel("tokens per review")
    return fig


def training_curves(steps: pd.DataFrame, epochs: pd.DataFrame, smooth: int = 20) -> Figure:
    """Loss and accuracy: per step (raw and smoothed) and per epoch, train vs validation."""
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(12, 4))
    if len(steps):
        steps_per_epoch = steps.groupby("epoch").step.max()
        x = steps.step / steps_per_epoch.iloc[0] if len(steps_per_epoch) else steps.step
        for ax, column in ((loss_ax, "loss"), (acc_ax, "accuracy")):
            ax.plot(x, steps[column], alpha=0.25, color="C0", label=f"train {column} per step")
            ax.plot(x, steps[column].rolling(smooth, min_periods=1).mean(), color="C0",
                    label=f"train (mean of {smooth} steps)")
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


def learning_rate(steps: pd.DataFrame) -> Figure:
    """The learning rate at every optimizer step (the history records it)."""
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(steps.step, steps.lr)
    ax.set(xlabel="optimizer step", ylabel="learning rate", title="learning-rate schedule")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def loss_curves(runs: dict[str, pd.DataFrame], smooth: int = 20) -> Figure:
    """Training loss per step of several runs (smoothed), for comparing how fast each start learns."""
    fig, ax = plt.subplots(figsize=(8, 4))
    for name, steps in runs.items():
        ax.plot(steps.step, steps.loss.rolling(smooth, min_periods=1).mean(), label=name)
    ax.set_xlabel("training step (batch)")
    ax.set_ylabel(f"training loss (mean of {smooth} steps)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def confusion_matrix(confusion: np.ndarray, labels: tuple[str, str] = ("negative", "positive")) -> Figure:
    """Two heatmaps: counts, and rows normalised to the share of each true class."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    normalised = confusion / confusion.sum(axis=1, keepdims=True).clip(min=1)
    for ax, values, fmt, title in ((axes[0], confusion, "d", "counts"),
                                   (axes[1], normalised, ".1%", "share of true class")):
        sns.heatmap(values, annot=True, fmt=fmt, cmap="Blues", cbar=False, ax=ax, xticklabels=labels,
                    yticklabels=labels)
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


def reliability_diagram(models: dict[str, tuple], n_bins: int = 10) -> Figure:
    """Accuracy against top-label confidence, one line per model (``{name: (y_true, p_positive)}``), with the
    diagonal a calibrated model would follow and, below, how many reviews fall in each confidence bin."""
    from .calibration import expected_calibration_error, reliability_table

    fig, (curve_ax, count_ax) = plt.subplots(2, 1, figsize=(6, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    curve_ax.plot([0.5, 1], [0.5, 1], ls="--", color="grey", label="calibrated")
    width = 0.5 / n_bins / (len(models) + 1)
    for i, (name, (y_true, p_positive)) in enumerate(models.items()):
        table = reliability_table(y_true, p_positive, n_bins)
        ece = expected_calibration_error(y_true, p_positive, n_bins)
        curve_ax.plot(table.confidence, table.accuracy, "o-", label=f"{name} (ECE {ece:.3f})")
        count_ax.bar(table.index.left + (i + 0.5) * width, table.reviews, width=width, label=name)
    curve_ax.set(ylabel="accuracy in the bin", title="Reliability: of the reviews predicted with this confidence, "
                 "how many were right?")
    curve_ax.title.set_fontsize(9)
    count_ax.set(xlabel="confidence of the predicted label, max(p, 1 - p)", ylabel="reviews", yscale="log")
    for ax in (curve_ax, count_ax):
        ax.grid(alpha=0.3)
    curve_ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def probability_bars(p_positive: float) -> Figure:
    """A horizontal bar chart of P(negative) and P(positive), for the prediction demo."""
    fig, ax = plt.subplots(figsize=(6, 1.6))
    values = [1 - p_positive, p_positive]
    bars = ax.barh(["Negative", "Positive"], values, color=["#d9534f", "#5cb85c"])
    for bar, value in zip(bars, values, strict=True):
        ax.text(min(value + 0.01, 0.9), bar.get_y() + bar.get_height() / 2, f"{value:.1%}", va="center")
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability")
    fig.tight_layout()
    return fig


def accuracy_bars(table: pd.DataFrame, title: str = "") -> Figure:
    """Test accuracy of several models (rows) at several scales (columns), as grouped horizontal bars, each bar
    labelled with its value; a missing value (NaN) is marked "not measured" rather than drawn as zero."""
    models, scales = list(table.index), list(table.columns)
    height = 0.8 / len(scales)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(models) * len(scales) + 1.6))
    measured = table.stack().dropna()
    low = max(0.0, min(0.5, float(measured.min()) - 0.05)) if len(measured) else 0.5  # every bar starts inside
    for j, scale in enumerate(scales):
        y = np.arange(len(models)) + (j - (len(scales) - 1) / 2) * height
        values = table[scale].to_numpy(dtype=float)
        ax.barh(y, np.nan_to_num(values - low), left=low, height=height * 0.9, color=f"C{j}", label=scale)
        for yi, value in zip(y, values, strict=True):
            text = "not measured" if np.isnan(value) else f"{value:.1%}"
            ax.text((low if np.isnan(value) else value) + 0.002, yi, text, va="center", fontsize=8)
    ax.set_yticks(np.arange(len(models)), models)
    ax.invert_yaxis()
    ax.set_xlim(low, 1.0 if not len(measured) else min(1.0, float(measured.max()) + 0.04))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.set_xlabel("test accuracy")
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(scales), fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def learning_curve(runs: pd.DataFrame, live: pd.DataFrame | None = None, title: str = "") -> Figure:
    """Test accuracy against the number of labelled training reviews (log scale), one line per model.

    ``runs``: recorded runs, one row each (columns model, labelled, test_accuracy): the line joins their means, and a
    count with two or more seeds gets an error bar of one standard deviation. ``live``: a lesson's own runs (index:
    labelled reviews, columns: models, one seed each), drawn as open diamonds in the same colours."""
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    models = list(dict.fromkeys(runs["model"]))
    for i, model in enumerate(models):
        stats = runs[runs["model"] == model].groupby("labelled")["test_accuracy"].agg(["mean", "std", "size"])
        ax.errorbar(stats.index, stats["mean"], yerr=stats["std"].where(stats["size"] > 1), fmt="o-",
                    color=f"C{i}", capsize=3, label=f"{model} (recorded)")
        if live is not None and model in live:
            points = live[model].dropna()
            ax.plot(points.index, points.to_numpy(), "D", mfc="none", mew=1.5, ms=8, color=f"C{i}")
    if live is not None:
        ax.plot([], [], "D", mfc="none", color="grey", label="this lesson's run (one seed, fewer test reviews)")
    counts = sorted(set(runs["labelled"]) | set(live.index if live is not None else []))
    ax.set_xscale("log")
    ax.set_xticks(counts, [f"{n:,}" for n in counts])
    ax.minorticks_off()
    ax.yaxis.set_major_locator(plt.MultipleLocator(0.05))  # whole 5-point steps: every tick label exact
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _: f"{y:.0%}"))
    ax.set(xlabel="labelled training reviews", ylabel="test accuracy", title=title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def scoreboard(table: pd.DataFrame, title: str = "Every model, one axis: test accuracy") -> Figure:
    """``scoreboard.table`` drawn: a dot per model at its mean test accuracy, a thick bar over its seeds' range, a
    thin bar of two standard errors of the test set either way; the lesson's own runs ("this run") as open dots."""
    table = table.sort_values("test accuracy")
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * len(table) + 1.4))
    for y, (_, row) in enumerate(table.iterrows()):
        recorded = row["source"] != "this run"
        colour = "C0" if recorded else "C1"
        ax.errorbar(row["test accuracy"], y, xerr=2 * row["standard error"], fmt="none", ecolor=colour, capsize=3)
        ax.plot([row["lowest seed"], row["highest seed"]], [y, y], lw=6, color=colour, alpha=0.35)
        ax.plot(row["test accuracy"], y, "o", ms=7, color=colour, mfc=colour if recorded else "white", mew=1.5)
        seeds = f", {row['seeds']} seeds" if row["seeds"] > 1 else ""
        ax.text(row["test accuracy"] + 2 * row["standard error"] + 0.001, y, f"{row['test accuracy']:.2%}{seeds}",
                va="center", fontsize=8)
    ax.set_yticks(range(len(table)), table.index)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    low, high = table["lowest seed"].min(), table["highest seed"].max()
    ax.set_xlim(low - 0.01, high + 0.02)
    this_run = "; open: this run" if (table["source"] == "this run").any() else ""
    ax.set(xlabel=f"test accuracy (filled: recorded on all 25,000 test reviews{this_run})", title=title)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def behaviour_heatmap(table: pd.DataFrame, title: str = "Behavioural tests: failure rate") -> Figure:
    """Failure rates of behavioural tests (rows; a (capability, test) index reads "capability: test") for several
    models (columns), each cell labelled in %; green is 0 (never fails), red is 1 (always fails); NaN is "n/a"."""
    values = table.to_numpy(dtype=float)
    rows = [": ".join(map(str, row)) if isinstance(row, tuple) else str(row) for row in table.index]
    fig, ax = plt.subplots(figsize=(2.2 + 1.3 * len(table.columns), 0.9 + 0.38 * len(rows)))
    image = ax.imshow(values, cmap="RdYlGn_r", vmin=0, vmax=1, aspect="auto")
    for (i, j), value in np.ndenumerate(values):
        text = "n/a" if np.isnan(value) else f"{value:.0%}"
        dark = value < 0.2 or value > 0.8  # the dark green and dark red ends of the map (NaN is neither)
        ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    ax.set_xticks(range(len(table.columns)), [str(c) for c in table.columns], rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    fig.colorbar(image, ax=ax, label="failure rate", format=plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
