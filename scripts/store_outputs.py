"""Run every notebook top to bottom in a fresh kernel, as a learner would, and store its outputs in the notebook,
so that a preview (GitHub, nbviewer, Colab's first open) shows the figures, tables and results of a real run.

    IMDB_DATA_DIR=../shared/data/imdb python scripts/store_outputs.py [notebooks/04_training.ipynb ...]

The run is the `cpu` profile (SENTIMENT_PROFILE changes it) on the full data; the bundled sample is refused,
since its numbers mean little. The lessons run in order, so 04b, 05 and 06 use the model that 04 trains; it is
written to artifacts/ (an existing model there is first moved to artifacts/before-store-outputs/).

What is stored: every output except stderr (progress bars, warnings) and widget views (a preview cannot show them,
and no widget state is kept); each code cell's metadata gets the hash of its source (tests/test_notebooks.py
fails when a cell changed after its output was stored); the notebook's metadata records the run (profile,
data, date, machine, command) and its first cell says so in one line. A cell that fails, or an output that
shows an absolute path of this machine, stops the script before that notebook is written.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PROVENANCE_MARK = "> **Outputs shown here**"
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


def provenance_line(run: dict) -> str:
    return (f"{PROVENANCE_MARK} come from one run of this notebook, top to bottom in a fresh kernel: the "
            f"`{run['profile']}` profile on {run['data']}, {run['machine']}, {run['date']} "
            "(`scripts/store_outputs.py`). Your own run prints its own numbers.")


def store(path: Path, run: dict, env: dict) -> None:
    notebook = nbformat.read(path, as_version=4)
    os.environ.update({key: os.path.relpath(value, path.parent) if key != "SENTIMENT_PROFILE" else value
                       for key, value in env.items()})  # paths as seen from the notebook, never absolute
    NotebookClient(notebook, timeout=1800, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)  # nbclient's timestamps
        cell.outputs = clean_outputs(cell)
        cell.metadata["course"] = {"source_sha256": source_hash(cell.source)}
    notebook.metadata.pop("widgets", None)  # progress-bar widget state: run-specific, not course content
    notebook.metadata["course_run"] = run
    first = notebook.cells[0]
    lines = [line for line in first.source.splitlines() if not line.startswith(PROVENANCE_MARK)]
    while lines and not lines[-1].strip():
        lines.pop()
    first.source = "\n".join(lines + ["", provenance_line(run)])
    first.metadata.pop("course", None)
    nbformat.write(notebook, path)
    print(f"stored {path.relative_to(ROOT)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--data-dir", default=os.environ.get("IMDB_DATA_DIR"),
                        help="the full IMDB data (default: $IMDB_DATA_DIR)")
    args = parser.parse_args()
    from sentiment_helpers import data
    from sentiment_helpers.device import describe_machine

    if not args.data_dir:
        parser.error("point --data-dir or IMDB_DATA_DIR at the full IMDB data: stored outputs come from the full data")
    frames, source = data.load_frames(args.data_dir)
    if len(frames["train"]) != 25_000 or len(frames["test"]) != 25_000:
        parser.error(f"{source} is not the full IMDB data ({len(frames['train']):,} train reviews)")
    profile = os.environ.get("SENTIMENT_PROFILE", "cpu")
    artifacts = ROOT / "artifacts"
    if (artifacts / "sentiment_lstm.pt").is_file():
        backup = artifacts / "before-store-outputs"
        backup.mkdir(parents=True, exist_ok=True)
        shutil.move(artifacts / "sentiment_lstm.pt", backup / "sentiment_lstm.pt")
        print(f"moved the existing model to {backup.relative_to(ROOT)}/ (the lessons train their own)")
    run = {"profile": profile,
           "data": "the full IMDB data (25,000 train + 25,000 test reviews"
                   + (", with star ratings)" if "rating" in frames["train"] else ")"),
           "machine": describe_machine(), "date": dt.date.today().isoformat(),
           "command": f"SENTIMENT_PROFILE={profile} IMDB_DATA_DIR=<the full data> python scripts/store_outputs.py",
           "versions": {"python": platform.python_version(), "torch": __import__("torch").__version__}}
    env = {"SENTIMENT_PROFILE": profile, "IMDB_DATA_DIR": str(Path(args.data_dir).resolve()),
           "SENTIMENT_ARTIFACTS": str(artifacts)}
    os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend, so figures are stored as images
    os.environ.update({"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"})
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("**/*.ipynb"))
    for path in paths:
        if ".ipynb_checkpoints" not in path.parts:
            store(path, run, env)


if __name__ == "__main__":
    main()
