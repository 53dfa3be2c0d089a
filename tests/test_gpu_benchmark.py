"""The GPU check (benchmarks/gpu/): its plan and arguments, its running summary and its record, on fabricated output
folders; nothing here trains."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.gpu import check, record, summary

ROOT = Path(__file__).resolve().parent.parent

MACHINE = {"gpu": "NVIDIA H100 80GB HBM3", "gpu_memory_gib": 79.1, "bf16": True, "cuda": "12.8",
           "torch": "2.11.0+cu128", "python": "3.12.3", "cpu": "AMD EPYC 9654 96-Core Processor", "cpu_cores": 16}
TRAINED = {"test_accuracy": 0.91234, "val_accuracy": 0.9216, "test_f1": 0.912, "test_roc_auc": 0.97, "best_epoch": 4,
           "epochs_run": 6, "seconds_per_epoch": [5.24, 5.11, 5.3], "train_seconds": 33.0, "device": "cuda",
           "training_status": "early stop", "max_train_seconds": 540.0, "peak_gpu_memory_gib": 2.125}


def a_run(out, smoke=False, machine=MACHINE, finished=True):
    """An output folder as the check leaves it: a set-up, a training run, two lessons, a step the budget left out."""
    out.mkdir(parents=True, exist_ok=True)
    steps = [{"name": "setup", "kind": "setup", "status": "ok", "rc": 0, "seconds": 12.0, "limit": 900},
             {"name": "train full", "kind": "train", "status": "ok", "rc": 0, "seconds": 71.0, "limit": 600, **TRAINED},
             {"name": "nbval 04_training", "kind": "nbval", "status": "failed", "rc": 1, "seconds": 41.2,
              "limit": 300, "cells_passed": 24, "cells_failed": 1},
             {"name": "nbval 05_evaluation", "kind": "nbval", "status": "passed", "rc": 0, "seconds": 30.0,
              "limit": 180, "cells_passed": 20, "cells_failed": 0},
             {"name": "train full-pretrained", "kind": "train", "status": "not run", "rc": None, "seconds": 0.0,
              "limit": 0, "note": "the budget was spent"}]
    run = {"command": "python -m benchmarks.gpu.check OUT --data-dir DATA --budget 2400", "commit": "0" * 40,
           "smoke": smoke, "budget_seconds": 2400, "started": "2026-12-01T10:00:00+00:00", "elapsed_seconds": 2390,
           "finished": finished, "machine": machine, "steps": steps}
    summary.write(out, run)
    (out / "metrics-full.json").write_text(json.dumps({"test_accuracy": 0.91234}))
    return out


def test_the_summary_says_running_until_finished_then_names_the_steps_that_did_not_pass(tmp_path):
    out = a_run(tmp_path / "out", finished=False)
    assert json.loads((out / "summary.json").read_text())["status"] == "running"
    out = a_run(tmp_path / "out")
    written = json.loads((out / "summary.json").read_text())
    assert written["status"] == "failed"
    assert written["failed_steps"] == ["nbval 04_training", "train full-pretrained"]
    text = (out / "summary.txt").read_text()
    assert "NVIDIA H100 80GB HBM3, 79.1 GiB | torch 2.11.0+cu128 (CUDA 12.8)" in text
    assert "test accuracy 91.23%" in text and "5.1-5.3 s per epoch" in text and "peak GPU memory 2.12 GiB" in text
    assert "nbval 04_training: failed, 41 s (limit 300 s); 24 cells passed, 1 failed" in text


@pytest.mark.parametrize("kind, rc, timed_out, status", [("nbval", 0, False, "passed"), ("train", 0, False, "ok"),
                                                         ("nbval", 1, False, "failed"), ("train", -15, True, "timeout"),
                                                         ("train", None, False, "not run")])
def test_step_status(kind, rc, timed_out, status):
    assert summary.step_status(kind, rc, timed_out) == status


def test_cells_are_counted_from_pytests_closing_line():
    log = "notebooks/04_training.ipynb ....F...\r\nprogress 10%\rprogress 100%\n1 failed, 24 passed in 41.20s\n"
    assert summary.pytest_counts(log) == {"cells_passed": 24, "cells_failed": 1}
    assert summary.pytest_counts("2 errors, 3 passed in 1.0s") == {"cells_passed": 3, "cells_failed": 2}
    assert summary.pytest_counts("Traceback ...") == {}


def test_the_record_names_the_machine_kind_and_the_command_with_placeholders(tmp_path):
    out = a_run(tmp_path / "out")
    path = record.record(out, tmp_path / "results")
    assert path == tmp_path / "results" / "gpu-h100-80gb-hbm3.md"
    markdown = path.read_text()
    assert "`python -m benchmarks.gpu.check OUT --data-dir DATA --budget 2400`" in markdown
    assert ("NVIDIA H100 80GB HBM3 (79.1 GiB, bf16); CUDA 12.8, torch 2.11.0+cu128, Python 3.12.3; 16 CPU cores "
            "(AMD EPYC 9654 96-Core Processor)") in markdown
    assert "| `full` profile on NVIDIA H100 80GB HBM3 | **91.23%** test, best epoch 4 of 6 | 33 s of training |" in (
        markdown)
    assert "| lessons under nbval on NVIDIA H100 80GB HBM3 | 1 of 2 passed | 71 s |" in markdown
    assert "| train full-pretrained | not run | 0 | 0 | - |" in markdown
    assert str(tmp_path) not in markdown
    recorded = json.loads(path.with_suffix(".json").read_text())
    assert recorded["machine"] == MACHINE and recorded["machine_name"] == "h100-80gb-hbm3"
    assert recorded["metrics"]["full"]["test_accuracy"] == 0.91234
    assert not list(path.parent.glob(".*partial"))  # written whole, no temporary file left


def test_a_rehearsal_is_recorded_apart_and_a_wrong_folder_is_one_line(tmp_path, capsys):
    cpu = {**MACHINE, "gpu": None, "gpu_memory_gib": None, "bf16": None}
    path = record.record(a_run(tmp_path / "out", smoke=True, machine=cpu), tmp_path / "results")
    assert path.name == "gpu-no-gpu-smoke.md" and "a rehearsal, not a GPU figure" in path.read_text()
    assert record.main([str(tmp_path / "nothing-here"), "--results", str(tmp_path / "results")]) == 1
    assert "no summary.json" in capsys.readouterr().err


@pytest.mark.parametrize("name, short", [("NVIDIA H200", "h200"), ("NVIDIA H100 80GB HBM3", "h100-80gb-hbm3"),
                                         ("Tesla T4", "tesla-t4")])
def test_machine_name_from_the_gpu(name, short):
    assert record.machine_name({"machine": {"gpu": name}}) == short


def full_data(folder, splits=check.SPLITS):
    folder.mkdir()
    for split in splits:
        (folder / f"{split}.parquet").write_bytes(b"")
    return folder


def test_arguments_are_checked_before_anything_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    with pytest.raises(SystemExit):
        check.parse_args([str(tmp_path / "out")])
    assert "--data-dir" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        check.parse_args([str(tmp_path / "out"), "--data-dir", str(full_data(tmp_path / "d", ["train", "test"]))])
    assert "no unsupervised.parquet" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit):
        check.parse_args([str(tmp_path / "out"), "--smoke", "--wheels", str(tmp_path / "empty")])
    assert "no wheel files" in capsys.readouterr().err
    (tmp_path / "empty" / "a-1.0-py3-none-any.whl").touch()
    args = check.parse_args([str(tmp_path / "out"), "--data-dir", str(full_data(tmp_path / "data")),
                             "--wheels", str(tmp_path / "empty"), "--budget", "900"])
    assert check.recorded_command(args) == ("python -m benchmarks.gpu.check OUT --data-dir DATA --wheels WHEELS "
                                            "--budget 900")


def test_the_smoke_plan_installs_from_the_wheels_and_runs_every_step_in_order(tmp_path, capsys):
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "a-1.0-py3-none-any.whl").touch()
    assert check.main([str(tmp_path / "out"), "--smoke", "--wheels", str(tmp_path / "wheels"), "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert not (tmp_path / "out").exists()
    assert lines[0].startswith("setup (limit 900 s): ")
    assert f"pip install --no-index --find-links {tmp_path / 'wheels'} -e '.[lab,test]'" in lines[0]
    assert lines[1].startswith("train full (limit 600 s): ") and "--set max_train_seconds=540" in lines[1]
    assert "--set n_train=2000" in lines[1] and "-m benchmarks.gpu.train_run --out RUN --profile full" in lines[1]
    lessons = [line.split()[1] for line in lines if line.startswith("nbval ")]
    assert lessons[:5] == ["01_data_exploration", "02_preprocessing_vocabulary", "03_bilstm_parameters",
                           "04_training", "04b_classical_baseline"] and lessons[-1] == "08_counterfactual_reviews"
    assert lines[-1].startswith("train full-pretrained (limit 2400 s, if time is left): ")
    assert "-p benchmarks.gpu.nbval_artifacts" in lines[2] and "-n " not in lines[2]


def test_nbval_options_are_pyprojects_less_xdist():
    options = check.nbval_options()
    assert "--nbval-lax" in options and "--nbval-current-env" in options
    assert "-n" not in options.split() and "--dist" not in options and "--durations" not in options


def test_a_step_past_the_budget_is_not_run(tmp_path, monkeypatch):
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    args = check.parse_args([str(tmp_path / "out"), "--smoke"])
    step = check.Step("nbval 01_data_exploration", "nbval", 120, ["false"])
    assert check.run_step(step, args, tmp_path, left=20)["status"] == "not run"
    optional = check.Step("train full-pretrained", "train", 2400, profile="full-pretrained", optional=True)
    assert check.run_step(optional, args, tmp_path, left=200)["status"] == "not run"
    assert not (tmp_path / "out").exists()


def ended(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] in ("Z", "X")  # a zombie: ended, not yet reaped
    except FileNotFoundError:
        return True


def test_a_step_over_its_limit_is_stopped_with_its_children(tmp_path):
    """A lesson's kernel is a child of pytest: the limit stops both."""
    sleeper = [sys.executable, "-c", "import subprocess, sys, time; child = subprocess.Popen([sys.executable, '-c', "
               "'import time; time.sleep(60)']); print(child.pid, flush=True); time.sleep(60)"]
    rc, timed_out = check.run_limited(sleeper, 2, tmp_path / "log", {})
    assert timed_out and rc != 0
    child = int((tmp_path / "log").read_text())
    for _ in range(40):  # the child, orphaned, is reaped by the system soon after it ends
        if ended(child):
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the step's child outlived its limit")


