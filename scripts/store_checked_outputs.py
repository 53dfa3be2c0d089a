"""Run every notebook as CI does and keep outputs only in the cells marked ``# NBVAL_CHECK_OUTPUT``.

    IMDB_DATA_DIR=../shared/data/imdb python scripts/store_checked_outputs.py [notebooks/...ipynb]

Run it after changing a notebook: nbval compares the checked cells against what this stores, and every other
cell is committed without output, so the repository never shows stale or toy-run results.
"""
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("SENTIMENT_PROFILE", "smoke")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("SENTIMENT_ARTIFACTS", tempfile.mkdtemp(prefix="course-artifacts-"))


def is_checked(cell) -> bool:
    return cell.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in cell.source


def store(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)  # nbclient's timestamps
        if is_checked(cell):  # nbval wants an execution count on cells with stored outputs
            cell.outputs = [o for o in cell.outputs if o.output_type in ("execute_result", "stream") and o.get("name") != "stderr"]
        else:
            cell.execution_count = None
            cell.outputs = []
    notebook.metadata.pop("widgets", None)  # progress-bar widget state: run-specific, not course content
    nbformat.write(notebook, path)
    print("stored", path.relative_to(ROOT))


if __name__ == "__main__":
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("**/*.ipynb"))
    for path in paths:
        if ".ipynb_checkpoints" not in path.parts:
            store(path)
