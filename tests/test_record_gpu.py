"""The GPU check's summary (benchmarks/gpu_summary.py) and its record (scripts/record_gpu.py), on small fixtures."""
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))
import gpu_summary  # noqa: E402
import record_gpu  # noqa: E402

MACHINE = {"python": "3.12.3", "cpu_count": 16, "torch": "2.11.0+cu130", "cuda": "13.0", "cuda_available": True,
           "gpu": "NVIDIA H200", "gpu_memory_gib": 139.8, "gpu_count": 1, "cudnn": 91900,
           "versions": {"torch": "2.11.0+cu130", "datasets": "4.0.0", "gensim": None}}
TRAINED = {"profile": "full", "training_status": "early stop", "test_accuracy": 0.91234, "val_accuracy": 0.9216,
           "test_f1": 0.912, "test_roc_auc": 0.97, "best_epoch": 4, "epochs": 8, "epochs_run": 6,
           "seconds_per_epoch": [5.24, 5.11, 5.3], "train_seconds": 33.0, "run_seconds": 71.0, "device": "cuda",
           "n_train": 22500, "n_val": 2500, "n_test": 25000, "peak_gpu_memory_gib": 2.125, "max_train_seconds": 90.0}
NBVAL_LOG = "notebooks/04_training.ipynb ....F...\r\nprogress 10%\rprogress 100%\n1 failed, 24 passed in 41.20s\n"


def run_call(tmp_path: Path, call: str = "lessons", smoke: bool = False) -> Path:
    """A call as gpu_check.sh records it: start, the machine, a lesson under nbval, a training run, finish."""
    work, out = tmp_path / f"work-{call}", tmp_path / f"out-{call}"
    gpu_summary.main(["start", str(work), str(out), "--call", call, "--budget", "300", "--command", "x"]
                     + (["--smoke"] if smoke else []))
    (work / "machine.json").write_text(json.dumps(MACHINE))
    log = tmp_path / "nbval.log"
    log.write_text(NBVAL_LOG)
    gpu_summary.main(["step", str(work), str(out), "--name", "nbval 04_training", "--kind", "nbval", "--rc", "1",
                      "--seconds", "41.2", "--limit", "150", "--log", str(log), "--started", "2026-11-28T10:00:00"])
    detail = tmp_path / "train.detail"
    detail.write_text(json.dumps({**TRAINED, "status": "should not replace the shell's"}))
    gpu_summary.main(["step", str(work), str(out), "--name", "train full", "--kind", "train", "--rc", "0",
                      "--seconds", "71", "--limit", "150", "--detail", str(detail), "--started", "2026-11-28T10:01:00"])
    (out / "metrics-full.json").write_text(json.dumps({"test_accuracy": 0.91234}))
    gpu_summary.main(["finish", str(work), str(out)])
    return out


def test_the_summary_keeps_each_steps_status_and_figures(tmp_path):
    out = run_call(tmp_path)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["finished"] and summary["status"] == "failed" and summary["failed_steps"] == ["nbval 04_training"]
    notebook, trained = summary["steps"]
    assert (notebook["status"], notebook["cells_passed"], notebook["cells_failed"]) == ("failed", 24, 1)
    assert trained["status"] == "ok" and trained["test_accuracy"] == 0.91234 and trained["peak_gpu_memory_gib"] == 2.125
    text = (out / "summary.txt").read_text()
    assert "NVIDIA H200, 139.8 GiB" in text and "test accuracy 0.9123" in text and "5.1-5.3 s per epoch" in text
    # log.txt: a progress bar's last state only, and pytest's closing line
    log = (out / "log.txt").read_text()
    assert "progress 100%" in log and "progress 10%" not in log and "1 failed, 24 passed" in log


def test_a_step_cut_short_or_never_run_fails_the_call_and_the_summary_says_running_until_finished(tmp_path):
    work, out = tmp_path / "work", tmp_path / "out"
    gpu_summary.main(["start", str(work), str(out), "--call", "pretrained", "--budget", "300", "--command", "x"])
    gpu_summary.main(["step", str(work), str(out), "--name", "nbval 07_unlabeled_reviews", "--kind", "nbval",
                      "--rc", "124", "--seconds", "300", "--limit", "300"])
    gpu_summary.main(["step", str(work), str(out), "--name", "train full-pretrained", "--kind", "train", "--rc", "124",
                      "--seconds", "0", "--limit", "0", "--not-run"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "running"
    assert [step["status"] for step in summary["steps"]] == ["timeout", "not run"]
    gpu_summary.main(["finish", str(work), str(out)])
    assert json.loads((out / "summary.json").read_text())["failed_steps"] == ["nbval 07_unlabeled_reviews",
                                                                              "train full-pretrained"]


def test_record_writes_the_table_and_headline_and_merges_calls(tmp_path):
    results = tmp_path / "results"
    path, headline = record_gpu.record([run_call(tmp_path)], results)
    assert path == results / "gpu-h200.md"
    markdown = path.read_text()
    assert "test 91.23% (F1 0.9120, ROC AUC 0.9700)" in markdown and "peak GPU memory 2.12 GiB" in markdown
    assert '"carry": [".whl/course", ".gpu-data/labeled"]' in markdown
    assert "| `full` profile on one NVIDIA H200 | **91.23%** test, best epoch 4 of 6 |" in headline
    assert "| lessons 04 under nbval on one NVIDIA H200 | 0 of 1 passed |" in headline
    # the other call, recorded later, joins the first one
    record_gpu.record([run_call(tmp_path, "pretrained")], results)
    recorded = json.loads((results / "gpu-h200.json").read_text())
    assert sorted(recorded["calls"]) == ["lessons", "pretrained"]
    assert recorded["calls"]["lessons"]["metrics"]["full"]["test_accuracy"] == 0.91234


def test_a_rehearsal_is_recorded_apart_and_a_wrong_folder_is_one_line(tmp_path, capsys):
    path, _ = record_gpu.record([run_call(tmp_path, smoke=True)], tmp_path / "results")
    assert path.name == "gpu-h200-smoke.md" and "smoke sizes" in path.read_text()
    assert record_gpu.main([str(tmp_path / "nothing-here")]) == 1
    assert "no summary.json" in capsys.readouterr().err


@pytest.mark.parametrize("name, kind", [("NVIDIA H200", "h200"), ("NVIDIA H100 80GB HBM3", "h100-80gb-hbm3"),
                                        ("Tesla T4", "tesla-t4")])
def test_machine_kind_from_the_gpu_name(name, kind):
    assert record_gpu.machine_kind({"machine": {"gpu": name}}) == kind


def test_gpu_check_runs_nbval_with_the_projects_options_less_xdist():
    """gpu_check.sh loads no plugin by itself, so it cannot take pyproject's `-n auto`: its options are the rest."""
    import re

    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    without_xdist = re.sub(r"-n \S+ --dist \S+ ", "", addopts).replace(" --durations=20", "")
    script = (ROOT / "benchmarks" / "gpu_check.sh").read_text()
    assert f'nbval_options="{without_xdist}"' in script
