"""Named run sizes, so one code path serves CI (seconds), a CPU laptop (minutes) and a GPU (the real thing).

Pick one with ``get_profile("cpu")``; with no name, ``SENTIMENT_PROFILE`` decides, else ``full`` when
a GPU is present and ``cpu`` otherwise.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace

from .errors import SettingsError
from .settings import TRUNCATIONS, ModelConfig, TrainConfig, check_choice, check_flag, check_number, names

PRETRAINING = ("none", "word2vec", "lm")
VOCAB_SOURCES = ("train", "train+unlabeled")
CAD_ORIGINALS = ("keep", "leave-out")
CAD_ADDED = ("none", "pairs", "originals")


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    n_train: int | None  # reviews kept for training (after the validation split); None = all
    n_val: int | None
    n_test: int | None
    model: ModelConfig
    max_vocab: int = 10_000
    min_freq: int = 5
    max_len: int = 256
    truncation: str = "head"  # "head": first max_len tokens; "head+tail": the start and the end
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 0.0
    epochs: int = 5
    schedule: str = "constant"  # or "onecycle"
    clip: float = 1.0
    max_train_seconds: float | None = None  # stop training (between batches) after this long
    patience: int | None = None  # stop after this many epochs without a better validation accuracy
    # pretraining on the train + unlabeled reviews (never test): "word2vec" starts the embedding from word vectors;
    # "lm" starts the embedding and the first BiLSTM layer from a forward and a backward language model
    pretrain: str = "none"
    pretrain_epochs: int = 5  # word2vec passes, or language-model epochs, over those reviews
    # word2vec only: skip-gram (predict the context from a word; slower) instead of CBOW
    pretrain_skip_gram: bool = False
    pretrain_max_seconds: float | None = None  # language models only: a time cap per direction
    n_unlabeled: int | None = None  # unlabeled reviews pretraining reads; None = all
    freeze_embedding: bool = False  # keep the pretrained vectors fixed while the classifier trains
    lr_decay: float = 1.0  # discriminative learning rates: each layer group down learns this many times slower
    gradual_unfreezing: bool = False  # epoch 1 trains the output layer only, each later epoch one group more
    # where the vocabulary's words come from: the training reviews, or (a pretraining profile) the training + unlabeled
    # reviews, so that words no labeled review uses still get their pretrained vector (never the test reviews)
    vocab_source: str = "train"
    # counterfactual pairs (lesson 08, ``counterfactual.py``): "leave-out" drops from training every IMDB review that is
    # the original of a pair (all are IMDB training reviews), so that a model can be scored on the pairs honestly
    cad_originals: str = "keep"
    # what the pairs' training split adds: "pairs" (each original and its edit) or, as the control, "originals" (each
    # original twice: as many reviews, none edited); cad_repeats times
    cad_added: str = "none"
    cad_repeats: int = 1

    def __post_init__(self) -> None:
        """Every setting checked now, so that a typo fails before any data is read."""
        if not isinstance(self.model, ModelConfig):
            raise SettingsError(f"model must be a ModelConfig, not {type(self.model).__name__}")
        for name in ("n_train", "n_val", "n_test", "n_unlabeled"):
            check_number(name, getattr(self, name), minimum=2, whole=True, optional=True)  # both labels
        check_number("max_vocab", self.max_vocab, minimum=1, whole=True, optional=True)  # None: every word
        for name in ("min_freq", "max_len", "batch_size", "pretrain_epochs"):
            check_number(name, getattr(self, name), minimum=1, whole=True)
        check_choice("truncation", self.truncation, TRUNCATIONS)
        check_choice("pretrain", self.pretrain, PRETRAINING)
        check_choice("vocab_source", self.vocab_source, VOCAB_SOURCES)
        check_choice("cad_originals", self.cad_originals, CAD_ORIGINALS)
        check_choice("cad_added", self.cad_added, CAD_ADDED)
        check_number("cad_repeats", self.cad_repeats, minimum=1, whole=True)
        check_number("pretrain_max_seconds", self.pretrain_max_seconds, above=True, optional=True)
        for name in ("pretrain_skip_gram", "freeze_embedding"):
            check_flag(name, getattr(self, name))
        self.train_config()  # the training recipe's own checks
        if self.vocab_source == "train+unlabeled" and self.pretrain == "none":
            raise SettingsError("vocab_source=train+unlabeled needs a pretraining profile (pretrain=word2vec or lm): "
                                "without pretraining, words no labeled review uses would keep random vectors")

    def train_config(self) -> TrainConfig:
        """The profile's training recipe, as ``train.fit`` takes it: the one place a profile becomes fit's settings."""
        return TrainConfig(epochs=self.epochs, lr=self.lr, weight_decay=self.weight_decay, schedule=self.schedule,
                           clip=self.clip, max_seconds=self.max_train_seconds, patience=self.patience,
                           lr_decay=self.lr_decay, gradual_unfreezing=self.gradual_unfreezing)

    def with_changes(self, **changes) -> Profile:
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)


PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        "smoke", "A first try: a small model on 2,000 reviews, done in seconds. Its accuracy means little.",
        n_train=2000, n_val=200, n_test=400,
        model=ModelConfig(embed_dim=32, hidden_dim=32, num_layers=1, dropout=0.2, pooling="maxmean"),
        max_vocab=5_000, min_freq=2, max_len=128, batch_size=32, epochs=3, lr=5e-3,
        pretrain_max_seconds=5.0,  # lesson 07's language models: 5 s per direction, not 15-25 s
    ),
    "cpu": Profile(
        "cpu", "Workshop laptop: all training reviews; a 256-number embedding projected to 64 numbers, read by a "
        "one-layer BiLSTM (hidden 96); 3 epochs in about 4 minutes on a slow 2-core CPU, capped at 5. Chosen on a "
        "by-movie validation split.",
        n_train=None, n_val=None, n_test=None,
        model=ModelConfig(embed_dim=256, hidden_dim=96, num_layers=1, dropout=0.3, pooling="maxmean",
                          embed_projection=64),
        max_len=256, truncation="head+tail", batch_size=64, epochs=3, lr=3e-3, schedule="onecycle",
        max_train_seconds=300.0,
    ),
    "full": Profile(
        "full", "The course recipe on a GPU: the reference BiLSTM with max+mean pooling, head+tail truncation to "
        "400 tokens, a 25,000-word vocabulary, embedding dropout, weight decay, a one-cycle schedule over up to 8 "
        "epochs and early stopping on validation.",
        n_train=None, n_val=None, n_test=None,
        model=ModelConfig(pooling="maxmean", embed_dropout=0.2),
        max_vocab=25_000, min_freq=2, max_len=400, truncation="head+tail", epochs=8, lr=2e-3, weight_decay=1e-2,
        schedule="onecycle", patience=2,
    ),
    "cpu-pretrained": Profile(
        "cpu-pretrained", "Workshop laptop, lesson 07: 256-number word2vec vectors of the training + unlabeled reviews "
        "(built once, about 2.5 minutes on 2 cores, then cached) in a frozen embedding, projected to 64 numbers by a "
        "trained layer, read by a one-layer BiLSTM (hidden 64); a 25,000-word vocabulary, 400 tokens, 3 epochs (about "
        "3.5 minutes of training, capped at 5). Chosen on a by-movie validation split "
        "(benchmarks/profile_choice.py).",
        n_train=None, n_val=None, n_test=None,
        model=ModelConfig(embed_dim=256, hidden_dim=64, num_layers=1, dropout=0.3, pooling="maxmean",
                          embed_projection=64),
        max_vocab=25_000, min_freq=2, max_len=400, truncation="head+tail", batch_size=64, epochs=3, lr=3e-3,
        schedule="onecycle", max_train_seconds=300.0, pretrain="word2vec", freeze_embedding=True,
    ),
    "full-pretrained": Profile(
        "full-pretrained", "The full recipe on a GPU, started from word2vec vectors of the train + unlabeled reviews.",
        n_train=None, n_val=None, n_test=None,
        model=ModelConfig(pooling="maxmean", embed_dropout=0.2),
        max_vocab=25_000, min_freq=2, max_len=400, truncation="head+tail", epochs=8, lr=2e-3, weight_decay=1e-2,
        schedule="onecycle", patience=2, pretrain="word2vec",
    ),
    "reference": Profile(
        "reference", "The original design: final states, first 256 tokens, Adam 1e-3, batch 64, 5 epochs.",
        n_train=None, n_val=None, n_test=None, model=ModelConfig(),
    ),
}


# what a pretraining profile changes, undone: nothing pretrained, nothing frozen, a vocabulary from the training reviews
RANDOM_INIT = {"pretrain": "none", "freeze_embedding": False, "vocab_source": "train"}


def without_pretraining(profile: Profile) -> Profile:
    """The same model and recipe from a random init: the twin a pretraining profile is measured against."""
    return profile.with_changes(**RANDOM_INIT)


def without_pretraining_settings(profile: Profile) -> list[str]:
    """The ``--set`` options that turn ``profile`` into ``without_pretraining(profile)`` (only those that change it)."""
    return [f"{key}={str(value).lower() if isinstance(value, bool) else value}" for key, value in RANDOM_INIT.items()
            if getattr(profile, key) != value]


def default_profile_name() -> str:
    if os.environ.get("SENTIMENT_PROFILE"):
        return os.environ["SENTIMENT_PROFILE"]
    import torch  # here, not at the top: `--help` and `--version` read the profiles without loading torch

    return "full" if torch.cuda.is_available() else "cpu"


def get_profile(name: str | None = None) -> Profile:
    name = name or default_profile_name()
    if name not in PROFILES:
        raise SettingsError(f"unknown profile {name!r}: choose one of {', '.join(PROFILES)}")
    return PROFILES[name]


def _parse_value(key: str, text: str, current):
    """``text`` as the type of the setting's current value; "none" for no value (e.g. no time cap)."""
    text = text.strip()
    if isinstance(current, str):  # a choice such as pretrain=none or schedule=constant: the word itself
        return text
    if text.lower() in ("none", "null"):
        return None
    try:
        if isinstance(current, bool):
            return {"true": True, "false": False}[text.lower()]
        if isinstance(current, int):
            return int(text.replace("_", ""))
        if isinstance(current, float):
            return float(text)
        if current is None:  # an optional count or cap: n_train, max_train_seconds, ...
            try:
                return int(text.replace("_", ""))
            except ValueError:
                return float(text)
    except (KeyError, ValueError):
        expected = "a number or none" if current is None else f"a value like {current!r}"
        raise SettingsError(f"--set {key}={text}: expected {expected}") from None
    return text


def apply_settings(profile: Profile, settings: list[str]) -> Profile:
    """Override single settings from the command line:
    ``["lr=2e-3", "model.hidden_dim=256", "max_train_seconds=none"]``."""
    changes, model_changes = {}, {}
    for setting in settings:
        key, sep, text = setting.partition("=")
        key = key.strip()
        if not sep or not key:
            raise SettingsError(f"--set expects KEY=VALUE (e.g. lr=2e-3 or model.hidden_dim=256), not {setting!r}")
        if key.startswith("model."):
            target, name, out = profile.model, key[len("model."):], model_changes
            allowed = [setting for setting in names(ModelConfig) if setting != "vocab_size"]
        else:
            target, name, out = profile, key, changes
            allowed = [setting for setting in names(Profile) if setting not in ("name", "description", "model")]
        if name not in allowed:
            prefix = "model." if target is profile.model else ""
            raise SettingsError(f"--set {key}: unknown setting; choose from " + ", ".join(prefix + a for a in allowed)
                                + ("" if prefix else ", model.<name>"))
        out[name] = _parse_value(key, text, getattr(target, name))
    if model_changes:
        changes["model"] = replace(profile.model, **model_changes)
    return profile.with_changes(**changes) if changes else profile
