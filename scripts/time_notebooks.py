"""Run every lesson top to bottom in a fresh kernel (like Restart & Run All) and print how long each took.

    SENTIMENT_PROFILE=cpu IMDB_DATA_DIR=DATA python -m scripts.time_notebooks

Executed copies go to a temporary folder; the notebooks in the repository are not touched. The recorded lesson times
come from scripts/store_outputs.py; this is a quick look that records nothing.
"""
import os
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    out = Path(tempfile.mkdtemp(prefix="course-run-"))
    print(f"profile: {os.environ.get('SENTIMENT_PROFILE', '(default)')}, executed copies in {out}")
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(notebook, timeout=1800, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        print(f"{path.name}: {time.perf_counter() - start:.0f} s", flush=True)
        nbformat.write(notebook, out / path.name)


if __name__ == "__main__":
    main()
