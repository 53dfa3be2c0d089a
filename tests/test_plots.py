"""The lessons' figures draw what they are given."""
import pandas as pd
from matplotlib.colors import to_hex

from sentiment_helpers import diagrams, plots


def test_accuracy_bars_start_below_the_lowest_value():
    """A value under 50% (a model near chance) gets a bar too, not a label floating beside the axis."""
    table = pd.DataFrame({"original": {"A": 0.92, "B": 0.90}, "revised": {"A": 0.475, "B": 0.72}})
    low, high = plots.accuracy_bars(table).axes[0].get_xlim()
    assert low < 0.475 < 0.92 < high
    low, _ = plots.accuracy_bars(table.clip(lower=0.8)).axes[0].get_xlim()
    assert low == 0.5  # well-separated accuracies keep the usual 50% floor


def read_states(ax) -> int:
    """The state boxes the diagram fills in colour: those the classifier reads."""
    filled = {"#1f77b4", "#ff7f0e"}
    return sum(t.get_bbox_patch() is not None and to_hex(t.get_bbox_patch().get_facecolor()) in filled
               for t in ax.texts)


def test_the_unrolled_bilstm_fills_the_states_each_pooling_reads():
    """Final states: the forward one at the last word and the backward one at the first; max+mean: every word's two
    states, and none at a pad."""
    last, maxmean = diagrams.bilstm_unrolled(["not", "bad", "at", "all", "<pad>", "<pad>"]).axes
    assert read_states(last) == 2
    assert read_states(maxmean) == 2 * 4
