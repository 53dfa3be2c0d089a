"""A room check for instructors: ``python -m sentiment_helpers doctor``.

Each check gives one verdict: ``ok``; ``warning`` (the lessons run, but not as planned: the check says what to do);
or ``problem`` (a blocker: the lessons cannot run here). Nothing here goes online or reads the whole data: versions
come from the installed packages' metadata, the data from parquet metadata and the Hugging Face cache on disk, and the
training speed from a few batches of the workshop profiles' models, trained by ``train.fit`` itself on reviews of the
bundled sample.

The package's modules, one job each: ``verdicts`` (the ``Check`` type and the report, as text or JSON),
``environment`` (versions, torch build, device), ``data_source`` (where the data comes from), ``speed`` (measured
batches and predicted minutes) and ``disk`` (free disk and the artifacts already there). This module runs them in the
report's order.
"""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .. import __version__, device
from .data_source import DataFound, data_checks, find_data, read_folder, read_hub_cache
from .disk import check_checkpoint, check_disk, check_word2vec_cache
from .environment import (
    CHECKED_PACKAGES,
    check_colab,
    check_device,
    check_package,
    check_python,
    check_torch_build,
    course_requirements,
    installed_version,
    nvidia_gpu_present,
)
from .speed import TIMED_BATCHES, Speed, measure_training_speed, predicted_seconds, speed_check, speed_checks
from .verdicts import OK, PROBLEM, WARNING, Check, line, report, summary

__all__ = ["OK", "PROBLEM", "TIMED_BATCHES", "WARNING", "Check", "DataFound", "Speed", "check_checkpoint",
           "check_colab", "check_device", "check_disk", "check_package", "check_python", "check_torch_build",
           "check_word2vec_cache", "course_requirements", "data_checks", "find_data", "installed_version", "line",
           "main", "measure_training_speed", "nvidia_gpu_present", "predicted_seconds", "read_folder",
           "read_hub_cache", "report", "run_checks", "speed_check", "speed_checks", "summary"]


def run_checks(data_dir: str | Path | None = None, on_check: Callable[[Check], None] | None = None) -> list[Check]:
    """Every check, in the order the report prints them; ``on_check`` sees each one as soon as it is made."""
    checks: list[Check] = []
    requirements = course_requirements()
    steps = [lambda: [check_python()], lambda: [check_package(name, requirements) for name in CHECKED_PACKAGES],
             lambda: [check_colab(), check_torch_build()], lambda: data_checks(find_data(data_dir)),
             lambda: [check_device()], speed_checks, lambda: [check_disk(), check_checkpoint(), check_word2vec_cache()]]
    for step in steps:
        for check in step():
            checks.append(check)
            if on_check:
                on_check(check)
    return checks


def main(data_dir: str | Path | None = None, as_json: bool = False) -> int:
    """Print the room check (one verdict per line, or ``as_json``); 1 when there is a problem (a blocker), else 0."""
    start = time.perf_counter()
    if not as_json:
        print(f"sentiment-helpers {__version__} room check: {device.describe_machine()}")
    checks = run_checks(data_dir, None if as_json else lambda check: print(line(check), flush=True))
    seconds = time.perf_counter() - start
    print(json.dumps(report(checks, seconds), indent=2) if as_json else summary(checks, seconds))
    sys.stdout.flush()
    return 1 if any(check.verdict == PROBLEM for check in checks) else 0
