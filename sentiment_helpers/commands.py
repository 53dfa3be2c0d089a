"""What each command of ``python -m sentiment_helpers`` does, once ``cli`` has parsed its options: one function per
command, each importing what it needs when it runs (so that ``--help`` and ``--version`` stay quick and load no torch).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections import deque
from pathlib import Path

from .errors import UsageError


def train(args: argparse.Namespace) -> int:
    from .profiles import apply_settings, get_profile

    # every setting is checked here, when the profile is made: a typo fails before any data is read or torch loads
    profile = apply_settings(get_profile(args.profile), args.set)
    sizes = {"epochs": args.epochs, "max_len": args.max_len, "max_vocab": args.max_vocab, "min_freq": args.min_freq,
             "cad_originals": args.cad_originals, "cad_added": args.cad_added, "cad_repeats": args.cad_repeats}
    profile = profile.with_changes(**{key: value for key, value in sizes.items() if value is not None})
    from .pipeline import run_training

    result = run_training(profile, args.data_dir, args.out, args.seed, device=args.device,
                          progress=not args.no_progress, split_seed=args.split_seed, validation=args.validation)
    m = result.metrics
    print(f"\nprofile {m['profile']} on {m['data_source']} ({m['n_train']:,} train / {m['n_val']:,} validation / "
          f"{m['n_test']:,} test reviews)")
    print(f"best epoch {m['best_epoch']} of {m['epochs_run']}: validation accuracy {m['val_accuracy']:.4f}"
          + (" (by-movie split)" if m["validation_split"] == "by-movie" else ""))
    print(f"test accuracy {m['test_accuracy']:.4f}, F1 {m['test_metrics']['f1']:.4f}, "
          f"ROC AUC {m['test_metrics']['roc_auc']:.4f}")
    if m.get("pretraining"):
        pre = m["pretraining"]
        how = "from the cache" if pre["from_cache"] else f"built in {pre['build_seconds']:.0f} s"
        print(f"pretraining: {pre['method']} on {pre['train_reviews']:,} train + "
              f"{pre['unlabeled_reviews']:,} unlabeled reviews, {how} ({pre['cache']})")
    print(f"{m['train_seconds']:.0f} s of training, {m['seconds']:.0f} s in all; status: {m['status']}")
    print(f"checkpoint: {result.checkpoint_path}\nmetrics:    {result.checkpoint_path.parent / 'metrics.json'}")
    return 0


def confusion_text(confusion) -> str:
    """The 2x2 confusion matrix [[TN, FP], [FN, TP]] as a small table."""
    (tn, fp), (fn, tp) = confusion
    width = max(len(f"{n:,}") for n in (tn, fp, fn, tp)) + 2
    return "\n".join([f"{'':15}{'predicted neg':>{max(width, 14)}}{'predicted pos':>{max(width, 15)}}",
                      f"{'true negative':15}{tn:>{max(width, 14)},}{fp:>{max(width, 15)},}",
                      f"{'true positive':15}{fn:>{max(width, 14)},}{tp:>{max(width, 15)},}"])


def evaluate(args: argparse.Namespace) -> int:
    import datetime as dt

    import matplotlib

    matplotlib.use("Agg")  # figures go to files; no window, no display needed
    import matplotlib.pyplot as plt

    from . import checkpoint, plots
    from .files import output_folder, write_json
    from .held_out import evaluate_checkpoint

    out = output_folder(args.out) if args.out else None  # a bad --out fails before the slow part
    bundle = checkpoint.load_checkpoint(args.checkpoint)
    meta = bundle.metadata
    if args.cad:
        return _evaluate_pairs(args, bundle, out)
    scored = evaluate_checkpoint(bundle, args.device, args.data_dir, progress=not args.no_progress, split=args.split)
    m = scored.evaluation.metrics
    print(f"checkpoint {args.checkpoint}: profile {meta.get('profile', '?')}, "
          f"trained on {meta.get('data_source', '?')}, best epoch {meta.get('best_epoch', '?')}")
    print(f"{args.split}: {len(scored.reviews):,} reviews from {scored.source}")
    print(f"accuracy {m['accuracy']:.4f}   precision {m['precision']:.4f}   recall {m['recall']:.4f}   "
          f"F1 {m['f1']:.4f}   ROC AUC {m['roc_auc']:.4f}")
    print(confusion_text(scored.evaluation.confusion))
    if out is not None:
        report = {"checkpoint": str(args.checkpoint), "split": args.split, "data_source": str(scored.source),
                  "metrics": m, "confusion": scored.evaluation.confusion.tolist(),
                  "trained": {key: meta.get(key)
                              for key in ("profile", "data_source", "best_epoch", "val_accuracy", "seed")},
                  "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        write_json(out / "metrics.json", report, indent=2)
        for name, figure in (("confusion_matrix.png", plots.confusion_matrix(scored.evaluation.confusion)),
                             ("roc_curve.png",
                              plots.roc_curve(scored.evaluation.y_true, scored.evaluation.p_positive))):
            figure.savefig(out / name, dpi=120, bbox_inches="tight")
            plt.close(figure)
        print(f"wrote metrics.json, confusion_matrix.png and roc_curve.png to {out}")
    return 0


def _evaluate_pairs(args: argparse.Namespace, bundle, out: Path | None) -> int:
    """``evaluate --cad SPLIT``: the checkpoint on the counterfactual pairs, the originals beside their edits."""
    from . import counterfactual
    from .files import write_json
    from .predict import SentimentPredictor

    pairs = counterfactual.load_pairs(args.cad)
    predictor = SentimentPredictor.from_checkpoint(bundle, args.device)
    p = {which: [r.p_positive for r in predictor.predict_batch(texts, progress=not args.no_progress)]
         for which, texts in (("original", pairs.original), ("revised", pairs.revised))}
    scores = counterfactual.pair_scores(p["original"], p["revised"], pairs)
    settings = bundle.metadata.get("profile_settings", {})
    print(f"checkpoint {args.checkpoint}: profile {bundle.metadata.get('profile', '?')}, counterfactual {args.cad} "
          f"pairs ({len(pairs):,}, {pairs.source})")
    if settings.get("cad_originals") != "leave-out":
        print("note: this model was trained with the pairs' originals (IMDB training reviews) among its training "
              "reviews; train with --cad-originals leave-out to score it on them honestly", file=sys.stderr)
    print(f"original {scores['original']:.4f}   revised {scores['revised']:.4f}   both of a pair {scores['both']:.4f}"
          f"   gap {scores['gap']:+.4f} (95% interval {scores['gap_low']:+.4f} to {scores['gap_high']:+.4f})")
    if out is not None:
        write_json(out / "metrics.json", {"checkpoint": str(args.checkpoint), "cad_split": args.cad, **scores,
                                          "cad_source": pairs.source, "cad_citation": counterfactual.CITATION},
                   indent=2)
        print(f"wrote metrics.json to {out}")
    return 0


def _reviews(args: argparse.Namespace):
    """Where predict's reviews come from, and what to call that source in messages."""
    from . import review_files

    if args.file and args.texts:
        raise UsageError("give reviews either as arguments (or '-') or with --file, not both")
    if args.file:
        return review_files.read_file(args.file), args.file
    if args.texts == ["-"]:
        return review_files.read_lines(sys.stdin), "standard input"
    if "-" in args.texts:
        raise UsageError("'-' (standard input) must be the only TEXT")
    if not args.texts:
        raise UsageError("no reviews: give them as arguments, '-' for standard input, or --file PATH")
    return (review_files.Review(i, text) for i, text in enumerate(args.texts)), "the arguments"


