"""The figures the notebooks show. Each function returns a matplotlib Figure (it never calls plt.show())."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties


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


def learning_rate(steps: pd.DataFrame) -> Figure:
    """The learning rate at every optimizer step (the history records it)."""
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(steps.step, steps.lr)
    ax.set(xlabel="optimizer step", ylabel="learning rate", title="learning-rate schedule")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def gradient_reach(distances: np.ndarray, norms: dict[str, np.ndarray]) -> Figure:
    """How strongly the loss at the end of a sequence reaches back to each earlier input (log scale)."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for name, values in norms.items():
        ax.plot(distances, values, label=name)
    ax.set(xlabel="steps before the end of the sequence", ylabel="gradient norm at that input", yscale="log",
           title="How far back does the gradient reach?")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def lstm_cell_diagram() -> Figure:
    """One LSTM step: the cell state runs along the top, changed only by the forget gate (x) and the gated
    candidate (+); the hidden state is the output gate times tanh of the new cell state."""
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.set(xlim=(0, 10), ylim=(0, 5.2))
    ax.axis("off")
    box = dict(boxstyle="round,pad=0.35", fc="#f3f6fa", ec="#4a6fa5")
    gate = dict(boxstyle="round,pad=0.3", fc="#fde9c9", ec="#c98a1b")
    op = dict(boxstyle="circle,pad=0.2", fc="white", ec="black")
    arrow = dict(arrowstyle="->", color="black", lw=1.2)
    # the cell-state highway along the top
    ax.annotate("", xy=(9.6, 4.4), xytext=(0.4, 4.4), arrowprops=dict(arrowstyle="->", lw=2.5, color="#4a6fa5"))
    ax.text(0.3, 4.7, r"$c_{t-1}$", fontsize=13)
    ax.text(9.3, 4.7, r"$c_t$", fontsize=13)
    ax.text(3.0, 4.4, r"$\times$", fontsize=13, ha="center", va="center", bbox=op)
    ax.text(5.2, 4.4, r"$+$", fontsize=13, ha="center", va="center", bbox=op)
    # the inputs along the bottom
    ax.annotate("", xy=(7.2, 0.7), xytext=(0.4, 0.7), arrowprops=dict(arrowstyle="-", lw=1.5))
    ax.text(0.3, 0.25, r"$h_{t-1}$,  $x_t$", fontsize=13)
    gates = [(3.0, r"$f_t = \sigma(\cdot)$" + "\nforget", gate, 4.4),
             (4.5, r"$i_t = \sigma(\cdot)$" + "\ninput", gate, 3.2),
             (5.9, r"$\tilde c_t = \tanh(\cdot)$" + "\ncandidate", box, 3.2),
             (7.2, r"$o_t = \sigma(\cdot)$" + "\noutput", gate, 3.2)]
    for x, label, style, _target in gates:
        ax.text(x, 1.9, label, fontsize=10, ha="center", va="center", bbox=style)
        ax.annotate("", xy=(x, 1.45), xytext=(x, 0.7), arrowprops=arrow)
    ax.annotate("", xy=(3.0, 4.15), xytext=(3.0, 2.35), arrowprops=arrow)  # f_t into the x on the highway
    ax.text(5.2, 3.2, r"$\times$", fontsize=13, ha="center", va="center", bbox=op)  # i_t * candidate
    ax.annotate("", xy=(4.95, 3.2), xytext=(4.5, 2.35), arrowprops=arrow)
    ax.annotate("", xy=(5.45, 3.2), xytext=(5.9, 2.35), arrowprops=arrow)
    ax.annotate("", xy=(5.2, 4.15), xytext=(5.2, 3.45), arrowprops=arrow)
    ax.text(8.4, 3.3, r"$\tanh$", fontsize=11, ha="center", va="center", bbox=box)  # tanh(c_t)
    ax.annotate("", xy=(8.4, 3.6), xytext=(8.4, 4.4), arrowprops=arrow)
    ax.text(8.4, 2.2, r"$\times$", fontsize=13, ha="center", va="center", bbox=op)
    ax.annotate("", xy=(8.4, 2.45), xytext=(8.4, 3.0), arrowprops=arrow)
    ax.annotate("", xy=(8.15, 2.2), xytext=(7.6, 2.1), arrowprops=arrow)
    ax.annotate("", xy=(9.6, 1.2), xytext=(8.4, 1.95), arrowprops=arrow)
    ax.text(9.1, 0.8, r"$h_t$", fontsize=13)
    ax.text(0.4, 3.4, "cell state: long-term memory,\nchanged only by $\\times$ and $+$", fontsize=9, color="#4a6fa5")
    fig.tight_layout()
    return fig


