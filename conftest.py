"""pytest set-up shared by the unit tests and nbval."""
import os
import shutil
import tempfile

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("SENTIMENT_PROFILE", "smoke")  # notebooks under nbval: the seconds-sized run
# nbval reads a cell's kernel messages only after the cell ends, and ZeroMQ drops what overflows its queues: a long
# cell whose progress bars redraw ten times a second (tqdm's default) loses its final "idle" message, and nbval fails
# with "Timeout of 5 seconds exceeded waiting for output" (lesson 07's training cell on the full data did). The kernel
# inherits this: a redraw at most every 5 s (tests/test_progress_interval.py checks it; scripts/nbval_message_loss.py
# reproduces the failure).
os.environ.setdefault("TQDM_MININTERVAL", "5")
# The notebooks under test train and save models: into a folder of their own, never into artifacts/, where a
# learner's trained (or handed-out) model lives. Each test session starts with no model at all.
TEST_ARTIFACTS = tempfile.mkdtemp(prefix="course-test-artifacts-")
# pytest-xdist (`-n auto` in pyproject.toml): one worker per core. PyTorch's threads in every worker on the same
# cores slow each other down badly (OpenMP threads spin while they wait), so the workers share the cores out.
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)  # as -n auto
if os.environ.get("PYTEST_XDIST_WORKER_COUNT"):
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, CORES // int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))))
os.environ["SENTIMENT_ARTIFACTS"] = TEST_ARTIFACTS


def pytest_collectstart(collector):
    # nbval: progress bars and warnings go to stderr and differ run to run; widgets and HTML too.
    if getattr(collector, "skip_compare", None) is not None:
        collector.skip_compare += ("stderr", "text/html", "application/javascript",
                                   "application/vnd.jupyter.widget-view+json", "image/png")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(items):
    # markers CI selects by (.ci/run): the notebooks' cells, and the facts that hold only for the full data
    for item in items:
        if item.nodeid.split("::")[0].endswith(".ipynb"):
            item.add_marker(pytest.mark.notebook)
        if "full_imdb" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.full_data)


def pytest_unconfigure(config):
    shutil.rmtree(TEST_ARTIFACTS, ignore_errors=True)
