"""The test command slows progress bars down in the notebooks' kernels (conftest.py sets TQDM_MININTERVAL): nbval
loses the end of a cell whose bars redraw too often (scripts/nbval_message_loss.py reproduces that)."""
import os

import nbformat
from nbclient import NotebookClient


def test_the_notebooks_kernel_redraws_bars_at_most_every_5_seconds():
    assert float(os.environ["TQDM_MININTERVAL"]) >= 5
    # a kernel as nbval starts one (this environment's Python, this process's environment variables)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from tqdm.auto import tqdm\nprint(tqdm(range(3)).mininterval)")])
    NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    printed = "".join(out["text"] for out in notebook.cells[0].outputs if out.get("name") == "stdout")
    assert float(printed) >= 5, notebook.cells[0].outputs
