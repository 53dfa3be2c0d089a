"""Google Colab: each notebook runs on a machine of its own, so what one lesson keeps (the model lesson 04 trains,
the data with star ratings that lesson 01 downloads) must live in Google Drive for the next lessons to find it.

``keep_artifacts_in_drive()`` mounts Drive (Colab asks once for permission: one click) and points
``SENTIMENT_ARTIFACTS`` at a course folder there; everything that saves or looks for the model then uses it.
Outside Colab it does nothing. ``imdb_data_folder()`` gives the folder for the full data: in Drive in Colab,
``data/imdb`` under the current folder elsewhere.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

DRIVE_MOUNT = Path("/content/drive")
DRIVE_COURSE = DRIVE_MOUNT / "MyDrive" / "imdb-sentiment-course"
DRIVE_ARTIFACTS = DRIVE_COURSE / "artifacts"
DRIVE_DATA = DRIVE_COURSE / "imdb"
LOCAL_DATA = Path("data") / "imdb"


def in_colab() -> bool:
    return "google.colab" in sys.modules


def _mount_drive(mountpoint: str) -> None:
    from google.colab import drive  # only importable in Colab

    drive.mount(mountpoint)


def _folder_in_drive(folder: str | Path, mount: Callable[[str], None] | None) -> Path:
    """Mount Google Drive and make ``folder`` there; raises what mounting or writing raises (a refused permission,
    a timeout, a full Drive)."""
    folder = Path(folder)
    (mount or _mount_drive)(str(DRIVE_MOUNT))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _not_mounted(error: Exception, what: str, consequence: str) -> None:
    print(f"Google Drive is not mounted ({type(error).__name__}: {error}). {what} stays on this Colab machine only: "
          f"the next lesson, which runs on a machine of its own, will not find it{consequence}. Run this cell again "
          "to retry.", file=sys.stderr)


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
    try:
        folder = _folder_in_drive(folder, mount)
    except Exception as error:  # permission refused, timeout, Drive full, ...
        _not_mounted(error, "The model", " and will train its own")
        return None
    os.environ["SENTIMENT_ARTIFACTS"] = str(folder)
    print(f"The trained model and its metrics are kept in your Google Drive: {folder}")
    return folder


def imdb_data_folder(folder: str | Path = DRIVE_DATA, local: str | Path = LOCAL_DATA,
                     mount: Callable[[str], None] | None = None) -> Path:
    """The folder to download the full IMDB data into (``download --out``) and to name in ``IMDB_DATA_DIR``, so that
    every lesson finds it, star ratings included.

    In Colab: ``folder`` in Google Drive (``MyDrive/imdb-sentiment-course/imdb``, beside the artifacts), Drive
    mounted if needed, since ``/content`` is gone in the next lesson's machine. Outside Colab, or when Drive could
    not be mounted: ``local`` under the current folder. Always a full path: the lessons run in ``notebooks/``.
    """
    if in_colab():
        try:
            return _folder_in_drive(folder, mount)
        except Exception as error:  # permission refused, timeout, Drive full, ...
            _not_mounted(error, "The data", "")
    return Path(local).resolve()
