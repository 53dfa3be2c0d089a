"""The scoreboard and the learning curve of lessons 05 and 07: their recorded figures are those of the results files,
and their tables and figures say what they claim."""
import json
import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from sentiment_helpers import plots, profiles, quick_try, scoreboard

RESULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "results"


def recorded_accuracies(source: str, model: str) -> list[float]:
    """The test accuracies a results file holds for the scoreboard's model (its runs on the full data)."""
    rows = json.loads((RESULTS / f"{source}.json").read_text())["rows"]
    if source.startswith("seeds-"):
        return [r["test_accuracy"] for r in rows if not r.get("repeat")]
    if source == "ensemble-cpu":
        key = "ensemble_test" if "ensemble" in model or "+" in model else "ngrams_test"
        return sorted({r[key] for r in rows}) if key == "ngrams_test" else [r[key] for r in rows]
    if source == "learning-curve-cpu":
        name = "BiLSTM, random start" if "random" in model else "BiLSTM, word2vec start"
        return [r["test_accuracy"] for r in rows if r["model"] == name and r["labelled"] == 22_500]
    profile = "tfidf" if model.startswith("TF-IDF") else "cpu-pretrained"
    return [r["test_accuracy"] for r in rows if r["profile"] == profile]


@pytest.mark.parametrize("entry", scoreboard.LESSON_07, ids=lambda e: e.model)
def test_every_recorded_entry_is_its_results_file(entry):
    assert list(entry.accuracies) == recorded_accuracies(entry.source, entry.model)
    assert (RESULTS / f"{entry.source}.md").is_file()


def test_the_learning_curve_is_the_results_file():
    rows = json.loads((RESULTS / "learning-curve-cpu.json").read_text())["rows"]
    runs = scoreboard.learning_curve_runs()
    assert sorted(map(tuple, runs[["model", "labelled", "seed", "test_accuracy"]].to_numpy().tolist())) == sorted(
        (r["model"], r["labelled"], r["seed"], r["test_accuracy"]) for r in rows)
    assert runs.labelled.nunique() >= 5 and runs.labelled.min() == 250 and runs.labelled.max() == 22_500
    assert runs.groupby(["model", "labelled"]).seed.nunique().min() >= 2  # every point has an error bar


def test_the_table_has_the_standard_error_of_the_test_set():
    table = scoreboard.table(scoreboard.LESSON_05, {"mine (this run)": 0.9}, n_this_run=2_500)
    assert table.loc["mine (this run)", "standard error"] == pytest.approx(math.sqrt(0.9 * 0.1 / 2_500))
    cpu = table.loc["BiLSTM, cpu profile (04)"]
    assert cpu["seeds"] == 3 and cpu["lowest seed"] <= cpu["test accuracy"] <= cpu["highest seed"]
    assert set(table.source) == {"this run"} | {f"recorded: {e.source}" for e in scoreboard.LESSON_05}


def test_the_figures_draw_every_model_and_count():
    assert "open" not in plots.scoreboard(scoreboard.table(scoreboard.LESSON_07)).axes[0].get_xlabel()
    table = scoreboard.table(scoreboard.LESSON_07, {"mine (this run)": 0.9})
    figure = plots.scoreboard(table)
    assert "open: this run" in figure.axes[0].get_xlabel()
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == list(table.sort_values("test accuracy").index)
    runs = scoreboard.learning_curve_runs()
    live = pd.DataFrame({"TF-IDF": [0.88]}, index=[4_000])
    curve = plots.learning_curve(runs, live)
    ticks = [int(t.get_text().replace(",", "")) for t in curve.axes[0].get_xticklabels()]
    assert ticks == sorted(set(runs.labelled) | {4_000}) and curve.axes[0].get_xscale() == "log"
    assert any("this lesson's run" in t.get_text() for t in curve.axes[0].get_legend().get_texts())
    plt.close("all")


def test_a_quick_try_shrinks_only_on_the_smoke_profile():
    pretrained = profiles.get_profile("cpu-pretrained")
    assert quick_try.shrink(profiles.get_profile("cpu"), pretrained, 4_000, 5_000) == (pretrained, 4_000, 5_000)
    tiny, labelled, test = quick_try.shrink(profiles.get_profile("smoke"), pretrained, 4_000, 5_000)
    assert (labelled, test) == (800, 1_000) and tiny.model.hidden_dim < pretrained.model.hidden_dim
