"""Command line: ``python -m sentiment_helpers train|evaluate|predict|download|doctor ...``: its options (here)
and what each command does (``commands``).

The course's own errors (``errors.CourseError``: bad data, a bad checkpoint, a bad setting, no input) and the I/O
errors a user causes (a missing file, no permission, a full disk) are one line on stderr and exit code 1. Anything
else is a bug, and keeps its traceback for whoever fixes it.
"""
from __future__ import annotations

import argparse
import sys
import textwrap

from . import __version__, commands
from .archive import ARCHIVE_URL
from .errors import CourseError
from .profiles import PROFILES
from .splits import VALIDATION_SPLITS

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


def _train_options(commands) -> None:
    train = _command(commands, "train", "load data, build the vocabulary, train, evaluate on test, save",
                     "Runs the whole pipeline and writes the checkpoint, metrics.json and history.json into --out.",
                     ["--profile smoke", "--profile cpu --data-dir data/imdb --out artifacts/",
                      "--profile cpu --set lr=2e-3 --set model.hidden_dim=256 --out runs/wider"])
    train.add_argument("--profile", choices=list(PROFILES), default=None,
                       help="run size: " + " ".join(f"{p.name}: {p.description}" for p in PROFILES.values())
                            + " (default: full with an NVIDIA GPU, else cpu; SENTIMENT_PROFILE overrides)")
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
    train.add_argument("--cad-originals", choices=["keep", "leave-out"], default=None,
                       help="leave-out: train without the IMDB reviews that are originals of the counterfactual "
                            "pairs, so that `evaluate --cad` scores the model on them honestly (default: keep)")
    train.add_argument("--cad-added", choices=["none", "pairs", "originals"], default=None,
                       help="add the counterfactual training pairs (pairs: each original and its edit) or, as a "
                            "control, their originals alone, twice each (default: none)")
    train.add_argument("--cad-repeats", type=int, default=None, help="how many times --cad-added adds them (default 1)")
    train.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override any other profile setting, repeatable: e.g. --set lr=2e-3 "
                            "--set weight_decay=0.01 --set model.hidden_dim=256 --set max_train_seconds=none")
    _shared(train, "--device", "--no-progress")


def _evaluate_options(commands) -> None:
    evaluate = _command(commands, "evaluate", "score a checkpoint on the held-out reviews its run was meant for",
                        "Scores a checkpoint (yours, or one handed in) on the test or validation reviews of the run "
                        "that made it (same data, profile subset and seed), and prints accuracy, F1, ROC AUC and the "
                        "confusion matrix. With --out it also writes metrics.json, confusion_matrix.png and "
                        "roc_curve.png.",
                        ["--checkpoint artifacts/sentiment_lstm.pt",
                         "--checkpoint handed-in/sentiment_lstm.pt --data-dir data/imdb --out reports/alice",
                         "--checkpoint artifacts/sentiment_lstm.pt --split validation",
                         "--checkpoint runs/no-originals/sentiment_lstm.pt --cad test"])
    evaluate.add_argument("--checkpoint", required=True, help="checkpoint file written by `train` or notebook 04")
    _shared(evaluate, "--data-dir")
    evaluate.add_argument("--split", choices=["test", "validation"], default="test",
                          help="test (the final report) or validation (where the epoch was chosen); default: test")
    evaluate.add_argument("--cad", choices=["train", "dev", "test"], default=None,
                          help="score the counterfactual pairs of this split instead (Kaushik et al. 2020): accuracy "
                               "on the originals, on their edits and on both of a pair")
    evaluate.add_argument("--out", default=None, help="folder for metrics.json and the two figures")
    _shared(evaluate, "--device", "--no-progress")


def _predict_options(commands) -> None:
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


def _download_options(commands) -> None:
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


def _doctor_options(commands) -> None:
    doctor = _command(commands, "doctor", "check this machine before a workshop: versions, data, device, speed, disk",
                      "A room check for instructors, in under a minute: one verdict per line (ok, warning or problem, "
                      "with what to do), the training speed of the cpu and cpu-pretrained profiles measured on a few "
                      "batches, and the predicted training minutes. Exits with 1 when there is a problem (a blocker), "
                      "else 0. Never goes online.",
                      ["", "--data-dir data/imdb", "--json > $(hostname).json"])
    _shared(doctor, "--data-dir")
    doctor.add_argument("--json", action="store_true",
                        help="print one JSON object (each check's name, verdict, message, advice and values), to "
                             "collect a room's reports")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Train and use the IMDB sentiment BiLSTM of the course.")
    parser.add_argument("--version", action="version", version=f"sentiment-helpers {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for add_options in (_train_options, _evaluate_options, _predict_options, _download_options, _doctor_options):
        add_options(commands)
    return parser



def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    run = {"train": commands.train, "evaluate": commands.evaluate, "predict": commands.predict,
           "download": commands.download, "doctor": commands.doctor}[args.command]
    try:
        return run(args)
    except (CourseError, OSError) as error:  # not ValueError or TypeError: those are bugs, and keep their traceback
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
