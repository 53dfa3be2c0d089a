"""Two models, one answer, at full size: a BiLSTM profile, the NB-weighted n-gram model and their average, 3 seeds.

    python -m benchmarks.ensemble --data-dir DATA [--profile cpu-pretrained] [--seeds 42 43 44]

For each seed, end to end, each step a subprocess timed from start to end with its peak memory (RSS):
1. `python -m sentiment_helpers train --profile P --seed S --split-seed 42` (word2vec from the cache after the first
   run; the first seed builds it unless the cache exists);
2. this benchmark with `--score CHECKPOINT`: the n-gram model (`baseline.make_nb_ngrams`) fitted on the checkpoint's
   training reviews, both models scored on its validation and test reviews, the weight chosen on validation
   (`ensemble.evaluate_ensemble`), test scored once, McNemar against each model, calibration error.
Runs go to benchmarks/results/runs/ensemble/ (not committed); the table to benchmarks/results/ensemble-cpu.{json,md},
rewritten after every seed.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

from sentiment_helpers import baseline, calibration, checkpoint, compare, ensemble, files, held_out, paths

from . import common

SPLIT_SEED = 42
NAMES = ("BiLSTM", "NB n-grams")


def score(checkpoint_path: Path, data_dir: str, out: Path) -> None:
    """The n-gram model on the checkpoint's splits, and the ensemble of the two (run in a process of its own)."""
    bundle = checkpoint.load_checkpoint(checkpoint_path)
    run_data = {split: held_out.held_out_split(bundle, split, data_dir) for split in ("train", "validation", "test")}
    ngrams = baseline.train_nb_ngrams(run_data)
    temperature = float(bundle.metadata.get("temperature", 1.0))
    lstm = {split: held_out.evaluate_checkpoint(bundle, data_dir=data_dir, progress=False, split=split).evaluation
            for split in ("validation", "test")}
    p_lstm = {split: calibration.scale(lstm[split].logits, temperature) for split in lstm}
    report = ensemble.evaluate_ensemble(
        NAMES, (p_lstm["validation"], ngrams.validation.p_positive), lstm["validation"].y_true,
        (p_lstm["test"], ngrams.test.p_positive), lstm["test"].y_true)
    table = report.table()
    files.write_json(out, {
        "weight": report.weight, "ngram_fit_seconds": ngrams.fit_seconds,
        "ngram_features": len(ngrams.model.named_steps["nb"].ratio_),
        "validation_accuracy": {NAMES[0]: float(lstm["validation"].metrics["accuracy"]),
                                NAMES[1]: float(ngrams.validation.metrics["accuracy"])},
        "test": {name: {key: float(value) for key, value in row.items()} for name, row in table.iterrows()},
        "ensemble_name": report.ensemble_name,
        "mcnemar": {name: {"only_ensemble": r.only_a, "only_model": r.only_b, "p_value": r.p_value}
                    for name, r in report.mcnemar.items()},
        "bilstm_vs_ngrams": asdict(compare.mcnemar(lstm["test"].y_true, (p_lstm["test"] >= 0.5).astype(int),
                                                   ngrams.test.y_pred))}, indent=2)


