"""Record what a GPU check brought back: benchmarks/results/gpu-KIND.md and .json, and headline rows to quote.

    python scripts/record_gpu.py RETURNED_DIR [RETURNED_DIR ...] [--kind h200] [--results benchmarks/results]

RETURNED_DIR is a folder where the files of one call of `benchmarks/gpu_check.sh` landed (summary.json, and
metrics-PROFILE.json for each training run that finished). KIND defaults to the GPU's name ("NVIDIA H200" -> h200);
a rehearsal's summary (smoke sizes, on a CPU) is recorded as KIND-smoke, so it can never pass for a GPU figure.
Recording a call again replaces that call's entry; the other call's entry stays.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALL_ORDER = ("all", "lessons", "pretrained")
# what each call carries and its time limit: the device tool's call, as docs/colab-and-gpu.md gives it
EVERYTHING = [".whl/course", ".whl/gensim", ".gpu-data/labeled", ".gpu-data/unlabeled"]
DEVICE_CALLS = {
    "all": {"carry": EVERYTHING, "timeout_s": 600},
    "lessons": {"carry": [".whl/course", ".gpu-data/labeled"], "timeout_s": 360},
    "pretrained": {"carry": EVERYTHING, "timeout_s": 480},
}


class RecordError(Exception):
    """A returned folder that cannot be recorded (a user mistake: one line, no traceback)."""


def read_call(folder: Path) -> dict:
    """One call's summary, with the metrics of its training runs."""
    path = folder / "summary.json"
    if not path.is_file():
        raise RecordError(f"{folder}: no summary.json (is this the folder the device call's files landed in?)")
    try:
        summary = json.loads(path.read_text())
    except ValueError as error:
        raise RecordError(f"{path}: not JSON ({error})") from None
    if summary.get("call") not in CALL_ORDER:
        raise RecordError(f"{path}: not a summary of benchmarks/gpu_check.sh (call {summary.get('call')!r})")
    summary["metrics"] = {}
    for metrics in sorted(folder.glob("metrics-*.json")):
        summary["metrics"][metrics.stem.removeprefix("metrics-")] = json.loads(metrics.read_text())
    return summary


def machine_kind(summary: dict) -> str:
    gpu = (summary.get("machine") or {}).get("gpu") or "no-gpu"
    kind = re.sub(r"[^a-z0-9]+", "-", gpu.lower().removeprefix("nvidia ")).strip("-")
    return f"{kind}-smoke" if summary.get("smoke") else kind


def device_call(call: str) -> str:
    spec = DEVICE_CALLS[call]
    return json.dumps({"command": f"bash benchmarks/gpu_check.sh {call} $OUT", **spec})


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def per_epoch(seconds: list[float]) -> str:
    if not seconds:
        return "-"
    low, high = min(seconds), max(seconds)
    return f"{low:.1f}" if f"{low:.1f}" == f"{high:.1f}" else f"{low:.1f}-{high:.1f}"


def step_figures(step: dict) -> str:
    """Every figure a step brought back, in words."""
    if step.get("kind") == "nbval":
        if "cells_passed" not in step:
            return "-"
        return f"{step['cells_passed']} cells passed, {step['cells_failed']} failed"
    if step.get("kind") == "train" and step.get("test_accuracy") is not None:
        parts = [f"test {percent(step['test_accuracy'])} (F1 {step['test_f1']:.4f}, "
                 f"ROC AUC {step['test_roc_auc']:.4f})",
                 f"validation {percent(step['val_accuracy'])}",
                 f"best epoch {step['best_epoch']} of {step['epochs_run']} ({step['training_status']})",
                 f"{per_epoch(step['seconds_per_epoch'])} s per epoch",
                 f"{step['train_seconds']:.0f} s of training, {step['run_seconds']:.0f} s in all",
                 f"training capped at {step.get('max_train_seconds', '-')} s"]
        if step.get("peak_gpu_memory_gib") is not None:
            parts.append(f"peak GPU memory {step['peak_gpu_memory_gib']:.2f} GiB")
        if step.get("word2vec_seconds") is not None:
            parts.append(f"word2vec {step['word2vec_seconds']:.0f} s on {step['unlabeled_reviews']:,} unlabeled + "
                         f"{step['n_train']:,} train reviews")
        return "; ".join(parts)
    if step.get("kind") == "train" and step.get("epochs_started"):
        return f"cut during epoch {step['epochs_started']}"
    return "-"


