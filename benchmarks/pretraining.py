"""Lesson 07's results table: a pretrained profile against its from-scratch twin and TF-IDF, on one split.

    python -m benchmarks.pretraining --data-dir DATA [--profile cpu-pretrained] [--scratch cpu]
        [--seeds 42 43 44]

Each run is the command a learner types, in a subprocess timed from start to end:
`python -m sentiment_helpers train --profile P --seed S --split-seed 42`. The first pretrained run starts from
nothing (its cache is deleted first), the others reuse the cache. Two from-scratch runs use the first seed: the same
profile with `--set pretrain=none` (same size, random init; its embedding trained, its vocabulary from train) and
the `--scratch` profile (the course's `cpu`; `--scratch none` leaves it out).
Every model answers lesson 05's ten negation probes. TF-IDF + logistic regression is fitted on the same split.
Runs go to benchmarks/results/runs/pretraining/ (not committed); the table to
benchmarks/results/pretraining-<profile>.{json,md}, rewritten after every run, so an interrupted run keeps its rows.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from sentiment_helpers import baseline, data, paths, prepare, probes
from sentiment_helpers.predict import SentimentPredictor
from sentiment_helpers.profiles import get_profile, without_pretraining_settings

from . import common

SPLIT_SEED = 42


def train_arguments(profile: str, seed: int, settings: list[str]) -> list[str]:
    return (["train", "--profile", profile, "--seed", str(seed), "--split-seed", str(SPLIT_SEED)]
            + [item for setting in settings for item in ("--set", setting)])


def line(r: dict) -> str:
    return (f"| {r['model']} | {r['seed'] if r['seed'] is not None else '-'} | {r['test_accuracy']:.4f} | "
            f"{r['val_accuracy']:.4f} | {r['probes_right']} | {r['train_seconds']:.0f} | {r['pretraining']} | "
            f"{r['wall_seconds']:.0f} | `{r['command']}` |")


def summary(rows: list[dict], profile: str) -> str:
    pretrained = [r["test_accuracy"] for r in rows if r["profile"] == profile]
    if len(pretrained) < 2:
        return ""
    return (f"\n`{profile}` over {len(pretrained)} seeds: test accuracy mean {statistics.mean(pretrained):.4f}, "
            f"standard deviation {statistics.stdev(pretrained):.4f}, range {min(pretrained):.4f}-"
            f"{max(pretrained):.4f}.\n")


def tfidf_row(data_dir: str, profile: str) -> dict:
    """TF-IDF + logistic regression on the profile's split, in this process."""
    splits = prepare.profile_splits(data.load_imdb(data_dir, seed=SPLIT_SEED), get_profile(profile), SPLIT_SEED)
    tfidf = baseline.train_baseline(splits)
    return {"model": "TF-IDF 1-2 grams + logistic regression (C=10)", "profile": "tfidf", "seed": None,
            "test_accuracy": tfidf.test.metrics["accuracy"], "val_accuracy": tfidf.validation.metrics["accuracy"],
            "probes_right": probes.probes_right(lambda texts: tfidf.model.predict_proba(list(texts))[:, 1]),
            "train_seconds": tfidf.fit_seconds, "pretraining": "-", "wall_seconds": tfidf.fit_seconds,
            "command": "this benchmark (sentiment_helpers.baseline.train_baseline on the same split)"}


def training_row(name: str, profile: str, seed: int, settings: list[str], data_dir: str, out: Path, env: dict) -> dict:
    """One `train` command as a learner types it, timed from start to end, and its model's answers to the probes."""
    arguments = train_arguments(profile, seed, settings)
    wall = common.run_measured([sys.executable, "-m", "sentiment_helpers", *arguments, "--data-dir", data_dir,
                                "--out", str(out), "--no-progress"], env=env).seconds
    metrics = common.without_paths(json.loads((out / "metrics.json").read_text()), data_dir)
    predictor = SentimentPredictor.from_checkpoint(out / paths.CHECKPOINT_NAME)
    pre = metrics.get("pretraining")
    if not pre:
        how = "-"
    elif pre["from_cache"]:
        how = f"{pre['method']}, from the cache"
    else:
        how = f"{pre['method']}, built in {pre['build_seconds']:.0f} s"
    return {"model": name, "profile": profile if not settings else f"{profile} {' '.join(settings)}",
            "seed": seed, "test_accuracy": metrics["test_accuracy"], "val_accuracy": metrics["val_accuracy"],
            "probes_right": probes.probes_right(predictor.p_positive),
            "train_seconds": metrics["train_seconds"], "pretraining": how, "wall_seconds": wall,
            "command": f"python -m sentiment_helpers {' '.join(arguments)} --data-dir {common.DATA}",
            "metrics": metrics}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--profile", default="cpu-pretrained")
    parser.add_argument("--scratch", default="cpu", help="a from-scratch profile to compare with ('none': skip it)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    args = parser.parse_args()
    runs_dir = common.RESULTS / "runs" / "pretraining"
    artifacts = runs_dir / "artifacts"  # the pretraining cache of these runs, apart from a learner's
    env = {**os.environ, "SENTIMENT_ARTIFACTS": str(artifacts), **common.OFFLINE}
    os.environ.update(env)
    paths.pretrained_cache_path(get_profile(args.profile)).unlink(missing_ok=True)  # the first run: from nothing
    rows: list[dict] = []
    machine = common.machine()
    command = common.command_line("pretraining", f"--data-dir {common.DATA} --profile {args.profile} "
                                                 f"--scratch {args.scratch} --seeds {' '.join(map(str, args.seeds))}")
    header = (f"`{args.profile}` against `{args.scratch}` (random init) and TF-IDF, one split (split seed "
              f"{SPLIT_SEED}), data: {common.DATA}; {common.machine_line(machine)}, {time.strftime('%Y-%m-%d')}.\n"
              f"Command: `{command}`\n\n"
              "| model | seed | test acc. | validation acc. | probes right (of 10) | training s | pretraining | "
              "whole command s | command |\n|---|---|---|---|---|---|---|---|---|\n")

    def record(row: dict) -> None:  # the table is written after every row: an interrupted run keeps its rows
        rows.append(row)
        print({k: v for k, v in row.items() if k != "metrics"}, flush=True)
        common.write_results(f"pretraining-{args.profile}", header + "\n".join(map(line, rows)) + "\n"
                             + summary(rows, args.profile),
                             {"machine": common.machine_line(machine), **machine, "command": command, "rows": rows})

    record(tfidf_row(args.data_dir, args.profile))
    first, shipped = args.seeds[0], get_profile(args.profile)
    random_init = without_pretraining_settings(shipped)  # the same model and recipe from a random init
    plan = ([(f"{args.profile} profile", args.profile, seed, []) for seed in args.seeds]
            + [(f"{args.profile} settings, random init", args.profile, first, random_init)]
            + ([(f"{args.scratch} profile (random init)", args.scratch, first, [])] if args.scratch != "none" else []))
    for name, profile, seed, settings in plan:
        out = runs_dir / f"{profile}-seed{seed}{'-scratch' if settings else ''}"
        record(training_row(name, profile, seed, settings, args.data_dir, out, env))
    print(header + "\n".join(map(line, rows)) + "\n" + summary(rows, args.profile))


if __name__ == "__main__":
    main()
