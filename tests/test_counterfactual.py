"""The counterfactual pairs (Kaushik et al. 2020): loading them offline, finding their originals among IMDB's
reviews, scoring a model on them, and the training options that leave the originals out or add the pairs."""
import json

import numpy as np
import pandas as pd
import pytest

from sentiment_helpers import cli, counterfactual, data, prepare, profiles
from sentiment_helpers.errors import DataError


def test_the_bundled_pairs_load_offline_with_their_licence():
    sizes = {split: len(counterfactual.load_pairs(split)) for split in counterfactual.SPLITS}
    assert sizes == {"train": 1707, "dev": 245, "test": 488}
    pairs = counterfactual.load_pairs("dev")
    assert pairs.revised_label == [1 - label for label in pairs.original_label]
    assert 0 < sum(pairs.original_label) < len(pairs)  # positive and negative originals
    assert "Apache License" in (counterfactual.BUNDLED / "LICENSE").read_text()
    assert "Kaushik" in (counterfactual.BUNDLED / "README.md").read_text()


def test_a_local_folder_of_the_public_files_gives_the_same_pairs(tmp_path, monkeypatch):
    bundled = counterfactual.load_pairs("dev")
    pd.read_parquet(counterfactual.BUNDLED / "paired_dev.parquet").to_csv(tmp_path / "paired_dev.tsv", sep="\t",
                                                                          index=False, quoting=3)
    monkeypatch.setenv("CAD_DATA_DIR", str(tmp_path))
    local = counterfactual.load_pairs("dev")
    assert local.source.startswith("local folder") and bundled.source.startswith("the copy bundled")
    assert (local.original, local.revised, local.original_label) == (bundled.original, bundled.revised,
                                                                      bundled.original_label)
    with pytest.raises(DataError, match="no such file"):
        counterfactual.load_pairs("test")
    with pytest.raises(DataError, match="train, dev, test"):
        counterfactual.load_pairs("validation")


def test_broken_pair_files_are_refused(tmp_path):
    frame = pd.DataFrame({"Sentiment": ["Negative", "Negative"], "Text": ["bad", "still bad"], "batch_id": [1, 1]})
    frame.to_csv(tmp_path / "paired_test.tsv", sep="\t", index=False)
    with pytest.raises(DataError, match="opposite labels"):
        counterfactual.load_pairs("test", tmp_path)


def test_originals_are_found_whatever_their_html_and_punctuation():
    pairs = counterfactual.Pairs(["A fine, fine film!"], ["A dull, dull film!"], [1], "test", "here")
    texts = ["a fine fine film<br /><br />", "A FINE, FINE FILM!!", "a dull dull film", "a fine film"]
    assert counterfactual.is_original(texts, pairs) == [True, True, False, False]


def test_pair_scores_by_hand():
    pairs = counterfactual.Pairs(["o1", "o2", "o3", "o4"], ["r1", "r2", "r3", "r4"], [1, 0, 1, 0], "test", "here")
    # originals: right, right, right, wrong; revised (labels 0, 1, 0, 1): right, wrong, wrong, right
    scores = counterfactual.pair_scores([0.9, 0.2, 0.8, 0.6], [0.1, 0.3, 0.7, 0.9], pairs, n_boot=200)
    assert (scores["original"], scores["revised"], scores["both"]) == (0.75, 0.5, 0.25)
    assert scores["gap"] == 0.25 and scores["gap_low"] <= 0.25 <= scores["gap_high"]