def call_section(summary: dict) -> str:
    m = summary.get("machine") or {}
    versions = ", ".join(f"{name} {version}" for name, version in (m.get("versions") or {}).items() if version)
    gpu = f"{m.get('gpu')}, {m.get('gpu_memory_gib')} GiB" if m.get("gpu") else "no CUDA device"
    lines = [f"## `{summary['call']}`: {summary['status']}", "",
             f"- device call: `{device_call(summary['call'])}`",
             f"- date: {summary.get('started', '?')}; {summary.get('elapsed_seconds')} s of a "
             f"{summary.get('budget_seconds')} s budget" + (" (smoke sizes: a rehearsal)" if summary.get("smoke")
                                                             else ""),
             f"- machine: {gpu}; {m.get('cpu_count')} CPU cores; Python {m.get('python')}; torch {m.get('torch')} "
             f"(CUDA {m.get('cuda')}, cuDNN {m.get('cudnn')})",
             f"- packages: {versions}", "",
             "| step | status | seconds | time limit | figures | ran alongside |",
             "|---|---|---|---|---|---|"]
    for step in summary["steps"]:
        lines.append(f"| {step['name']} | {step.get('status')} | {step.get('seconds', 0):.0f} | {step.get('limit')} "
                     f"| {step_figures(step)} | {step.get('alongside') or step.get('note') or '-'} |")
    return "\n".join(lines) + "\n"


def headline_rows(calls: dict[str, dict]) -> str:
    """The rows a README or a doc can quote, one per training run and one per call's lessons."""
    rows = ["| what | result | time | command |", "|---|---|---|---|"]
    for call in CALL_ORDER:
        summary = calls.get(call)
        if not summary:
            continue
        gpu = (summary.get("machine") or {}).get("gpu")
        where = f"one {gpu}" if gpu else "a machine without a GPU"
        command = f"`bash benchmarks/gpu_check.sh {call}`"
        for step in summary["steps"]:
            if step.get("kind") == "train" and step.get("test_accuracy") is not None:
                profile = step["profile"]
                result = (f"**{percent(step['test_accuracy'])}** test, best epoch {step['best_epoch']} of "
                          f"{step['epochs_run']}")
                time = (f"{per_epoch(step['seconds_per_epoch'])} s per epoch, {step['train_seconds']:.0f} s of "
                        f"training" + (f" (word2vec {step['word2vec_seconds']:.0f} s)"
                                       if step.get("word2vec_seconds") is not None else ""))
                rows.append(f"| `{profile}` profile on {where} | {result} | {time} | {command} |")
        notebooks = [s for s in summary["steps"] if s.get("kind") == "nbval"]
        if notebooks:
            passed = [s for s in notebooks if s.get("status") == "passed"]
            names = ", ".join(sorted(s["name"].removeprefix("nbval ")[:3].rstrip("_") for s in notebooks))
            rows.append(f"| lessons {names} under nbval on {where} | {len(passed)} of {len(notebooks)} passed | "
                        f"{sum(s.get('seconds', 0) for s in notebooks):.0f} s of notebook runs | {command} |")
    return "\n".join(rows) + "\n"


def record(folders: list[Path], results: Path, kind: str | None = None) -> tuple[Path, str]:
    """Merge the calls in ``folders`` into results/gpu-KIND.json and .md; returns the .md path and the headline."""
    summaries = [read_call(folder) for folder in folders]
    kinds = {kind or machine_kind(summary) for summary in summaries}
    if len(kinds) != 1:
        raise RecordError(f"these folders come from different machines or sizes ({', '.join(sorted(kinds))}): "
                          "record them one machine at a time")
    kind = kinds.pop()
    record_json = results / f"gpu-{kind}.json"
    calls = json.loads(record_json.read_text())["calls"] if record_json.is_file() else {}
    calls.update({summary["call"]: summary for summary in summaries})
    results.mkdir(parents=True, exist_ok=True)
    record_json.write_text(json.dumps({"kind": kind, "calls": calls}, indent=2) + "\n")
    headline = headline_rows(calls)
    markdown = [f"# The GPU check on `{kind}`", "",
                "Each section is one call of `benchmarks/gpu_check.sh` through the device tool, recorded from the "
                "files it brought back by `python scripts/record_gpu.py`; docs/colab-and-gpu.md gives the procedure. "
                "Every figure comes from that call; the .json beside this file keeps them all, with the training "
                "runs' metrics.", "", "Headline:", "", headline]
    markdown += [call_section(calls[call]) for call in CALL_ORDER if call in calls]
    path = results / f"gpu-{kind}.md"
    path.write_text("\n".join(markdown))
    return path, headline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="+", help="folders holding a call's returned files")
    parser.add_argument("--kind", default=None, help="the machine's short name (default: from the GPU's name)")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    try:
        path, headline = record(args.folders, args.results, args.kind)
    except RecordError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path} and {path.with_suffix('.json')}\n\nheadline rows to quote:\n\n{headline}", end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
