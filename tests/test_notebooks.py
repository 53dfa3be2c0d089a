"""The notebooks' shape: what every lesson promises, and what the repository may store."""
import json
import re
from pathlib import Path

import pytest

from scripts.store_outputs import ABSOLUTE_PATH, PROVENANCE_MARK, WIDGET_VIEW, source_hash

ROOT = Path(__file__).resolve().parent.parent

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))
ALL = sorted((ROOT / "notebooks").glob("**/*.ipynb"))


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def checked(cell) -> bool:
    """nbval compares this cell's outputs with the stored ones (its cell tag; a learner never sees it)."""
    return "nbval-check-output" in cell["metadata"].get("tags", [])


def test_the_lessons_the_baseline_and_their_solutions_exist():
    names = [p.name[:3] for p in LESSONS]
    assert names == ["01_", "02_", "03_", "04_", "04b", "05_", "06_", "07_", "08_"]
    assert (ROOT / "notebooks" / "solutions" / "solutions.ipynb").is_file()
    assert (ROOT / "notebooks" / "solutions" / "solutions_07.ipynb").is_file()  # 07 needs no model from 04


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_structure(path):
    markdown = "\n".join(source(c) for c in cells(path) if c["cell_type"] == "markdown")
    assert re.match(r"# \d\d\w? · ", source(cells(path)[0]))
    for heading in ("What you will learn", "**Time:**", "## What you learned", "## Exercises"):
        assert heading in markdown, heading
    code = [source(c) for c in cells(path) if c["cell_type"] == "code"]
    # the set-up cell comes first: it installs with %pip (errors visible) only where the package is missing
    assert 'find_spec("sentiment_helpers") is None' in code[0] and "%pip install" in code[0]
    assert not any(re.search(r"import \*", c) for c in code)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_stored_outputs_come_from_one_recorded_run(path):
    """Learners read the lessons on GitHub first: every lesson holds the outputs of one real, recorded run."""
    notebook = json.loads(path.read_text())
    run = notebook["metadata"].get("course_run")
    assert run, "no recorded run: regenerate the outputs with scripts/store_outputs.py"
    assert {"profile", "data", "machine", "date", "command"} <= set(run)
    assert run["profile"] == "cpu" and "full IMDB data" in run["data"]
    assert (PROVENANCE_MARK in source(notebook["cells"][0])
            and f"`{run['profile']}` profile" in source(notebook["cells"][0]))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    # one fresh kernel, top to bottom: execution counts 1, 2, 3, ... with none skipped or repeated
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert sum(bool(c["outputs"]) for c in code) >= len(code) // 3  # the preview shows results, not empty cells


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_no_cell_changed_after_its_output_was_stored(path):
    stale = [source(c)[:60] for c in cells(path) if c["cell_type"] == "code"
             and c["metadata"].get("course", {}).get("source_sha256") != source_hash(source(c))]
    assert not stale, (f"changed (or new) since the outputs were stored: rerun scripts/store_outputs.py "
                       f"{path.name}: {stale}")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_stored_outputs_hold_no_noise(path):
    notebook = json.loads(path.read_text())
    assert "widgets" not in notebook["metadata"]  # widget state
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            where = f"{path.name}: {source(cell)[:60]!r}"
            assert output["output_type"] != "error", where  # tracebacks
            assert not (output["output_type"] == "stream" and output["name"] == "stderr"), where  # warnings, bars
            assert WIDGET_VIEW not in output.get("data", {}), where  # widget views
            text = "".join(output.get("text", [])) + "".join(output.get("data", {}).get("text/plain", []))
            assert not re.search(r"\d+%\|[^|]*\||\d+(\.\d+)?it/s|\r", text), where  # progress bars
            assert not ABSOLUTE_PATH.search(text), where  # paths of the machine that made them


def test_parameter_count_is_a_checked_output():
    notebook = next(p for p in LESSONS if p.name.startswith("03_"))
    stored = [json.dumps(c["outputs"]) for c in cells(notebook) if checked(c)]
    assert any("3,648,257 trainable parameters" in s for s in stored)
    assert any("3648257" in s for s in stored)


def test_no_checked_cell_shows_an_accuracy_or_a_time():
    for path in ALL:
        for cell in cells(path):
            if checked(cell):
                assert not re.search(r"\b(accuracy|seconds|time|fit)\b", source(cell), re.I), source(cell)


def test_readme_has_a_colab_badge_per_lesson():
    readme = (ROOT / "README.md").read_text()
    for path in LESSONS:
        assert re.search(rf"/blob/[\w.-]+/notebooks/{re.escape(path.name)}\)", readme), path.name  # main, or a tag
    assert readme.count("colab-badge.svg") >= len(LESSONS)


