"""Loading IMDB: a local parquet folder (or the original archive), else the Hugging Face hub, else the sample
bundled with the course.

``load_imdb()`` returns an ``Imdb``: its splits ``train``, ``validation`` (10% of the training reviews,
stratified and seeded) and ``test``, each a ``datasets.Dataset`` with columns ``text`` and ``label`` (0 = negative,
1 = positive), and its ``source``, a ``DataSource`` that says where the reviews came from. Model selection uses
validation; test is for the final report only.
"""
from __future__ import annotations

import math
import os
import socket
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import archive
from .errors import DataError
from .files import output_folder
from .splits import VALIDATION_SPLITS, by_movie_validation, stratified_split

HUB_NAME = "stanfordnlp/imdb"
SAMPLE_DIR = Path(__file__).parent / "sample_data"
SAMPLE, HUB = "bundled sample", "Hugging Face hub"  # DataSource kinds, with "local folder" and "IMDB archive"
RATINGS_HINT = (
    "This copy of the data has no star ratings: the Hugging Face hub's copy drops them. The original archive keeps "
    "them. To get it: `python -m sentiment_helpers download --out data/imdb --from-archive` (downloads "
    "aclImdb_v1.tar.gz from Stanford once, about 80 MB), then set IMDB_DATA_DIR to that folder's full path and load "
    "the data again. "
    "In Colab, keep it in Google Drive, where the next lessons find it: `folder = colab.imdb_data_folder()`, "
    "`!python -m sentiment_helpers download --out \"{folder}\" --from-archive`, then "
    "`os.environ['IMDB_DATA_DIR'] = str(folder)`.")
_hub_failure: str | None = None  # remembered, so a learner waits for an unreachable hub at most once
_told: set[str] = set()


@dataclass(frozen=True)
class DataSource:
    """Where reviews came from: a ``kind`` and a folder or hub name (``where``; None for the sample). ``str()`` gives
    the one line runs print and record, e.g. "local folder data/imdb"."""
    kind: str
    where: str | None = None

    @property
    def is_sample(self) -> bool:
        return self.kind == SAMPLE

    def __str__(self) -> str:
        if self.kind == HUB:
            return f"{HUB} ({self.where})"
        return f"{self.kind} {self.where}" if self.where else self.kind


@dataclass
class Imdb(Mapping):
    """IMDB's splits by name (``imdb["train"]``, each a ``datasets.Dataset``) and where they came from."""
    splits: dict
    source: DataSource

    def __getitem__(self, split: str):
        return self.splits[split]

    def __iter__(self) -> Iterator[str]:
        return iter(self.splits)

    def __len__(self) -> int:
        return len(self.splits)


def _say_once(message: str) -> None:
    if message not in _told:
        _told.add(message)
        print(message, file=sys.stderr)


def find_split_file(folder: Path, split: str) -> Path | None:
    """``train.parquet`` (the course's layout) or ``**/train-*.parquet`` (the Hugging Face layout)."""
    direct = folder / f"{split}.parquet"
    if direct.is_file():
        return direct
    shards = sorted(folder.glob(f"**/{split}-*.parquet"))
    return shards[0] if shards else None


