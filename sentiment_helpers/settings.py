"""The settings of a run, checked when they are made: the network's shape (``ModelConfig``) and the training
recipe (``TrainConfig``). A profile (``profiles.py``) holds one of each, and ``--set`` changes them.

Every choice is checked in ``__post_init__``, so a typo fails with a ``SettingsError`` that names the allowed values
as soon as the settings exist: before any data is read, and not only once a review happens to need the setting.
This module imports no torch: the command line's ``--help`` and ``--version`` read it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from .errors import SettingsError

POOLINGS = ("last", "maxmean")
TRUNCATIONS = ("head", "head+tail")
SCHEDULES = ("constant", "onecycle")


def check_choice(name: str, value, allowed: tuple) -> None:
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(map(repr, allowed))}, not {value!r}")


def check_number(name: str, value, *, minimum: float = 0, above: bool = False, maximum: float | None = None,
                 optional: bool = False, whole: bool = False) -> None:
    """``value`` is a number (an int where ``whole``) >= ``minimum`` (> where ``above``), <= ``maximum``; or None where
    ``optional``."""
    if value is None and optional:
        return
    kind = int if whole else (int, float)
    low = f"above {minimum}" if above else f"at least {minimum}"
    high = f" and at most {maximum}" if maximum is not None else ""
    wanted = f"{'a whole number' if whole else 'a number'} {low}{high}{' (or none)' if optional else ''}"
    if (isinstance(value, bool) or not isinstance(value, kind) or value < minimum or (above and value == minimum)
            or (maximum is not None and value > maximum)):
        raise SettingsError(f"{name} must be {wanted}, not {value!r}")


def check_flag(name: str, value) -> None:
    if not isinstance(value, bool):
        raise SettingsError(f"{name} must be true or false, not {value!r}")


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int = 10_002
    embed_dim: int = 128
    hidden_dim: int = 256
    num_layers: int = 2
    dropout: float = 0.5
    pooling: str = "last"  # "last": final forward/backward states (reference); "maxmean": max+mean over time
    embed_dropout: float = 0.0
    # a trained linear map from the embedding to this many numbers before the BiLSTM (None: none). With frozen
    # pretrained vectors it learns which of their directions matter for sentiment, and the LSTM reads fewer numbers
    embed_projection: int | None = None
    # read the words in pairs: a trained layer (a convolution of width 2 and stride 2) turns each two consecutive word
    # vectors into one, so the BiLSTM takes half as many steps: about half the cost of its sequential part
    word_pairs: bool = False

    def __post_init__(self) -> None:
        check_number("model.vocab_size", self.vocab_size, minimum=3, whole=True)  # <pad>, <unk> and one word
        for name in ("embed_dim", "hidden_dim", "num_layers"):
            check_number(f"model.{name}", getattr(self, name), minimum=1, whole=True)
        for name in ("dropout", "embed_dropout"):
            check_number(f"model.{name}", getattr(self, name), maximum=0.99)
        check_choice("model.pooling", self.pooling, POOLINGS)
        check_number("model.embed_projection", self.embed_projection, minimum=1, whole=True, optional=True)
        check_flag("model.word_pairs", self.word_pairs)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TrainConfig:
    """How ``train.fit`` trains: the optimizer (AdamW), the learning-rate schedule, when to stop, and the fine-tuning
    of a pretrained model (``lr_decay``, ``gradual_unfreezing``)."""
    epochs: int = 5
    lr: float = 1e-3
    weight_decay: float = 0.0
    schedule: str = "constant"  # or "onecycle": up for the first 20% of the steps, then down
    clip: float = 1.0  # the gradient's largest norm
    max_seconds: float | None = None  # stop (between batches) after this long
    patience: int | None = None  # stop after this many epochs without a better validation accuracy
    lr_decay: float = 1.0  # discriminative learning rates: each layer group down learns this many times slower
    gradual_unfreezing: bool = False  # epoch 1 trains the output layer only, each later epoch one group more
    amp: bool | None = None  # mixed precision: None lets the device decide (``device.autocast_dtype``)

    def __post_init__(self) -> None:
        check_number("epochs", self.epochs, minimum=1, whole=True)
        check_number("lr", self.lr)
        check_number("weight_decay", self.weight_decay)
        check_choice("schedule", self.schedule, SCHEDULES)
        check_number("clip", self.clip, above=True)
        check_number("max_train_seconds", self.max_seconds, optional=True)  # 0: one batch
        check_number("patience", self.patience, minimum=1, whole=True, optional=True)
        check_number("lr_decay", self.lr_decay, above=True)
        check_flag("gradual_unfreezing", self.gradual_unfreezing)
        if self.amp is not None:
            check_flag("amp", self.amp)


def names(settings_class) -> list[str]:
    return [f.name for f in fields(settings_class)]