def test_missing_checkpoint_trains_a_smoke_model_with_a_message(tmp_path, monkeypatch, capsys):
    from sentiment_helpers import data, pipeline

    monkeypatch.setenv("IMDB_DATA_DIR", str(data.SAMPLE_DIR))
    path = pipeline.ensure_checkpoint(tmp_path / "sentiment_lstm.pt")
    assert path == tmp_path / "smoke-fallback" / "sentiment_lstm.pt" and path.is_file()
    message = capsys.readouterr().err
    assert "No trained model" in message and "notebook 04" in message and "training a small 'smoke'" in message
    assert pipeline.ensure_checkpoint(tmp_path / "sentiment_lstm.pt") == path  # reused, not retrained
    again = capsys.readouterr().err  # says which model it uses, and that it trains nothing now
    assert "No trained model" in again and f"Using the small 'smoke' model trained earlier in {path.parent}" in again
    assert "training a small" not in again


def test_colab_badges_and_setup_cells_point_at_the_same_repository():
    """One repository and one branch or tag (scripts/set_repo.py sets them): a lesson opened from a release's badge
    installs that release's package, pinned; from `main`, the latest, unpinned."""
    texts = [page.read_text() for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]]
    texts += [source(c) for path in ALL for c in cells(path) if c["cell_type"] == "markdown"]
    links = set(re.findall(r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/([\w.-]+)/", "\n".join(texts)))
    assert len(links) == 1, links
    ((repo, ref),) = links
    install = f"git+https://github.com/{repo}" + ("" if ref == "main" else f"@{ref}")
    for path in ALL:
        setup = next(source(c) for c in cells(path) if c["cell_type"] == "code")
        assert f'"{install}"' in setup, path.name


def test_setup_cell_is_valid_ipython_and_installs_nothing_when_the_package_is_there():
    from IPython.core.inputtransformer2 import TransformerManager

    setup = next(source(c) for c in cells(LESSONS[0]) if c["cell_type"] == "code")
    python = TransformerManager().transform_cell(setup)  # %pip inside the `if` becomes a magic call
    assert "run_line_magic('pip', 'install" in python
    calls = []
    exec(compile(python, "setup", "exec"), {"get_ipython": lambda: type("Shell", (), {
        "run_line_magic": lambda self, *args: calls.append(args)})()})
    assert calls == []  # sentiment_helpers is importable here: no install, so no restart in Colab either


def test_training_and_evaluation_ask_colab_for_a_gpu():
    for prefix in ("04_", "05_"):
        metadata = json.loads(next(p for p in LESSONS if p.name.startswith(prefix)).read_text())["metadata"]
        assert metadata["accelerator"] == "GPU" and metadata["colab"]["gpuType"]


@pytest.mark.parametrize("prefix", ["04_", "04b", "05_", "06_"])
def test_lessons_that_share_the_model_keep_it_in_drive_before_using_it(prefix):
    path = next(p for p in ALL if p.name.startswith(prefix))
    code = "\n".join(source(c) for c in cells(path) if c["cell_type"] == "code")
    drive = code.index("colab.keep_artifacts_in_drive()")
    uses = [code.index(name) for name in ("default_checkpoint_path", "ensure_checkpoint") if name in code]
    assert uses and drive < min(uses)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_lessons_hold_learner_facing_text_and_code_only(path):
    for cell in cells(path):
        text = source(cell)
        assert "SMOKE" not in text and "NBVAL_CHECK_OUTPUT" not in text, f"{path.name}: {text[:80]!r}"
        if cell["cell_type"] == "markdown":  # a screenful: longer prose is split where its idea changes
            assert len(text.split()) <= 250, f"{path.name}: {len(text.split())} words: {text[:80]!r}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_lesson_opens_with_its_conclusion(path):
    first = source(cells(path)[0])
    assert first.count("**In short**") == 1, f"{path.name}: the first cell has no '**In short**' section"
    in_short = first.split("**In short**")[1]
    bullets = [line for line in in_short.splitlines() if line.startswith("- ")]
    assert 2 <= len(bullets) <= 4, f"{path.name}: {len(bullets)} bullets in 'In short'"
    assert "\n\n" not in in_short.strip(), f"{path.name}: 'In short' must end the first cell"


def test_the_readme_stays_a_front_door():
    """README.md is what the course is, for whom, the two commands, the lessons and the headline results: details
    live in docs/, so it stays under 12,000 bytes."""
    assert len((ROOT / "README.md").read_bytes()) < 12_000