def markdown(rows: list[dict], header: str) -> str:
    lines = [header, "| seed | BiLSTM test | n-grams test | ensemble test | weight of the BiLSTM | ensemble ECE | "
             "McNemar p vs BiLSTM / vs n-grams | BiLSTM command s (training s) | n-gram fit s | whole ensemble s | "
             "peak RSS MiB (BiLSTM / n-grams) |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['seed']} | {r['bilstm_test']:.4f} | {r['ngrams_test']:.4f} | {r['ensemble_test']:.4f} | "
                     f"{r['weight']:.2f} | {r['ensemble_ece']:.4f} | {r['p_vs_bilstm']:.2g} / {r['p_vs_ngrams']:.2g} | "
                     f"{r['train_wall']:.0f} ({r['train_seconds']:.0f}) | {r['ngram_fit_seconds']:.0f} | "
                     f"{r['train_wall'] + r['score_wall']:.0f} | {r['train_rss']:.0f} / {r['score_rss']:.0f} |")
    if len(rows) >= 2:
        for key, name in (("bilstm_test", "BiLSTM"), ("ngrams_test", "NB n-grams"), ("ensemble_test", "ensemble")):
            values = [r[key] for r in rows]
            lines.append(f"\n{name}: mean test accuracy {statistics.mean(values):.4f} over {len(values)} seeds "
                         f"(range {min(values):.4f}-{max(values):.4f}).")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--profile", default="cpu-pretrained")
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    parser.add_argument("--score", type=Path, help=argparse.SUPPRESS)  # step 2, in a process of its own
    parser.add_argument("--score-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.score:
        return score(args.score, args.data_dir, args.score_out)
    runs = common.RESULTS / "runs" / "ensemble"
    env = {**os.environ, **common.OFFLINE, "SENTIMENT_ARTIFACTS": str(runs / "artifacts")}
    settings, machine = common.stand_in(), common.machine()
    command = common.command_line("ensemble", f"--data-dir {common.DATA} --profile {args.profile} "
                                              f"--seeds {' '.join(map(str, args.seeds))}")
    header = (f"`{args.profile}` + NB-weighted n-grams ({baseline.NB_NGRAM_RANGE[0]}-{baseline.NB_NGRAM_RANGE[1]} "
              f"grams, C={baseline.NB_C}), one split (split seed {SPLIT_SEED}), data: {common.DATA}; "
              f"{common.machine_line(machine)}{', ' + settings if settings else ''}, {time.strftime('%Y-%m-%d')}.\n"
              f"Command: `{command}`\n")
    rows = []
    for seed in args.seeds:
        out = runs / f"{args.profile}-seed{seed}"
        train = common.run_measured([sys.executable, "-m", "sentiment_helpers", "train", "--profile", args.profile,
                                     "--seed", str(seed), "--split-seed", str(SPLIT_SEED), "--data-dir",
                                     args.data_dir, "--out", str(out), "--no-progress"], env=env)
        scores = out / "ensemble.json"
        scoring = common.run_measured([sys.executable, "-m", "benchmarks.ensemble", "--data-dir", args.data_dir,
                                       "--score", str(out / paths.CHECKPOINT_NAME), "--score-out", str(scores)],
                                      env=env, cwd=common.ROOT)
        metrics, s = json.loads((out / "metrics.json").read_text()), json.loads(scores.read_text())
        pre = metrics.get("pretraining") or {}
        rows.append({"seed": seed, "bilstm_test": s["test"][NAMES[0]]["test accuracy"],
                     "ngrams_test": s["test"][NAMES[1]]["test accuracy"],
                     "ensemble_test": s["test"][s["ensemble_name"]]["test accuracy"],
                     "ensemble_ece": s["test"][s["ensemble_name"]]["ECE"], "weight": s["weight"],
                     "p_vs_bilstm": s["mcnemar"][NAMES[0]]["p_value"], "p_vs_ngrams": s["mcnemar"][NAMES[1]]["p_value"],
                     "train_wall": train.seconds, "train_seconds": metrics["train_seconds"],
                     "train_status": metrics["status"], "pretraining_from_cache": pre.get("from_cache"),
                     "ngram_fit_seconds": s["ngram_fit_seconds"], "score_wall": scoring.seconds,
                     "train_rss": train.peak_rss_mib, "score_rss": scoring.peak_rss_mib, "scores": s})
        print({k: v for k, v in rows[-1].items() if k != "scores"}, flush=True)
        common.write_results("ensemble-cpu", markdown(rows, header),
                             {"machine": common.machine_line(machine), **machine, "command": command, "rows": rows})
    print(markdown(rows, header))


if __name__ == "__main__":
    main()
