"""The test command slows progress bars down in the notebooks' kernels (conftest.py sets TQDM_MININTERVAL): nbval
loses the end of a cell whose bars redraw too often (scripts/nbval_message_loss.py reproduces that)."""
import os

import nbformat
import pytest
from nbclient import NotebookClient


def test_the_notebooks_kernel_redraws_bars_at_most_every_5_seconds():
    assert float(os.environ["TQDM_MININTERVAL"]) >= 5
    # a kernel as nbval starts one (this environment's Python, this process's environment variables)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from tqdm.auto import tqdm\nprint(tqdm(range(3)).mininterval)")])
    NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    printed = "".join(out["text"] for out in notebook.cells[0].outputs if out.get("name") == "stdout")
    assert float(printed) >= 5, notebook.cells[0].outputs


def test_xdist_workers_share_the_cores_out():
    """Under `-n auto`, each worker's PyTorch (and every notebook kernel it starts) gets its share of the cores, or
    fewer threads if OMP_NUM_THREADS was set lower before the run."""
    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if not workers:
        pytest.skip("not run under pytest-xdist (-n 0)")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert 1 <= int(os.environ["OMP_NUM_THREADS"]) <= max(1, cores // int(workers))
