"""Pretraining for ULMFiT: a forward and a backward language model (``lm.py``) trained on the training + unlabeled
reviews, and cached with what they were built from (the texts, the vocabulary, the settings).

A cache built from other reviews, another vocabulary or other settings is rebuilt, and the reason is printed.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from .cache import fingerprint, why_stale
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


def cached_language_models(texts: Sequence[str], val_texts: Sequence[str], vocab: Vocab, cache: str | Path,
                           settings: LMSettings = LMSettings(), progress: bool = True) -> tuple[LanguageModels, bool]:
    """Like ``pretrain.cached_word2vec``: the cache is used only if built from these texts, this vocabulary and these
    settings."""
    cache, wanted = Path(cache), _lm_built_for(texts, vocab, settings)
    if cache.is_file():
        try:
            bundle = torch.load(cache, map_location="cpu", weights_only=True)
            if bundle.get("format") != LM_CACHE_FORMAT:
                raise ValueError("not a language-model cache")
            reason = why_stale(bundle["built_for"], wanted)
        except Exception as error:
            reason = f"an unreadable file ({type(error).__name__})"
        if reason is None:
            models = {}
            for direction in ("forward", "backward"):
                models[direction] = LSTMLanguageModel(len(vocab), settings.embed_dim, settings.hidden_dim)
                models[direction].load_state_dict(bundle[direction])
                models[direction].eval()
            print(f"Language models from the cache {cache} (built in {bundle['info']['seconds']:.0f} s).",
                  file=sys.stderr)
            return LanguageModels(models["forward"], models["backward"], bundle["built_for"], bundle["info"]), True
        print(f"The cache {cache} holds language models built from {reason}: building them again.", file=sys.stderr)
    models = train_language_models(texts, val_texts, vocab, settings, progress)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(cache) as f:
        torch.save({"format": LM_CACHE_FORMAT, "forward": models.forward.state_dict(),
                    "backward": models.backward.state_dict(), "built_for": models.built_for, "info": models.info}, f)
    return models, False
