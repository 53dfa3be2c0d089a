"""The running summary of benchmarks/gpu_check.sh: rewritten after every step, so a call cut short still brings back
what it measured. Standard library only (it runs before the carried wheels are installed).

    python benchmarks/gpu_summary.py start WORK OUT --call lessons --budget 300 --command "..." [--smoke]
    python benchmarks/gpu_summary.py machine WORK OUT          (needs torch: the GPU, its memory, the versions)
    python benchmarks/gpu_summary.py step WORK OUT --name NAME --kind nbval|train|setup --rc RC --seconds S
        --limit L [--log FILE] [--detail FILE] [--note TEXT]
    python benchmarks/gpu_summary.py finish WORK OUT

WORK holds the parts (call.json, machine.json, steps/*.json); OUT gets summary.json, summary.txt and log.txt (the
last lines of each step's log). Writes are atomic: a reader never sees half a file.
"""
from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import re
import sys
import tempfile
from pathlib import Path

LOG_TAIL_LINES = 30  # per step, in log.txt: enough to see a traceback or pytest's summary
# the packages whose versions the GPU image decides (or the carried wheels bring): recorded with the figures
VERSIONS_OF = ["torch", "numpy", "pandas", "pyarrow", "scipy", "scikit-learn", "matplotlib", "seaborn", "tqdm",
               "huggingface-hub", "fsspec", "datasets", "gensim", "ipykernel", "ipython", "ipywidgets",
               "jupyter-client", "nbval", "pytest"]
