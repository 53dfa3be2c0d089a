"""The classical baselines every deep model must beat, on the same splits:

- TF-IDF over word 1-2 grams + logistic regression;
- NB-weighted n-grams (NBSVM, Wang & Manning 2012, here with logistic regression): binarized word n-gram counts,
  each scaled by its naive-Bayes log-count ratio, the strongest cheap baseline on IMDB.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from .data import column
from .evaluate import Evaluation, compute_metrics
from .text import clean

# the NB-weighted model's settings, chosen on a by-movie validation split (benchmarks/ngram_choice.py)
NB_NGRAM_RANGE = (1, 3)
NB_C = 0.3


def make_baseline(C: float = 10.0, min_df: int = 2) -> Pipeline:
    """TF-IDF over word unigrams and bigrams (sublinear tf) feeding an L2 logistic regression."""
    return Pipeline([
        ("tfidf", TfidfVectorizer(preprocessor=clean, ngram_range=(1, 2), min_df=min_df, sublinear_tf=True,
                                  token_pattern=r"\S+")),
        ("logreg", LogisticRegression(C=C, max_iter=1000)),
    ])


def log_count_ratio(features, labels, alpha: float = 1.0) -> np.ndarray:
    """r = log((p / |p|_1) / (q / |q|_1)), p = alpha + the positive reviews' binarized counts, q the negative ones'.

    features: [reviews, n-grams] counts (dense or sparse), labels: [reviews] 0/1 -> r: [n-grams]. r > 0 for an
    n-gram that is more common in positive reviews, < 0 in negative ones, about 0 for one used alike by both."""
    present = sparse.csr_matrix(features, dtype=np.float64)
    present.data = np.ones_like(present.data)  # binarized: in the review or not, however often
    labels = np.asarray(labels)
    p = alpha + np.asarray(present[labels == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(present[labels == 0].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


class NBWeighting(TransformerMixin, BaseEstimator):
    """Binarize n-gram counts and scale each column by its log-count ratio, learned on the training reviews."""

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def fit(self, features, labels):
        self.ratio_ = log_count_ratio(features, labels, self.alpha)
        return self

    def transform(self, features):
        present = sparse.csr_matrix(features, dtype=np.float64)
        present.data = np.ones_like(present.data)
        return present.multiply(self.ratio_).tocsr()  # stays sparse: several million columns for trigrams


def make_nb_ngrams(ngram_range: tuple[int, int] = NB_NGRAM_RANGE, C: float = NB_C) -> Pipeline:
    """Word n-grams (after the course's cleaning), binarized and NB-weighted, feeding a logistic regression."""
    return Pipeline([
        ("counts", CountVectorizer(preprocessor=clean, ngram_range=ngram_range, token_pattern=r"\S+", binary=True,
                                   dtype=np.float32)),
        ("nb", NBWeighting()),
        # liblinear's dual solver suits far more columns than rows
        ("logreg", LogisticRegression(C=C, solver="liblinear", dual=True, max_iter=1000)),
    ])


@dataclass
class BaselineResult:
    model: Pipeline
    validation: Evaluation
    test: Evaluation
    fit_seconds: float


def fit_and_score(model: Pipeline, dataset) -> BaselineResult:
    """Fit on ``dataset["train"]``; report validation and test like the BiLSTM (same splits)."""
    start = time.perf_counter()
    model.fit(column(dataset["train"], "text"), column(dataset["train"], "label"))
    seconds = time.perf_counter() - start

    def score(split: str) -> Evaluation:
        reviews = dataset[split]
        return compute_metrics(column(reviews, "label"), model.predict_proba(column(reviews, "text"))[:, 1])

    return BaselineResult(model, score("validation"), score("test"), seconds)


def train_baseline(dataset, C: float = 10.0) -> BaselineResult:
    """TF-IDF + logistic regression, fitted on the training reviews and scored on validation and test."""
    return fit_and_score(make_baseline(C), dataset)


def train_nb_ngrams(dataset, ngram_range: tuple[int, int] = NB_NGRAM_RANGE, C: float = NB_C) -> BaselineResult:
    """The NB-weighted n-gram model, fitted on the training reviews and scored on validation and test."""
    return fit_and_score(make_nb_ngrams(ngram_range, C), dataset)


def choose_nb_ngrams(train, validation, ngram_ranges=((1, 2), (1, 3)), Cs=(0.03, 0.1, 0.3, 1.0)) -> pd.DataFrame:
    """Validation accuracy of every (n-gram range, C): the counts are built once per range. Never looks at test."""
    rows = []
    for ngram_range in ngram_ranges:
        start = time.perf_counter()
        counts = make_nb_ngrams(ngram_range).named_steps["counts"]
        train_counts = counts.fit_transform(column(train, "text"))
        validation_counts = counts.transform(column(validation, "text"))
        weighting = NBWeighting().fit(train_counts, column(train, "label"))
        train_x, validation_x = weighting.transform(train_counts), weighting.transform(validation_counts)
        count_seconds = time.perf_counter() - start
        for C in Cs:
            start = time.perf_counter()
            logreg = LogisticRegression(C=C, solver="liblinear", dual=True, max_iter=1000)
            logreg.fit(train_x, column(train, "label"))
            accuracy = float((logreg.predict(validation_x) == np.asarray(column(validation, "label"))).mean())
            rows.append({"n-grams": f"1-{ngram_range[1]}", "C": C, "features": train_x.shape[1],
                         "validation accuracy": accuracy,
                         "fit seconds": round(count_seconds + time.perf_counter() - start, 1)})
    return pd.DataFrame(rows)


def top_features(model: Pipeline, n: int = 15) -> dict[str, list[tuple[str, float]]]:
    """The n-grams with the most negative and most positive weights (TF-IDF or NB-weighted model)."""
    vectorizer = model.steps[0][1]
    names = vectorizer.get_feature_names_out()
    weights = model.named_steps["logreg"].coef_[0]
    if "nb" in model.named_steps:  # what a present n-gram adds to the logit: its ratio times its weight
        weights = weights * model.named_steps["nb"].ratio_
    order = weights.argsort()
    return {"negative": [(names[i], float(weights[i])) for i in order[:n]],
            "positive": [(names[i], float(weights[i])) for i in order[::-1][:n]]}
