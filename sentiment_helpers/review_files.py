"""Reviews in, predictions out, for the command line: read lazily, written as they come.

Input is one review per line (standard input, or a text file), or a ``.csv``/``.parquet`` file with a ``text``
column. Nothing is read whole: lines stream, CSV is read in chunks and parquet in record batches, so a file of a
million reviews needs no more memory than a few hundred of them. Each review keeps its position in the input
(``index``: its line or row, from 0), so results can be matched back even when blank lines are skipped.
"""
from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .errors import DataError, OutputError
from .files import atomic_file

CHUNK = 256
FIELDS = ["index", "label", "p_positive", "confidence", "n_tokens", "n_known", "truncated"]


@dataclass
class Review:
    index: int  # line or row in the input, from 0
    text: str


def read_lines(stream: TextIO) -> Iterator[Review]:
    for index, line in enumerate(stream):
        yield Review(index, line.rstrip("\r\n"))


def _text_column(path: Path, columns: list[str]) -> None:
    if "text" not in columns:
        raise DataError(f"{path}: no 'text' column (found: {', '.join(map(str, columns[:8])) or 'none'}); "
                        "a .csv or .parquet input needs one review per row in a column named text")


def _read_csv(path: Path) -> Iterator[Review]:
    import pandas as pd

    try:
        _text_column(path, list(pd.read_csv(path, nrows=0).columns))
        index = 0
        for chunk in pd.read_csv(path, usecols=["text"], dtype={"text": str}, keep_default_na=False,
                                 chunksize=CHUNK):
            for text in chunk["text"]:
                yield Review(index, text)
                index += 1
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        reason = str(error).splitlines()[0] if str(error) else ""
        raise DataError(f"{path}: not a readable CSV file ({type(error).__name__}: {reason})") from None


def _read_parquet(path: Path) -> Iterator[Review]:
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except Exception as error:
        raise DataError(f"{path}: not a readable parquet file ({type(error).__name__}: {error})") from None
    _text_column(path, file.schema_arrow.names)
    index = 0
    for batch in file.iter_batches(batch_size=CHUNK, columns=["text"]):
        for text in batch.column(0).to_pylist():
            yield Review(index, text if isinstance(text, str) else "")
            index += 1


def read_file(path: str | Path) -> Iterator[Review]:
    """The reviews of a .txt (one per line), .csv or .parquet file (a ``text`` column), lazily."""
    path = Path(path).expanduser()
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if not path.is_file():
        raise DataError(f"{path}: is a folder, not a file of reviews")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".parquet":
        return _read_parquet(path)
    return _lines_of(path)


def _lines_of(path: Path) -> Iterator[Review]:
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        yield from read_lines(f)


@contextlib.contextmanager
def csv_results(path: str | Path) -> Iterator[csv.DictWriter]:
    """A CSV writer for predictions as they come, in input order; the file appears whole or not at all."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; --csv wants a file name, e.g. {path / 'predictions.csv'}")
    if not path.parent.is_dir():
        raise OutputError(f"{path.parent}: no such folder for the --csv file")
    with atomic_file(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, FIELDS, extrasaction="ignore")
        writer.writeheader()
        yield writer
