"""A profile over several seeds on one split: the command a learner types, each run timed from start to end.

    SENTIMENT_AMP=0 OMP_NUM_THREADS=1 python benchmarks/seeds.py --profile cpu --data-dir ../shared/data/imdb \
        --label slow-float32 [--seeds 42 43 44] [--repeat 42]

Each run is `python -m sentiment_helpers train --profile P --seed S --split-seed 42` in a subprocess (so a run's
environment, e.g. one PyTorch thread and no bf16, is the learner's); `--repeat S` runs seed S once more, to show that
the same seed gives the same result again on the same machine. Rows go to
benchmarks/results/seeds-<profile>-<label>.{json,md}, rewritten after every run.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentiment_helpers.device import describe_machine  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SPLIT_SEED = 42


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--profile", default="cpu")
    parser.add_argument("--label", required=True, help="names the machine setting, e.g. slow-float32 or bf16")
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    parser.add_argument("--repeat", type=int, nargs="*", default=[], help="seeds to run a second time")
    args = parser.parse_args()
    name = f"seeds-{args.profile}-{args.label}"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "SENTIMENT_ARTIFACTS": str(RESULTS / "runs" / name / "artifacts")}
    setting = " ".join(f"{k}={os.environ[k]}" for k in ("SENTIMENT_AMP", "OMP_NUM_THREADS") if k in os.environ)
    command = (f"{setting + ' ' if setting else ''}python benchmarks/seeds.py --profile {args.profile} --data-dir "
               f"{args.data_dir} --label {args.label} --seeds {' '.join(map(str, args.seeds))}"
               + (f" --repeat {' '.join(map(str, args.repeat))}" if args.repeat else ""))
    rows: list[dict] = []
    for run, seed in enumerate(args.seeds + args.repeat):
        out = RESULTS / "runs" / name / f"run{run}-seed{seed}"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sentiment_helpers", "train", "--profile", args.profile, "--seed",
                        str(seed), "--split-seed", str(SPLIT_SEED), "--data-dir", args.data_dir, "--out", str(out),
                        "--no-progress"], check=True, env=env)
        m = json.loads((out / "metrics.json").read_text())
        rows.append({"seed": seed, "repeat": run >= len(args.seeds), "test_accuracy": m["test_accuracy"],
                     "val_accuracy": m["val_accuracy"], "status": m["status"], "epochs_run": m["epochs_run"],
                     "best_epoch": m["best_epoch"], "train_seconds": m["train_seconds"],
                     "seconds_per_epoch": m["seconds_per_epoch"], "wall_seconds": time.perf_counter() - start})
        print(rows[-1], flush=True)
        firsts = [r["test_accuracy"] for r in rows if not r["repeat"]]
        lines = [f"`{args.profile}` profile over seeds, one split (split seed {SPLIT_SEED}), data: {args.data_dir}; "
                 f"{describe_machine()}{', ' + setting if setting else ''}, {time.strftime('%Y-%m-%d')}.",
                 f"Command: `{command}`. Each run: `python -m sentiment_helpers train --profile {args.profile} "
                 f"--seed S --split-seed {SPLIT_SEED} --data-dir {args.data_dir}`.", "",
                 "| seed | test acc. | validation acc. | status | epochs | best epoch | training s | s per epoch | "
                 "whole command s |", "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['seed']}{' (again)' if r['repeat'] else ''} | {r['test_accuracy']:.4f} | "
                  f"{r['val_accuracy']:.4f} | {r['status']} | {r['epochs_run']} | {r['best_epoch']} | "
                  f"{r['train_seconds']:.0f} | {', '.join(f'{s:.0f}' for s in r['seconds_per_epoch'])} | "
                  f"{r['wall_seconds']:.0f} |" for r in rows]
        if len(firsts) >= 2:
            lines += ["", f"Mean test accuracy over {len(firsts)} seeds: {statistics.mean(firsts):.4f} (range "
                          f"{min(firsts):.4f}-{max(firsts):.4f}, standard deviation {statistics.stdev(firsts):.4f})."]
        (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
        (RESULTS / f"{name}.json").write_text(json.dumps(
            {"machine": describe_machine(), "setting": setting, "python": platform.python_version(),
             "command": command, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
