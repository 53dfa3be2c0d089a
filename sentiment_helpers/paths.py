"""Where the course keeps what it makes: the artifacts folder, the trained model's checkpoint in it, and the
pretraining caches. No torch here: the room check and the command line ask for these paths cheaply."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .profiles import Profile

CHECKPOINT_NAME = "sentiment_lstm.pt"


def default_artifacts_dir() -> Path:
    """``$SENTIMENT_ARTIFACTS``, else ``artifacts/`` at the course's root (found from here upwards),
    else ./artifacts."""
    if os.environ.get("SENTIMENT_ARTIFACTS"):
        return Path(os.environ["SENTIMENT_ARTIFACTS"])
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "sentiment_helpers").is_dir() and (folder / "pyproject.toml").is_file():
            return folder / "artifacts"
    return here / "artifacts"


def default_checkpoint_path() -> Path:
    """The trained model that lesson 04 (or ``train``) writes, and lessons 05 and 06 read."""
    return default_artifacts_dir() / CHECKPOINT_NAME


def pretrained_cache_path(profile: Profile) -> Path:
    """Where the profile's pretraining is cached, under the artifacts folder: one file per method and size."""
    m = profile.model
    word2vec = f"word2vec-{'sg-' if profile.pretrain_skip_gram else ''}{m.embed_dim}d.pt"
    name = word2vec if profile.pretrain == "word2vec" else f"lm-{m.embed_dim}x{m.hidden_dim}.pt"
    return default_artifacts_dir() / "pretrained" / name