def test_training_options_leave_out_originals_and_add_pairs():
    base = profiles.get_profile("smoke").with_changes(n_train=None, n_val=None, n_test=200)
    plain = prepare.prepare_data(base, data.SAMPLE_DIR)
    left_out = prepare.prepare_data(base.with_changes(cad_originals="leave-out"), data.SAMPLE_DIR)
    removed = left_out.counterfactuals["left_out"]
    assert removed["train"] > 0 and len(left_out.train) == len(plain.train) - removed["train"]
    assert not any(counterfactual.is_original(data.column(left_out.dataset["train"], "text")))
    added = prepare.prepare_data(base.with_changes(cad_originals="leave-out", cad_added="pairs", cad_repeats=2),
                                 data.SAMPLE_DIR)
    control = prepare.prepare_data(base.with_changes(cad_originals="leave-out", cad_added="originals",
                                                     cad_repeats=2), data.SAMPLE_DIR)
    assert added.counterfactuals["added_reviews"] == control.counterfactuals["added_reviews"] == 4 * 1707
    texts = data.column(added.dataset["train"], "text")
    revised = counterfactual.load_pairs("train").revised
    control_texts = data.column(control.dataset["train"], "text")
    assert texts.count(revised[0]) == control_texts.count(revised[0]) + 2  # the edits come in twice, not in the control
    labels = np.array(data.column(control.dataset["train"], "label"))
    assert set(np.unique(labels)) == {0, 1}


def test_cli_records_the_options_and_scores_the_pairs(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["train", "--profile", "smoke", "--data-dir", str(data.SAMPLE_DIR), "--cad-originals",
                     "leave-out", "--cad-added", "pairs", "--set", "n_train=300", "--set", "epochs=1", "--out",
                     str(out), "--no-progress"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["counterfactuals"]["originals"] == "leave-out" and metrics["counterfactuals"]["added"] == "pairs"
    assert metrics["profile_settings"]["cad_originals"] == "leave-out"
    capsys.readouterr()
    assert cli.main(["evaluate", "--checkpoint", str(out / "sentiment_lstm.pt"), "--cad", "test", "--out",
                     str(tmp_path / "eval"), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "counterfactual test pairs (488" in printed and "both of a pair" in printed
    report = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert report["pairs"] == 488 and 0 <= report["both"] <= min(report["original"], report["revised"])
    assert "Kaushik" in report["cad_citation"]
    assert "trained with the pairs' originals" not in capsys.readouterr().err  # this one was trained without them
    # the checkpoint records the options, and its validation reviews are drawn again as the run drew them
    from sentiment_helpers import checkpoint, held_out

    bundle = checkpoint.load_checkpoint(out / "sentiment_lstm.pt")
    assert bundle.metadata["counterfactuals"] == metrics["counterfactuals"]
    validation = held_out.held_out_split(bundle, "validation", data.SAMPLE_DIR)
    assert len(validation) == metrics["n_val"] and not any(counterfactual.is_original(data.column(validation, "text")))


def test_scoring_a_model_that_saw_the_originals_says_so(smoke_run, capsys):
    assert cli.main(["evaluate", "--checkpoint", str(smoke_run.checkpoint_path), "--cad", "dev", "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "counterfactual dev pairs (245" in captured.out
    assert "trained with the pairs' originals" in captured.err and "--cad-originals leave-out" in captured.err


def test_lesson_08_recorded_figures_are_the_results_file():
    """Lesson 08 shows the recorded `cpu-pretrained` runs beside its own: its literals must be those runs' means."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    lesson = json.loads((root / "notebooks" / "08_counterfactual_reviews.ipynb").read_text())
    literals = {}
    for cell in lesson["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "RECORDED" in source and "%pip" not in source:
            for node in ast.parse(source).body:
                name = getattr(node.targets[0], "id", None) if isinstance(node, ast.Assign) else None
                if name in ("RECORDED", "RECORDED_LEVER"):
                    literals[name] = ast.literal_eval(node.value)
    results = json.loads((root / "benchmarks" / "results" / "counterfactual-cpu.json").read_text())
    rows = {row["model"]: row for row in results["rows"]}
    assert set(literals) == {"RECORDED", "RECORDED_LEVER"}
    for literal in literals.values():
        for group, values in literal.items():
            row = {**rows[group], "IMDB test": rows[group]["imdb_test"]}
            assert values == {key: round(row[key], 4) for key in values}, group
    repeats = results["chosen_repeats"]
    assert set(literals["RECORDED_LEVER"]) == {"cpu-pretrained", f"cpu-pretrained+pairs{repeats}",
                                               f"cpu-pretrained+originals{repeats}"}
    assert f"REPEATS = {repeats}" in "".join("".join(c["source"]) for c in lesson["cells"])
