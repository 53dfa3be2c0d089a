"""Why the test command slows progress bars down (conftest.py sets TQDM_MININTERVAL).

nbval reads a cell's kernel messages only after the cell has finished, and ZeroMQ drops messages that overflow its
queues. A cell that redraws progress bars often enough loses its last message (the kernel's "idle"), and nbval then
fails with "Timeout of 5 seconds exceeded waiting for output" although the cell ran fine. Lesson 07's training cell on
the full data did exactly that until conftest.py made bars redraw at most every 5 s.
"""
import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def run_nbval(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    notebook = tmp_path / "cell.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), notebook)
    # -c /dev/null: not the course's own configuration (its conftest); the environment is this test session's
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax",
                           "--nbval-current-env", "-c", os.devnull, "--rootdir", str(tmp_path), str(notebook)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)


def test_a_flood_of_progress_redraws_makes_nbval_lose_the_end_of_a_cell(tmp_path):
    flood = run_nbval(tmp_path, "from tqdm.auto import tqdm\nfor i in tqdm(range(30_000), mininterval=0):\n    pass")
    assert flood.returncode != 0
    assert "exceeded waiting for output" in flood.stdout


def test_under_the_test_command_the_kernel_redraws_bars_at_most_every_5_seconds(tmp_path):
    assert float(os.environ["TQDM_MININTERVAL"]) >= 5
    check = run_nbval(tmp_path, "from tqdm.auto import tqdm\nbar = tqdm(range(3))\nassert bar.mininterval >= 5, "
                                "bar.mininterval")
    assert check.returncode == 0, check.stdout[-2000:]
