"""What pretraining caches have in common: a fingerprint of what a cache was built from, the reason a cache no longer
fits, and ``load_or_build``, the one way a cache is read or made.

A cache is used only if it was built from exactly these texts (and vocabulary) with exactly these settings; otherwise
the reason is printed and it is rebuilt, never reused silently.
"""
from __future__ import annotations

import hashlib
import pickle
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

Built = TypeVar("Built")
# what reading a damaged, truncated or foreign file raises: such a cache is rebuilt, with the reason. Anything else
# (a bug in the code that checks the cache) keeps its traceback instead of turning into a silent, long rebuild.
LOAD_ERRORS = (OSError, EOFError, RuntimeError, pickle.UnpicklingError, zipfile.BadZipFile, KeyError, ValueError)


class NotThisCache(ValueError):
    """The file is readable but is not a cache of the kind asked for."""


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
    if cached.get("n_texts") != wanted["n_texts"]:
        return f"other reviews ({cached.get('n_texts', '?'):,} texts, not these {wanted['n_texts']:,})"
    if cached.get("texts") != wanted["texts"]:
        return f"other reviews (as many, {wanted['n_texts']:,}, but not these texts)"
    if cached.get("vocab") != wanted.get("vocab"):
        return "another vocabulary"
    changed = [f"{key}={value!r} (now {wanted['settings'][key]!r})"
               for key, value in cached.get("settings", {}).items() if wanted["settings"].get(key) != value]
    return "other settings: " + (", ".join(changed) or "unknown")


def load_or_build(path: str | Path, wanted: dict, load: Callable[[Path], Built], build: Callable[[], Built],
                  save: Callable[[Path, Built], None], what: str) -> tuple[Built, bool]:
    """``load(path)`` when the cache there was built for ``wanted`` (its ``built_for``), else ``build()`` and
    ``save(path, built)``. Says which, and why a cache is not used. Returns the result and whether it came from the
    cache. ``what`` names the contents in messages ("word vectors", "language models")."""
    path = Path(path)
    if path.is_file():
        try:
            cached = load(path)
        except LOAD_ERRORS as error:
            reason = f"an unreadable file ({type(error).__name__}: {error})"
        else:
            reason = why_stale(cached.built_for, wanted)
        if reason is None:
            print(f"{what.capitalize()} from the cache {path} (built in {cached.info['seconds']:.0f} s from "
                  f"{cached.info['texts']:,} reviews).", file=sys.stderr)
            return cached, True
        print(f"The cache {path} holds {what} built from {reason}: building them again.", file=sys.stderr)
    built = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    save(path, built)
    return built, False
