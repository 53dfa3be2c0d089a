"""A room check for instructors: ``python -m sentiment_helpers doctor``.

Each check gives one verdict: ``ok``; ``warning`` (the lessons run, but not as planned: the check says what to do);
or ``problem`` (a blocker: the lessons cannot run here). Nothing here goes online or reads the whole data: versions
come from the installed packages' metadata, the data from parquet metadata and the Hugging Face cache on disk, and the
training speed from a few batches of the workshop profiles' models, trained by ``train.fit`` itself on reviews of the
bundled sample.

The package's modules, one job each: ``verdicts`` (the ``Check`` type and the report, as text or JSON),
``environment`` (versions, torch build, device), ``data_source`` (where the data comes from), ``speed`` (measured
batches and predicted minutes) and ``disk`` (free disk and the artifacts already there). This module runs them in the
report's order; their names are imported from there (``doctor.speed.Speed``).
"""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .. import __version__, device
from . import data_source, disk, environment, speed
from .verdicts import PROBLEM, Check, line, report, summary


def run_checks(data_dir: str | Path | None = None, on_check: Callable[[Check], None] | None = None) -> list[Check]:
    """Every check, in the order the report prints them; ``on_check`` sees each one as soon as it is made."""
    checks: list[Check] = []
    env, requirements = environment, environment.course_requirements()
    steps = [lambda: [env.check_python()],
             lambda: [env.check_package(name, requirements) for name in env.CHECKED_PACKAGES],
             lambda: [env.check_colab(), env.check_torch_build()],
             lambda: data_source.data_checks(data_source.find_data(data_dir)), lambda: [env.check_device()],
             speed.speed_checks, lambda: [disk.check_disk(), disk.check_checkpoint(), disk.check_word2vec_cache()]]
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
