import json
import subprocess
import sys

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
    for option in ("--profile", "--data-dir", "--out", "--seed", "--epochs", "--max-len", "--max-vocab"):
        assert option in text
    assert "--json" in run("predict", "--help").stdout
