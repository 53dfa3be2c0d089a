"""Pretraining for ULMFiT: a forward and a backward language model (``lm.py``) trained on the training + unlabeled
reviews, and cached with what they were built from (the texts, the vocabulary, the settings).

A cache built from other reviews, another vocabulary or other settings is rebuilt, and the reason is printed.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from .cache import NotThisCache, fingerprint, load_or_build
from .files import atomic_file
from .lm import LSTMLanguageModel, token_stream, train_language_model
from .vocab import Vocab

LM_CACHE_FORMAT = "sentiment-helpers-language-models"


@dataclass(frozen=True)
class LMSettings:
    embed_dim: int = 128  # the classifier's embedding and hidden sizes: the weights are copied into it
    hidden_dim: int = 128
    epochs: int = 1
    max_seconds: float | None = None  # per direction
    batch_size: int = 64
    bptt: int = 64  # tokens per step of truncated backpropagation through time
    lr: float = 3e-3
    seed: int = 42


@dataclass
class LanguageModels:
    forward: torch.nn.Module
    backward: torch.nn.Module
    built_for: dict
    info: dict  # per direction: perplexity per epoch; seconds to build


def train_language_models(texts: Sequence[str], val_texts: Sequence[str], vocab: Vocab,
                          settings: LMSettings = LMSettings(), progress: bool = True) -> LanguageModels:
    """A forward and a backward LSTM language model on ``texts``; perplexity measured on ``val_texts``."""
    start, models, info = time.perf_counter(), {}, {}
    for direction in ("forward", "backward"):
        torch.manual_seed(settings.seed)
        backward = direction == "backward"
        model = LSTMLanguageModel(len(vocab), settings.embed_dim, settings.hidden_dim)
        history = train_language_model(
            model, token_stream(texts, vocab, backward), token_stream(val_texts, vocab, backward),
            epochs=settings.epochs, batch_size=settings.batch_size, bptt=settings.bptt, lr=settings.lr,
            max_seconds=settings.max_seconds, progress=progress, desc=f"{direction} LM")
        models[direction], info[direction] = model.eval(), history.epochs
    info["seconds"] = time.perf_counter() - start
    info["texts"] = len(texts)
    return LanguageModels(models["forward"], models["backward"], _lm_built_for(texts, vocab, settings), info)


def _lm_built_for(texts: Sequence[str], vocab: Vocab, settings: LMSettings) -> dict:
    return {"texts": fingerprint(texts), "n_texts": len(texts), "vocab": fingerprint(vocab.itos),
            "settings": asdict(settings)}


def load_language_models(path: str | Path, settings: LMSettings) -> LanguageModels:
    """The cached models as they were built (their own vocabulary size: ``load_or_build`` then compares what they were
    built for with what is wanted)."""
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(bundle, dict) or bundle.get("format") != LM_CACHE_FORMAT:
        raise NotThisCache(f"{path}: not a language-model cache of this course")
    models = {}
    for direction in ("forward", "backward"):
        vocab_size = bundle[direction]["embedding.weight"].shape[0]
        models[direction] = LSTMLanguageModel(vocab_size, settings.embed_dim, settings.hidden_dim)
        models[direction].load_state_dict(bundle[direction])
    return LanguageModels(models["forward"].eval(), models["backward"].eval(), bundle["built_for"], bundle["info"])


def save_language_models(path: str | Path, models: LanguageModels) -> None:
    with atomic_file(Path(path)) as f:
        torch.save({"format": LM_CACHE_FORMAT, "forward": models.forward.state_dict(),
                    "backward": models.backward.state_dict(), "built_for": models.built_for, "info": models.info}, f)


def cached_language_models(texts: Sequence[str], val_texts: Sequence[str], vocab: Vocab, cache: str | Path,
                           settings: LMSettings = LMSettings(), progress: bool = True) -> tuple[LanguageModels, bool]:
    """Like ``pretrain.cached_word2vec``: the cache is used only if built from these texts, this vocabulary and these
    settings."""
    return load_or_build(cache, _lm_built_for(texts, vocab, settings),
                         lambda path: load_language_models(path, settings),
                         lambda: train_language_models(texts, val_texts, vocab, settings, progress),
                         save_language_models, "language models")
