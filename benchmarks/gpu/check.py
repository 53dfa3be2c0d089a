"""The course on a CUDA GPU within a time budget: `full` trained once, every lesson under nbval with the `cpu`
profile on the full data, then `full-pretrained` if time is left; each step under its own limit, and OUT/summary.json
and summary.txt rewritten after each (benchmarks/gpu/README.md). From the repository's root:

    python -m benchmarks.gpu.check OUT --data-dir DATA [--wheels WHEELS] [--budget 2400] [--smoke] [--dry-run]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import summary as summaries

ROOT = Path(__file__).resolve().parents[2]
SPLITS = ("train", "test", "unsupervised")
LESSON_LIMIT = 120  # seconds; the longer lessons below
LESSON_LIMITS = {"04_training": 300, "04b_classical_baseline": 240, "05_evaluation": 180, "07_unlabeled_reviews": 600,
                 "08_counterfactual_reviews": 540}
TRAIN_LIMIT = 600
# seconds of a training run outside training itself (loading and tokenizing, word2vec, the test pass, the checkpoint)
TRAIN_RESERVE = {"full": 60, "full-pretrained": 240}
OPTIONAL_MINIMUM = 300  # `full-pretrained` starts only with this much of the budget left
MARGIN = 5
SMOKE_SETS = ["n_train=2000", "n_val=200", "n_test=400", "epochs=2", "max_len=128", "max_vocab=5000", "min_freq=2",
              "model.embed_dim=32", "model.hidden_dim=32", "model.num_layers=1", "n_unlabeled=2000",
              "pretrain_epochs=1"]
# the lessons' needs importable, and the course from this checkout, as a lesson's kernel sees it: from notebooks/
READY = ("import os, pathlib, sys; os.chdir('notebooks'); import gensim, ipykernel, nbval, torch, sentiment_helpers; "
         "sys.exit(pathlib.Path(sentiment_helpers.__file__).resolve().parents[1] != pathlib.Path.cwd().parent)")


@dataclass
class Step:
    name: str
    kind: str  # setup, train or nbval
    limit: int
    command: list[str] = field(default_factory=list)
    profile: str = ""  # a training run's
    optional: bool = False


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpu.check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="output folder: summary, logs, metrics")
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("IMDB_DATA_DIR"),
                        help="the full IMDB parquet folder (default: IMDB_DATA_DIR; --smoke: the bundled sample)")
    parser.add_argument("--wheels", type=Path, help="install the course from this wheel folder, with no network")
    parser.add_argument("--budget", type=int, default=2400, help="seconds for everything (default: 2400)")
    parser.add_argument("--smoke", action="store_true", help="seconds-sized sizes, for a rehearsal on a CPU")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and exit")
    args = parser.parse_args(argv)
    if args.data_dir is not None:
        missing = [split for split in SPLITS if not (args.data_dir / f"{split}.parquet").is_file()]
        if missing:
            parser.error(f"--data-dir {args.data_dir}: no {', '.join(f'{s}.parquet' for s in missing)}")
    elif not args.smoke:
        parser.error("give the full IMDB data with --data-dir (or set IMDB_DATA_DIR); only --smoke runs without it")
    if args.wheels is not None and not any(args.wheels.glob("*.whl")):
        parser.error(f"--wheels {args.wheels}: no wheel files there")
    return args


def recorded_command(args: argparse.Namespace) -> str:
    """The command as a results file quotes it: placeholders for this machine's folders."""
    words = ["python -m benchmarks.gpu.check OUT"]
    words += ["--data-dir DATA"] if args.data_dir else []
    words += ["--wheels WHEELS"] if args.wheels else []
    words += [f"--budget {args.budget}"] + (["--smoke"] if args.smoke else [])
    return " ".join(words)


