"""The figures that explain how a method works or what a model read: the LSTM cell, how far its gradient reaches,
a bidirectional LSTM unrolled over a short review (and the states its classifier reads), word2vec's context window,
a map of word vectors, a review's words shaded by their attribution, and the running logit of a review read word by
word. Each function returns a matplotlib Figure (it never calls plt.show()). The figures of runs and evaluations are
in ``plots``."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties


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


def running_logit(frames: dict, highlight: dict | None = None, columns: int | None = None) -> Figure:
    """One panel per review (``readout.running_logits`` frames, by title): after each word, the logit of the review up
    to there (black), and its forward (blue) and backward (orange) parts; above 0 the model would say positive.
    ``highlight``: per title, the word positions to mark (e.g. the words an edit changed). ``columns``: panels per
    row (default: all in one row)."""
    columns = columns or len(frames)
    rows = -(-len(frames) // columns)
    width = 6.5 if columns < 3 else 4.2
    fig, axes = plt.subplots(rows, columns, figsize=(width * columns, 3.6 * rows), sharey=True, squeeze=False)
    for ax in axes.flat[len(frames):]:
        ax.set_visible(False)
    for ax, (title, frame) in zip(axes.flat, frames.items(), strict=False):  # spare panels hidden above
        steps = np.arange(1, len(frame) + 1)
        ax.axhline(0, color="grey", lw=0.8)
        ax.plot(steps, frame["forward"], color="#1f77b4", lw=1, label="forward part")
        ax.plot(steps, frame["backward"], color="#ff7f0e", lw=1, label="backward part")
        ax.plot(steps, frame["logit"], color="black", lw=2, label="logit (+ bias)")
        for position in (highlight or {}).get(title, []):
            ax.axvline(position + 1, color="#2ca02c", lw=1, alpha=0.6)
        every = max(1, len(frame) // 25)
        ax.set_xticks(steps[::every], frame["word"][::every], rotation=90, fontsize=8)
        ax.set(title=title, xlabel="after this word")
    for row in axes:
        row[0].set_ylabel("logit of the review so far")
    axes[0][0].legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def bilstm_unrolled(words: list[str]) -> Figure:
    """One bidirectional layer unrolled over a short review padded with "<pad>", drawn twice: the states the classifier
    reads with pooling="last" (forward at the last word, backward at the first) and with "maxmean" (every word's
    states). The backward LSTM reads the words reversed within the review's length, so both directions reach the pads
    only after the last word: those states (grey) are computed and never read."""
    fig, axes = plt.subplots(2, 1, figsize=(9, 7))
    titles = {"last": 'pooling="last" (the reference design): two states, [B, 2H]',
              "maxmean": 'pooling="maxmean" (the cpu and full profiles): max and mean over the words, [B, 4H]'}
    for ax, (pooling, title) in zip(axes, titles.items(), strict=True):
        _bilstm_panel(ax, words, pooling)
        ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig


def _bilstm_panel(ax, words: list[str], pooling: str) -> None:
    length, rows = sum(w != "<pad>" for w in words), {"forward": 1.3, "backward": 2.5}
    colours, grey = {"forward": "#1f77b4", "backward": "#ff7f0e"}, "#aaaaaa"
    ax.set(xlim=(-1.6, len(words) - 0.4), ylim=(-0.4, 4.3))
    ax.axis("off")
    read = {("forward", length - 1), ("backward", 0)} if pooling == "last" else {
        (d, t) for d in rows for t in range(length)}
    for name, y in rows.items():
        ax.text(-1.5, y, f"{name}\nLSTM", fontsize=10, va="center", color=colours[name])
    for t, word in enumerate(words):
        real = t < length
        ax.text(t, 0, word, ha="center", va="center", fontsize=11, color="black" if real else grey)
        for name, y in rows.items():
            colour = colours[name] if real else grey
            ax.annotate("", xy=(t + (0.12 if name == "backward" else -0.12), y - 0.3), xytext=(t, 0.25),
                        arrowprops=dict(arrowstyle="->", color=grey, lw=0.8), zorder=1)
            accent = r"\overrightarrow" if name == "forward" else r"\overleftarrow"
            is_read = (name, t) in read
            ax.text(t, y, rf"${accent}{{h}}_{t + 1}$", ha="center", va="center", fontsize=12, zorder=3,
                    bbox=dict(boxstyle="round,pad=0.35", fc=colour if is_read else ("white" if real else "#eeeeee"),
                              ec=colour, lw=2.5 if is_read else 1))
            if is_read:
                ax.annotate("", xy=((len(words) - 1) / 2, 3.55), xytext=(t, y + 0.3), zorder=2,
                            arrowprops=dict(arrowstyle="->", color=colour, lw=1.2, alpha=0.7))
        if t + 1 < len(words):  # the forward LSTM goes on over the pads; nothing reads those states
            ax.annotate("", xy=(t + 0.65, rows["forward"]), xytext=(t + 0.35, rows["forward"]),
                        arrowprops=dict(arrowstyle="->", lw=1.5, color=colours["forward"] if t + 1 < length else grey))
        if t + 1 < length:  # the backward LSTM reads the words right to left...
            ax.annotate("", xy=(t + 0.35, rows["backward"]), xytext=(t + 0.65, rows["backward"]),
                        arrowprops=dict(arrowstyle="->", lw=1.5, color=colours["backward"]))
        elif t > length:  # ...then, after the first word, the pads: reversing within the length leaves them at the end
            ax.annotate("", xy=(t - 0.35, rows["backward"]), xytext=(t - 0.65, rows["backward"]),
                        arrowprops=dict(arrowstyle="->", lw=1, color=grey, linestyle="--"))
    pads = len(words) - length
    if pads:
        ax.text(length + (pads - 1) / 2, rows["backward"] + 0.5, "grey: run over the pads,\nnever read",
                ha="center", va="bottom", fontsize=8, color="grey")
    what = (rf"$[\overrightarrow{{h}}_{length};\ \overleftarrow{{h}}_1]$" if pooling == "last"
            else rf"max and mean over $t \leq {length}$ of $[\overrightarrow{{h}}_t;\ \overleftarrow{{h}}_t]$")
    ax.text((len(words) - 1) / 2, 3.85, what + r"  $\rightarrow$ dropout, linear $\rightarrow$ logit", ha="center",
            va="center", fontsize=11, bbox=dict(boxstyle="round,pad=0.35", fc="#f3f6fa", ec="#4a6fa5"))
