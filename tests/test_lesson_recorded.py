"""What the lessons copy from a results file equals that file, and every lesson's NB-weighted n-gram model is the
package's one model (`baseline.NB_NGRAM_RANGE`, `baseline.NB_C`)."""
import ast
import json
from pathlib import Path

import pytest

from sentiment_helpers import baseline

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("**/*.ipynb"))


def code_cells(path: Path) -> list[str]:
    """The code cells' sources, IPython's magics (``%pip ...``) left out so that ``ast`` reads them."""
    cells = json.loads(path.read_text())["cells"]
    return ["\n".join(line for line in "".join(c["source"]).splitlines() if not line.lstrip().startswith("%"))
            for c in cells if c["cell_type"] == "code"]


def assigned(path: Path, name: str):
    """The literal value a notebook's code assigns to ``name`` (exactly one assignment)."""
    values = [ast.literal_eval(node.value) for code in code_cells(path) for node in ast.walk(ast.parse(code))
              if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets)]
    assert len(values) == 1, f"{path.name}: {len(values)} assignments to {name}"
    return values[0]


def test_04b_copies_the_recorded_by_movie_choice():
    """Lesson 04b shows the NB model's settings choice as a recorded table: the numbers of ngram-choice.json."""
    lesson = assigned(ROOT / "notebooks" / "04b_classical_baseline.ipynb", "BY_MOVIE_VALIDATION_ACCURACY")
    rows = json.loads((RESULTS / "ngram-choice.json").read_text())["rows"]
    recorded = {}
    for row in rows:
        recorded.setdefault(row["n-grams"].split(" ")[0], {})[row["C"]] = row["validation accuracy"]
    assert lesson == recorded


def test_the_recorded_choice_is_the_package_default():
    rows = json.loads((RESULTS / "ngram-choice.json").read_text())["rows"]
    best = max(rows, key=lambda row: row["validation accuracy"])
    assert (best["n-grams"].split(" ")[0], best["C"]) == (f"1-{baseline.NB_NGRAM_RANGE[1]}", baseline.NB_C)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lesson_fits_the_package_nb_model(path):
    """One NB model across the course: no lesson passes its own n-gram range or C."""
    for code in code_cells(path):
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("train_nb_ngrams", "make_nb_ngrams"):
                settings = node.args[1:] if node.func.attr == "train_nb_ngrams" else node.args  # after the data
                assert not (settings or node.keywords), f"{path.name}: {ast.unparse(node)} sets its own NB settings"


def test_04_quotes_the_recorded_eight_epoch_run():
    """Lesson 04 cites the `full` profile's 8 epochs without early stopping: best at epoch 4 of 8."""
    runs = json.loads((RESULTS / "training-runs-cpu.json").read_text())
    (run,) = [r for r in runs if "--profile full --set patience=none" in r["command"]]
    assert (run["metrics"]["best_epoch"], run["metrics"]["epochs_run"]) == (4, 8)
    cells = json.loads((ROOT / "notebooks" / "04_training.ipynb").read_text())["cells"]
    text = next("".join(c["source"]) for c in cells if "training-runs-cpu.md" in "".join(c["source"]))
    assert "all 8 of its epochs" in text and "at epoch 4" in text


def test_04_copies_the_recorded_overfitting_run():
    """Lesson 04 plots a recorded run's per-epoch history: that of learning-curve-cpu.json's random start on 1,000
    labelled reviews, seed 42, to the 4 decimals it shows."""
    cells = [c for c in code_cells(ROOT / "notebooks" / "04_training.ipynb") if "overfit_run = pd.DataFrame" in c]
    assert len(cells) == 1
    call = next(node for node in ast.walk(ast.parse(cells[0])) if isinstance(node, ast.Dict))
    lesson = {ast.literal_eval(k): ast.literal_eval(v) for k, v in zip(call.keys, call.values, strict=True)}
    rows = json.loads((RESULTS / "learning-curve-cpu.json").read_text())["rows"]
    run = next(r for r in rows if r["model"] == "BiLSTM, random start" and r["labelled"] == 1000 and r["seed"] == 42)
    keys = {"training loss": "train_loss", "validation loss": "val_loss", "training accuracy": "train_accuracy",
            "validation accuracy": "val_accuracy"}
    for column, key in keys.items():
        assert lesson[column] == pytest.approx([epoch[key] for epoch in run["history"]], abs=5e-5), column
    assert len(run["history"]) == run["epochs"]  # every planned epoch ran: nothing cut it short
