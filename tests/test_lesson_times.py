"""The lessons' run times and recorded figures have one source each: every lesson's "Time:" line and the README's
time column come from benchmarks/results/lesson-times.json (written by python -m scripts.store_outputs), and lesson 07's
full-size accuracies from the pretraining results file."""
import json
from pathlib import Path

import nbformat
import pytest

from scripts import store_outputs

ROOT = Path(__file__).resolve().parent.parent
TIMES = ROOT / "benchmarks" / "results" / "lesson-times.json"


def recorded_lessons() -> dict:
    if not TIMES.is_file():
        pytest.fail("benchmarks/results/lesson-times.json is missing: run python -m scripts.store_outputs")
    return json.loads(TIMES.read_text())["lessons"]


LESSONS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if store_outputs.lesson_key(p) in
                 store_outputs.STUDY_MINUTES)


def test_every_lesson_is_timed():
    assert {p.stem for p in LESSONS} <= set(recorded_lessons())


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_time_line_is_the_recorded_time(path):
    recorded = json.loads(TIMES.read_text())
    lesson = recorded["lessons"][path.stem]
    expected = store_outputs.time_line(lesson["seconds"], store_outputs.STUDY_MINUTES[store_outputs.lesson_key(path)],
                                       recorded["timing_machine"])
    first = nbformat.read(path, as_version=4).cells[0].source
    assert expected in first.split("\n\n"), f"{path.name}: its Time line is not the recorded one; expected {expected!r}"


def test_readme_time_column_is_generated_from_the_recording():
    readme = (ROOT / "README.md").read_text()
    assert store_outputs.TABLE_START in readme, "README.md has no generated lesson table"
    table = readme.split(store_outputs.TABLE_START, 1)[1].split(store_outputs.TABLE_END, 1)[0]
    assert table.strip("\n") == store_outputs.fill_time_column(table), (
        "README.md's time column differs from benchmarks/results/lesson-times.json: "
        "run python -m scripts.store_outputs --tables")


def test_fill_time_column_writes_each_row():
    table = "| # | notebook | run / study time |\n|---|---|---|\n| 01 | a | - |\n| 07 | b | - |"
    filled = store_outputs.fill_time_column(table).split("\n")
    assert filled[2].endswith(f" {store_outputs.lesson_times_cell('01')} |")
    assert filled[3].endswith(f" {store_outputs.lesson_times_cell('07')} |")
    assert "-" not in filled[3].split("|")[3]


def test_only_a_run_of_lesson_04_sets_the_trained_model_aside():
    notebooks = ROOT / "notebooks"
    assert store_outputs.sets_model_aside([notebooks / "04_training.ipynb", notebooks / "05_evaluation.ipynb"])
    assert not store_outputs.sets_model_aside([notebooks / "05_evaluation.ipynb",
                                               notebooks / "04b_classical_baseline.ipynb"])


def test_the_provenance_line_is_one_short_line_with_a_working_link():
    run = {"date": "2026-01-01", "profile": "cpu", "data": "the full IMDB data (25,000 + 25,000 reviews)",
           "machine": "2 CPU cores (X)", "command": f"{store_outputs.STAND_IN} python -m scripts.store_outputs"}
    for path in (ROOT / "notebooks" / "01_data_exploration.ipynb", ROOT / "notebooks" / "solutions" / "s.ipynb"):
        line = store_outputs.provenance_line(run, path)
        assert "\n" not in line and len(line.split()) <= 30, line
        assert "`cpu` profile on the full data, 2026-01-01" in line and "2 CPU cores" not in line  # in the metadata
        target = line.split("](")[1].split("#")[0]
        assert (path.parent / target).resolve() == ROOT / "docs" / "development.md"
        assert "## The lessons' stored outputs" in (ROOT / "docs" / "development.md").read_text()


def test_the_lessons_that_read_lesson_04s_model_are_known():
    notebooks = ROOT / "notebooks"
    readers = {p.name for p in notebooks.glob("**/*.ipynb") if store_outputs.reads_04s_model(p)}
    assert readers == {"04b_classical_baseline.ipynb", "05_evaluation.ipynb", "06_prediction_demo.ipynb",
                       "solutions.ipynb"}
