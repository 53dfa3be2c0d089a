"""The workshop plans of docs/instructors.md are computed from benchmarks/results/lesson-times.json by
scripts/day_plan.py: the page holds the plans of the records as they are, each recorded lesson once with its recorded
study minutes; the breaks follow the longest runs of the records, and what does not fit is dropped and named."""
import collections
import copy
import json
import re
from pathlib import Path

import pytest

from scripts import day_plan, results_tables

ROOT = Path(__file__).resolve().parent.parent
INSTRUCTORS = ROOT / "docs" / "instructors.md"
TIMES = json.loads((ROOT / "benchmarks" / "results" / "lesson-times.json").read_text())
RECORDED = {stem: r["study_minutes"] for stem, r in TIMES["lessons"].items() if r["study_minutes"] is not None}


def block(name: str) -> str:
    """A generated block of the page, between its markers."""
    start = results_tables.MARKERS.split("\n")[0].format(name=name)
    return INSTRUCTORS.read_text().split(start, 1)[1].split(f"<!-- /{name} -->", 1)[0]


def lesson_rows(text: str) -> list[tuple[str, int]]:
    """(notebook, minutes) of each lesson row of a plan's table, in order."""
    return [(m[1], int(m[2])) for m in re.finditer(r"\]\(\.\./notebooks/([\w-]+)\.ipynb\) \| (\d+) \|", text)]


def test_the_page_holds_the_plans_of_the_records():
    """What `python -m scripts.results_tables --check` checks, for this page."""
    text = INSTRUCTORS.read_text()
    results = results_tables.Results(ROOT / "benchmarks" / "results")
    assert results_tables.filled(text, results_tables.TABLES["docs/instructors.md"], results) == text, (
        "docs/instructors.md's workshop plans differ from benchmarks/results/lesson-times.json: "
        "run python -m scripts.results_tables")


def test_the_day_has_every_recorded_lesson_once_with_its_study_minutes():
    rows = lesson_rows(block("day-plan"))
    assert collections.Counter(stem for stem, _ in rows) == collections.Counter(list(RECORDED))
    assert [stem for stem, _ in rows] == sorted(RECORDED)  # 01, 02, 03, 04, 04b, 05, ...
    assert sum(minutes for _, minutes in rows) == sum(RECORDED.values())
    assert all(RECORDED[stem] == minutes for stem, minutes in rows)


def test_the_half_day_keeps_the_core_and_names_the_rest():
    text = block("half-day-plan")
    kept = [stem for stem, _ in lesson_rows(text)]
    assert [stem.split("_")[0] for stem in kept] == list(day_plan.CORE)
    left_out = text.split("**Left out**", 1)[1]
    assert all(f"notebooks/{stem}.ipynb" in left_out for stem in set(RECORDED) - set(kept))


def test_the_longest_runs_go_before_the_breaks(monkeypatch):
    times = copy.deepcopy(TIMES)
    after_a_break = re.findall(r"\*\*[a-z ]+\*\* .*\n\| [\d:-]+ \| \[(\w+) ·", day_plan.agenda(times, day_plan.DAY))
    longest = sorted(day_plan.lessons(times), key=lambda lesson: -lesson.seconds)[:4]
    assert len(after_a_break) == len(day_plan.DAY.breaks)
    assert set(after_a_break) <= {lesson.key for lesson in longest}
    times["lessons"]["03_bilstm_parameters"]["seconds"] = 800.0  # now the longest run a morning break can take
    monkeypatch.setitem(day_plan.DISCUSS, "03", "a question")
    assert re.search(r"\*\*morning coffee\*\* .*Just before it: open 03,", day_plan.agenda(times, day_plan.DAY))


def test_a_day_that_does_not_fit_drops_the_last_lessons_and_says_so():
    times = copy.deepcopy(TIMES)
    times["lessons"]["07_unlabeled_reviews"]["study_minutes"] = 120
    plan = day_plan.agenda(times, day_plan.DAY)
    kept = [stem for stem, _ in lesson_rows(plan)]
    assert "07_unlabeled_reviews" not in kept and "08_counterfactual_reviews" not in kept
    assert {"01_data_exploration", "05_evaluation"} <= set(kept)
    assert "notebooks/07_unlabeled_reviews.ipynb" in plan.split("**Left out**", 1)[1]


def test_a_long_run_without_a_question_is_an_error():
    times = copy.deepcopy(TIMES)
    times["lessons"]["02_preprocessing_vocabulary"]["seconds"] = 600.0
    with pytest.raises(ValueError, match="02 run over"):
        day_plan.agenda(times, day_plan.DAY)