def setup_command(wheels: Path | None, ready: bool) -> list[str]:
    """The course and its lessons' needs installed from ``wheels`` (no network), or from the index where they are not
    importable yet; else only the check that they are."""
    if wheels is not None:
        return [sys.executable, "-m", "pip", "install", "--no-index", "--find-links", str(wheels.resolve()),
                "-e", ".[lab,test]"]
    return [sys.executable, "-c", READY] if ready else [sys.executable, "-m", "pip", "install", "-e", ".[lab,test]"]


def course_ready() -> bool:
    return subprocess.run([sys.executable, "-c", READY], cwd=ROOT, capture_output=True).returncode == 0


def nbval_options() -> str:
    """pyproject's pytest options less pytest-xdist's: plugins are not autoloaded here, so `-n` is unknown."""
    line = next(line for line in (ROOT / "pyproject.toml").read_text().splitlines() if line.startswith("addopts"))
    words, kept = shlex.split(line.split("=", 1)[1].strip().strip('"')), []
    skip = False
    for word in words:
        if not skip and word not in ("-n", "--dist") and not word.startswith("--durations"):
            kept.append(word)
        skip = word in ("-n", "--dist")
    return " ".join(kept)


def plan(args: argparse.Namespace, ready: bool) -> list[Step]:
    steps = [Step("setup", "setup", 900, setup_command(args.wheels, ready)),
             Step("train full", "train", TRAIN_LIMIT, profile="full")]
    options = nbval_options()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        steps.append(Step(f"nbval {notebook.stem}", "nbval", LESSON_LIMITS.get(notebook.stem, LESSON_LIMIT), [
            sys.executable, "-m", "pytest", "-p", "nbval.plugin", "-p", "benchmarks.gpu.nbval_artifacts", "-q",
            "-rfE", "-o", f"addopts={options}", str(notebook.relative_to(ROOT))]))
    steps.append(Step("train full-pretrained", "train", args.budget, profile="full-pretrained", optional=True))
    return steps


def train_command(step: Step, limit: int, run_dir: Path, smoke: bool) -> list[str]:
    cap = max(limit - TRAIN_RESERVE[step.profile], 30)
    settings = [f"max_train_seconds={cap}"] + (SMOKE_SETS if smoke else [])
    return [sys.executable, "-m", "benchmarks.gpu.train_run", "--out", str(run_dir), "--profile", step.profile,
            *[word for setting in settings for word in ("--set", setting)]]


def step_env(args: argparse.Namespace, work: Path) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "MPLBACKEND": "Agg",
           "PYTHONUNBUFFERED": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "GPU_CHECK_ARTIFACTS": str(work / "lessons"),
           "SENTIMENT_PROFILE": "smoke" if args.smoke else "cpu", "SENTIMENT_ARTIFACTS": str(work / "artifacts")}
    if args.data_dir:
        env["IMDB_DATA_DIR"] = str(args.data_dir.resolve())
    return env


