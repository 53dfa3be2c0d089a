"""How the course draws its splits: a stratified, seeded validation split or subset (``stratified_split``,
``subsample``), or a validation split that holds out whole movies (``by_movie_validation``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import DataError

VALIDATION_SPLITS = ("random", "by-movie")
MOVIE_BLOCK = 125  # consecutive review ids per block in a by-movie validation split


def by_movie_validation(train: pd.DataFrame, val_fraction: float = 0.1, seed: int = 42) -> pd.Series:
    """Which training reviews to hold out so that validation shares (almost) no movie with training.

    IMDB's train and test reviews are of different movies, but a random validation split shares movies with the
    reviews the model learns from, and a model that learns actors' names and titles looks better there than it will be
    on test. In the archive, one folder's reviews of one movie have consecutive ids, so this holds out whole blocks of
    ``MOVIE_BLOCK`` ids (a movie has at most 30 reviews: only movies at a block's edge are split), ``val_fraction`` of
    the blocks of each label, chosen with ``seed``. Needs the ``review_id`` column (the course's parquet copy or the
    archive; the Hugging Face hub's copy has none)."""
    if "review_id" not in train.columns:
        raise DataError("a by-movie validation split needs the reviews' ids, which this copy of the data lacks (the "
                        "Hugging Face hub's copy has none): use the course's parquet folder or the original archive "
                        "(`python -m sentiment_helpers download --out data/imdb --from-archive`)")
    rng = np.random.default_rng(seed)
    held_out = pd.Series(False, index=train.index)
    for label in (0, 1):
        blocks = train.review_id[train.label == label] // MOVIE_BLOCK
        names = np.unique(blocks)
        chosen = rng.choice(names, max(1, round(len(names) * val_fraction)), replace=False)
        held_out |= (train.label == label) & (train.review_id // MOVIE_BLOCK).isin(chosen)
    return held_out


def subsample(dataset, n: int | None, seed: int = 0):
    """A balanced, seeded subset of ``n`` reviews (the whole split when n is None or too large)."""
    if n is None or n >= len(dataset):
        return dataset
    return stratified_split(dataset, n, len(dataset) - n, seed)["train"]


def stratified_split(dataset, n_train: int, n_test: int, seed: int):
    """``dataset.train_test_split(train_size=n_train, test_size=n_test, seed=seed, stratify_by_column="label")``, the
    same reviews in the same order, without its slow step: it reads the labels one row at a time (seconds on the full
    data since datasets 4); here they are read at once and fed to the same index generator."""
    import datasets

    try:
        from datasets.utils.stratify import stratified_shuffle_split_generate_indices as split_indices
    except ImportError:  # a datasets version without it: its own method, slower, the same split
        return dataset.train_test_split(train_size=n_train, test_size=n_test, seed=seed, stratify_by_column="label")
    labels = np.asarray(dataset["label"][:])  # at once (a plain dataset["label"] is read row by row)
    train, test = next(split_indices(labels, n_train, n_test, np.random.default_rng(seed)))
    return datasets.DatasetDict(train=dataset.select(train), test=dataset.select(test))
