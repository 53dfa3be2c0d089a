"""Google Colab: each notebook runs on a machine of its own, so what lesson 04 trains must live in Google Drive
for lessons 05 and 06 to find it.

``keep_artifacts_in_drive()`` mounts Drive (Colab asks once for permission: one click) and points
``SENTIMENT_ARTIFACTS`` at a course folder there; everything that saves or looks for the model then uses it.
Outside Colab it does nothing.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

DRIVE_MOUNT = Path("/content/drive")
DRIVE_ARTIFACTS = DRIVE_MOUNT / "MyDrive" / "imdb-sentiment-course" / "artifacts"


def in_colab() -> bool:
    return "google.colab" in sys.modules


def _mount_drive(mountpoint: str) -> None:
    from google.colab import drive  # only importable in Colab

    drive.mount(mountpoint)


def keep_artifacts_in_drive(folder: str | Path = DRIVE_ARTIFACTS,
                            mount: Callable[[str], None] | None = None) -> Path | None:
    """In Colab: mount Google Drive and keep the course's artifacts (model, metrics) in ``folder`` there.

    Returns the artifacts folder in use (``SENTIMENT_ARTIFACTS`` when it is already set), or None outside Colab
    and when Drive could not be mounted (then the model stays on this Colab machine, and the learner is told
    what that means).
    """
    if not in_colab():
        return None
    if os.environ.get("SENTIMENT_ARTIFACTS"):  # already chosen (an earlier run of this cell, or the learner)
        return Path(os.environ["SENTIMENT_ARTIFACTS"])
    folder = Path(folder)
    try:
        (mount or _mount_drive)(str(DRIVE_MOUNT))
        folder.mkdir(parents=True, exist_ok=True)
    except Exception as error:  # permission refused, timeout, Drive full, ...
        print(f"Google Drive is not mounted ({type(error).__name__}: {error}). The model stays on this Colab "
              "machine only: the next lesson, which runs on a machine of its own, will not find it and will train "
              "its own. Run this cell again to retry.", file=sys.stderr)
        return None
    os.environ["SENTIMENT_ARTIFACTS"] = str(folder)
    print(f"The trained model and its metrics are kept in your Google Drive: {folder}")
    return folder
