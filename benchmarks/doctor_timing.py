"""The room check (`python -m sentiment_helpers doctor`) on this machine: its wall time and its report, as the machine
is and made slow on purpose, and its predictions against real training epochs.

    python -m benchmarks.doctor_timing --data-dir DATA [--epoch-reviews 6000] [--no-epochs]

1. Runs `python -m sentiment_helpers doctor --json --data-dir DATA` twice, each in a subprocess with the hub offline,
   timed with its peak memory (`common.run_measured`): as the machine is, then float32 on one thread
   (SENTIMENT_AMP=0 OMP_NUM_THREADS=1), a stand-in for a slow laptop. Each report is also shown as `doctor` prints it
   (its own `line` and `summary`).
2. Sets the first run's predictions against real training: one epoch of each timed profile on --epoch-reviews
   training reviews (`python -m sentiment_helpers train --profile P --set n_train=N --set epochs=1 ...`), against the
   epoch that doctor's measured seconds per batch predict for the same reviews (`doctor.speed.predicted_seconds`). Only
   the classifier's epoch is timed, so cpu-pretrained's word2vec makes one pass over its reviews instead of five.

Writes benchmarks/results/doctor.{json,md}. Run it with nothing else running on the machine.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sentiment_helpers.doctor import speed, verdicts
from sentiment_helpers.profiles import PROFILES

from . import common

SLOW = {"SENTIMENT_AMP": "0", "OMP_NUM_THREADS": "1"}
EPOCH_TEST_REVIEWS = 500  # the epoch check scores test only to finish the run: a few reviews will do


def as_printed(report: dict) -> str:
    """The report as `doctor` prints it without --json: a header, one verdict per line, the summary."""
    checks = [verdicts.Check(**check) for check in report["checks"]]
    return "\n".join([f"sentiment-helpers {report['sentiment_helpers']} room check: {report['machine']}",
                      *map(verdicts.line, checks), verdicts.summary(checks, report["seconds"])])


def run_doctor(data_dir: str, label: str, setting: dict[str, str]) -> dict:
    """One `doctor --json`, in the course's folder as an instructor runs it: its wall seconds, peak memory and
    report."""
    done = common.run_measured([sys.executable, "-m", "sentiment_helpers", "doctor", "--json", "--data-dir", data_dir],
                               check=False, capture=True, env={**os.environ, **common.OFFLINE, **setting},
                               cwd=common.ROOT)
    report = common.without_paths(json.loads(done.stdout), data_dir)
    words = " ".join(f"{k}={v}" for k, v in setting.items())
    return {"label": label, "setting": words, "exit_code": done.returncode, "wall_seconds": done.seconds,
            "peak_rss_mib": done.peak_rss_mib, "doctor_seconds": report["seconds"],
            "command": f"{words + ' ' if words else ''}python -m sentiment_helpers doctor --json "
                       f"--data-dir {common.DATA}", "report": report, "printed": as_printed(report)}


def epoch_check(data_dir: str, reviews: int, report: dict, work: Path) -> list[dict]:
    """One training epoch of each timed profile on ``reviews`` training reviews, against doctor's prediction."""
    rows = []
    env = {**os.environ, **common.OFFLINE, "SENTIMENT_ARTIFACTS": str(work / "artifacts")}
    for name in speed.TIMED_PROFILES:
        values = next(c["values"] for c in report["checks"] if c["name"] == f"{name} profile")
        settings = [f"n_train={reviews}", "epochs=1", f"n_test={EPOCH_TEST_REVIEWS}"]
        settings += ["pretrain_epochs=1"] if PROFILES[name].pretrain != "none" else []
        out = work / f"train-{name}"
        arguments = ["train", "--profile", name, "--no-progress", *(arg for s in settings for arg in ("--set", s))]
        subprocess.run([sys.executable, "-m", "sentiment_helpers", *arguments, "--data-dir", data_dir,
                        "--out", str(out)], env=env, check=True, stdout=subprocess.DEVNULL)
        metrics = json.loads((out / "metrics.json").read_text())
        measured_speed = speed.Speed(**{key: values[key] for key in speed.Speed.__dataclass_fields__})
        profile = PROFILES[name].with_changes(n_train=metrics["n_train"], n_val=metrics["n_val"])
        predicted, _ = speed.predicted_seconds(profile, measured_speed)
        measured = metrics["seconds_per_epoch"][0]
        rows.append({"profile": name, "train_reviews": metrics["n_train"], "validation_reviews": metrics["n_val"],
                     "batches": math.ceil(metrics["n_train"] / profile.batch_size),
                     "predicted_epoch_seconds": predicted, "measured_epoch_seconds": measured,
                     "predicted_below_measured": 1 - predicted / measured,
                     "command": f"python -m sentiment_helpers {' '.join(arguments)} --data-dir {common.DATA}"})
        print(rows[-1], flush=True)
    return rows


