import json
import subprocess
import sys

import pytest

from sentiment_helpers import data


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "sentiment_helpers", *args], capture_output=True, text=True, **kwargs)


def test_train_smoke_then_predict_json(tmp_path):
    out = tmp_path / "run"
    trained = run("train", "--profile", "smoke", "--data-dir", str(data.SAMPLE_DIR), "--out", str(out),
                  "--epochs", "1", "--no-progress")
    assert trained.returncode == 0, trained.stderr
    assert "test accuracy" in trained.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("test_accuracy", "val_accuracy", "profile", "data_source", "n_train", "n_test", "epochs", "seconds"):
        assert key in metrics
    assert metrics["profile"] == "smoke" and metrics["n_test"] == 400 and metrics["epochs"] == 1

    predicted = run("predict", "--checkpoint", str(out / "sentiment_lstm.pt"), "--json", "Loved it!", "Dull and bad.")
    assert predicted.returncode == 0, predicted.stderr
    lines = [json.loads(line) for line in predicted.stdout.splitlines()]
    assert len(lines) == 2
    for line in lines:
        assert line["label"] in ("positive", "negative") and 0 <= line["p_positive"] <= 1
        assert line["confidence"] == max(line["p_positive"], 1 - line["p_positive"])


def test_errors_are_one_line_and_non_zero(tmp_path):
    missing = run("predict", "--checkpoint", str(tmp_path / "none.pt"), "text")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert "no such checkpoint" in missing.stderr and missing.stderr.count("\n") == 1

    bad_data = run("train", "--profile", "smoke", "--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path))
    assert bad_data.returncode != 0 and "Traceback" not in bad_data.stderr
    assert "no such data folder" in bad_data.stderr


def test_help_documents_every_option():
    text = run("train", "--help").stdout
    for option in ("--profile", "--data-dir", "--out", "--seed", "--epochs", "--max-len", "--max-vocab", "--set"):
        assert option in text
    assert "--json" in run("predict", "--help").stdout


def test_set_overrides_profile_settings():
    from sentiment_helpers.profiles import apply_settings, get_profile

    cpu = get_profile("cpu")
    changed = apply_settings(cpu, ["lr=2e-3", "model.hidden_dim=256", "max_train_seconds=none", "max_vocab=25_000",
                                   "truncation=head", "n_train=1000"])
    assert (changed.lr, changed.model.hidden_dim, changed.max_train_seconds) == (2e-3, 256, None)
    assert (changed.max_vocab, changed.truncation, changed.n_train) == (25_000, "head", 1000)
    assert changed.model.embed_dim == cpu.model.embed_dim and cpu.model.hidden_dim == 128  # the profile itself is untouched
    assert apply_settings(cpu, []) == cpu


@pytest.mark.parametrize("setting, message", [("lr", "KEY=VALUE"), ("learning_rate=1", "unknown setting"),
                                              ("model.width=3", "unknown setting"), ("epochs=three", "expected a value"),
                                              ("n_train=many", "a number or none")])
def test_set_rejects_bad_settings(setting, message):
    from sentiment_helpers.profiles import apply_settings, get_profile

    with pytest.raises(ValueError, match=message):
        apply_settings(get_profile("cpu"), [setting])


def test_set_error_is_one_line(tmp_path):
    result = run("train", "--profile", "smoke", "--set", "epochs=three", "--out", str(tmp_path))
    assert result.returncode == 1 and result.stderr.strip().count("\n") == 0 and "epochs=three" in result.stderr


def test_set_reaches_the_training_run(tmp_path):
    # lr=0: validation never improves on epoch 1, so patience=1 must stop the 3-epoch run after epoch 2
    out = tmp_path / "run"
    trained = run("train", "--profile", "smoke", "--data-dir", str(data.SAMPLE_DIR), "--out", str(out), "--epochs", "3",
                  "--set", "lr=0", "--set", "patience=1", "--set", "model.hidden_dim=8", "--no-progress")
    assert trained.returncode == 0, trained.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["profile_settings"]["model"]["hidden_dim"] == 8 and metrics["profile_settings"]["lr"] == 0
    assert metrics["status"] == "early stop" and metrics["epochs_run"] == 2
