"""What every benchmark shares: wall time, peak memory, the machine it ran on, and its results files.

A benchmark measures, then calls ``write_results(NAME, markdown, data)``: benchmarks/results/NAME.md and NAME.json,
each written whole or not at all (``sentiment_helpers.files``), so an interrupted run leaves no half-written table."""
from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import namedtuple
from pathlib import Path

from sentiment_helpers import files

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DATA = "DATA"  # how a results file names the IMDB data folder: the reader's own, never the measured machine's
OFFLINE = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}  # a benchmark never waits for the hub
STAND_IN = ("SENTIMENT_AMP", "OMP_NUM_THREADS")  # the variables of the slow-laptop stand-in
RSS_PER_MIB = 2**20 if sys.platform == "darwin" else 1024  # ru_maxrss is in KiB on Linux, in bytes on macOS


class Stopwatch:
    """Wall seconds of a ``with`` block: ``with Stopwatch() as watch: ...``, then ``watch.seconds``."""
    clock = staticmethod(time.perf_counter)

    def __enter__(self) -> Stopwatch:
        self.start, self.end = self.clock(), None
        return self

    def __exit__(self, *exc) -> None:
        self.end = self.clock()

    @property
    def seconds(self) -> float:  # inside the block: the seconds so far
        return (self.end or self.clock()) - self.start


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / RSS_PER_MIB


# what run_measured returns: wall seconds, the child's peak resident memory in MiB, exit code, output (capture=True)
Measured = namedtuple("Measured", "seconds peak_rss_mib returncode stdout")


# The command runs as the only child of a small Python process that reports the child's peak memory: Linux starts a
# child's ru_maxrss at the memory of the process that forked it, so a child of this script would count its memory.
MEASURE = ("import json, resource, subprocess, sys, time\nstart = time.perf_counter()\n"
           "code = subprocess.run(sys.argv[2:]).returncode\npeak = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "open(sys.argv[1], 'w').write(json.dumps([code, peak.ru_maxrss, time.perf_counter() - start]))")


def run_measured(command: list, check: bool = True, capture: bool = False, **popen_args) -> Measured:
    """``command`` run in a child process: its wall seconds and peak memory (its own), exit code and output."""
    with tempfile.TemporaryDirectory(prefix="measured-") as folder:
        report = Path(folder) / "measured.json"
        done = subprocess.run([sys.executable, "-c", MEASURE, str(report), *map(str, command)], text=True,
                              stdout=subprocess.PIPE if capture else popen_args.pop("stdout", None), **popen_args)
        if not report.is_file():
            raise SystemExit(f"could not run: {' '.join(map(str, command))}")
        code, peak, seconds = json.loads(report.read_text())
    if check and code != 0:
        raise SystemExit(f"failed with exit code {code}: {' '.join(map(str, command))}")
    return Measured(seconds, peak / RSS_PER_MIB, code, done.stdout)


def stand_in() -> str:
    """The stand-in settings this run has, e.g. "SENTIMENT_AMP=0 OMP_NUM_THREADS=1" ("" for none)."""
    return " ".join(f"{key}={os.environ[key]}" for key in STAND_IN if key in os.environ)


def command_line(benchmark: str, arguments: str) -> str:
    """How to run this benchmark again, this run's stand-in settings first: "python -m benchmarks.NAME ARGUMENTS"."""
    return " ".join(part for part in (stand_in(), f"python -m benchmarks.{benchmark}", arguments) if part)


def machine() -> dict:
    """The kind of machine measured: CPU model, cores this process may use, native bf16, GPU, versions, commit."""
    import torch

    from sentiment_helpers import device

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    commit = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=7", "--exclude=*"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()  # "-dirty": tracked files differ from it
    return {"cpu": device.cpu_name(), "cores": cores, "native_bf16": device.cpu_has_bf16(),
            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "python": platform.python_version(), "torch": torch.__version__, "commit": commit or None}


def machine_line(described: dict) -> str:
    """``machine()`` in one line, e.g. "2 CPU cores (AMD EPYC 9R14, with native bf16), no GPU"."""
    bf16 = "with" if described["native_bf16"] else "no"
    return f"{described['cores']} CPU cores ({described['cpu']}, {bf16} native bf16), {described['gpu'] or 'no GPU'}"


def without_paths(value, data_dir: str | Path | None):
    """``value`` (text, or anything JSON holds) with the data folder as DATA and paths in the course relative to it."""
    text, folders = json.dumps(value), {f"{ROOT}/": ""}
    if data_dir:
        folders.update({str(Path(data_dir).expanduser().resolve()): DATA, str(data_dir): DATA})
    for folder in sorted((f for f in folders if len(f) > 2), key=len, reverse=True):  # never "." alone
        text = text.replace(json.dumps(folder)[1:-1], folders[folder])
    return json.loads(text)


def write_results(name: str, markdown: str, data, folder: str | Path = RESULTS) -> tuple[Path, Path]:
    """``markdown`` as FOLDER/NAME.md and ``data`` as FOLDER/NAME.json, each written atomically; both paths."""
    folder = files.output_folder(folder)
    with files.atomic_file(folder / f"{name}.md", "w", encoding="utf-8") as f:
        f.write(markdown if markdown.endswith("\n") else markdown + "\n")
    return folder / f"{name}.md", files.write_json(folder / f"{name}.json", data, indent=2)