def read_split(folder: Path, split: str) -> pd.DataFrame:
    path = find_split_file(folder, split)
    if path is None:
        raise DataError(f"{folder}: no {split}.parquet (nor a Hugging Face {split}-*.parquet shard) in this folder")
    shards = [path] if path.name == f"{split}.parquet" else sorted(path.parent.glob(f"{split}-*.parquet"))
    try:
        frame = pd.concat([pd.read_parquet(p, columns=None) for p in shards], ignore_index=True)
    except Exception as error:
        raise DataError(f"{path}: not a readable parquet file ({type(error).__name__}: {error})") from None
    missing = {"text", "label"} - set(frame.columns)
    if missing:
        raise DataError(f"{path}: missing column(s) {sorted(missing)}; found {list(frame.columns)}")
    if len(frame) == 0:
        raise DataError(f"{path}: the {split} split is empty")
    if not frame["text"].map(lambda t: isinstance(t, str)).all():
        raise DataError(f"{path}: column 'text' must hold strings")
    if not pd.api.types.is_integer_dtype(frame["label"]):
        raise DataError(f"{path}: column 'label' must hold integers, found {frame['label'].dtype}")
    allowed = {-1} if split == "unsupervised" else {0, 1}
    bad = sorted(set(frame["label"].unique()) - allowed)
    if bad:
        raise DataError(f"{path}: labels must be in {sorted(allowed)}, found {bad[:5]}")
    # star ratings and review ids (for a by-movie validation split): the course's layout only, not the hub's
    keep = ["text", "label"] + [column for column in ("review_id", "rating") if column in frame.columns]
    return frame[keep].reset_index(drop=True)


def _from_folder(folder: Path, splits: list[str]) -> dict[str, pd.DataFrame]:
    if archive.is_archive(folder):  # aclImdb_v1.tar.gz or its unpacked aclImdb/ folder: ratings included
        frames = archive.read_archive(folder, tuple(splits))
        return {split: frame[["text", "label", "review_id", "rating"]] for split, frame in frames.items()}
    if not folder.is_dir():
        raise DataError(f"{folder}: no such data folder")
    return {split: read_split(folder, split) for split in splits}


def _hub_reachable(timeout: float = 3.0) -> str | None:
    """None if huggingface.co answers on port 443 within ``timeout`` seconds, else why not."""
    if (os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false")
            or os.environ.get("HF_DATASETS_OFFLINE", "0") not in ("0", "", "false")):
        return None  # offline mode: `datasets` answers from its cache at once, or fails at once
    try:
        socket.create_connection(("huggingface.co", 443), timeout=timeout).close()
        return None
    except OSError as error:
        return f"huggingface.co is unreachable ({error})"


def _from_hub(splits: list[str]) -> dict[str, pd.DataFrame]:
    global _hub_failure
    if _hub_failure is None:
        _hub_failure = _hub_reachable()
    if _hub_failure:
        raise ConnectionError(_hub_failure)
    import datasets

    try:
        loaded = datasets.load_dataset(HUB_NAME)
    except Exception as error:
        _hub_failure = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        raise ConnectionError(_hub_failure) from None
    return {split: loaded[split].to_pandas()[["text", "label"]] for split in splits}


def load_frames(data_dir: str | Path | None = None, source: str | None = None,
                splits: tuple[str, ...] = ("train", "test")) -> tuple[dict[str, pd.DataFrame], DataSource]:
    """The raw splits as DataFrames and a description of where they came from."""
    splits = list(splits)
    if source not in (None, "local", "hub", "sample"):
        raise ValueError(f"source must be 'local', 'hub' or 'sample', not {source!r}")
    folder = data_dir or os.environ.get("IMDB_DATA_DIR")
    tried = []
    if source == "local" or (source is None and folder):
        if not folder:
            raise DataError("source='local' needs a folder: pass data_dir or set IMDB_DATA_DIR")
        folder = Path(folder).expanduser()
        kind = "IMDB archive" if archive.is_archive(folder) else "local folder"
        return _from_folder(folder, splits), DataSource(kind, str(folder))
    if source in (None, "hub"):
        try:
            return _from_hub(splits), DataSource(HUB, HUB_NAME)
        except ConnectionError as error:
            if source == "hub":
                raise DataError(f"could not load {HUB_NAME} from the Hugging Face hub: {error}") from None
            tried.append(f"the Hugging Face hub ({error})")
    frames = _from_folder(SAMPLE_DIR, splits)
    if tried:
        unlabeled = f" and {len(frames['unsupervised']):,} unlabeled" if "unsupervised" in frames else ""
        _say_once(
            f"Could not load the full IMDB data: tried {'; '.join(tried)}.\n"
            f"Using the small sample bundled with the course instead ({len(frames['train']):,} train, "
            f"{len(frames['test']):,} test{unlabeled} reviews): fine for learning the steps, not for real accuracy.\n"
            "For the full data, go online, or download it once where there is a network "
            "(`python -m sentiment_helpers download --out data/imdb`) and set IMDB_DATA_DIR to its full path."
        )
    return frames, DataSource(SAMPLE)


