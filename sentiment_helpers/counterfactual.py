"""Counterfactual pairs of IMDB reviews (Kaushik, Hovy and Lipton, *Learning the Difference that Makes a Difference
with Counterfactually-Augmented Data*, ICLR 2020; Apache-2.0): people edited IMDB reviews as little as possible so
that the label flips. A model that reads what changed gets both reviews of a pair right.

Every original review in these pairs is an IMDB *training* review, so a model scored on them must be trained
without them (``is_original``: the course's training option ``cad_originals=leave-out``).

``load_pairs("test")`` reads a local folder (``data_dir`` or ``$CAD_DATA_DIR``: a copy of the public repository's
``sentiment/`` folder), else the copy of all three splits bundled with the course (with its licence and citation:
``sample_data/cad/``), so it works offline. ``pair_scores`` scores a model's probabilities on the pairs.
"""
from __future__ import annotations

import csv
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError

CITATION = ("Kaushik, Hovy and Lipton (2020), Learning the Difference that Makes a Difference with "
            "Counterfactually-Augmented Data, ICLR")
REPOSITORY = "acmi-lab/counterfactually-augmented-data"
COMMIT = "6f232a1d2a11462a30ce08fb4825b734ab30828e"
BUNDLED = Path(__file__).parent / "sample_data" / "cad"  # all three splits, with the licence and the citation
SPLITS = ("train", "dev", "test")
LABELS = {"Negative": 0, "Positive": 1}


@dataclass
class Pairs:
    """Reviews and their minimal edits, row by row: ``original[i]`` was edited into ``revised[i]``, whose label is
    the other one."""
    original: list[str]
    revised: list[str]
    original_label: list[int]
    split: str
    source: str

    @property
    def revised_label(self) -> list[int]:
        return [1 - label for label in self.original_label]

    def __len__(self) -> int:
        return len(self.original)


def _read_paired(path: Path, split: str, source: str) -> Pairs:
    try:
        frame = (pd.read_parquet(path) if path.suffix == ".parquet"
                 else pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, dtype={"Text": str}))
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise DataError(f"{path}: not a readable file of counterfactual pairs ({error})") from None
    if not {"Sentiment", "Text", "batch_id"} <= set(frame.columns) or len(frame) % 2:
        raise DataError(f"{path}: expected the columns Sentiment, Text and batch_id, two rows per pair")
    original, revised = frame.iloc[0::2].reset_index(drop=True), frame.iloc[1::2].reset_index(drop=True)
    if (original["batch_id"] != revised["batch_id"]).any() or (original["Sentiment"] == revised["Sentiment"]).any():
        raise DataError(f"{path}: each pair must be two rows with one batch_id and opposite labels")
    return Pairs(original["Text"].tolist(), revised["Text"].tolist(), original["Sentiment"].map(LABELS).tolist(),
                 split, source)


def load_pairs(split: str = "test", data_dir: str | Path | None = None) -> Pairs:
    """The ``split`` pairs ("train", "dev" or "test"): from ``data_dir`` (or ``$CAD_DATA_DIR``), else the copy
    bundled with the course. Choose settings on train and dev; test is for the final figure."""
    if split not in SPLITS:
        raise DataError(f"counterfactual pairs come as {', '.join(SPLITS)}, not {split!r}")
    folder = data_dir or os.environ.get("CAD_DATA_DIR")
    if folder:
        path = Path(folder).expanduser() / f"paired_{split}.tsv"
        if not path.is_file():
            raise DataError(f"{path}: no such file (a copy of the sentiment/ folder of {REPOSITORY} has it)")
        return _read_paired(path, split, f"local folder {folder}")
    return _read_paired(BUNDLED / f"paired_{split}.parquet", split, "the copy bundled with the course")


def normalise(text: str) -> str:
    """The text as the pairs and IMDB can be matched on: no <br />, only letters and digits, lower case."""
    return re.sub(r"[^0-9a-z]", "", text.replace("<br />", " ").lower())


@functools.cache
def _all_originals() -> frozenset[str]:
    return frozenset(normalise(text) for split in SPLITS for text in load_pairs(split).original)


def is_original(texts: list[str], *pair_sets: Pairs) -> list[bool]:
    """Which of ``texts`` are originals of the given pairs (all three splits unless said otherwise)."""
    originals = ({normalise(text) for pairs in pair_sets for text in pairs.original} if pair_sets
                 else _all_originals())
    return [normalise(text) in originals for text in texts]


def without_originals(reviews):
    """A split (``datasets.Dataset``) without its reviews that are originals of a pair, and how many went."""
    from .data import column

    keep = [i for i, hit in enumerate(is_original(column(reviews, "text"))) if not hit]
    return reviews.select(keep), len(reviews) - len(keep)


def pair_scores(p_original, p_revised, pairs: Pairs, n_boot: int = 2000, seed: int = 0) -> dict:
    """Accuracy on the originals, on their edits, on both of a pair, and the gap (original minus revised) with a 95%
    bootstrap interval over pairs."""
    y = np.asarray(pairs.original_label)
    right_original = (np.asarray(p_original) >= 0.5) == y
    right_revised = (np.asarray(p_revised) >= 0.5) == (1 - y)
    gaps = right_original.astype(float) - right_revised
    rng = np.random.default_rng(seed)
    boot = gaps[rng.integers(0, len(gaps), size=(n_boot, len(gaps)))].mean(axis=1)
    low, high = np.percentile(boot, [2.5, 97.5])
    return {"pairs": len(pairs), "original": float(right_original.mean()), "revised": float(right_revised.mean()),
            "both": float((right_original & right_revised).mean()), "gap": float(gaps.mean()),
            "gap_low": float(low), "gap_high": float(high)}


def leave_out_originals(dataset) -> tuple[object, dict]:
    """The run's splits without the reviews of train and validation that are originals of a pair (all of them are
    IMDB training reviews; test is IMDB's own test split, and stays whole), and how many went."""
    import datasets

    dataset, left_out = datasets.DatasetDict(dict(dataset)), {}
    for split in ("train", "validation"):
        dataset[split], left_out[split] = without_originals(dataset[split])
    return dataset, left_out


def add_training_pairs(train, added: str, repeats: int = 1, seed: int = 42):
    """``train`` with the pairs' training split added ``repeats`` times: "pairs" adds each original and its edit;
    "originals", the control, each original twice (as many reviews, none of them edited)."""
    import datasets

    pairs = load_pairs("train")
    texts, labels = ((pairs.original + pairs.revised, pairs.original_label + pairs.revised_label)
                     if added == "pairs" else (pairs.original * 2, pairs.original_label * 2))
    extra = {"text": texts * repeats, "label": labels * repeats}
    extra.update({name: [-1] * len(extra["text"]) for name in train.column_names if name not in extra})  # no rating
    extra = datasets.Dataset.from_dict(extra, features=train.features)
    return datasets.concatenate_datasets([train, extra]).shuffle(seed=seed)
