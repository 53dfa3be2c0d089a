"""What pretraining caches have in common: a fingerprint of what a cache was built from, the reason a cache no longer
fits, and where a profile's pretraining is kept.

A cache is used only if it was built from exactly these texts (and vocabulary) with exactly these settings; otherwise
the reason is printed and it is rebuilt, never reused silently.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from .checkpoint import default_artifacts_dir
from .profiles import Profile


def fingerprint(texts: Sequence[str]) -> str:
    """A sha256 over the texts in order: the same reviews give the same fingerprint, any change a different one."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def why_stale(cached: dict, wanted: dict) -> str | None:
    """None when a cache was built for what is wanted now; else what differs, in words."""
    if cached == wanted:
        return None
    if cached.get("n_texts") != wanted["n_texts"] or cached.get("texts") != wanted["texts"]:
        return f"other reviews ({cached.get('n_texts', '?'):,} texts, not these {wanted['n_texts']:,})"
    if cached.get("vocab") != wanted.get("vocab"):
        return "another vocabulary"
    changed = [f"{key}={value!r} (now {wanted['settings'][key]!r})"
               for key, value in cached.get("settings", {}).items() if wanted["settings"].get(key) != value]
    return "other settings: " + (", ".join(changed) or "unknown")


def pretrained_cache_path(profile: Profile) -> Path:
    """Where the profile's pretraining is cached, under the artifacts folder: one file per method and size."""
    m = profile.model
    word2vec = f"word2vec-{'sg-' if profile.pretrain_skip_gram else ''}{m.embed_dim}d.pt"
    name = word2vec if profile.pretrain == "word2vec" else f"lm-{m.embed_dim}x{m.hidden_dim}.pt"
    return default_artifacts_dir() / "pretrained" / name