def _predictions(predictor, reviews, skipped: list[int]):
    """(review, prediction) pairs in input order, a chunk at a time; blank reviews go to ``skipped``."""
    waiting = deque()  # reviews handed to the predictor whose results have not come back yet

    def texts():
        for review in reviews:
            if review.text.strip():
                waiting.append(review)
                yield review.text
            else:
                skipped.append(review.index)

    for prediction in predictor.predict_stream(texts()):
        yield waiting.popleft(), prediction
        if not waiting:  # the end of a chunk: whoever reads the pipe gets these results now
            sys.stdout.flush()


def predict(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from .predict import SentimentPredictor
    from .review_files import csv_results

    reviews, source = _reviews(args)
    predictor = SentimentPredictor.from_checkpoint(args.checkpoint, args.device)
    skipped: list[int] = []
    count = 0
    with (csv_results(args.csv) if args.csv else contextlib.nullcontext()) as csv_out, \
            tqdm(desc="predict", unit=" reviews", disable=True if source == "the arguments" else None) as bar:
        for review, result in _predictions(predictor, reviews, skipped):
            row = {"index": review.index, **result.to_dict()}
            if csv_out:
                csv_out.writerow(row)
            elif args.json:
                print(json.dumps(row))
            else:
                known = f"{result.n_known}/{min(result.n_tokens, predictor.max_len)} tokens known"
                print(f"{review.index:>5}  {result.label:8s} p_positive={result.p_positive:.3f} "
                      f"confidence={result.confidence:.3f}, {known}{' (truncated)' if result.truncated else ''}  "
                      f"{review.text[:60]!r}")
            count += 1
            bar.update()
        if count == 0:  # raised inside the `with`, so no empty CSV file is left behind
            raise UsageError(f"no reviews in {source}" + (f" (only {len(skipped)} blank lines)" if skipped else ""))
    if csv_out:
        print(f"wrote {count:,} predictions to {args.csv}", file=sys.stderr)
    if skipped:
        print(f"skipped {len(skipped):,} blank line(s) of {source} (index {', '.join(map(str, skipped[:5]))}"
              f"{', ...' if len(skipped) > 5 else ''})", file=sys.stderr)
    return 0


def download(args: argparse.Namespace) -> int:
    from .data import download

    rows = download(args.out, args.from_archive)
    print(f"wrote {', '.join(f'{split} ({n:,} reviews)' for split, n in rows.items())} to {args.out}")
    # a full path: the lessons' kernels run in notebooks/, where a relative one would point elsewhere
    print(f"use it offline with: export IMDB_DATA_DIR={Path(args.out).resolve()}")
    return 0


def doctor(args: argparse.Namespace) -> int:
    from . import doctor

    return doctor.main(args.data_dir, as_json=args.json)
