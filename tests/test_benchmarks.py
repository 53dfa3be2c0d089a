"""The benchmarks' scaffold (benchmarks/common.py) and the benchmarks themselves, without running any of them."""
import importlib
import json
import os
import pkgutil
import platform
import re
import sys
from pathlib import Path

import pytest

import benchmarks
from benchmarks import common

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ("ablation", "counterfactual", "doctor_timing", "ensemble", "ensemble_variants", "install_sizes",
              "ngram_choice", "predict_memory", "pretraining", "profile_choice", "seeds", "speed")
MODULES = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.ispkg)


def test_the_benchmarks_are_found():
    assert set(BENCHMARKS) | {"common"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_every_benchmark_module_imports(name):
    module = importlib.import_module(f"benchmarks.{name}")
    assert module.__doc__, f"benchmarks/{name}.py says nothing about what it measures"


@pytest.mark.parametrize("name", BENCHMARKS)
def test_a_benchmark_runs_as_a_module_and_its_readme_line_says_so(name):
    module = importlib.import_module(f"benchmarks.{name}")
    assert callable(module.main)
    assert f"python -m benchmarks.{name} " in module.__doc__, f"benchmarks/{name}.py: its usage line"
    assert f"`benchmarks.{name}`" in (ROOT / "benchmarks" / "README.md").read_text(), f"{name}: not in the README"


def test_write_results_writes_both_files_whole(tmp_path):
    folder = tmp_path / "results"  # made if missing
    md, js = common.write_results("trial", "| a |\n|---|\n| 1 |", {"rows": [1, 2.5]}, folder)
    assert (md, js) == (folder / "trial.md", folder / "trial.json")
    assert md.read_text() == "| a |\n|---|\n| 1 |\n"
    assert json.loads(js.read_text()) == {"rows": [1, 2.5]}
    with pytest.raises(TypeError):  # a value JSON cannot hold fails the write half-way through the json file
        common.write_results("trial", "new table\n", {"rows": [object()]}, folder)
    assert md.read_text() == "new table\n"  # each file is replaced whole, on its own
    assert json.loads(js.read_text()) == {"rows": [1, 2.5]}  # the older file stays whole
    assert sorted(p.name for p in folder.iterdir()) == ["trial.json", "trial.md"]  # no temporary file is left


def test_the_machine_is_described_by_kind():
    described = common.machine()
    assert set(described) == {"cpu", "cores", "native_bf16", "gpu", "python", "torch", "commit"}
    from sentiment_helpers import device

    assert described["native_bf16"] is device.cpu_has_bf16() and described["cpu"] == device.cpu_name()
    assert described["cores"] == (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    assert described["python"] == platform.python_version()
    assert described["commit"] is None or re.fullmatch(r"[0-9a-f]{7,40}(-dirty)?", described["commit"])
    line = common.machine_line({"cores": 2, "cpu": "AMD EPYC 9R14", "native_bf16": False, "gpu": None})
    assert line == "2 CPU cores (AMD EPYC 9R14, no native bf16), no GPU"
    assert "with native bf16), NVIDIA A100" in common.machine_line({**described, "native_bf16": True,
                                                                     "gpu": "NVIDIA A100"})


def test_run_measured_gives_the_childs_own_peak_memory_and_output():
    done = common.run_measured([sys.executable, "-c", "x = b'x' * (120 * 2**20); print(len(x) // 2**20)"],
                               capture=True)
    assert done.returncode == 0 and done.stdout == "120\n"
    assert 120 <= done.peak_rss_mib < 120 + 200  # the child's 120 MiB, not this test process's memory
    assert common.run_measured([sys.executable, "-c", "raise SystemExit(3)"], check=False).returncode == 3
    with pytest.raises(SystemExit, match="exit code 3"):
        common.run_measured([sys.executable, "-c", "raise SystemExit(3)"])


def test_the_stopwatch_measures_its_block(monkeypatch):
    ticks = iter([10.0, 12.5, 13.25])
    monkeypatch.setattr(common.Stopwatch, "clock", staticmethod(lambda: next(ticks)))
    with common.Stopwatch() as watch:
        assert watch.seconds == 2.5  # so far
    assert watch.seconds == 3.25 and watch.seconds == 3.25  # fixed once the block ends
    assert common.peak_rss_mib() > 10  # this Python process, in MiB (not KiB, not bytes)


def test_commands_and_records_name_no_folder_of_the_machine(monkeypatch, tmp_path):
    monkeypatch.delenv("SENTIMENT_AMP", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert common.command_line("seeds", "--data-dir DATA") == "python -m benchmarks.seeds --data-dir DATA"
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("SENTIMENT_AMP", "0")
    assert common.command_line("seeds", "--x") == "SENTIMENT_AMP=0 OMP_NUM_THREADS=1 python -m benchmarks.seeds --x"
    data = tmp_path / "imdb"
    record = {"source": f"local folder {data}", "runs": [{"cache": f"{ROOT}/artifacts/pretrained/w.pt"}]}
    assert common.without_paths(record, data) == {"source": "local folder DATA",
                                                  "runs": [{"cache": "artifacts/pretrained/w.pt"}]}
    assert common.without_paths(f"{ROOT}/artifacts", None) == "artifacts"


@pytest.mark.parametrize("path", sorted((ROOT / "benchmarks" / "results").glob("*.json")), ids=lambda p: p.name)
def test_every_results_json_is_valid(path):
    json.loads(path.read_text())


def test_every_learning_curve_bilstm_run_takes_enough_steps():
    """With few labels the profile's epochs would be a handful of steps: epochs_for adds epochs up to MIN_STEPS."""
    from benchmarks.learning_curve import MIN_STEPS, epochs_for
    from sentiment_helpers.profiles import get_profile

    profile = get_profile("cpu-pretrained")
    for n in (250, 1000, 4000, 22500):
        steps_per_epoch = -(-n // profile.batch_size)
        assert epochs_for(profile, n) * steps_per_epoch >= MIN_STEPS and epochs_for(profile, n) >= profile.epochs
    assert epochs_for(profile, 22500) == profile.epochs  # enough steps already: the profile as it is
