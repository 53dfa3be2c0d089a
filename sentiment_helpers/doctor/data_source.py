"""The room check's data lines: where the lessons' data would come from (a local folder, the Hugging Face cache or
the bundled sample), read from parquet metadata and the cache on disk, never from the reviews themselves; and whether
star ratings and unlabeled reviews are there."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import archive, data
from ..errors import DataError
from .verdicts import OK, PROBLEM, WARNING, Check

GET_DATA = ("python -m sentiment_helpers download --out data/imdb --from-archive (once, where there is a network), "
            "then set IMDB_DATA_DIR to that folder (or pass --data-dir)")
FULL_TRAIN_REVIEWS = 25_000


@dataclass
class DataFound:
    source: str  # "local folder", "IMDB archive", "Hugging Face cache" or "bundled sample"
    where: str
    rows: dict[str, int]  # reviews per split found (train, test, unsupervised); empty when not counted
    ratings: bool
    unlabeled: bool
    problem: str = ""  # why the lessons cannot load it


def _parquet_split(folder: Path, split: str) -> tuple[int, list[str]] | None:
    """Rows and columns of a split, from the parquet files' metadata (all shards of the Hugging Face layout)."""
    import pyarrow.parquet as pq

    path = data.find_split_file(folder, split)
    if path is None:
        return None
    shards = [path] if path.name == f"{split}.parquet" else sorted(path.parent.glob(f"{split}-*.parquet"))
    try:
        files = [pq.ParquetFile(shard) for shard in shards]
    except Exception as error:  # pyarrow raises several kinds for a file that is not parquet
        raise DataError(f"{path}: not a readable parquet file ({type(error).__name__}: {error})") from None
    return sum(f.metadata.num_rows for f in files), files[0].schema_arrow.names


def read_folder(folder: Path, source: str) -> DataFound:
    """What ``data.load_imdb`` would find in a folder, without reading the reviews themselves."""
    if archive.is_archive(folder):  # the original archive holds ratings and unlabeled reviews; counting them is slow
        return DataFound("IMDB archive", str(folder), {}, ratings=True, unlabeled=True)
    if not folder.is_dir():
        return DataFound(source, str(folder), {}, False, False, problem=f"{folder}: no such data folder")
    found, columns = {}, {}
    try:
        for split in ("train", "test", "unsupervised"):
            split_found = _parquet_split(folder, split)
            if split_found:
                found[split], columns[split] = split_found
    except DataError as error:
        return DataFound(source, str(folder), found, False, False, problem=str(error))
    for split in ("train", "test"):
        if split not in found:
            return DataFound(source, str(folder), found, False, False, problem=f"{folder}: no {split}.parquet (nor a "
                             f"Hugging Face {split}-*.parquet shard)")
        missing = {"text", "label"} - set(columns[split])
        if missing or not found[split]:
            why = f"missing column(s) {sorted(missing)}" if missing else "no reviews"
            return DataFound(source, str(folder), found, False, False, problem=f"{folder}: the {split} split has {why}")
    ratings = all("rating" in columns[split] for split in ("train", "test"))
    return DataFound(source, str(folder), found, ratings, bool(found.get("unsupervised")))


def hub_cache_root() -> Path | None:
    """Where ``datasets`` keeps what it loaded from the hub (HF_DATASETS_CACHE), or None without ``datasets``."""
    try:
        from datasets import config
    except ImportError:
        return None
    return Path(config.HF_DATASETS_CACHE)


def read_hub_cache() -> DataFound | None:
    """IMDB as ``datasets`` cached it after a first load from the hub (what it loads offline), or None."""
    root = hub_cache_root()
    builds = sorted(root.glob(f"{data.HUB_NAME.replace('/', '___')}/*/*/*")) if root else []
    for build in reversed(builds):  # <name>/<config>/<version>/<hash>/: dataset_info.json and the arrow files
        info = build / "dataset_info.json"
        if not info.is_file() or not any(build.glob("*.arrow")):
            continue
        splits = json.loads(info.read_text()).get("splits") or {}
        rows = {split: int(part.get("num_examples", 0)) for split, part in splits.items()}
        if rows.get("train") and rows.get("test"):
            return DataFound("Hugging Face cache", str(build), rows, ratings=False,
                             unlabeled=bool(rows.get("unsupervised")))
    return None