def test_a_finished_training_runs_figures(tmp_path):
    metrics = {"test_accuracy": 0.9, "val_accuracy": 0.91, "best_epoch": 2, "epochs_run": 3, "seconds_per_epoch": [5.0],
               "train_seconds": 15.0, "device": "cuda", "n_train": 22500, "n_test": 25000, "status": "completed",
               "test_metrics": {"f1": 0.9, "roc_auc": 0.96}, "profile_settings": {"max_train_seconds": 540},
               "pretraining": {"build_seconds": 80.0}}
    (tmp_path / "metrics.json").write_text(json.dumps(metrics))
    (tmp_path / "peak-memory.json").write_text(json.dumps({"peak_gpu_memory_gib": 1.5}))
    figures = check.train_figures(tmp_path)
    assert figures["test_f1"] == 0.9 and figures["peak_gpu_memory_gib"] == 1.5 and figures["word2vec_seconds"] == 80.0
    assert "word2vec 80 s" in summary.figures(figures) and check.train_figures(tmp_path / "none") == {}


def test_the_offline_kit_lists_its_options_and_refuses_an_unknown_one():
    """scripts/wheelhouse.sh, the one kit for a room or a GPU machine (run without downloading anything)."""
    kit = [shutil.which("bash"), str(ROOT / "scripts" / "wheelhouse.sh")]
    shown = subprocess.run([*kit, "--help"], capture_output=True, text=True)
    assert shown.returncode == 0
    for option in ("--platform TAG", "--python X.Y", "--compress-data", "--limit-mb N", "--no-artifacts"):
        assert option in shown.stdout
    refused = subprocess.run([*kit, "--limit"], capture_output=True, text=True)
    assert refused.returncode == 2 and "unknown option --limit" in refused.stderr
