"""Why the test command slows progress bars down (conftest.py sets TQDM_MININTERVAL=5): a reproduction.

    python -m scripts.nbval_message_loss [--redraws 30000]

nbval reads a cell's kernel messages only after the cell has finished, and ZeroMQ drops messages that overflow its
queues. A cell that redraws a progress bar often enough loses its last message (the kernel's "idle"), and nbval then
fails with "Timeout of 5 seconds exceeded waiting for output" although the cell ran fine. Lesson 07's training cell on
the full data does exactly that without conftest.py's setting, which makes bars redraw at most every 5 s.

This runs nbval twice, each time on a one-cell notebook in a temporary folder, outside the course's own pytest
configuration: a cell that redraws a bar ``--redraws`` times with no minimum interval, then the same cell under
TQDM_MININTERVAL=5. Whether the first one loses its message depends on the machine (its speed, its queues), which is
why this is a script and not a test: it prints what happened and exits 0 when the flood lost the cell's end and the
slowed bar did not, 1 otherwise. tests/test_progress_interval.py checks, cheaply, that the setting reaches the kernel.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

LOST = "exceeded waiting for output"


def run_nbval(folder: Path, source: str, env: dict) -> subprocess.CompletedProcess:
    notebook = folder / "cell.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), notebook)
    # -c /dev/null: not the course's configuration (its conftest.py sets TQDM_MININTERVAL)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax",
                           "--nbval-current-env", "-c", os.devnull, "--rootdir", str(folder), str(notebook)],
                          capture_output=True, text=True, cwd=folder, env=env, timeout=600)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redraws", type=int, default=30_000, help="bar updates in the cell (default: 30,000)")
    args = parser.parse_args()
    cell = f"from tqdm.auto import tqdm\nfor i in tqdm(range({args.redraws})):\n    pass"
    env = {k: v for k, v in os.environ.items() if k != "TQDM_MININTERVAL"}
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, extra in (("mininterval 0", {"TQDM_MININTERVAL": "0"}), ("mininterval 5", {"TQDM_MININTERVAL": "5"})):
            result = run_nbval(Path(folder), cell, {**env, **extra})
            results[name] = "lost the cell's end" if LOST in result.stdout else (
                "passed" if result.returncode == 0 else f"failed otherwise (exit {result.returncode})")
            print(f"{args.redraws:,} redraws, {name}: {results[name]}")
    reproduced = results == {"mininterval 0": "lost the cell's end", "mininterval 5": "passed"}
    print("reproduced: nbval loses the end of a flooding cell, and the slower redraw avoids it" if reproduced else
          "not reproduced on this machine (try more --redraws)")
    return 0 if reproduced else 1


if __name__ == "__main__":
    sys.exit(main())
