"""A pytest plugin for the GPU check (``-p benchmarks.gpu.nbval_artifacts``): each lesson runs under nbval in a
pytest of its own, with its own time limit, yet all share one artifacts folder, as they do for a learner (05 and 06
evaluate the model that 04 trained). The root conftest.py gives every session a fresh folder; once it has run, and
before any kernel starts, this plugin points SENTIMENT_ARTIFACTS at GPU_CHECK_ARTIFACTS instead."""
import os


def pytest_sessionstart(session):
    if os.environ.get("GPU_CHECK_ARTIFACTS"):
        os.environ["SENTIMENT_ARTIFACTS"] = os.environ["GPU_CHECK_ARTIFACTS"]
