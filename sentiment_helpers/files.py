"""Where results are written: output folders, and files that appear whole or not at all.

A checkpoint, its metrics.json and history.json, a downloaded archive and a CSV of predictions are all written to a
temporary file beside the target and renamed at the end, so an interrupted run never leaves a half-written file under
the real name (and an older file of that name stays whole until the new one is complete).
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import OutputError


def output_folder(path: str | Path) -> Path:
    """``path`` as a folder to write results into, created if missing; a one-line error when it is a file."""
    path = Path(path).expanduser()
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: is a file, not a folder: choose another output folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "wb", **open_args) -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; rename it to ``path`` only if the block ends normally."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(handle, mode, **open_args) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)  # atomic: the old file stays whole until the new one is complete
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json(path: str | Path, value, indent: int | None = None) -> Path:
    """``value`` as a JSON file at ``path``, written atomically (``atomic_file``)."""
    path = Path(path)
    with atomic_file(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=indent)
    return path