PASSED = re.compile(r"(\d+) passed")
FAILED = re.compile(r"(\d+) (?:failed|error)")


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def write_atomic(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    with os.fdopen(handle, "w") as f:
        f.write(text)
    os.replace(temporary, path)


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def step_status(kind: str, rc: int) -> str:
    if rc in (124, 137):  # timeout's exit status, or killed after its grace period
        return "timeout"
    if rc == 0:
        return "passed" if kind == "nbval" else "ok"
    return "failed"


def pytest_counts(log: str) -> dict:
    """Cells passed and failed, from pytest's last summary line (nbval: one test per code cell)."""
    lines = [line for line in log.splitlines() if " in " in line and ("passed" in line or "failed" in line
                                                                        or "error" in line)]
    if not lines:
        return {}
    last = lines[-1]
    passed, failed = PASSED.search(last), FAILED.findall(last)
    return {"cells_passed": int(passed.group(1)) if passed else 0, "cells_failed": sum(map(int, failed))}


def log_tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines, each as a terminal would show it (a progress bar's redraws: its last state only)."""
    shown = [line.rsplit("\r", 1)[-1].rstrip() for line in text.split("\n")]  # not splitlines: it splits at \r
    return "\n".join([line for line in shown if line][-lines:])


def append_log(out: Path, name: str, text: str) -> None:
    with open(out / "log.txt", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # two lanes of steps may finish at once
        f.write(f"===== {name} =====\n{text}\n")


def machine_info() -> dict:
    import importlib.metadata as metadata
    import platform

    import torch

    info = {"python": platform.python_version(), "cpu_count": os.cpu_count(), "torch": str(torch.__version__),
            "cuda": torch.version.cuda, "cuda_available": torch.cuda.is_available(), "gpu": None,
            "gpu_memory_gib": None}
    if torch.cuda.is_available():
        properties = torch.cuda.get_device_properties(0)
        info.update(gpu=properties.name, gpu_memory_gib=round(properties.total_memory / 2**30, 1),
                    gpu_count=torch.cuda.device_count(), cudnn=torch.backends.cudnn.version())
    versions = {}
    for name in VERSIONS_OF:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    info["versions"] = versions
    return info


def build_summary(work: Path) -> dict:
    call = read_json(work / "call.json")
    steps = sorted((read_json(path) for path in (work / "steps").glob("*.json")), key=lambda s: s.get("started", ""))
    started = dt.datetime.fromisoformat(call["started"]) if call.get("started") else None
    elapsed = (dt.datetime.now(dt.timezone.utc) - started).total_seconds() if started else None
    bad = [s["name"] for s in steps if s.get("status") not in ("ok", "passed")]
    finished = (work / "finished").is_file()
    return {**call, "updated": now(), "elapsed_seconds": round(elapsed) if elapsed is not None else None,
            "finished": finished, "status": ("failed" if bad else "passed") if finished else "running",
            "failed_steps": bad, "machine": read_json(work / "machine.json"), "steps": steps}


def _seconds_range(values: list[float]) -> str:
    if not values:
        return "-"
    low, high = min(values), max(values)
    return f"{low:.1f}" if round(low, 1) == round(high, 1) else f"{low:.1f}-{high:.1f}"


def step_line(step: dict) -> str:
    head = f"{step['name']}: {step.get('status', '?')}, {step.get('seconds', 0):.0f} s"
    if step.get("limit") is not None:
        head += f" (limit {step['limit']} s)"
    if step.get("kind") == "nbval" and "cells_passed" in step:
        head += f"; cells {step['cells_passed']} passed, {step['cells_failed']} failed"
    if step.get("kind") == "train" and step.get("test_accuracy") is not None:
        peak = step.get("peak_gpu_memory_gib")
        head += (f"; test accuracy {step['test_accuracy']:.4f}, validation {step['val_accuracy']:.4f}, best epoch "
                 f"{step['best_epoch']} of {step['epochs_run']} ({step['training_status']}), "
                 f"{_seconds_range(step.get('seconds_per_epoch', []))} s per epoch, {step['train_seconds']:.0f} s "
                 "of training" + (f", peak GPU memory {peak:.2f} GiB" if peak is not None else ""))
        if step.get("word2vec_seconds") is not None:
            head += f"; word2vec {step['word2vec_seconds']:.0f} s"
    elif step.get("kind") == "train" and step.get("epochs_started"):
        head += f"; cut during epoch {step['epochs_started']}"
    if step.get("alongside"):
        head += f" [ran alongside {step['alongside']}]"
    if step.get("note"):
        head += f" [{step['note']}]"
    return head


def summary_text(summary: dict) -> str:
    m = summary.get("machine") or {}
    lines = [f"GPU check '{summary.get('call')}'{' (smoke sizes)' if summary.get('smoke') else ''}: "
             f"{summary['status']}, {summary.get('elapsed_seconds')} s of a {summary.get('budget_seconds')} s budget"]
    if m:
        gpu = f"{m['gpu']}, {m['gpu_memory_gib']} GiB" if m.get("gpu") else "no CUDA device"
        lines.append(f"machine: {gpu} | torch {m.get('torch')} (CUDA {m.get('cuda')}) | Python {m.get('python')} | "
                     f"{m.get('cpu_count')} CPU cores")
    lines += [step_line(step) for step in summary["steps"]]
    if summary.get("failed_steps"):
        lines.append("not passed: " + ", ".join(summary["failed_steps"]))
    return "\n".join(lines) + "\n"


def publish(work: Path, out: Path) -> dict:
    summary = build_summary(work)
    write_atomic(out / "summary.json", json.dumps(summary, indent=2) + "\n")
    write_atomic(out / "summary.txt", summary_text(summary))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "machine", "step", "finish"])
    parser.add_argument("work", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--call")
    parser.add_argument("--budget", type=int)
    parser.add_argument("--command")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--name")
    parser.add_argument("--kind", choices=["setup", "nbval", "train"])
    parser.add_argument("--rc", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--started", help="when the step started (ISO time); default: now minus --seconds")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--log", type=Path)
    parser.add_argument("--detail", type=Path, help="a JSON file the step wrote about itself (gpu_train.py)")
    parser.add_argument("--alongside", default="")
    parser.add_argument("--note", default="")
    parser.add_argument("--not-run", action="store_true", help="the step did not start: the budget was spent")
    args = parser.parse_args(argv)
    (args.work / "steps").mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.action == "start":
        write_atomic(args.work / "call.json", json.dumps({
            "call": args.call, "command": args.command, "budget_seconds": args.budget, "smoke": args.smoke,
            "started": now()}))
    elif args.action == "machine":
        write_atomic(args.work / "machine.json", json.dumps(machine_info()))
    elif args.action == "step":
        started = args.started or (dt.datetime.now(dt.timezone.utc)
                                   - dt.timedelta(seconds=args.seconds)).isoformat(timespec="seconds")
        # bytes: read_text would turn a progress bar's \r into new lines
        log = args.log.read_bytes().decode(errors="replace") if args.log and args.log.is_file() else ""
        status = "not run" if args.not_run else step_status(args.kind, args.rc)
        step = {"name": args.name, "kind": args.kind, "status": status, "rc": args.rc,
                "seconds": round(args.seconds, 1), "limit": args.limit, "started": started}
        if args.kind == "nbval":
            step.update(pytest_counts(log))
        # what the step wrote about itself (a training run's figures) adds to what the shell saw, never replaces it
        detail = read_json(args.detail) if args.detail else {}
        step.update({key: value for key, value in detail.items() if key not in step})
        if args.alongside:
            step["alongside"] = args.alongside
        if args.note:
            step["note"] = args.note
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", args.name)
        write_atomic(args.work / "steps" / f"{safe}.json", json.dumps(step))
        if log:
            append_log(args.out, args.name, log_tail(log))
    elif args.action == "finish":
        (args.work / "finished").write_text(now())
    summary = publish(args.work, args.out)
    if args.action == "step":
        print(step_line(step), flush=True)
    elif args.action == "finish":
        print(summary_text(summary), end="", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
