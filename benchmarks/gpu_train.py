"""One training run of benchmarks/gpu_check.sh: the course's own pipeline (``pipeline.run_training``, exactly what
``python -m sentiment_helpers train`` runs), plus what only the process that trained can tell (peak GPU memory), and
a time cap set when training starts, so that the run ends cleanly, with its metrics, before its step's deadline.

    python benchmarks/gpu_train.py PROFILE RUN_DIR DETAIL_JSON --seconds S [--set KEY=VALUE ...]

``--seconds``: the whole run's time (loading, pretraining, training, test); training is capped at what is left of
it when training starts, less EVAL_RESERVE for the test evaluation and the checkpoint. The profile's own cap, if
any, still holds when it is shorter. DETAIL_JSON is rewritten at each epoch start and at the end: a run cut short
still says how far it got.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch

from sentiment_helpers import pipeline, train
from sentiment_helpers.profiles import apply_settings, get_profile

EVAL_RESERVE = 20.0  # seconds kept after the training cap: test and validation passes, calibration, checkpoint


def write_detail(path: Path, detail: dict) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(detail))
    os.replace(partial, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile")
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("detail", type=Path)
    parser.add_argument("--seconds", type=float, required=True, help="the run's whole time budget")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="as in `train --set`")
    args = parser.parse_args()
    start = time.monotonic()
    profile = apply_settings(get_profile(args.profile), args.set)
    detail = {"profile": profile.name, "settings": args.set, "budget_seconds": args.seconds}
    write_detail(args.detail, detail)
    fit = train.fit

    def capped_fit(*fit_args, **fit_kwargs):
        left = max(args.seconds - (time.monotonic() - start) - EVAL_RESERVE, 1.0)
        cap = fit_kwargs.get("max_seconds")
        fit_kwargs["max_seconds"] = left if cap is None else min(cap, left)
        detail.update(max_train_seconds=round(fit_kwargs["max_seconds"], 1),
                      seconds_before_training=round(time.monotonic() - start, 1))
        given = fit_kwargs.get("on_epoch_start")

        def on_epoch_start(epoch: int) -> None:
            detail.update(epochs_started=epoch, seconds_so_far=round(time.monotonic() - start, 1))
            write_detail(args.detail, detail)
            print(f"epoch {epoch} starts at {time.monotonic() - start:.0f} s", flush=True)
            if given:
                given(epoch)

        fit_kwargs["on_epoch_start"] = on_epoch_start
        return fit(*fit_args, **fit_kwargs)

    train.fit = capped_fit  # run_training calls train.fit: the cap is the only change
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    result = pipeline.run_training(profile, out=args.run_dir, progress=False)
    m = result.metrics
    pre = m.get("pretraining") or {}
    detail.update(
        training_status=m["status"], test_accuracy=m["test_accuracy"], val_accuracy=m["val_accuracy"],
        test_f1=m["test_metrics"]["f1"], test_roc_auc=m["test_metrics"]["roc_auc"], best_epoch=m["best_epoch"],
        epochs=m["epochs"], epochs_run=m["epochs_run"], seconds_per_epoch=[round(s, 2) for s in m["seconds_per_epoch"]],
        train_seconds=round(m["train_seconds"], 1), run_seconds=round(m["seconds"], 1), device=m["device"],
        n_train=m["n_train"], n_val=m["n_val"], n_test=m["n_test"],
        peak_gpu_memory_gib=(round(torch.cuda.max_memory_allocated() / 2**30, 3) if torch.cuda.is_available()
                             else None))
    if pre:
        detail.update(word2vec_seconds=round(pre["build_seconds"], 1), word2vec_from_cache=pre["from_cache"],
                      unlabeled_reviews=pre["unlabeled_reviews"], vocab_coverage=pre.get("vocab_coverage"))
    write_detail(args.detail, detail)
    print(f"{profile.name}: test accuracy {m['test_accuracy']:.4f}, best epoch {m['best_epoch']} of "
          f"{m['epochs_run']} ({m['status']}), {m['train_seconds']:.0f} s of training", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
