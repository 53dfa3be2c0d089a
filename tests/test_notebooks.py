"""The notebooks' shape: what every lesson promises, and what the repository may store."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))
ALL = sorted((ROOT / "notebooks").glob("**/*.ipynb"))


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def test_the_six_lessons_and_the_baseline_exist():
    names = [p.name[:3] for p in LESSONS]
    assert names == ["01_", "02_", "03_", "04_", "04b", "05_", "06_"]
    assert (ROOT / "notebooks" / "solutions" / "solutions.ipynb").is_file()


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_structure(path):
    markdown = "\n".join(source(c) for c in cells(path) if c["cell_type"] == "markdown")
    assert re.match(r"# \d\d\w? · ", source(cells(path)[0]))
    for heading in ("What you will learn", "**Time:**", "## What we learned", "## Exercises"):
        assert heading in markdown, heading
    code = [source(c) for c in cells(path) if c["cell_type"] == "code"]
    assert "google.colab" in code[0]  # the Colab set-up cell comes first
    assert not any(re.search(r"import \*", c) for c in code)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_outputs_are_stored_only_in_checked_cells(path):
    for cell in cells(path):
        if cell["cell_type"] == "code" and cell.get("outputs"):
            assert "NBVAL_CHECK_OUTPUT" in source(cell), source(cell)[:80]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_no_widget_state_is_stored(path):
    assert "widgets" not in json.loads(path.read_text())["metadata"]


def test_parameter_count_is_a_checked_output():
    notebook = next(p for p in LESSONS if p.name.startswith("03_"))
    stored = [json.dumps(c["outputs"]) for c in cells(notebook) if "NBVAL_CHECK_OUTPUT" in source(c)]
    assert any("3,648,257 trainable parameters" in s for s in stored)
    assert any("3648257" in s for s in stored)


def test_no_checked_cell_shows_an_accuracy_or_a_time():
    for path in ALL:
        for cell in cells(path):
            if "NBVAL_CHECK_OUTPUT" in source(cell):
                assert not re.search(r"\b(accuracy|seconds|time|fit)\b", source(cell), re.I), source(cell)


def test_readme_has_a_colab_badge_per_lesson():
    readme = (ROOT / "README.md").read_text()
    for path in LESSONS:
        assert f"blob/main/notebooks/{path.name})" in readme, path.name
    assert readme.count("colab-badge.svg") >= len(LESSONS)


def test_missing_checkpoint_trains_a_smoke_model_with_a_message(tmp_path, monkeypatch, capsys):
    from sentiment_helpers import data, pipeline

    monkeypatch.setenv("IMDB_DATA_DIR", str(data.SAMPLE_DIR))
    path = pipeline.ensure_checkpoint(tmp_path / "sentiment_lstm.pt")
    assert path == tmp_path / "smoke-fallback" / "sentiment_lstm.pt" and path.is_file()
    message = capsys.readouterr().err
    assert "No trained model" in message and "notebook 04" in message
    assert pipeline.ensure_checkpoint(tmp_path / "sentiment_lstm.pt") == path  # reused, not retrained


def test_colab_badges_and_setup_cells_point_at_the_same_repository():
    readme = (ROOT / "README.md").read_text()
    repos = set(re.findall(r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob", readme))
    assert len(repos) == 1
    (repo,) = repos
    for path in ALL:
        setup = next(source(c) for c in cells(path) if c["cell_type"] == "code")
        assert f"git+https://github.com/{repo}" in setup, path.name
