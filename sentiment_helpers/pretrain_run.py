"""The pretraining step of a training run: start the classifier from the profile's pretraining (word2vec vectors, or
a forward and a backward language model) on the run's training + unlabeled reviews, built now or read from the cache,
and say what was done (for metrics.json)."""
from __future__ import annotations

import time
from pathlib import Path

import torch

from . import lm, pretrain
from .lm_cache import LanguageModels, LMSettings, cached_language_models
from .model import SentimentLSTM
from .paths import pretrained_cache_path
from .prepare import PreparedData
from .profiles import Profile


def pretrain_model(model: SentimentLSTM, profile: Profile, prepared: PreparedData, progress: bool = True,
                   cache: str | Path | None = None) -> dict:
    """Start ``model`` from the profile's pretraining (built now or read from the cache); what was done, for
    metrics.json."""
    # Profile itself rejects any other method
    if profile.pretrain == "word2vec":
        return pretrain_embedding(model, profile, prepared, progress=progress, cache=cache)
    return pretrain_language_models(model, profile, prepared, progress=progress, cache=cache)


def cache_path(profile: Profile, cache: str | Path | None) -> Path:
    """The pretraining cache a run uses: the one given, or the profile's own."""
    return Path(cache) if cache else pretrained_cache_path(profile)


def _pretraining_record(method: str, prepared: PreparedData, cache: Path, from_cache: bool, build_seconds: float,
                        start: float, built_for: dict, **details) -> dict:
    # built_for: what the cache was built from (its texts' count and settings), so the texts are not listed again
    unlabeled = len(prepared.dataset["unsupervised"])
    return {"method": method, "from_cache": from_cache, "cache": str(cache), "build_seconds": build_seconds,
            "seconds": time.perf_counter() - start, "settings": built_for["settings"],
            "train_reviews": built_for["n_texts"] - unlabeled, "unlabeled_reviews": unlabeled, "test_reviews": 0,
            "unlabeled_test_copies_left_out": prepared.unlabeled_test_copies, **details}


def language_models_for(profile: Profile, prepared: PreparedData, progress: bool = True,
                        cache: str | Path | None = None) -> tuple[LanguageModels, bool]:
    """The profile's forward and backward language models on the training + unlabeled reviews (built, or from the
    cache that ``run_training`` uses too); validation reviews measure their perplexity."""
    settings = LMSettings(embed_dim=profile.model.embed_dim, hidden_dim=profile.model.hidden_dim,
                                   epochs=profile.pretrain_epochs, max_seconds=profile.pretrain_max_seconds)
    return cached_language_models(
        prepared.pretraining_texts(), prepared.dataset["validation"]["text"], prepared.vocab,
        cache_path(profile, cache), settings, progress)


def pretrain_language_models(model: SentimentLSTM, profile: Profile, prepared: PreparedData, progress: bool = True,
                             cache: str | Path | None = None) -> dict:
    """Start ``model``'s embedding and first BiLSTM layer from a forward and a backward language model trained on the
    training + unlabeled reviews (cached); their perplexity is measured on the validation reviews."""
    start = time.perf_counter()
    models, from_cache = language_models_for(profile, prepared, progress, cache)
    cache = cache_path(profile, cache)
    lm.init_classifier(model, models.forward, models.backward)
    model.embedding.weight.requires_grad_(not profile.freeze_embedding)
    perplexity = {d: models.info[d][-1]["val_perplexity"] for d in ("forward", "backward")}
    return _pretraining_record("lm", prepared, cache, from_cache, models.info["seconds"], start, models.built_for,
                               validation_perplexity=perplexity,
                               lm_epochs={d: models.info[d] for d in ("forward", "backward")},
                               frozen=profile.freeze_embedding)


def word_vectors_for(profile: Profile, prepared: PreparedData, progress: bool = True,
                     cache: str | Path | None = None) -> tuple[pretrain.WordVectors, bool]:
    """The profile's word2vec vectors of the training + unlabeled reviews (built, or from the cache that
    ``run_training`` uses too)."""
    # word2vec's own seed stays fixed: classifiers trained with other seeds share one cache
    settings = pretrain.Word2VecSettings(dim=profile.model.embed_dim, epochs=profile.pretrain_epochs,
                                         skip_gram=profile.pretrain_skip_gram)
    return pretrain.cached_word2vec(prepared.pretraining_texts(),
                                    cache_path(profile, cache), settings, progress)


def pretrain_embedding(model: SentimentLSTM, profile: Profile, prepared: PreparedData, progress: bool = True,
                       cache: str | Path | None = None) -> dict:
    """Start ``model``'s embedding from word2vec vectors of the training + unlabeled reviews (cached), and freeze it
    if the profile says so. Returns what was done, for metrics.json."""
    start = time.perf_counter()
    cache = cache_path(profile, cache)
    vectors, from_cache = word_vectors_for(profile, prepared, progress, cache)
    matrix, coverage = pretrain.embedding_matrix(vectors, prepared.vocab)
    with torch.no_grad():
        model.embedding.weight.copy_(matrix)
    model.embedding.weight.requires_grad_(not profile.freeze_embedding)
    return _pretraining_record("word2vec", prepared, cache, from_cache, vectors.info["seconds"], start,
                               vectors.built_for, tokens=vectors.info["tokens"],
                               words_with_vectors=vectors.info["words"], vocab_coverage=coverage,
                               frozen=profile.freeze_embedding)
