"""Run every notebook top to bottom in a fresh kernel, as a learner would, and store its outputs in the notebook,
so that a preview (GitHub, nbviewer, Colab's first open) shows the figures, tables and results of a real run.

    SENTIMENT_AMP=0 OMP_NUM_THREADS=1 IMDB_DATA_DIR=DATA python -m scripts.store_outputs [notebooks/...]

The run is the `cpu` profile (SENTIMENT_PROFILE changes it) on the full data; the bundled sample is refused,
since its numbers mean little. The lessons run in order, so 04b, 05 and 06 use the model that 04 trains; it is
written to artifacts/ (when 04 runs, an existing model there is first moved to artifacts/before-store-outputs/;
when only later notebooks run, they read the model of the stored run of 04, and the script refuses if artifacts/
holds none of its profile).

What is stored: every output except stderr (progress bars, warnings) and widget views (a preview cannot show them,
and no widget state is kept); each code cell's metadata gets the hash of its source (tests/test_notebooks.py
fails when a cell changed after its output was stored); the notebook's metadata records the run (profile,
data, date, machine, command) and its first cell says so in one line. A cell that fails, or an output that
shows an absolute path of this machine, stops the script before that notebook is written.

It is also the course's one timing of the lessons: each notebook's run time goes to
benchmarks/results/lesson-times.{json,md} (each written whole, by benchmarks/common.py), each lesson's first cell
states it in its "**Time:**" line (with the study time of STUDY_MINUTES), and `--tables` rewrites the lesson tables
of README.md and docs/instructors.md and the workshop plans of docs/instructors.md (scripts/results_tables.py) from
that file. The data folder is reached as data/imdb (a link made here if
missing), so outputs show the path a learner who followed the README has.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks.common import write_results
from scripts import results_tables

ROOT = Path(__file__).resolve().parent.parent
PROVENANCE_MARK = "> **Outputs shown here**"
TIME_MARK = "**Time:**"
TIMES = ROOT / "benchmarks" / "results" / "lesson-times"
# reading, discussion and exercises in a taught session: a suggestion, not a measurement
# the timing machine: a slow float32 CPU, the kind a workshop must plan for (one PyTorch thread, no bf16)
STAND_IN = "SENTIMENT_AMP=0 OMP_NUM_THREADS=1"
TIMING_MACHINE = "on a slow CPU without bf16"  # the results file says which: one core of an AMD EPYC, float32
STUDY_MINUTES = {"01": 30, "02": 30, "03": 60, "04": 45, "04b": 30, "05": 45, "06": 15, "07": 60, "08": 45}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ABSOLUTE_PATH = re.compile(r"(?<![\w.~])(/(home|root|tmp|work|Users|var|private|mnt|opt|content|srv)/|[A-Za-z]:\\\\)")


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def clean_outputs(cell) -> list:
    """The outputs a reader should see: no stderr, no widget views, no run-specific metadata."""
    kept = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stderr":
            continue
        if output.output_type in ("display_data", "execute_result") and WIDGET_VIEW in output.get("data", {}):
            continue
        if output.output_type == "error":
            raise RuntimeError(f"a cell failed: {output.ename}: {output.evalue}")
        text = str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
        found = ABSOLUTE_PATH.search(text)
        if found:
            raise RuntimeError(f"an output shows an absolute path of this machine ({found.group(0)!r}): "
                               f"print paths relative to the notebook instead. Cell:\n{cell.source[:200]}")
        kept.append(output)
    return kept


def provenance_line(run: dict, path: Path) -> str:
    """One line: which run the outputs come from. The details (machine, command, versions) are in the notebook's
    metadata ("course_run") and in docs/development.md."""
    docs = os.path.relpath(ROOT / "docs" / "development.md", path.parent)
    data = "the full data" if run["data"].startswith("the full IMDB data") else run["data"]
    return (f"{PROVENANCE_MARK} come from one run of the `{run['profile']}` profile on {data}, {run['date']} "
            f"([how]({docs}#the-lessons-stored-outputs)); your own run prints its own numbers.")


def lesson_key(path: Path) -> str:
    """ "04b" for notebooks/04b_classical_baseline.ipynb."""
    return path.name.split("_")[0]


def minutes(seconds: float) -> str:
    return "under a minute" if seconds < 60 else f"about {round(seconds / 60)} minute{'s' * (round(seconds / 60) > 1)}"


def time_line(seconds: float, study: int, machine: str) -> str:
    return (f"{TIME_MARK} runs in {minutes(seconds)} {machine} "
            f"([measured](../benchmarks/results/lesson-times.md)); reading and exercises: about {study} minutes.")


def set_paragraph(source: str, mark: str, line: str) -> str:
    """``source`` with the paragraph that starts with ``mark`` replaced by ``line`` (added at the end if none)."""
    paragraphs = source.split("\n\n")
    hits = [i for i, p in enumerate(paragraphs) if p.startswith(mark)]
    if hits:
        paragraphs[hits[0]] = line
    else:
        paragraphs.append(line)
    return "\n\n".join(paragraphs)


def store(path: Path, run: dict, env: dict) -> float:
    """Run the notebook, store its outputs; its run time in seconds."""
    notebook = nbformat.read(path, as_version=4)
    os.environ.update({key: os.path.relpath(value, path.parent) if key != "SENTIMENT_PROFILE" else value
                       for key, value in env.items()})  # paths as seen from the notebook, never absolute
    start = time.perf_counter()
    NotebookClient(notebook, timeout=1800, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)  # nbclient's timestamps
        cell.outputs = clean_outputs(cell)
        cell.metadata["course"] = {"source_sha256": source_hash(cell.source)}
    notebook.metadata.pop("widgets", None)  # progress-bar widget state: run-specific, not course content
    notebook.metadata["course_run"] = run
    first = notebook.cells[0]
    if lesson_key(path) in STUDY_MINUTES:
        first.source = set_paragraph(first.source, TIME_MARK,
                                     time_line(seconds, STUDY_MINUTES[lesson_key(path)], run["timing_machine"]))
    first.source = set_paragraph(first.source, PROVENANCE_MARK, provenance_line(run, path))
    first.metadata.pop("course", None)
    nbformat.write(notebook, path)
    print(f"stored {path.relative_to(ROOT)} ({seconds:.0f} s)", flush=True)
    return seconds


def sets_model_aside(paths: list[Path]) -> bool:
    """Lesson 04 trains the model the later lessons read: when it runs, it starts from none (an existing model is
    set aside); when only later lessons run again, they read the model of the stored run of 04."""
    return any(lesson_key(p) == "04" for p in paths)


def reads_04s_model(path: Path) -> bool:
    """The notebooks that score the model lesson 04 trains."""
    return lesson_key(path) in {"04b", "05", "06"} or path.stem == "solutions"


def record_times(times: dict[str, float], run: dict) -> None:
    """Add this run's notebook times to benchmarks/results/lesson-times.{json,md} (other notebooks' rows stay)."""
    json_path = TIMES.with_suffix(".json")
    recorded = json.loads(json_path.read_text()) if json_path.is_file() else {"lessons": {}}
    for name, seconds in times.items():
        recorded["lessons"][name] = {"seconds": round(seconds, 1), "date": run["date"], "machine": run["machine"],
                                     "study_minutes": STUDY_MINUTES.get(name.split("_")[0])}
    recorded.update({"command": run["command"], "timing_machine": run["timing_machine"]})
    rows = [f"| {name} | {r['seconds']:.0f} | {minutes(r['seconds'])} | {r['study_minutes'] or '-'} | {r['date']} | "
            f"{r['machine']} |" for name, r in sorted(recorded["lessons"].items())]
    write_results(TIMES.name, (
        f"Run time of each notebook, top to bottom in a fresh kernel, with the `cpu` profile on the full IMDB data, "
        f"{recorded['timing_machine']}: PyTorch on one core in float32 (`{STAND_IN}`), a stand-in for a 2-core laptop "
        "without bf16 (word2vec in lesson 07 uses its own threads, one per core). "
        f"Command: `{recorded['command']}`. Study time (reading, discussion, exercises) "
        "is a suggestion for a taught session, not a measurement.\n\n"
        "| notebook | run seconds | run time | study minutes | date | machine |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows) + "\n"), recorded, TIMES.parent)


def prepare_model(paths: list[Path], model: Path, profile: str, parser: argparse.ArgumentParser) -> None:
    """A run of lesson 04 starts from no model (an existing one is set aside); a run of later lessons only needs the
    `profile` model of the stored run of 04, and stops with a message without it."""
    from sentiment_helpers import checkpoint

    if not sets_model_aside(paths) and any(reads_04s_model(p) for p in paths):
        # the later lessons' outputs must come from the model of the stored run of 04, not a stand-in or another run
        stored_04 = nbformat.read(ROOT / "notebooks" / "04_training.ipynb", as_version=4).metadata.get("course_run", {})
        found = checkpoint.load_checkpoint(model).metadata.get("profile") if model.is_file() else None
        if found != stored_04.get("profile") or found != profile:
            parser.error(f"{model.relative_to(ROOT)} is not the `{profile}` model of the stored run of lesson 04 "
                         f"(found: {found or 'no model'}): run notebooks/04_training.ipynb too")
    if sets_model_aside(paths) and model.is_file():
        backup = model.parent / "before-store-outputs"
        backup.mkdir(parents=True, exist_ok=True)
        shutil.move(model, backup / "sentiment_lstm.pt")
        print(f"moved the existing model to {backup.relative_to(ROOT)}/ (the lessons train their own)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--data-dir", default=os.environ.get("IMDB_DATA_DIR"),
                        help="the full IMDB data (default: $IMDB_DATA_DIR)")
    parser.add_argument("--tables", action="store_true",
                        help="run nothing: rewrite the lesson tables of README.md and docs/instructors.md, and the "
                             "workshop plans, from benchmarks/results/lesson-times.json")
    args = parser.parse_args()
    if args.tables:
        return write_tables()
    from sentiment_helpers import data
    from sentiment_helpers.device import describe_machine

    if not args.data_dir:
        parser.error("point --data-dir or IMDB_DATA_DIR at the full IMDB data: stored outputs come from the full data")
    frames, source = data.load_frames(args.data_dir)
    if len(frames["train"]) != 25_000 or len(frames["test"]) != 25_000:
        parser.error(f"{source} is not the full IMDB data ({len(frames['train']):,} train reviews)")
    profile = os.environ.get("SENTIMENT_PROFILE", "cpu")
    artifacts = ROOT / "artifacts"
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("**/*.ipynb"))
    prepare_model(paths, artifacts / "sentiment_lstm.pt", profile, parser)
    stand_in = " ".join(f"{k}={os.environ[k]}" for k in ("SENTIMENT_AMP", "OMP_NUM_THREADS") if k in os.environ)
    run = {"profile": profile,
           "data": "the full IMDB data (25,000 train + 25,000 test reviews"
                   + (", with star ratings)" if "rating" in frames["train"] else ")"),
           "machine": describe_machine(), "date": dt.date.today().isoformat(),
           "timing_machine": TIMING_MACHINE if stand_in == STAND_IN else f"on {describe_machine()}",
           "command": f"{stand_in + ' ' if stand_in else ''}SENTIMENT_PROFILE={profile} IMDB_DATA_DIR=<the full data> "
                      "python -m scripts.store_outputs",
           "versions": {"python": platform.python_version(), "torch": __import__("torch").__version__}}
    recorded = json.loads(TIMES.with_suffix(".json").read_text()) if TIMES.with_suffix(".json").is_file() else {}
    if args.notebooks and recorded.get("timing_machine", run["timing_machine"]) != run["timing_machine"]:
        parser.error(f"the other lessons were timed {recorded['timing_machine']}: run these the same way "
                     f"({STAND_IN}), or every notebook")
    # the data as a learner who followed the README reaches it: data/imdb beside the notebooks' folder
    learner_path = ROOT / "data" / "imdb"
    if learner_path.exists() and learner_path.resolve() != Path(args.data_dir).resolve():
        parser.error(f"data/imdb exists and is not {args.data_dir}: the notebooks would read it; move it away")
    if not learner_path.exists():
        learner_path.parent.mkdir(exist_ok=True)
        learner_path.symlink_to(Path(args.data_dir).resolve(), target_is_directory=True)
    env = {"SENTIMENT_PROFILE": profile, "IMDB_DATA_DIR": str(learner_path), "SENTIMENT_ARTIFACTS": str(artifacts)}
    os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend, so figures are stored as images
    os.environ.update({"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"})
    times = {}
    for path in paths:
        if ".ipynb_checkpoints" not in path.parts:
            times[path.stem] = store(path, run, env)
            record_times(times, run)  # after each notebook: a failure later keeps what was measured
    write_tables()


def lesson_table() -> str:
    """The lessons with their measured run time and suggested study time, from benchmarks/results/lesson-times.json."""
    recorded = json.loads(TIMES.with_suffix(".json").read_text())["lessons"]
    rows = []
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        title = json.loads(path.read_text())["cells"][0]["source"][0].split("·", 1)[1].strip()
        r = recorded.get(path.stem)
        run_time = minutes(r["seconds"]) if r else "not measured"
        rows.append(f"| {lesson_key(path)} | [{title}](notebooks/{path.name}) | {run_time} | "
                    f"{STUDY_MINUTES[lesson_key(path)]} min |")
    return ("| # | lesson | runs in (slow CPU, `cpu` profile) | reading and exercises |\n|---|---|---|---|\n"
            + "\n".join(rows))


TABLE_START = "<!-- lesson-times: generated by scripts/store_outputs.py --tables -->"
TABLE_END = "<!-- /lesson-times -->"


def lesson_times_cell(key: str) -> str:
    """ "about 4 minutes / 45 min" for a lesson: its measured run time and its study time."""
    recorded = json.loads(TIMES.with_suffix(".json").read_text())["lessons"]
    r = next((r for name, r in recorded.items() if lesson_key(Path(name)) == key), None)
    return f"{minutes(r['seconds']) if r else 'not measured'} / {STUDY_MINUTES[key]} min"


def fill_time_column(table: str, column: str = "run / study time") -> str:
    """The README's own lessons table (badges, what you learn) with its time column filled from the measurement."""
    lines = table.strip("\n").split("\n")
    index = [cell.strip() for cell in lines[0].strip("|").split("|")].index(column)
    for i, line in enumerate(lines[2:], start=2):
        cells = line.strip().strip("|").split("|")
        cells[index] = f" {lesson_times_cell(cells[0].strip())} "
        lines[i] = "|" + "|".join(cells) + "|"
    return "\n".join(lines)


def write_tables() -> None:
    """Rewrite the lesson tables between the markers: README.md's time column, docs/instructors.md's whole table;
    then every table of scripts/results_tables.py, the workshop plans of docs/instructors.md among them."""
    for doc in (ROOT / "README.md", ROOT / "docs" / "instructors.md"):
        if doc.is_file() and TABLE_START in doc.read_text():
            before, rest = doc.read_text().split(TABLE_START, 1)
            table, after = rest.split(TABLE_END, 1)
            if doc.parent == ROOT:
                table = fill_time_column(table)
            else:
                table = lesson_table().replace("](notebooks/", "](../notebooks/")
            doc.write_text(f"{before}{TABLE_START}\n{table}\n{TABLE_END}{after}")
            print(f"rewrote the lesson table of {doc.relative_to(ROOT)}")
    results_tables.main([])


if __name__ == "__main__":
    main()
