"""One checkpoint file holds everything needed to predict: weights, model config, vocabulary, metadata.

Saved with ``torch.save`` and loaded with ``weights_only=True``: only tensors and plain values
(numbers, strings, lists, dicts) come back, so loading a file can never run code hidden in it.
Saving is atomic: a temporary file is written and renamed, so an interrupted save never leaves
a broken checkpoint behind.
"""
from __future__ import annotations

import codecs
import json
import pickle
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch

from .errors import CheckpointError
from .files import atomic_file
from .model import ModelConfig, SentimentLSTM
from .vocab import Vocab

FORMAT = "sentiment-helpers-checkpoint"
VERSION = 1


@dataclass
class Checkpoint:
    model: SentimentLSTM  # in eval mode, on the CPU
    vocab: Vocab
    max_len: int
    truncation: str
    metadata: dict


def save_checkpoint(path: str | Path, model: SentimentLSTM, vocab: Vocab, max_len: int, truncation: str = "head",
                    metadata: dict | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    bundle = {
        "format": FORMAT, "version": VERSION,
        "model_config": model.config.to_dict(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "vocab": vocab.itos, "max_len": int(max_len), "truncation": truncation,
        "metadata": json.loads(json.dumps(metadata or {})),  # plain values only, or weights_only loading refuses them
    }
    with atomic_file(path) as f:
        torch.save(bundle, f)
    return path


def _read_bundle(path: Path) -> dict:
    if not path.exists():
        raise CheckpointError(f"{path}: no such checkpoint. Train one first, e.g. "
                              "`python -m sentiment_helpers train --profile smoke`, or run notebook 04.")
    if not path.is_file():
        raise CheckpointError(f"{path}: is a folder, not a checkpoint file")
    not_pytorch = _not_a_pytorch_file(path)
    if not_pytorch:
        raise CheckpointError(f"{path}: not a checkpoint: {not_pytorch}. A checkpoint is the .pt file that "
                              "`train` or notebook 04 writes (e.g. artifacts/sentiment_lstm.pt).")
    try:
        with warnings.catch_warnings():  # torch's notes on pickle protocols: noise beside our own one-line verdict
            warnings.simplefilter("ignore")
            bundle = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        raise CheckpointError(
            f"{path}: refused to load: the file holds Python objects that could run code when loaded "
            f"({_first_reason(error)}). Only tensors and plain values are accepted: "
            "load checkpoints only from people you trust."
        ) from None
    except Exception as error:
        raise CheckpointError(f"{path}: not a readable checkpoint (truncated, corrupted or another kind of file): "
                              f"{type(error).__name__}: "
                              f"{str(error).splitlines()[0][:200] if str(error) else ''}") from None
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a sentiment_helpers checkpoint (no '{FORMAT}' marker)")
    if bundle.get("version") != VERSION:
        raise CheckpointError(f"{path}: checkpoint version {bundle.get('version')}, "
                              f"this course reads version {VERSION}")
    return bundle


def _not_a_pytorch_file(path: Path) -> str | None:
    """What the file is, when its first bytes show it is not something torch.save writes (a zip archive, or a
    pickle for old files); None when it may be one. Only files that could be checkpoints reach torch.load, so
    its "could run code" refusal is kept for real pickles."""
    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(b"PK\x03\x04") or head[:1] == b"\x80":
        return None
    if not head:
        return "the file is empty"
    text = head.lstrip()
    if text[:1] in (b"{", b"["):
        return "it is a JSON file (metrics.json and history.json sit beside the checkpoint)"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a character cut at byte 512 is fine
        return "it is a text file"
    except UnicodeDecodeError:
        return f"it is not a file that PyTorch writes (it starts with {head[:8]!r})"


def _first_reason(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip().startswith("WeightsUnpickler error")]
    return (lines[0] if lines else str(error).splitlines()[0] if str(error) else type(error).__name__)[:200]


def describe_mismatch(expected: SentimentLSTM, state_dict: dict) -> list[str]:
    """What differs between a model's parameters and a checkpoint's, in words."""
    own = expected.state_dict()
    problems = [f"{name}: {list(state_dict[name].shape)} in the file, {list(own[name].shape)} expected"
                for name in own if name in state_dict and state_dict[name].shape != own[name].shape]
    missing, extra = sorted(set(own) - set(state_dict)), sorted(set(state_dict) - set(own))
    if missing:
        problems.append(f"missing in the file: {', '.join(missing[:4])}")
    if extra:
        problems.append(f"not in this model: {', '.join(extra[:4])}")
    return problems


def load_checkpoint(path: str | Path, vocab: Vocab | None = None, config: ModelConfig | None = None) -> Checkpoint:
    """Load a checkpoint safely. ``vocab``/``config``, when given, must match the file's."""
    path = Path(path)
    bundle = _read_bundle(path)
    try:
        file_vocab = Vocab(bundle["vocab"])
        file_config = ModelConfig(**bundle["model_config"])
        state = bundle["state_dict"]
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"{path}: incomplete checkpoint ({type(error).__name__}: {error})") from None
    if vocab is not None and vocab.itos != file_vocab.itos:
        raise CheckpointError(f"{path}: its vocabulary ({len(file_vocab):,} words) differs from the one given "
                              f"({len(vocab):,} words); predictions would map words to the wrong ids")
    if config is not None and config != file_config:
        diffs = [f"{k}: {v} in the file, {config.to_dict()[k]} expected"
                 for k, v in file_config.to_dict().items() if config.to_dict()[k] != v]
        raise CheckpointError(f"{path}: different architecture: {'; '.join(diffs)}")
    if file_config.vocab_size != len(file_vocab):
        raise CheckpointError(f"{path}: the model expects {file_config.vocab_size:,} words but the checkpoint's "
                              f"vocabulary has {len(file_vocab):,}")
    model = SentimentLSTM(file_config)
    problems = describe_mismatch(model, state)
    if problems:
        raise CheckpointError(f"{path}: weights do not fit its model config: {'; '.join(problems)}")
    model.load_state_dict(state)
    model.eval()
    return Checkpoint(model, file_vocab, int(bundle["max_len"]), str(bundle.get("truncation", "head")),
                      dict(bundle.get("metadata", {})))