def stop_group(process: subprocess.Popen, grace: float = 15) -> None:
    """Every process of ``process``'s group: asked to end, then killed after ``grace`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def run_limited(command: list[str], limit: int, log: Path, env: dict) -> tuple[int, bool]:
    """``command`` in a process group of its own (nbval's kernels included), stopped whole at ``limit`` seconds.
    Returns its exit status and whether it was stopped."""
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            rc, timed_out = process.wait(timeout=limit), False
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:  # also on Ctrl-C, which reaches only the check: the group is a session of its own
            stop_group(process, grace=0 if process.returncode is not None else 15)
        return process.returncode if timed_out else rc, timed_out


def train_figures(run_dir: Path) -> dict:
    """A finished run's figures, from its metrics.json and the peak memory that train_run recorded."""
    if not (run_dir / "metrics.json").is_file():
        return {}
    m = json.loads((run_dir / "metrics.json").read_text())
    peak = run_dir / "peak-memory.json"
    figures = {key: m[key] for key in ("test_accuracy", "val_accuracy", "best_epoch", "epochs_run",
                                       "seconds_per_epoch", "train_seconds", "device", "n_train", "n_test")}
    figures.update(test_f1=m["test_metrics"]["f1"], test_roc_auc=m["test_metrics"]["roc_auc"],
                   training_status=m["status"], max_train_seconds=m["profile_settings"]["max_train_seconds"],
                   **(json.loads(peak.read_text()) if peak.is_file() else {}))
    if m.get("pretraining"):
        figures["word2vec_seconds"] = m["pretraining"].get("build_seconds")
    return figures


def run_step(step: Step, args: argparse.Namespace, work: Path, left: float) -> dict:
    limit = int(min(step.limit, left - MARGIN))
    record = {"name": step.name, "kind": step.kind, "limit": max(limit, 0), "rc": None, "seconds": 0.0}
    if limit < 30 or (step.optional and left < OPTIONAL_MINIMUM):
        return {**record, "status": "not run", "note": "the budget was spent"}
    run_dir = work / f"run-{step.profile}"
    command = train_command(step, limit, run_dir, args.smoke) if step.kind == "train" else step.command
    (args.out / "logs").mkdir(exist_ok=True)
    log = args.out / "logs" / f"{step.name.replace(' ', '-')}.log"
    began = time.monotonic()
    rc, timed_out = run_limited(command, limit, log, step_env(args, work))
    record.update(rc=rc, seconds=round(time.monotonic() - began, 1),
                  status=summaries.step_status(step.kind, rc, timed_out))
    if step.kind == "nbval":
        record.update(summaries.pytest_counts(log.read_bytes().decode(errors="replace")))
    elif step.kind == "train":
        record.update(train_figures(run_dir))
        if (run_dir / "metrics.json").is_file():
            (args.out / f"metrics-{step.profile}.json").write_bytes((run_dir / "metrics.json").read_bytes())
    return record


def commit() -> str | None:
    """The commit measured, where the course is a git checkout (a kit's course.tar.gz is not)."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                 capture_output=True, text=True).stdout.strip()
    except OSError:  # no git on this machine
        return None
    return (done.stdout.strip() + (" with uncommitted changes" if changed else "")) if done.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    steps = plan(args, ready=args.wheels is not None or args.dry_run or course_ready())
    if args.dry_run:
        for step in steps:
            command = train_command(step, step.limit, Path("RUN"), args.smoke) if step.kind == "train" else step.command
            print(f"{step.name} (limit {step.limit} s{', if time is left' if step.optional else ''}): "
                  f"{shlex.join(command)}")
        return 0
    summary = run_all(args, steps)
    return 0 if summary["status"] == "passed" else 1


def run_all(args: argparse.Namespace, steps: list[Step]) -> dict:
    """Every step in turn, the summary rewritten after each; the runs' models and caches in a folder removed after."""
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    summary = {"command": recorded_command(args), "commit": commit(), "smoke": args.smoke, "budget_seconds":
               args.budget, "started": summaries.now(), "elapsed_seconds": 0, "finished": False, "machine": {},
               "steps": []}
    with tempfile.TemporaryDirectory(prefix="gpu-check-") as folder:
        work = Path(folder)
        for name in ("lessons", "artifacts"):  # the lessons' shared folder; the training runs' caches
            (work / name).mkdir()
        for step in steps:
            summary["steps"].append(run_step(step, args, work, args.budget - (time.monotonic() - start)))
            print(summaries.step_line(summary["steps"][-1]), flush=True)
            if step.kind == "setup" and summary["steps"][-1]["status"] != "ok":
                break
            if step.kind == "setup":
                with contextlib.suppress(ImportError):  # no torch: the steps that need it fail, and say why
                    summary["machine"] = summaries.machine_info()
            summary["elapsed_seconds"] = round(time.monotonic() - start)
            summaries.write(args.out, summary)
    summary.update(finished=True, elapsed_seconds=round(time.monotonic() - start))
    summaries.write(args.out, summary)
    print(summaries.text(summary), end="")
    return summary

if __name__ == "__main__":
    sys.exit(main())
