"""How to combine the BiLSTM and the NB n-gram model: three ways, judged on the validation reviews only.

    python -m benchmarks.ensemble_variants --data-dir DATA \\
        --checkpoint benchmarks/results/runs/ensemble/cpu-pretrained-seed42/sentiment_lstm.pt

For one trained checkpoint (benchmarks/ensemble.py trains them), the n-gram model is fitted on the checkpoint's own
training reviews, and both models' p(positive) on its validation and test reviews (the BiLSTM's temperature-scaled)
are combined three ways, each with its weight chosen on validation log loss:
- the average of the probabilities;
- the average of the log-odds (sentiment_helpers.ensemble.combine, the course's choice);
- a logistic regression on the two log-odds, fitted on the validation reviews (stacking).
The choice between them is the lowest validation log loss; test accuracy is printed for the record only.
Writes benchmarks/results/ensemble-variants.{md,json}.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from sentiment_helpers import baseline, calibration, checkpoint, ensemble, held_out

from . import common

STACKING_NOTE = ("Stacking's two coefficients are fitted on the very validation reviews that judge it, so its "
                 "validation log loss is in-sample and flattering; a lead of a ten-thousandth does not justify it. "
                 "The course keeps the average of log-odds: one weight, on a grid.")


def probability_average(p_first: np.ndarray, p_second: np.ndarray, weight: float) -> np.ndarray:
    return weight * p_first + (1 - weight) * p_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--checkpoint", type=Path, required=True)
    args = parser.parse_args()
    bundle = checkpoint.load_checkpoint(args.checkpoint)
    splits = ("train", "validation", "test")
    run_data = {split: held_out.held_out_split(bundle, split, args.data_dir) for split in splits}
    ngrams = baseline.train_nb_ngrams(run_data)
    temperature = float(bundle.metadata.get("temperature") or 1.0)
    p, labels = {}, {}
    for split in ("validation", "test"):
        scored = held_out.evaluate_checkpoint(bundle, data_dir=args.data_dir, split=split, progress=False)
        evaluation = scored.evaluation
        labels[split] = np.asarray(evaluation.y_true, dtype=float)
        p[split] = (np.asarray(calibration.scale(evaluation.logits, temperature), dtype=float),
                    ngrams.model.predict_proba(run_data[split]["text"][:])[:, 1])
    rows = []
    for name, combine in (("average of probabilities", probability_average),
                          ("average of log-odds (the course's)", ensemble.combine)):
        table = ensemble.weight_table(*p["validation"], labels["validation"], combination=combine)
        best = table.loc[table["log loss"].idxmin()]
        test_right = float(((combine(*p["test"], best["weight"]) >= 0.5) == labels["test"]).mean())
        rows.append({"combination": name, "weight of the BiLSTM": f"{best['weight']:.2f}",
                     "validation log loss": float(best["log loss"]), "validation accuracy": float(best["accuracy"]),
                     "test accuracy": test_right})
    features = {split: np.column_stack([ensemble.logit(q) for q in p[split]]) for split in p}
    stacked = LogisticRegression(C=1e6).fit(features["validation"], labels["validation"])
    stacked_p = {split: stacked.predict_proba(features[split])[:, 1] for split in p}
    rows.append({"combination": "logistic regression on the two log-odds (stacking, fitted on validation)",
                 "weight of the BiLSTM": f"coefficients {stacked.coef_[0][0]:.2f} / {stacked.coef_[0][1]:.2f}",
                 "validation log loss": ensemble.log_loss(labels["validation"], stacked_p["validation"]),
                 "validation accuracy": float(((stacked_p["validation"] >= 0.5) == labels["validation"]).mean()),
                 "test accuracy": float(((stacked_p["test"] >= 0.5) == labels["test"]).mean())})
    settings, machine = common.stand_in(), common.machine()
    command = common.command_line("ensemble_variants", f"--data-dir {common.DATA} "
                                                       f"--checkpoint {os.path.relpath(args.checkpoint, common.ROOT)}")
    record = {"date": dt.date.today().isoformat(), "machine": common.machine_line(machine), **machine,
              "command": command, "checkpoint_profile": bundle.metadata.get("profile"),
              "seed": bundle.metadata.get("seed"), "rows": rows}
    lines = [f"Three ways to combine the `{record['checkpoint_profile']}` BiLSTM (seed {record['seed']}, "
             "temperature-scaled) with NB-weighted n-grams, on its own validation and test reviews; data: "
             f"{common.DATA}; {record['machine']}{', ' + settings if settings else ''}, {record['date']}.",
             f"Command: `{command}`. Chosen: the lowest validation log loss; test accuracy is for the record.", "",
             "| combination | weight of the BiLSTM | validation log loss | validation accuracy | test accuracy |",
             "|---|---|---|---|---|"]
    lines += [f"| {r['combination']} | {r['weight of the BiLSTM']} | {r['validation log loss']:.4f} | "
              f"{r['validation accuracy']:.4f} | {r['test accuracy']:.4f} |" for r in rows]
    lines += ["", STACKING_NOTE]
    common.write_results("ensemble-variants", "\n".join(lines) + "\n", record)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
