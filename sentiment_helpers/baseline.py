"""The classical baseline every deep model must beat: TF-IDF word 1-2 grams + logistic regression."""
from __future__ import annotations

import time
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from .evaluate import Evaluation, compute_metrics
from .text import clean


def make_baseline(C: float = 10.0, min_df: int = 2) -> Pipeline:
    """TF-IDF over word unigrams and bigrams (sublinear tf) feeding an L2 logistic regression."""
    return Pipeline([
        ("tfidf", TfidfVectorizer(preprocessor=clean, ngram_range=(1, 2), min_df=min_df, sublinear_tf=True,
                                  token_pattern=r"\S+")),
        ("logreg", LogisticRegression(C=C, max_iter=1000)),
    ])


@dataclass
class BaselineResult:
    model: Pipeline
    validation: Evaluation
    test: Evaluation
    fit_seconds: float


def train_baseline(dataset, C: float = 10.0) -> BaselineResult:
    """Fit on ``dataset["train"]``; report validation and test like the BiLSTM (same splits)."""
    start = time.perf_counter()
    model = make_baseline(C).fit(dataset["train"]["text"], dataset["train"]["label"])
    seconds = time.perf_counter() - start
    score = lambda split: compute_metrics(dataset[split]["label"], model.predict_proba(dataset[split]["text"])[:, 1])
    return BaselineResult(model, score("validation"), score("test"), seconds)


def top_features(model: Pipeline, n: int = 15) -> dict[str, list[tuple[str, float]]]:
    """The n-grams with the most negative and most positive weights."""
    names = model.named_steps["tfidf"].get_feature_names_out()
    weights = model.named_steps["logreg"].coef_[0]
    order = weights.argsort()
    return {"negative": [(names[i], float(weights[i])) for i in order[:n]],
            "positive": [(names[i], float(weights[i])) for i in order[::-1][:n]]}