def markdown(record: dict) -> str:
    lines = [f"The room check on {record['machine']}; Python {record['python']}, torch {record['torch']}; "
             f"{record['date']}; commit {record['commit']}. Command: `{record['command']}`.", "",
             "| run | setting | wall seconds | doctor's own seconds | peak RSS MiB | verdict | "
             "exit code |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {run['label']} | {run['setting'] or '-'} | {run['wall_seconds']:.1f} | {run['doctor_seconds']:.1f} "
              f"| {run['peak_rss_mib']:.0f} | {run['report']['verdict']} | {run['exit_code']} |"
              for run in record["runs"]]
    lines += ["", "The speed lines' measurements (`values` of the report):", "",
              "| run | profile | seconds per batch | seconds per validation batch | batches timed | mean width "
              "(tokens) | precision | predicted epoch seconds | predicted training seconds | cap seconds |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for run in record["runs"]:
        for check in run["report"]["checks"]:
            v = check["values"]
            if "seconds_per_batch" in v:
                lines.append(f"| {run['label']} | {v['profile']} | {v['seconds_per_batch']:.3f} | "
                             f"{v['seconds_per_validation_batch']:.3f} | {v['batches_timed']} | "
                             f"{v['mean_width']:.0f} | {v['autocast']} | {v['predicted_epoch_seconds']:.1f} | "
                             f"{v['predicted_train_seconds']:.1f} | {v['cap_seconds']:.0f} |")
    for run in record["runs"]:
        lines += ["", f"`{run['command']}`, the report as `doctor` prints it:", "", "```", run["printed"], "```"]
    if record["epochs"]:
        lines += ["", "Predicted against measured: one epoch (training and validation) of each profile, run by "
                  "`train` on the same machine right after the first run; predicted from that run's seconds per "
                  "batch.", "",
                  "| profile | training reviews | validation reviews | batches | predicted epoch seconds | "
                  "measured epoch seconds | prediction below the measured epoch (%) | command |",
                  "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {row['profile']} | {row['train_reviews']:,} | {row['validation_reviews']:,} | {row['batches']} "
                  f"| {row['predicted_epoch_seconds']:.1f} | {row['measured_epoch_seconds']:.1f} | "
                  f"{100 * row['predicted_below_measured']:.1f} | `{row['command']}` |" for row in record["epochs"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True, help="the IMDB parquet folder (the full data)")
    parser.add_argument("--epoch-reviews", type=int, default=6000, help="training reviews of the epoch check")
    parser.add_argument("--no-epochs", action="store_true", help="skip the epoch check (about 3 minutes)")
    args = parser.parse_args()
    command = common.command_line("doctor_timing", f"--data-dir {common.DATA}" + (
        " --no-epochs" if args.no_epochs else f" --epoch-reviews {args.epoch_reviews}"))
    with tempfile.TemporaryDirectory(prefix="doctor-timing-") as folder:
        runs = [run_doctor(args.data_dir, "as it is", {}), run_doctor(args.data_dir, "slow: float32, one thread", SLOW)]
        for run in runs:
            print(f"{run['label']}: {run['wall_seconds']:.1f} s\n{run['printed']}\n", flush=True)
        epochs = ([] if args.no_epochs
                  else epoch_check(args.data_dir, args.epoch_reviews, runs[0]["report"], Path(folder)))
    machine = common.machine()
    record = {"machine": common.machine_line(machine), **machine, "platform": platform.platform(),
              "date": time.strftime("%Y-%m-%d"), "command": command, "runs": runs, "epochs": epochs}
    common.write_results("doctor", markdown(record), record)
    print(markdown(record))


if __name__ == "__main__":
    main()
