"""Add a finished training run to the results record the README's tables are written from.

    python -m scripts.record_run RUN_DIR --name "cpu profile" --command "python -m sentiment_helpers train ..." \\
        --data-dir DATA [--record benchmarks/results/training-runs-cpu]

Reads RUN_DIR/metrics.json (written by `train`), keeps its figures and settings, and rewrites RECORD.json and
RECORD.md (each written whole, by benchmarks/common.py). A run recorded again under the same name replaces the old
entry. A record names no folder of the machine it ran on: write the command with DATA for the data folder, and give
--data-dir so that the run's own record of it reads DATA too.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.common import without_paths, write_results

ROOT = Path(__file__).resolve().parent.parent
KEEP = ("test_accuracy", "val_accuracy", "test_metrics", "profile", "data_source", "n_train", "n_val", "n_test",
        "epochs", "epochs_run", "best_epoch", "status", "train_seconds", "seconds_per_epoch", "seed", "device",
        "versions", "profile_settings", "date", "pretraining", "split_seed")


def table(runs: list[dict]) -> str:
    lines = ["| run | test acc. | validation | F1 | ROC AUC | best epoch / run | s per epoch | training s | date "
             "| command |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        m = run["metrics"]
        per_epoch = "-".join(str(round(s)) for s in (min(m["seconds_per_epoch"]), max(m["seconds_per_epoch"])))
        lines.append(f"| {run['name']} | {m['test_accuracy']:.4f} | {m['val_accuracy']:.4f} | "
                     f"{m['test_metrics']['f1']:.4f} | "
                     f"{m['test_metrics']['roc_auc']:.4f} | {m['best_epoch']} / {m['epochs_run']} | {per_epoch} | "
                     f"{m['train_seconds']:.0f} | {m['date'][:10]} | `{run['command']}` |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--name", required=True)
    parser.add_argument("--command", required=True, help="the command that produced the run")
    parser.add_argument("--hardware", default=None, help="where it ran (kept with the run)")
    parser.add_argument("--data-dir", default=None, help="the data folder the run read: DATA in the record")
    parser.add_argument("--record", type=Path, default=ROOT / "benchmarks/results/training-runs-cpu")
    args = parser.parse_args()
    metrics = without_paths(json.loads((args.run_dir / "metrics.json").read_text()), args.data_dir)
    record_json = args.record.with_suffix(".json")
    runs = json.loads(record_json.read_text()) if record_json.exists() else []
    runs = [run for run in runs if run["name"] != args.name]
    runs.append({"name": args.name, "command": args.command, "hardware": args.hardware,
                 "metrics": {k: metrics[k] for k in KEEP if k in metrics}})
    write_results(args.record.name, "Training runs, one per row, each recorded from its `metrics.json` by "
                  "`scripts/record_run.py`; full settings in the .json beside this file.\n\n" + table(runs),
                  runs, args.record.parent)
    print(table(runs))


if __name__ == "__main__":
    main()
