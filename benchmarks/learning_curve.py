"""Lesson 07's learning curve: test accuracy against the number of labelled training reviews, for four models.

    python -m benchmarks.learning_curve --data-dir DATA [--counts 250 1000 4000 10000 22500] [--seeds 42 43]

At each count and seed, the same labelled reviews (``prepare.labelled_subset``: balanced, drawn with the seed) train
- TF-IDF + logistic regression and the NB-weighted n-grams (lesson 04b);
- the `cpu-pretrained` BiLSTM from a random start, with a vocabulary of its own labelled reviews;
- the same BiLSTM started from word2vec (frozen), the vectors read from every training and unlabeled review's text.
Every BiLSTM run takes at least MIN_STEPS optimizer steps: the profile's 3 epochs over 250 reviews are 12 steps, too
few to learn anything, so fewer labels get more epochs (``epochs_for``), keeping the one-cycle schedule and the best
epoch by validation, with no time cap. The validation split (split seed 42) and the test set (all 25,000 reviews) are
the same for every run; the seed drives which labelled reviews are drawn and the BiLSTM's initialisation. Rows are
written after every run, so an interrupted run keeps its rows. The runs' checkpoints go to
benchmarks/results/runs/learning-curve/ (not committed).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time

from sentiment_helpers import baseline, pipeline, prepare
from sentiment_helpers.profiles import get_profile, without_pretraining

from . import common

NAME = "learning-curve-cpu"
SPLIT_SEED = 42
MIN_STEPS = 150
MODELS = ("TF-IDF", "NB n-grams", "BiLSTM, random start", "BiLSTM, word2vec start")


def line(r: dict) -> str:
    epochs = f"{r['best_epoch']} of {r['epochs']}" if "epochs" in r else "-"
    return (f"| {r['model']} | {r['labelled']:,} | {r['seed']} | {r['test_accuracy']:.4f} | "
            f"{r['val_accuracy']:.4f} | {epochs} | {r['train_seconds']:.0f} |")


def means(rows: list[dict]) -> str:
    """Mean and standard deviation over seeds, in percent: one row per model, one column per count."""
    counts = sorted({r["labelled"] for r in rows})
    out = ["| model | " + " | ".join(f"{n:,}" for n in counts) + " |", "|---" * (len(counts) + 1) + "|"]
    for model in MODELS:
        cells = []
        for n in counts:
            values = [100 * r["test_accuracy"] for r in rows if r["model"] == model and r["labelled"] == n]
            spread = f" ± {statistics.stdev(values):.2f}" if len(values) > 1 else ""
            cells.append(f"{statistics.mean(values):.2f}%{spread} ({len(values)})" if values else "-")
        out.append(f"| {model} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def baseline_rows(subset: prepare.PreparedData, n: int, seed: int) -> list[dict]:
    rows = []
    for model, fit in (("TF-IDF", baseline.train_baseline), ("NB n-grams", baseline.train_nb_ngrams)):
        result = fit(subset.dataset)
        rows.append({"model": model, "labelled": n, "seed": seed, "test_accuracy": result.test.metrics["accuracy"],
                     "val_accuracy": result.validation.metrics["accuracy"], "train_seconds": result.fit_seconds})
    return rows


def epochs_for(profile, n: int) -> int:
    """The profile's epochs, or more where they would take fewer than MIN_STEPS optimizer steps."""
    return max(profile.epochs, math.ceil(MIN_STEPS / math.ceil(n / profile.batch_size)))


def bilstm_row(model: str, profile, subset: prepare.PreparedData, n: int, seed: int, out) -> dict:
    run = pipeline.run_training(profile, seed=seed, out=out, prepared=subset, progress=False,
                                epochs=epochs_for(profile, n))
    return {"model": model, "labelled": n, "seed": seed, "test_accuracy": run.metrics["test_accuracy"],
            "val_accuracy": run.metrics["val_accuracy"], "train_seconds": run.metrics["train_seconds"],
            "epochs": epochs_for(profile, n), "best_epoch": run.metrics["best_epoch"],
            "history": run.fit.history.epochs}  # per epoch: training and validation loss and accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--counts", type=int, nargs="+", default=[250, 1000, 4000, 10000, 22500])
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43])
    parser.add_argument("--resume", action="store_true", help="keep the results file's rows and run only the rest")
    args = parser.parse_args()
    runs_dir = common.RESULTS / "runs" / "learning-curve"
    os.environ.update({"SENTIMENT_ARTIFACTS": str(runs_dir / "artifacts"), **common.OFFLINE})
    # no time cap: a run cut short by the profile's budget would be a point of a different curve
    pretrained = get_profile("cpu-pretrained").with_changes(max_train_seconds=None)
    random_start = without_pretraining(pretrained)
    prepared = prepare.prepare_data(pretrained, args.data_dir, seed=SPLIT_SEED)
    machine = common.machine()
    command = common.command_line("learning_curve", f"--data-dir {common.DATA} --counts "
                                  f"{' '.join(map(str, args.counts))} --seeds {' '.join(map(str, args.seeds))}")
    header = (f"Test accuracy (all {len(prepared.test):,} test reviews) against the number of labelled training "
              f"reviews; the `cpu-pretrained` BiLSTM from a random start and from word2vec (frozen), TF-IDF and the "
              f"NB n-grams, trained on the same labelled reviews at each count and seed; validation split seed "
              f"{SPLIT_SEED}. Data: {common.DATA}; {common.machine_line(machine)}, {time.strftime('%Y-%m-%d')}.\n"
              f"Command: `{command}`\n\n")
    rows: list[dict] = json.loads((common.RESULTS / f"{NAME}.json").read_text())["rows"] if args.resume else []
    done = {(r["model"], r["labelled"], r["seed"]) for r in rows}

    def record(new: list[dict]) -> None:
        rows.extend(new)
        for row in new:
            print(row, flush=True)
        table = ("| model | labelled | seed | test acc. | validation acc. | best epoch | training s |\n"
                 "|---|---|---|---|---|---|---|\n"
                 + "\n".join(map(line, rows)))
        common.write_results(NAME, header + "Mean test accuracy over seeds (± standard deviation; number of seeds):"
                             f"\n\n{means(rows)}\n\nEvery run:\n\n{table}\n",
                             {"machine": common.machine_line(machine), **machine, "command": command,
                              "n_test": len(prepared.test), "rows": rows})

    for n in args.counts:
        for seed in args.seeds:
            subset = prepare.labelled_subset(prepared, n, seed=seed)
            if ("TF-IDF", n, seed) not in done:
                record(baseline_rows(subset, n, seed))
            if ("BiLSTM, word2vec start", n, seed) not in done:
                record([bilstm_row("BiLSTM, word2vec start", pretrained, subset, n, seed,
                                   runs_dir / f"word2vec-{n}-seed{seed}")])
            if ("BiLSTM, random start", n, seed) not in done:
                record([bilstm_row("BiLSTM, random start", random_start,
                                   prepare.with_own_vocabulary(subset, random_start), n, seed,
                                   runs_dir / f"random-{n}-seed{seed}")])


if __name__ == "__main__":
    main()
