"""The GPU check's running summary: OUT/summary.json and OUT/summary.txt, rewritten whole after every step, so a
run cut short still leaves what it measured."""
from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import re
from pathlib import Path

from sentiment_helpers.files import atomic_file, write_json

PASSED = re.compile(r"(\d+) passed")
FAILED = re.compile(r"(\d+) (?:failed|errors?)\b")


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def machine_info() -> dict:
    """The kind of machine: GPU model and memory, CUDA, torch, Python, CPU model and cores."""
    importlib.invalidate_caches()  # the check's set-up may have installed packages since this process started
    import torch

    from sentiment_helpers.device import cpu_name

    info = {"gpu": None, "gpu_memory_gib": None, "cuda": torch.version.cuda, "torch": str(torch.__version__),
            "python": platform.python_version(), "cpu": cpu_name(), "cpu_cores": os.cpu_count()}
    if torch.cuda.is_available():
        properties = torch.cuda.get_device_properties(0)
        info.update(gpu=properties.name, gpu_memory_gib=round(properties.total_memory / 2**30, 1),
                    bf16=torch.cuda.is_bf16_supported())
    return info


def step_status(kind: str, rc: int | None, timed_out: bool) -> str:
    if rc is None:
        return "not run"
    if timed_out:
        return "timeout"
    if rc == 0:
        return "passed" if kind == "nbval" else "ok"
    return "failed"


def pytest_counts(log: str) -> dict:
    """Cells passed and failed, from pytest's closing line (nbval: one test per code cell)."""
    closing = [line for line in log.splitlines() if " in " in line and re.search(r"passed|failed|error", line)]
    if not closing:
        return {}
    passed = PASSED.search(closing[-1])
    return {"cells_passed": int(passed.group(1)) if passed else 0,
            "cells_failed": sum(int(n) for n in FAILED.findall(closing[-1]))}


def _range(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.1f}" if f"{low:.1f}" == f"{high:.1f}" else f"{low:.1f}-{high:.1f}"


def figures(step: dict) -> str:
    """A step's figures in words (the summary's and the results file's)."""
    if "cells_passed" in step:
        return f"{step['cells_passed']} cells passed, {step['cells_failed']} failed"
    if step.get("test_accuracy") is None:
        return "-"
    parts = [f"test accuracy {100 * step['test_accuracy']:.2f}% (F1 {step['test_f1']:.4f}, ROC AUC "
             f"{step['test_roc_auc']:.4f})", f"validation {100 * step['val_accuracy']:.2f}%",
             f"best epoch {step['best_epoch']} of {step['epochs_run']} ({step['training_status']})",
             f"{_range(step['seconds_per_epoch'])} s per epoch", f"{step['train_seconds']:.0f} s of training",
             f"training capped at {step['max_train_seconds']:.0f} s"]
    if step.get("peak_gpu_memory_gib") is not None:
        parts.append(f"peak GPU memory {step['peak_gpu_memory_gib']:.2f} GiB")
    if step.get("word2vec_seconds") is not None:
        parts.append(f"word2vec {step['word2vec_seconds']:.0f} s")
    return "; ".join(parts)


def text(summary: dict) -> str:
    m = summary.get("machine") or {}
    lines = [f"GPU check{' (smoke sizes)' if summary['smoke'] else ''}: {summary['status']}, "
             f"{summary['elapsed_seconds']:.0f} s of a {summary['budget_seconds']} s budget"]
    if m:
        gpu = f"{m['gpu']}, {m['gpu_memory_gib']} GiB" if m.get("gpu") else "no CUDA device"
        lines.append(f"machine: {gpu} | torch {m['torch']} (CUDA {m['cuda'] or '-'}) | Python {m['python']} | "
                     f"{m['cpu_cores']} CPU cores ({m['cpu']})")
    return "\n".join(lines + [step_line(step) for step in summary["steps"]]) + "\n"


def step_line(step: dict) -> str:
    return f"{step['name']}: {step['status']}, {step['seconds']:.0f} s (limit {step['limit']} s); {figures(step)}"


def write(out: Path, summary: dict) -> None:
    """summary.json and summary.txt in ``out``, each written whole or not at all."""
    bad = [step["name"] for step in summary["steps"] if step["status"] not in ("ok", "passed")]
    summary.update(updated=now(), failed_steps=bad,
                   status=("failed" if bad else "passed") if summary["finished"] else "running")
    write_json(out / "summary.json", summary, indent=2)
    with atomic_file(out / "summary.txt", "w", encoding="utf-8") as f:
        f.write(text(summary))
