"""A profile over several seeds on one split: the command a learner types, each run timed from start to end.

    SENTIMENT_AMP=0 OMP_NUM_THREADS=1 python -m benchmarks.seeds --profile cpu --data-dir DATA \\
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
import statistics
import sys
import time

from . import common

SPLIT_SEED = 42


def markdown(rows: list[dict], profile: str, machine: str, command: str) -> str:
    firsts = [r["test_accuracy"] for r in rows if not r["repeat"]]
    lines = [f"`{profile}` profile over seeds, one split (split seed {SPLIT_SEED}), data: {common.DATA}; "
             f"{machine}, {time.strftime('%Y-%m-%d')}.",
             f"Command: `{command}`. Each run: `python -m sentiment_helpers train --profile {profile} "
             f"--seed S --split-seed {SPLIT_SEED} --data-dir {common.DATA}`.", "",
             "| seed | test acc. | validation acc. | status | epochs | best epoch | training s | s per epoch | "
             "whole command s |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['seed']}{' (again)' if r['repeat'] else ''} | {r['test_accuracy']:.4f} | "
              f"{r['val_accuracy']:.4f} | {r['status']} | {r['epochs_run']} | {r['best_epoch']} | "
              f"{r['train_seconds']:.0f} | {', '.join(f'{s:.0f}' for s in r['seconds_per_epoch'])} | "
              f"{r['wall_seconds']:.0f} |" for r in rows]
    if len(firsts) >= 2:
        lines += ["", f"Mean test accuracy over {len(firsts)} seeds: {statistics.mean(firsts):.4f} (range "
                      f"{min(firsts):.4f}-{max(firsts):.4f}, standard deviation {statistics.stdev(firsts):.4f})."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--profile", default="cpu")
    parser.add_argument("--label", required=True, help="names the machine setting, e.g. slow-float32 or bf16")
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    parser.add_argument("--repeat", type=int, nargs="*", default=[], help="seeds to run a second time")
    args = parser.parse_args()
    name = f"seeds-{args.profile}-{args.label}"
    env = {**os.environ, **common.OFFLINE, "SENTIMENT_ARTIFACTS": str(common.RESULTS / "runs" / name / "artifacts")}
    setting, described = common.stand_in(), common.machine()
    machine = common.machine_line(described) + (f", {setting}" if setting else "")
    command = common.command_line("seeds", f"--profile {args.profile} --data-dir {common.DATA} --label {args.label} "
                                           f"--seeds {' '.join(map(str, args.seeds))}"
                                  + (f" --repeat {' '.join(map(str, args.repeat))}" if args.repeat else ""))
    rows: list[dict] = []
    for run, seed in enumerate(args.seeds + args.repeat):
        out = common.RESULTS / "runs" / name / f"run{run}-seed{seed}"
        wall = common.run_measured([sys.executable, "-m", "sentiment_helpers", "train", "--profile", args.profile,
                                    "--seed", str(seed), "--split-seed", str(SPLIT_SEED), "--data-dir", args.data_dir,
                                    "--out", str(out), "--no-progress"], env=env).seconds
        m = json.loads((out / "metrics.json").read_text())
        rows.append({"seed": seed, "repeat": run >= len(args.seeds), "test_accuracy": m["test_accuracy"],
                     "val_accuracy": m["val_accuracy"], "status": m["status"], "epochs_run": m["epochs_run"],
                     "best_epoch": m["best_epoch"], "train_seconds": m["train_seconds"],
                     "seconds_per_epoch": m["seconds_per_epoch"], "wall_seconds": wall})
        print(rows[-1], flush=True)
        common.write_results(name, markdown(rows, args.profile, machine, command),
                             {"machine": common.machine_line(described), **described, "setting": setting,
                              "command": command, "rows": rows})


if __name__ == "__main__":
    main()
