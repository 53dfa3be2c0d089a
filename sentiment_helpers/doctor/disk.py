"""The room check's disk lines: free disk for the artifacts folder, and whether a trained checkpoint and the word2vec
cache are already there."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from .. import paths
from ..profiles import PROFILES
from .verdicts import OK, PROBLEM, WARNING, Check

# the course writes a checkpoint (6-26 MB by the profiles' parameter counts), the word2vec cache (79,051 words x 256
# float32 numbers: 81 MB) and lesson 07's caches under artifacts/
DISK_PROBLEM_GB, DISK_WARNING_GB = 0.2, 1.0


def check_disk() -> Check:
    folder = paths.default_artifacts_dir()
    existing = next(path for path in (folder, *folder.parents) if path.exists())
    free_gb = shutil.disk_usage(existing).free / 1e9
    writable = os.access(existing, os.W_OK)
    chosen = " (SENTIMENT_ARTIFACTS)" if os.environ.get("SENTIMENT_ARTIFACTS") else ""
    values = {"artifacts": str(folder), "free_gb": round(free_gb, 2), "writable": writable}
    where = f"the artifacts folder {folder}{chosen}"
    if not writable:
        return Check("disk", PROBLEM, f"cannot write {where}", "set SENTIMENT_ARTIFACTS to a folder you can write",
                     values)
    if free_gb < DISK_WARNING_GB:
        verdict = PROBLEM if free_gb < DISK_PROBLEM_GB else WARNING
        return Check("disk", verdict, f"{free_gb:.2f} GB free for {where}: the model, the word2vec cache and lesson "
                     f"07's caches need a few hundred MB", f"free at least {DISK_WARNING_GB:.0f} GB, or set "
                     "SENTIMENT_ARTIFACTS to a folder on a larger disk", values)
    return Check("disk", OK, f"{free_gb:.1f} GB free for {where}", "", values)


def _file_note(path: Path) -> str:
    stat = path.stat()
    day = dt.datetime.fromtimestamp(stat.st_mtime).date().isoformat()
    return f"{path} ({stat.st_size / 1e6:.0f} MB, {day})"


def check_checkpoint() -> Check:
    path = paths.default_checkpoint_path()
    if path.is_file():
        return Check("checkpoint", OK, f"trained model: {_file_note(path)}", "", {"path": str(path), "present": True})
    return Check("checkpoint", OK, f"no trained model yet at {path}: lesson 04 (or `train`) makes it; lessons 05 and "
                 "06 train a small stand-in without it", "", {"path": str(path), "present": False})


def check_word2vec_cache() -> Check:
    path = paths.pretrained_cache_path(PROFILES["cpu-pretrained"])
    others = sorted(str(p) for p in path.parent.glob("word2vec-*.pt") if p != path)
    values = {"path": str(path), "present": path.is_file(), "other_caches": others}
    if path.is_file():
        return Check("word2vec cache", OK, f"cpu-pretrained's vectors: {_file_note(path)}", "", values)
    return Check("word2vec cache", OK, f"none yet at {path}: the first cpu-pretrained run (lesson 07) builds it"
                 + (f" (other sizes there: {len(others)})" if others else ""), "", values)
