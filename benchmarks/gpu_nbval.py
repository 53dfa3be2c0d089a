"""A pytest plugin for benchmarks/gpu_check.sh (``-p gpu_nbval``): each lesson runs under nbval in a pytest of its
own (each with its own time limit), yet they share one artifacts folder, as the lessons do for a learner: 05 and 06
evaluate the model that 04 trained.

The repository's conftest.py gives every pytest session a fresh artifacts folder (SENTIMENT_ARTIFACTS), so that the
test suite never touches a learner's model. This plugin sets it, once that conftest has run and before any kernel
starts, to GPU_CHECK_ARTIFACTS when that is set; all else in conftest.py holds as it is.
"""
import os


def pytest_sessionstart(session):
    shared = os.environ.get("GPU_CHECK_ARTIFACTS")
    if shared:
        os.environ["SENTIMENT_ARTIFACTS"] = shared
