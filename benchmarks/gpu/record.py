"""Record a GPU check's output folder as benchmarks/results/gpu-<model>.md and .json.

    python -m benchmarks.gpu.record OUT [--results benchmarks/results]

<model> is the GPU's short name ("NVIDIA H100 80GB HBM3" -> h100-80gb-hbm3). A run with --smoke sizes is recorded as
<model>-smoke (no-gpu-smoke on a CPU), so that it never passes for a GPU figure. Recording again replaces the file.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from sentiment_helpers.files import atomic_file, write_json

from .summary import figures

ROOT = Path(__file__).resolve().parents[2]


class RecordError(Exception):
    """An output folder that cannot be recorded (a user's mistake: one line, no traceback)."""


def read_output(folder: Path) -> dict:
    """The check's summary, with the metrics of its finished training runs."""
    path = folder / "summary.json"
    try:
        summary = json.loads(path.read_text())
    except OSError:
        raise RecordError(f"{folder}: no summary.json (is this the GPU check's output folder?)") from None
    except ValueError as error:
        raise RecordError(f"{path}: not JSON ({error})") from None
    if "steps" not in summary or "command" not in summary:
        raise RecordError(f"{path}: not a summary of the GPU check")
    summary["metrics"] = {path.stem.removeprefix("metrics-"): json.loads(path.read_text())
                          for path in sorted(folder.glob("metrics-*.json"))}
    return summary


def machine_name(summary: dict) -> str:
    gpu = (summary.get("machine") or {}).get("gpu") or "no-gpu"
    name = re.sub(r"[^a-z0-9]+", "-", gpu.lower().removeprefix("nvidia ")).strip("-")
    return f"{name}-smoke" if summary.get("smoke") else name


def machine_line(m: dict) -> str:
    """The kind of machine, in one line."""
    if not m:
        return "unknown (the set-up step did not finish)"
    gpu = f"{m['gpu']} ({m['gpu_memory_gib']} GiB{', bf16' if m.get('bf16') else ''})" if m.get("gpu") else "no GPU"
    return (f"{gpu}; CUDA {m['cuda'] or '-'}, torch {m['torch']}, Python {m['python']}; {m['cpu_cores']} CPU cores "
            f"({m['cpu']})")


def headline_rows(summary: dict) -> list[str]:
    """The rows a README or a doc can quote: one per finished training run, one for the lessons."""
    gpu = (summary.get("machine") or {}).get("gpu") or "a machine without a GPU"
    rows = ["| what | result | time |", "|---|---|---|"]
    for step in summary["steps"]:
        if step["kind"] == "train" and step.get("test_accuracy") is not None:
            rows.append(f"| `{step['name'].removeprefix('train ')}` profile on {gpu} | "
                        f"**{100 * step['test_accuracy']:.2f}%** test, best epoch {step['best_epoch']} of "
                        f"{step['epochs_run']} | {step['train_seconds']:.0f} s of training |")
    lessons = [step for step in summary["steps"] if step["kind"] == "nbval"]
    if lessons:
        passed = sum(step["status"] == "passed" for step in lessons)
        rows.append(f"| lessons under nbval on {gpu} | {passed} of {len(lessons)} passed | "
                    f"{sum(step['seconds'] for step in lessons):.0f} s |")
    return rows


def markdown(summary: dict, name: str) -> str:
    lines = [f"# The GPU check on `{name}`", "",
             "The course on a CUDA GPU (benchmarks/gpu/README.md), recorded from its output folder by "
             "`python -m benchmarks.gpu.record`; the .json beside this file keeps every figure, with each training "
             "run's metrics." + (" Smoke sizes: a rehearsal, not a GPU figure." if summary["smoke"] else ""), "",
             f"- command: `{summary['command']}`" + (" (`DATA`: the full IMDB parquet folder)"
                                                     if "DATA" in summary["command"] else ""),
             f"- commit measured: {summary.get('commit') or 'unknown'}; started {summary['started']}",
             f"- machine: {machine_line(summary.get('machine') or {})}",
             f"- status: {summary['status']}, {summary['elapsed_seconds']} s of a {summary['budget_seconds']} s "
             "budget", "", *headline_rows(summary), "",
             "| step | status | seconds | limit | figures |", "|---|---|---|---|---|"]
    lines += [f"| {step['name']} | {step['status']} | {step['seconds']:.0f} | {step['limit']} | {figures(step)} |"
              for step in summary["steps"]]
    return "\n".join(lines) + "\n"


def record(folder: Path, results: Path) -> Path:
    """Write results/gpu-<model>.json and .md from the output folder ``folder``; returns the .md's path."""
    summary = read_output(folder)
    name = machine_name(summary)
    results.mkdir(parents=True, exist_ok=True)
    write_json(results / f"gpu-{name}.json", {"machine_name": name, **summary}, indent=2)
    path = results / f"gpu-{name}.md"
    with atomic_file(path, "w", encoding="utf-8") as f:
        f.write(markdown(summary, name))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpu.record", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="the GPU check's output folder")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    try:
        path = record(args.out, args.results)
    except RecordError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path} and {path.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
