"""The lessons' figures draw what they are given."""
import pandas as pd

from sentiment_helpers import plots


def test_accuracy_bars_start_below_the_lowest_value():
    """A value under 50% (a model near chance) gets a bar too, not a label floating beside the axis."""
    table = pd.DataFrame({"original": {"A": 0.92, "B": 0.90}, "revised": {"A": 0.475, "B": 0.72}})
    low, high = plots.accuracy_bars(table).axes[0].get_xlim()
    assert low < 0.475 < 0.92 < high
    low, _ = plots.accuracy_bars(table.clip(lower=0.8)).axes[0].get_xlim()
    assert low == 0.5  # well-separated accuracies keep the usual 50% floor