def find_data(data_dir: str | Path | None = None) -> DataFound:
    """Where the lessons' data would come from, in ``data.load_frames``'s order: a local folder (never falling back
    from it), the hub's copy as cached, then the bundled sample."""
    folder = data_dir or os.environ.get("IMDB_DATA_DIR")
    if folder:
        return read_folder(Path(folder).expanduser(), "local folder")
    return read_hub_cache() or read_folder(data.SAMPLE_DIR, "bundled sample")


def _counts(found: DataFound) -> str:
    return f"{found.rows['train']:,} train / {found.rows['test']:,} test reviews"


def _source_check(found: DataFound) -> Check:
    values = asdict(found)
    if found.source == "bundled sample":
        if found.problem:
            return Check("data", PROBLEM, "no data: no local folder (IMDB_DATA_DIR or --data-dir), no Hugging Face "
                         f"cache, and the bundled sample is missing ({found.problem})",
                         f"{GET_DATA}; or reinstall the course", values)
        return Check("data", WARNING, f"the bundled sample ({_counts(found)}; the hub's copy instead if it is "
                     "reachable then): fine for trying the steps, not the real result", GET_DATA, values)
    if found.problem:
        return Check("data", PROBLEM, f"{found.source} {found.problem} (the lessons stop there: they never fall back "
                     "from a folder they were given)", f"fix IMDB_DATA_DIR or --data-dir; to make one: {GET_DATA}",
                     values)
    if found.source == "IMDB archive":
        return Check("data", OK, f"the IMDB archive {found.where}, read whole at every load (convert it once: "
                     f"python -m sentiment_helpers download --out data/imdb --from-archive {found.where})", "", values)
    if found.rows["train"] < FULL_TRAIN_REVIEWS:
        return Check("data", WARNING, f"{found.source} {found.where}: {_counts(found)}, not the full IMDB "
                     f"({FULL_TRAIN_REVIEWS:,} train): results and times differ from the course's", GET_DATA, values)
    offline = (" (where there is no network, also set HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1, or the lessons use the "
               "bundled sample)" if found.source == "Hugging Face cache" else "")
    return Check("data", OK, f"{found.source} {found.where}: {_counts(found)}{offline}", "", values)


def data_checks(found: DataFound) -> list[Check]:
    """Where the data comes from; then, when it can be loaded, whether star ratings and unlabeled reviews are there."""
    source = _source_check(found)
    if source.verdict == PROBLEM:
        return [source]
    if found.ratings:
        ratings = Check("ratings", OK, "star ratings are there (lessons 01 and 05)", "", {"ratings": True})
    else:
        why = " (the hub's copy has none)" if found.source == "Hugging Face cache" else ""
        ratings = Check("ratings", WARNING, f"no star ratings in this copy{why}: lessons 01 and 05 leave out their "
                        "rating parts", GET_DATA, {"ratings": False})
    count = found.rows.get("unsupervised")  # None for the archive, which is not counted
    if found.unlabeled:
        unlabeled = Check("unlabeled", OK, f"{f'{count:,} ' if count else ''}unlabeled reviews are there (lesson 07, "
                          "the *-pretrained profiles)", "", {"unlabeled": count})
    else:
        unlabeled = Check("unlabeled", WARNING, "no unlabeled reviews (unsupervised.parquet): lesson 07 and the "
                          "*-pretrained profiles cannot run", f"the download writes them too: {GET_DATA}",
                          {"unlabeled": 0})
    return [source, ratings, unlabeled]
