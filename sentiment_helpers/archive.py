"""The original IMDB archive from Stanford (``aclImdb_v1.tar.gz``), the one copy that keeps the star ratings.

Each review is a file ``aclImdb/{train|test}/{pos|neg|unsup}/<id>_<rating>.txt``: the rating (1-4 stars for
negative reviews, 7-10 for positive ones, 0 for unlabelled) lives only in the file name, and the Hugging Face
copy drops it. ``read_archive`` reads the archive (or the ``aclImdb`` folder it unpacks to) into the course's
columns ``text``, ``label``, ``review_id``, ``rating``; ``fetch_archive`` downloads it once.
"""
from __future__ import annotations

import re
import tarfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from .errors import DataError
from .files import atomic_file, output_folder

ARCHIVE_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
ARCHIVE_NAME = "aclImdb_v1.tar.gz"
REVIEW_FILE = re.compile(r"(?:^|/)aclImdb/(train|test)/(pos|neg|unsup)/(\d+)_(\d+)\.txt$")
LABELS = {"neg": 0, "pos": 1, "unsup": -1}
SPLIT_OF = {("train", "neg"): "train", ("train", "pos"): "train", ("test", "neg"): "test", ("test", "pos"): "test",
            ("train", "unsup"): "unsupervised"}


def is_archive(path: Path) -> bool:
    """A .tar.gz/.tgz/.tar file, or a folder that is (or holds) the unpacked ``aclImdb`` folder."""
    path = Path(path)
    if path.is_file():
        return path.name.endswith((".tar.gz", ".tgz", ".tar"))
    return path.is_dir() and _unpacked_root(path) is not None


def _unpacked_root(folder: Path) -> Path | None:
    for candidate in (folder, folder / "aclImdb"):
        if candidate.name == "aclImdb" and (candidate / "train").is_dir() and (candidate / "test").is_dir():
            return candidate
    return None


def _review_files(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name inside the archive, file content) for every review file, in the archive's own order."""
    root = _unpacked_root(path) if path.is_dir() else None
    if root is not None:
        for file in sorted(root.glob("*/*/*.txt")):
            name = file.relative_to(root.parent).as_posix()
            if REVIEW_FILE.search(name):
                yield name, file.read_bytes()
        return
    try:
        with tarfile.open(path, "r|*") as tar:  # streamed: one pass, never the whole archive in memory
            for member in tar:
                if member.isfile() and REVIEW_FILE.search(member.name):
                    yield member.name, tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise DataError(f"{path}: not a readable .tar.gz archive ({type(error).__name__}: {error})") from None


def read_archive(path: str | Path, splits: tuple[str, ...] = ("train", "test"),
                 progress: bool = True) -> dict[str, pd.DataFrame]:
    """The archive's reviews as the course's splits, with ``review_id`` and ``rating`` from each file name.

    Rows are sorted by (label, review_id), as in the course's parquet copy, so the validation split drawn from
    them is the same whichever copy a learner has."""
    path = Path(path).expanduser()
    if not path.exists():
        raise DataError(f"{path}: no such archive or folder")
    rows: dict[str, list] = {split: [] for split in splits}
    bar = tqdm(desc=f"reading {path.name}", unit=" reviews", disable=not progress)
    for name, content in _review_files(path):
        folder, kind, review_id, rating = REVIEW_FILE.search(name).groups()
        split = SPLIT_OF.get((folder, kind))
        if split in rows:
            rows[split].append((content.decode("utf-8", errors="replace"), LABELS[kind], int(review_id), int(rating)))
            bar.update()
    bar.close()
    frames = {}
    for split, found in rows.items():
        if not found:
            raise DataError(f"{path}: no {split} reviews in it (expected files like "
                            f"aclImdb/{'train/unsup' if split == 'unsupervised' else split + '/pos'}/"
                            "<id>_<rating>.txt): is this the IMDB archive aclImdb_v1.tar.gz?")
        frame = pd.DataFrame(found, columns=["text", "label", "review_id", "rating"])
        frames[split] = frame.sort_values(["label", "review_id"], kind="stable").reset_index(drop=True)
    return frames


def fetch_archive(folder: str | Path, url: str = ARCHIVE_URL, progress: bool = True) -> Path:
    """Download the archive into ``folder`` once (about 80 MB); later calls find it there and fetch nothing.

    An interrupted download is never taken for a whole one (``files.atomic_file``)."""
    folder = output_folder(folder)
    target = folder / ARCHIVE_NAME
    if target.is_file():
        return target
    try:
        with urllib.request.urlopen(url, timeout=30) as response, atomic_file(target) as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=f"downloading {ARCHIVE_NAME}",
                      disable=not progress) as bar:
                while chunk := response.read(1 << 20):
                    out.write(chunk)
                    bar.update(len(chunk))
    except (OSError, ValueError) as error:
        raise DataError(f"could not download {url} ({type(error).__name__}: {error}). Download it in a browser "
                        f"and pass its path instead: --from-archive path/to/{ARCHIVE_NAME}") from None
    return target
