"""The command line. Most tests call ``cli.main`` in this process (a new process would spend seconds importing PyTorch);
two run the real entry point in a process of its own, where the process is the point: ``--version``, and results
streaming out while standard input is still open."""
import errno
import io
import json
import subprocess
import sys

import pytest

from sentiment_helpers import cli, commands, data


def run(*args, **kwargs):
    """The real entry point, ``python -m sentiment_helpers``, in a process of its own."""
    return subprocess.run([sys.executable, "-m", "sentiment_helpers", *args], capture_output=True, text=True, **kwargs)


def in_process(capsys, *args, stdin=None, monkeypatch=None):
    """``cli.main`` in this process: exit code, stdout, stderr. ``stdin``: text that standard input holds."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line_error(code, err, *expected):
    """The run failed with exit code 1 and said why in one line starting with "error: ", naming ``expected``."""
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("No GPU found")]
    assert code == 1 and len(lines) == 1 and lines[0].startswith("error: "), err
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def test_the_entry_point_runs_and_tells_its_version():
    from sentiment_helpers import __version__

    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"sentiment-helpers {__version__}", result.stderr


def test_train_with_settings_then_predict_json(tmp_path, capsys):
    # lr=0: validation never improves on epoch 1, so patience=1 must stop the 3-epoch run after epoch 2
    out = tmp_path / "run"
    code, stdout, err = in_process(capsys, "train", "--profile", "smoke", "--data-dir", data.SAMPLE_DIR, "--out", out,
                                   "--epochs", "3", "--set", "lr=0", "--set", "patience=1", "--set",
                                   "model.hidden_dim=8", "--no-progress")
    assert code == 0, err
    assert "test accuracy" in stdout and "status: early stop" in stdout
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("test_accuracy", "val_accuracy", "profile", "data_source", "n_train", "n_test", "epochs", "seconds"):
        assert key in metrics
    assert metrics["profile"] == "smoke" and metrics["n_test"] == 400 and metrics["epochs"] == 3
    assert metrics["profile_settings"]["model"]["hidden_dim"] == 8 and metrics["profile_settings"]["lr"] == 0
    assert metrics["status"] == "early stop" and metrics["epochs_run"] == 2

    code, stdout, err = in_process(capsys, "predict", "--checkpoint", out / "sentiment_lstm.pt", "--json", "Loved it!",
                                   "Dull and bad.")
    assert code == 0, err
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert len(lines) == 2
    for line in lines:
        assert line["label"] in ("positive", "negative") and 0 <= line["p_positive"] <= 1
        assert line["confidence"] == max(line["p_positive"], 1 - line["p_positive"])


def test_errors_are_one_line_and_non_zero(tmp_path, capsys):
    code, _, err = in_process(capsys, "predict", "--checkpoint", tmp_path / "none.pt", "text")
    one_line_error(code, err, "no such checkpoint")
    code, _, err = in_process(capsys, "train", "--profile", "smoke", "--data-dir", tmp_path / "nowhere", "--out",
                              tmp_path)
    one_line_error(code, err, "no such data folder")


def test_help_documents_every_option(capsys):
    def help_of(command):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        return capsys.readouterr().out

    text = help_of("train")
    for option in ("--profile", "--data-dir", "--out", "--seed", "--epochs", "--max-len", "--max-vocab", "--set"):
        assert option in text
    assert all(option in help_of("predict") for option in ("--json", "--csv", "--file"))


def test_set_overrides_profile_settings():
    from sentiment_helpers.profiles import apply_settings, get_profile

    cpu = get_profile("cpu")
    changed = apply_settings(cpu, ["lr=2e-3", "model.hidden_dim=256", "max_train_seconds=none", "max_vocab=25_000",
                                   "truncation=head", "n_train=1000"])
    assert (changed.lr, changed.model.hidden_dim, changed.max_train_seconds) == (2e-3, 256, None)
    assert (changed.max_vocab, changed.truncation, changed.n_train) == (25_000, "head", 1000)
    # the profile itself is untouched
    assert changed.model.embed_dim == cpu.model.embed_dim and cpu.model.hidden_dim == 96
    assert apply_settings(cpu, []) == cpu


@pytest.mark.parametrize("setting, message", [("lr", "KEY=VALUE"), ("learning_rate=1", "unknown setting"),
                                              ("model.width=3", "unknown setting"),
                                              ("epochs=three", "expected a value"),
                                              ("n_train=many", "a number or none")])
def test_set_rejects_bad_settings(setting, message):
    from sentiment_helpers.profiles import apply_settings, get_profile

    with pytest.raises(ValueError, match=message):
        apply_settings(get_profile("cpu"), [setting])


@pytest.mark.parametrize("setting, expected", [("epochs=three", "epochs=three"),
                                               ("pretrain=glove", "pretrain must be one of")])
def test_a_bad_setting_is_one_line(tmp_path, capsys, setting, expected):
    code, _, err = in_process(capsys, "train", "--profile", "smoke", "--set", setting, "--out", tmp_path)
    one_line_error(code, err, expected)


@pytest.mark.parametrize("setting, expected", [("schedule=cosine", "schedule must be one of 'constant', 'onecycle'"),
                                               ("truncation=tail", "truncation must be one of 'head', 'head+tail'"),
                                               ("model.pooling=average", "model.pooling must be one of"),
                                               ("batch_size=0", "batch_size must be a whole number at least 1"),
                                               ("model.dropout=1.5", "model.dropout must be a number")])
def test_a_bad_choice_fails_before_any_data_is_read(tmp_path, capsys, monkeypatch, setting, expected):
    from sentiment_helpers import data as data_module

    def no_data(*args, **kwargs):
        raise AssertionError("data was read before the settings were checked")

    monkeypatch.setattr(data_module, "load_frames", no_data)
    code, _, err = in_process(capsys, "train", "--profile", "smoke", "--set", setting, "--out", tmp_path)
    one_line_error(code, err, expected)
    assert not (tmp_path / "metrics.json").exists()


def test_version_and_help_load_no_torch():
    """``--version`` and ``--help`` answer at once: they import no torch (seconds on a laptop)."""
    for args in (["--version"], ["--help"], ["train", "--help"]):
        probe = (f"import sys\nfrom sentiment_helpers import cli\ntry:\n    cli.main({args!r})\nexcept SystemExit:\n"
                 "    pass\nprint('torch loaded' if 'torch' in sys.modules else 'no torch')")
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=_no_profile_env())
        assert result.stdout.strip().splitlines()[-1] == "no torch", (args, result.stdout, result.stderr)


def _no_profile_env():
    import os

    return {k: v for k, v in os.environ.items() if k != "SENTIMENT_PROFILE"}


def test_validation_by_movie_reaches_the_training_run(tmp_path, capsys):
    from test_data import _with_review_ids

    code, _, err = in_process(capsys, "train", "--profile", "smoke", "--data-dir", data.SAMPLE_DIR, "--out",
                              tmp_path / "a", "--validation", "by-movie", "--no-progress")
    one_line_error(code, err, "needs the reviews' ids")
    out = tmp_path / "run"
    code, stdout, err = in_process(capsys, "train", "--profile", "smoke", "--data-dir",
                                   _with_review_ids(tmp_path / "imdb"), "--out", out, "--epochs", "1",
                                   "--validation", "by-movie", "--set", "n_train=300", "--set", "model.hidden_dim=8",
                                   "--no-progress")
    assert code == 0, err
    assert json.loads((out / "metrics.json").read_text())["validation_split"] == "by-movie"
    assert "(by-movie split)" in stdout


# --- predict from standard input and files, evaluate, one-line errors (instructors script these) ---

def predict_json(capsys, checkpoint, *args, stdin=None, monkeypatch=None):
    code, out, err = in_process(capsys, "predict", "--checkpoint", checkpoint, "--json", *args, stdin=stdin,
                                monkeypatch=monkeypatch)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()], err


def test_predict_reads_standard_input_one_review_per_line(smoke_run, capsys, monkeypatch):
    rows, err = predict_json(capsys, smoke_run.checkpoint_path, "-",
                             stdin="A wonderful film.\n\nDull and far too long.\n", monkeypatch=monkeypatch)
    assert [row["index"] for row in rows] == [0, 2]  # the blank line is skipped, and said so
    assert "skipped 1 blank line" in err
    by_argument, _ = predict_json(capsys, smoke_run.checkpoint_path, "A wonderful film.", "Dull and far too long.")
    assert [row["p_positive"] for row in rows] == [row["p_positive"] for row in by_argument]


@pytest.mark.parametrize("kind", ["txt", "csv", "parquet"])
def test_predict_reads_a_file_in_input_order(smoke_run, tmp_path, kind, capsys):
    import pandas as pd

    texts = data.load_imdb(data.SAMPLE_DIR)["test"]["text"][:300]  # more than one chunk of 256
    texts = [t.replace("\n", " ") for t in texts]
    path = tmp_path / f"reviews.{kind}"
    if kind == "txt":
        path.write_text("\n".join(texts) + "\n")
    else:
        frame = pd.DataFrame({"id": range(len(texts)), "text": texts})
        frame.to_csv(path, index=False) if kind == "csv" else frame.to_parquet(path)
    rows, _ = predict_json(capsys, smoke_run.checkpoint_path, "--file", path)
    assert [row["index"] for row in rows] == list(range(300))
    from sentiment_helpers.predict import SentimentPredictor

    expected = SentimentPredictor.from_checkpoint(smoke_run.checkpoint_path, "cpu").predict_batch(texts, progress=False)
    assert all(abs(row["p_positive"] - e.p_positive) < 1e-5 for row, e in zip(rows, expected, strict=True))


def test_predict_writes_a_csv_file_in_input_order(smoke_run, tmp_path, capsys):
    import pandas as pd

    path = tmp_path / "reviews.txt"
    path.write_text("".join(f"review {i}: {'great' if i % 2 else 'awful'} film\n" for i in range(600)))
    code, out, err = in_process(capsys, "predict", "--checkpoint", smoke_run.checkpoint_path, "--file", path,
                                "--csv", tmp_path / "out.csv")
    assert code == 0, err
    table = pd.read_csv(tmp_path / "out.csv")
    assert list(table.columns) == ["index", "label", "p_positive", "confidence", "n_tokens", "n_known", "truncated"]
    assert table["index"].tolist() == list(range(600)) and out == ""
    assert "wrote 600 predictions" in err
    assert not list(tmp_path.glob(".*partial"))


def test_predict_streams_results_before_its_input_ends(smoke_run):
    import selectors

    process = subprocess.Popen([sys.executable, "-m", "sentiment_helpers", "predict", "--checkpoint",
                                str(smoke_run.checkpoint_path), "--json", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        process.stdin.write("a fine film\n" * 300)  # one chunk of 256 and more: the input stays open
        process.stdin.flush()
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        # a generous limit that only a hung process reaches: the test is that a result comes at all
        assert selector.select(timeout=120), "no result came while the input was still open"
        assert json.loads(process.stdout.readline())["index"] == 0
    finally:
        process.stdin.close()
        process.wait(timeout=120)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == 0


def test_evaluate_scores_a_checkpoint_and_writes_a_report(smoke_run, tmp_path, capsys):
    out = tmp_path / "report"
    code, stdout, err = in_process(capsys, "evaluate", "--checkpoint", smoke_run.checkpoint_path, "--data-dir",
                                   data.SAMPLE_DIR, "--out", out, "--no-progress")
    assert code == 0, err
    for text in ("accuracy", "F1", "ROC AUC", "true negative", "predicted pos", "test: 400 reviews"):
        assert text in stdout
    report = json.loads((out / "metrics.json").read_text())
    assert report["split"] == "test" and report["metrics"]["n"] == smoke_run.metrics["n_test"]
    # the same reviews as the training run's own report (up to a borderline bf16 flip)
    assert abs(report["metrics"]["accuracy"] - smoke_run.metrics["test_accuracy"]) <= 2 / report["metrics"]["n"]
    assert sum(map(sum, report["confusion"])) == report["metrics"]["n"]
    for figure in ("confusion_matrix.png", "roc_curve.png"):
        assert (out / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, stdout, err = in_process(capsys, "evaluate", "--checkpoint", smoke_run.checkpoint_path, "--data-dir",
                                   data.SAMPLE_DIR, "--split", "validation", "--no-progress")
    assert code == 0 and f"validation: {smoke_run.metrics['n_val']} reviews" in stdout, err


def test_errors_an_instructor_meets_are_one_line(smoke_run, tmp_path, capsys, monkeypatch):
    checkpoint = smoke_run.checkpoint_path
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    one_line_error(*in_process(capsys, "train", "--profile", "smoke", "--out", a_file)[::2], "is a file, not a folder")
    metrics = smoke_run.checkpoint_path.parent / "metrics.json"
    line = one_line_error(*in_process(capsys, "predict", "--checkpoint", metrics, "good")[::2], "not a checkpoint",
                          "JSON file")
    assert "could run code" not in line
    (tmp_path / "reviews.csv").write_text("review,stars\ngood,5\n")
    one_line_error(*in_process(capsys, "predict", "--checkpoint", checkpoint, "--file", tmp_path / "reviews.csv")[::2],
                   "no 'text' column", "review")
    one_line_error(*in_process(capsys, "predict", "--checkpoint", checkpoint, "-", stdin="",
                               monkeypatch=monkeypatch)[::2], "no reviews in standard input")


@pytest.mark.parametrize("args, expected", [
    (["evaluate", "--out", "{file}"], "is a file, not a folder"),
    (["predict", "--file", "{empty}"], "no reviews in"),
    (["predict", "--file", "{missing}"], "no such file"),
    (["predict"], "no reviews: give them as arguments"),
    (["predict", "--csv", "{folder}", "good"], "is a folder"),
    (["predict", "--file", "{blank}"], "only 2 blank lines"),
    (["predict", "--file", "{empty}", "good"], "not both"),
    (["predict", "--file", "{broken_csv}"], "not a readable CSV file"),
])
def test_more_input_and_output_errors_are_one_line(smoke_run, tmp_path, capsys, args, expected):
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.txt").write_text("\n  \n")
    (tmp_path / "broken.csv").write_bytes(b"text\n\xff\xfe not utf-8\n")
    paths = {"file": tmp_path / "file.txt", "empty": tmp_path / "empty.txt", "blank": tmp_path / "blank.txt",
             "missing": tmp_path / "missing.txt", "folder": tmp_path, "broken_csv": tmp_path / "broken.csv"}
    args = [args[0], "--checkpoint", smoke_run.checkpoint_path] + [a.format(**paths) for a in args[1:]]
    code, _, err = in_process(capsys, *args)
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert code == 1 and len(errors) == 1 and expected in errors[0], err
    assert not list(tmp_path.glob(".*partial"))


def test_a_real_pickle_is_still_refused_as_code(tmp_path, capsys):
    import pickle

    path = tmp_path / "model.pt"
    with open(path, "wb") as f:
        pickle.dump({"format": "sentiment-helpers-checkpoint", "weights": eval}, f)
    one_line_error(*in_process(capsys, "predict", "--checkpoint", path, "good")[::2], "refused to load",
                   "could run code")


def test_io_errors_a_user_causes_are_one_line(tmp_path, capsys, monkeypatch):
    # a real one: an output folder below a file that is not a folder (the OS refuses: NotADirectoryError)
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x")
    one_line_error(*in_process(capsys, "train", "--profile", "smoke", "--out", not_a_folder / "run")[::2],
                   "Not a directory")

    def disk_full(args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(commands, "predict", disk_full)
    one_line_error(*in_process(capsys, "predict", "--checkpoint", "any.pt", "good")[::2], "No space left on device")


def test_ctrl_c_during_a_run_exits_130_and_says_interrupted(tmp_path, capsys, monkeypatch):
    from sentiment_helpers import pipeline

    calls = []

    def ctrl_c(*args, **kwargs):  # the training run, interrupted as soon as it starts
        calls.append(args)
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "run_training", ctrl_c)
    try:
        code, out, err = in_process(capsys, "train", "--profile", "smoke", "--data-dir", data.SAMPLE_DIR, "--out",
                                    tmp_path / "run", "--no-progress")
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C went through main() instead of ending the command with exit code 130")
    assert len(calls) == 1 and code == 130
    assert "interrupted" in err.splitlines() and "Traceback" not in err and "test accuracy" not in out


@pytest.mark.parametrize("bug", [TypeError("unsupported operand type(s)"), ValueError("a bug, not a user's mistake"),
                                 KeyError("metrics")])
def test_a_programming_error_keeps_its_traceback(monkeypatch, bug):
    def buggy(args):
        raise bug

    monkeypatch.setattr(commands, "predict", buggy)
    with pytest.raises(type(bug)):  # not turned into a one-line "error:": the traceback reaches whoever fixes it
        cli.main(["predict", "--checkpoint", "any.pt", "good"])


def test_version_and_examples_in_every_help(capsys):
    from sentiment_helpers import __version__

    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.strip() == f"sentiment-helpers {__version__}"
    for command in ("train", "evaluate", "predict", "download"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        text = capsys.readouterr().out
        assert "examples:" in text and f"python -m sentiment_helpers {command} " in text
