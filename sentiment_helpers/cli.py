"""Command line: ``python -m sentiment_helpers train|evaluate|predict|download|doctor ...``.

The course's own errors (``errors.CourseError``: bad data, a bad checkpoint, a bad setting, no input) and the I/O
errors a user causes (a missing file, no permission, a full disk) are one line on stderr and exit code 1. Anything
else is a bug, and keeps its traceback for whoever fixes it.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
import textwrap
from collections import deque
from pathlib import Path

from . import __version__
from .archive import ARCHIVE_URL
from .data import VALIDATION_SPLITS
from .errors import CourseError, SettingsError, UsageError
from .profiles import PROFILES, default_profile_name

PROG = "python -m sentiment_helpers"
SHARED_OPTIONS = {  # options that mean the same in every command that has them
    "--data-dir": {"default": None, "help": "IMDB data: a parquet folder or the original archive (default: "
                                            "$IMDB_DATA_DIR, else the Hugging Face hub, else the bundled sample)"},
    "--device": {"default": None, "help": "cuda, mps or cpu (default: the best available)"},
    "--no-progress": {"action": "store_true", "help": "hide progress bars"},
}


def _shared(parser: argparse.ArgumentParser, *names: str) -> None:
    for name in names:
        parser.add_argument(name, **SHARED_OPTIONS[name])


def _command(commands, name: str, help: str, description: str, examples: list[str]) -> argparse.ArgumentParser:
    epilog = "examples:\n" + "\n".join(f"  {PROG} {name} {example}" for example in examples)
    return commands.add_parser(name, help=help, description=textwrap.fill(description, 100), epilog=epilog,
                               formatter_class=argparse.RawDescriptionHelpFormatter)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Train and use the IMDB sentiment BiLSTM of the course.")
    parser.add_argument("--version", action="version", version=f"sentiment-helpers {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    train = _command(commands, "train", "load data, build the vocabulary, train, evaluate on test, save",
                     "Runs the whole pipeline and writes the checkpoint, metrics.json and history.json into --out.",
                     ["--profile smoke", "--profile cpu --data-dir data/imdb --out artifacts/",
                      "--profile cpu --set lr=2e-3 --set model.hidden_dim=256 --out runs/wider"])
    train.add_argument("--profile", choices=list(PROFILES), default=None,
                       help="run size: " + " ".join(f"{p.name}: {p.description}" for p in PROFILES.values())
                            + f" (default here: {default_profile_name()}; SENTIMENT_PROFILE overrides)")
    _shared(train, "--data-dir")
    train.add_argument("--out", default=None, help="output folder (default: artifacts/)")
    train.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    train.add_argument("--split-seed", type=int, default=None,
                       help="seed of the validation split (default: --seed); keep 42 to retrain other seeds on "
                            "one split")
    train.add_argument("--validation", choices=VALIDATION_SPLITS, default="random",
                       help="the validation split: random 10%% of the training reviews (default), or by-movie: whole "
                            "movies held out, as test is (needs the course's parquet copy or the archive)")
    train.add_argument("--epochs", type=int, default=None, help="number of epochs (default: the profile's)")
    train.add_argument("--max-len", type=int, default=None, help="tokens read per review (default: the profile's)")
    train.add_argument("--max-vocab", type=int, default=None,
                       help="vocabulary size without <pad>/<unk> (default: the profile's)")
    train.add_argument("--min-freq", type=int, default=None,
                       help="minimum count of a vocabulary word (default: the profile's)")
    train.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override any other profile setting, repeatable: e.g. --set lr=2e-3 "
                            "--set weight_decay=0.01 --set model.hidden_dim=256 --set max_train_seconds=none")
    _shared(train, "--device", "--no-progress")

    evaluate = _command(commands, "evaluate", "score a checkpoint on the held-out reviews its run was meant for",
                        "Scores a checkpoint (yours, or one handed in) on the test or validation reviews of the run "
                        "that made it (same data, profile subset and seed), and prints accuracy, F1, ROC AUC and the "
                        "confusion matrix. With --out it also writes metrics.json, confusion_matrix.png and "
                        "roc_curve.png.",
                        ["--checkpoint artifacts/sentiment_lstm.pt",
                         "--checkpoint handed-in/sentiment_lstm.pt --data-dir data/imdb --out reports/alice",
                         "--checkpoint artifacts/sentiment_lstm.pt --split validation"])
    evaluate.add_argument("--checkpoint", required=True, help="checkpoint file written by `train` or notebook 04")
    _shared(evaluate, "--data-dir")
    evaluate.add_argument("--split", choices=["test", "validation"], default="test",
                          help="test (the final report) or validation (where the epoch was chosen); default: test")
    evaluate.add_argument("--out", default=None, help="folder for metrics.json and the two figures")
    _shared(evaluate, "--device", "--no-progress")

    predict = _command(commands, "predict", "predict the sentiment of reviews: arguments, standard input or a file",
                       "Prints a label and probabilities per review, in input order, as results come. Reviews come "
                       "as arguments, from standard input ('-', one review per line) or from --file (.txt: one per "
                       "line; .csv or .parquet: a text column). Blank lines are skipped; `index` says which line or "
                       "row each result belongs to.",
                       ['--checkpoint artifacts/sentiment_lstm.pt "What a film!" "Dull."',
                        "--checkpoint artifacts/sentiment_lstm.pt - < reviews.txt",
                        "--checkpoint artifacts/sentiment_lstm.pt --file reviews.parquet --csv predictions.csv",
                        "--checkpoint artifacts/sentiment_lstm.pt --file reviews.csv --json > predictions.jsonl"])
    predict.add_argument("--checkpoint", required=True, help="checkpoint file written by `train`")
    predict.add_argument("--file", default=None, metavar="PATH",
                         help="read reviews from a file: .txt (one per line), .csv or .parquet (a text column)")
    predict.add_argument("--json", action="store_true",
                         help="one JSON object per line: index, label, p_positive, confidence, n_tokens, n_known, "
                              "truncated")
    predict.add_argument("--csv", default=None, metavar="OUT", help="write the results to this CSV file instead")
    _shared(predict, "--device")
    predict.add_argument("texts", nargs="*", metavar="TEXT",
                         help="review text(s), each quoted; '-' reads standard input")

    download = _command(commands, "download", "fetch IMDB (from the Hugging Face hub, or the original archive) into a "
                                              "parquet folder",
                        "Writes train/test/unsupervised.parquet; then set IMDB_DATA_DIR to that folder to work "
                        "offline. The hub's copy has no star ratings; --from-archive reads the original Stanford "
                        "archive, which keeps them.",
                        ["--out data/imdb", "--out data/imdb --from-archive",
                         "--out data/imdb --from-archive ~/Downloads/aclImdb_v1.tar.gz"])
    download.add_argument("--out", required=True, help="folder to write the parquet files into")
    download.add_argument("--from-archive", nargs="?", const=ARCHIVE_URL, default=None, metavar="PATH_OR_URL",
                          help="read aclImdb_v1.tar.gz (a local path, or its unpacked aclImdb folder) instead of the "
                               f"hub; with no value, download it once into --out from {ARCHIVE_URL} (about 80 MB)")

    doctor = _command(commands, "doctor", "check this machine before a workshop: versions, data, device, speed, disk",
                      "A room check for instructors, in under a minute: one verdict per line (ok, warning or problem, "
                      "with what to do), the training speed of the cpu and cpu-pretrained profiles measured on a few "
                      "batches, and the predicted training minutes. Exits with 1 when there is a problem (a blocker), "
                      "else 0. Never goes online.",
                      ["", "--data-dir data/imdb", "--json > reports/$(hostname).json"])
    _shared(doctor, "--data-dir")
    doctor.add_argument("--json", action="store_true",
                        help="print one JSON object (each check's name, verdict, message, advice and values), to "
                             "collect a room's reports")
    return parser


def _train(args: argparse.Namespace) -> int:
    from .pipeline import run_training
    from .profiles import apply_settings, get_profile

    try:
        profile = apply_settings(get_profile(args.profile), args.set)
    except ValueError as error:  # a --set the profile refuses: the user's mistake, said in one line
        raise SettingsError(str(error)) from None
    result = run_training(profile, args.data_dir, args.out, args.seed, args.epochs, args.device,
                          progress=not args.no_progress, max_len=args.max_len, max_vocab=args.max_vocab,
                          min_freq=args.min_freq, split_seed=args.split_seed, validation=args.validation)
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


def _evaluate(args: argparse.Namespace) -> int:
    import datetime as dt

    import matplotlib

    matplotlib.use("Agg")  # figures go to files; no window, no display needed
    import matplotlib.pyplot as plt

    from . import checkpoint, pipeline, plots
    from .files import output_folder, write_json

    out = output_folder(args.out) if args.out else None  # a bad --out fails before the slow part
    bundle = checkpoint.load_checkpoint(args.checkpoint)
    meta = bundle.metadata
    scored = pipeline.evaluate_checkpoint(bundle, args.device, args.data_dir, progress=not args.no_progress,
                                          split=args.split)
    m = scored.evaluation.metrics
    print(f"checkpoint {args.checkpoint}: profile {meta.get('profile', '?')}, "
          f"trained on {meta.get('data_source', '?')}, best epoch {meta.get('best_epoch', '?')}")
    print(f"{args.split}: {len(scored.reviews):,} reviews from {scored.reviews.source}")
    print(f"accuracy {m['accuracy']:.4f}   precision {m['precision']:.4f}   recall {m['recall']:.4f}   "
          f"F1 {m['f1']:.4f}   ROC AUC {m['roc_auc']:.4f}")
    print(confusion_text(scored.evaluation.confusion))
    if out is not None:
        report = {"checkpoint": str(args.checkpoint), "split": args.split, "data_source": scored.reviews.source,
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


def _predict(args: argparse.Namespace) -> int:
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


def _download(args: argparse.Namespace) -> int:
    from .data import download

    rows = download(args.out, args.from_archive)
    print(f"wrote {', '.join(f'{split} ({n:,} reviews)' for split, n in rows.items())} to {args.out}")
    # a full path: the lessons' kernels run in notebooks/, where a relative one would point elsewhere
    print(f"use it offline with: export IMDB_DATA_DIR={Path(args.out).resolve()}")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from . import doctor

    return doctor.main(args.data_dir, as_json=args.json)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {"train": _train, "evaluate": _evaluate, "predict": _predict, "download": _download, "doctor": _doctor}
    try:
        return commands[args.command](args)
    except (CourseError, OSError) as error:  # not ValueError or TypeError: those are bugs, and keep their traceback
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