def download(out: str | Path, from_archive: str | Path | None = None, progress: bool = True) -> dict[str, int]:
    """Write IMDB in the course's parquet layout into ``out``; afterwards ``IMDB_DATA_DIR=out`` works offline.

    By default the reviews come from the Hugging Face hub (no star ratings). ``from_archive`` takes them from the
    original Stanford archive instead, which keeps each review's rating: a path to ``aclImdb_v1.tar.gz`` (or its
    unpacked folder), or a URL such as ``archive.ARCHIVE_URL``, downloaded once into ``out``. Returns rows per split."""
    out = output_folder(out)
    splits = ("train", "test", "unsupervised")
    if from_archive is None:
        frames, _ = load_frames(source="hub", splits=splits)
    else:
        text = str(from_archive)
        is_url = "://" in text
        path = archive.fetch_archive(out, text, progress) if is_url else Path(text)
        frames = archive.read_archive(path, splits, progress)
    for split, frame in frames.items():
        frame.to_parquet(out / f"{split}.parquet", index=False)
    return {split: len(frame) for split, frame in frames.items()}


def load_imdb(data_dir: str | Path | None = None, source: str | None = None, val_fraction: float = 0.1,
              seed: int = 42, unsupervised: bool = False, validation: str = "random") -> Imdb:
    """IMDB's splits: train, validation, test (and unsupervised on request), with where they came from.

    ``validation``: "random" (a stratified, seeded 10% of the training reviews) or "by-movie" (see
    ``by_movie_validation``)."""
    import datasets

    if validation not in VALIDATION_SPLITS:
        raise ValueError(f"validation must be one of {', '.join(VALIDATION_SPLITS)}, not {validation!r}")
    splits = ("train", "test", "unsupervised") if unsupervised else ("train", "test")
    frames, where = load_frames(data_dir, source, splits)
    held_out = by_movie_validation(frames["train"], val_fraction, seed) if validation == "by-movie" else None
    frames = {name: frame.drop(columns="review_id", errors="ignore") for name, frame in frames.items()}
    columns = {"text": datasets.Value("string"), "label": datasets.ClassLabel(names=["neg", "pos"])}
    if all("rating" in frames[s].columns for s in ("train", "test")):
        columns["rating"] = datasets.Value("int64")
    else:
        frames = {name: frame[["text", "label"]] if name != "unsupervised" else frame for name, frame in frames.items()}
    features = datasets.Features(columns)
    if held_out is None:
        train = datasets.Dataset.from_pandas(frames["train"], features=features, preserve_index=False)
        n_validation = math.ceil(val_fraction * len(train))  # as datasets' train_test_split(test_size=val_fraction)
        parts = stratified_split(train, len(train) - n_validation, n_validation, seed)
    else:
        part = lambda frame: datasets.Dataset.from_pandas(frame, features=features, preserve_index=False)
        parts = {"train": part(frames["train"][~held_out]).shuffle(seed=seed), "test": part(frames["train"][held_out])}
    splits = {"train": parts["train"], "validation": parts["test"],
              "test": datasets.Dataset.from_pandas(frames["test"], features=features, preserve_index=False)}
    if unsupervised:
        splits["unsupervised"] = datasets.Dataset.from_pandas(frames["unsupervised"], preserve_index=False)
    return Imdb(splits, where)


def column(dataset, name: str) -> list:
    """One column of a split as a plain list, read at once. (Since datasets 4, ``dataset[name]`` is a lazy column that
    formats one row at a time when iterated: ten times slower on 50,000 reviews.)"""
    return dataset[name][:]