def context_window(words: list[str], center: int, window: int = 2) -> Figure:
    """word2vec's task (CBOW) on one sentence: predict the middle word from the words around it."""
    fig, ax = plt.subplots(figsize=(min(1.3 * len(words) + 1, 14), 2.2))
    for i, word in enumerate(words):
        in_context = 0 < abs(i - center) <= window
        color = "#f4a261" if i == center else ("#8ecae6" if in_context else "#eeeeee")
        ax.text(i, 0, word if i != center else "?", ha="center", va="center", fontsize=12,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": color, "edgecolor": "grey"})
        if in_context:
            ax.annotate("", xy=(center, -0.45), xytext=(i, -0.25),
                        arrowprops={"arrowstyle": "->", "color": "#219ebc", "connectionstyle": "arc3,rad=0.3"})
    ax.text(center, 0.55, f"predict: {words[center]!r}", ha="center", fontsize=10, color="#e76f51")
    ax.text(-0.6, -0.9, f"context: {window} words on each side (blue). Words that appear in the same contexts end up "
            "with similar vectors.", fontsize=9, color="#444444")
    ax.set_xlim(-0.8, len(words) - 0.2)
    ax.set_ylim(-1.1, 0.9)
    ax.axis("off")
    fig.tight_layout()
    return fig


def word_map(vectors, groups: dict[str, list[str]]) -> Figure:
    """The vectors of a few word groups projected on their two main directions (PCA), each group in its colour."""
    words = [w for ws in groups.values() for w in ws if w in vectors]
    matrix = np.stack([vectors[w].numpy() for w in words])
    centred = matrix - matrix.mean(axis=0)
    _, _, directions = np.linalg.svd(centred, full_matrices=False)
    points = centred @ directions[:2].T  # [n_words, 2]
    fig, ax = plt.subplots(figsize=(7, 5.5))
    for i, (name, group) in enumerate(groups.items()):
        rows = [words.index(w) for w in group if w in vectors]
        ax.scatter(points[rows, 0], points[rows, 1], color=f"C{i}", label=name)
        for r in rows:
            ax.annotate(words[r], points[r], fontsize=9, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("first principal direction")
    ax.set_ylabel("second principal direction")
    ax.legend()
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


def accuracy_bars(table: pd.DataFrame, title: str = "") -> Figure:
    """Test accuracy of several models (rows) at several scales (columns), as grouped horizontal bars, each bar
    labelled with its value; a missing value (NaN) is marked "not measured" rather than drawn as zero."""
    models, scales = list(table.index), list(table.columns)
    height = 0.8 / len(scales)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(models) * len(scales) + 1.6))
    measured = table.stack().dropna()
    low = max(0.5, float(measured.min()) - 0.05) if len(measured) else 0.5
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


def learning_curve(table: pd.DataFrame, title: str = "") -> Figure:
    """Test accuracy (columns: models) against the number of labelled training reviews (index), log scale."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, model in enumerate(table.columns):
        points = table[model].dropna()
        ax.plot(points.index, points.to_numpy(), "o-", color=f"C{i}", label=model)
    ax.set_xscale("log")
    ax.set_xticks(list(table.index), [f"{n:,}" for n in table.index])
    ax.minorticks_off()
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _: f"{y:.0%}"))
    ax.set_xlabel("labelled training reviews")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def perplexity_curves(histories: dict[str, list[dict]]) -> Figure:
    """Validation perplexity of language models after each epoch (lower: better next-word guesses)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, epochs in histories.items():
        ax.plot([e["epoch"] for e in epochs], [e["val_perplexity"] for e in epochs], "o-", label=f"{name} LM")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation perplexity")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def shaded_words(words: list[str], colours: list[tuple], title: str = "", legend: dict[str, tuple] | None = None,
                 max_lines: int = 12, width: float = 10.0, fontsize: float = 11.0) -> Figure:
    """Words laid out left to right and wrapped into lines, each on a background of its own colour (``colours``,
    one RGBA per word, as ``explain.shade`` gives them), under a title and a one-line legend (``{label: colour}``).
    Only the first ``max_lines`` lines are drawn; the title then says how many words are shown."""
    from matplotlib.patches import FancyBboxPatch, Patch
    from matplotlib.textpath import text_to_path

    font = FontProperties(size=fontsize)
    pad, gap, line_height = 2.0, 0.3 * fontsize, 1.9 * fontsize  # in points, as CSS line-height 1.9
    right = width * 72 - 2 * pad
    placed, x, line = [], pad, 0  # (word, colour, x, line, word width)
    for word, colour in zip(words, colours, strict=True):
        word_width = text_to_path.get_text_width_height_descent(word, font, ismath=False)[0]
        if x > pad and x + word_width > right:
            x, line = pad, line + 1
        if line == max_lines:
            break
        placed.append((word, colour, x, line, word_width))
        x += word_width + 2 * pad + gap
    if len(placed) < len(words):
        title += f" (first {len(placed)} of {len(words)} words)"
    header = 3.2 * fontsize if legend else 1.8 * fontsize  # the title's line, and the legend's below it
    lines = placed[-1][3] + 1 if placed else 0
    height = header + lines * line_height + pad
    fig = plt.figure(figsize=(width, height / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, width * 72), ylim=(height, 0))  # data units are points, y down like text
    ax.axis("off")
    ax.text(pad, 0.9 * fontsize, title, fontsize=fontsize, weight="bold", va="center", parse_math=False)
    if legend:
        handles = [Patch(facecolor=colour, edgecolor="none", label=label) for label, colour in legend.items()]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1.5 * fontsize), bbox_transform=ax.transData,
                  ncol=len(handles), frameon=False, fontsize=0.8 * fontsize, borderaxespad=0, handlelength=1.5)
    for word, colour, x, line, word_width in placed:
        middle = header + (line + 0.5) * line_height
        ax.add_patch(FancyBboxPatch((x, middle - 0.65 * fontsize), word_width + 2 * pad, 1.3 * fontsize,
                                    boxstyle="round,pad=0,rounding_size=3", facecolor=colour, edgecolor="none"))
        ax.text(x + pad, middle, word, fontsize=fontsize, va="center_baseline", parse_math=False)
    return fig
