"""Command line: ``python -m sentiment_helpers train ...`` and ``python -m sentiment_helpers predict ...``."""
from __future__ import annotations

import argparse
import json
import sys

from .archive import ARCHIVE_URL
from .errors import CourseError
from .profiles import PROFILES, default_profile_name


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sentiment_helpers",
                                     description="Train and use the IMDB sentiment BiLSTM of the course.")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="load data, build the vocabulary, train, evaluate on test, save",
                                description="Runs the whole pipeline and writes the checkpoint, metrics.json and "
                                            "history.json into --out.")
    train.add_argument("--profile", choices=list(PROFILES), default=None,
                       help="run size: " + " ".join(f"{p.name}: {p.description}" for p in PROFILES.values())
                            + f" (default here: {default_profile_name()}; SENTIMENT_PROFILE overrides)")
    train.add_argument("--data-dir", default=None, help="folder of IMDB parquet files (default: $IMDB_DATA_DIR, "
                                                       "else the Hugging Face hub, else the bundled sample)")
    train.add_argument("--out", default=None, help="output folder (default: artifacts/)")
    train.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    train.add_argument("--epochs", type=int, default=None, help="number of epochs (default: the profile's)")
    train.add_argument("--max-len", type=int, default=None, help="tokens read per review (default: the profile's)")
    train.add_argument("--max-vocab", type=int, default=None, help="vocabulary size without <pad>/<unk> (default: the profile's)")
    train.add_argument("--min-freq", type=int, default=None, help="minimum count of a vocabulary word (default: the profile's)")
    train.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override any other profile setting, repeatable: e.g. --set lr=2e-3 --set weight_decay=0.01 "
                            "--set model.hidden_dim=256 --set max_train_seconds=none")
    train.add_argument("--device", default=None, help="cuda, mps or cpu (default: the best available)")
    train.add_argument("--no-progress", action="store_true", help="hide progress bars")

    download = commands.add_parser(
        "download", help="fetch IMDB (from the Hugging Face hub, or the original archive) into a parquet folder",
        description="Writes train/test/unsupervised.parquet; then set IMDB_DATA_DIR to that folder to work offline. "
                    "The hub's copy has no star ratings; --from-archive reads the original Stanford archive, "
                    "which keeps them.",
        epilog="examples:\n  python -m sentiment_helpers download --out data/imdb\n"
               "  python -m sentiment_helpers download --out data/imdb --from-archive\n"
               "  python -m sentiment_helpers download --out data/imdb --from-archive ~/Downloads/aclImdb_v1.tar.gz",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    download.add_argument("--out", required=True, help="folder to write the parquet files into")
    download.add_argument("--from-archive", nargs="?", const=ARCHIVE_URL, default=None, metavar="PATH_OR_URL",
                          help="read aclImdb_v1.tar.gz (a local path, or its unpacked aclImdb folder) instead of the "
                               f"hub; with no value, download it once into --out from {ARCHIVE_URL} (about 80 MB)")

    predict = commands.add_parser("predict", help="predict the sentiment of reviews given as arguments",
                                  description="Prints label and probabilities per text.")
    predict.add_argument("--checkpoint", required=True, help="checkpoint file written by `train`")
    predict.add_argument("--json", action="store_true", help="one JSON object per line: label, p_positive, confidence, ...")
    predict.add_argument("texts", nargs="+", metavar="TEXT", help="review text(s); quote each one")
    return parser


def _train(args: argparse.Namespace) -> int:
    from .pipeline import run_training
    from .profiles import apply_settings, get_profile

    profile = apply_settings(get_profile(args.profile), args.set)
    result = run_training(profile, args.data_dir, args.out, args.seed, args.epochs, args.device,
                          progress=not args.no_progress, max_len=args.max_len, max_vocab=args.max_vocab,
                          min_freq=args.min_freq)
    m = result.metrics
    print(f"\nprofile {m['profile']} on {m['data_source']} ({m['n_train']:,} train / {m['n_val']:,} validation / "
          f"{m['n_test']:,} test reviews)")
    print(f"best epoch {m['best_epoch']} of {m['epochs_run']}: validation accuracy {m['val_accuracy']:.4f}")
    print(f"test accuracy {m['test_accuracy']:.4f}, F1 {m['test_metrics']['f1']:.4f}, ROC AUC {m['test_metrics']['roc_auc']:.4f}")
    print(f"{m['train_seconds']:.0f} s of training, {m['seconds']:.0f} s in all; status: {m['status']}")
    print(f"checkpoint: {result.checkpoint_path}\nmetrics:    {result.checkpoint_path.parent / 'metrics.json'}")
    return 0


def _predict(args: argparse.Namespace) -> int:
    from .predict import SentimentPredictor

    predictor = SentimentPredictor.from_checkpoint(args.checkpoint)
    for text in args.texts:
        result = predictor.predict_sentiment(text)
        if args.json:
            print(json.dumps(result.to_dict()))
        else:
            note = f", {result.n_known}/{min(result.n_tokens, predictor.max_len)} tokens known"
            print(f"{result.label:8s} p_positive={result.p_positive:.3f} confidence={result.confidence:.3f}{note}"
                  f"{' (truncated)' if result.truncated else ''}  {text[:60]!r}")
    return 0


def _download(args: argparse.Namespace) -> int:
    from .data import download

    rows = download(args.out, args.from_archive)
    print(f"wrote {', '.join(f'{split} ({n:,} reviews)' for split, n in rows.items())} to {args.out}")
    print(f"use it offline with: export IMDB_DATA_DIR={args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {"train": _train, "predict": _predict, "download": _download}
    try:
        return commands[args.command](args)
    except (CourseError, ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
