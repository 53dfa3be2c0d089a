"""Cleaning and tokenization of the original design.

lowercase -> HTML tags removed -> punctuation and special characters removed -> whitespace
collapsed -> split on whitespace. Apostrophes are dropped rather than turned into spaces, so
"don't" stays one token ("dont"): negation words matter for sentiment.
"""
from __future__ import annotations

import re

_HTML_TAG = re.compile(r"<[^>]*>")
_APOSTROPHE = re.compile(r"['\u2019`]")
# \w is Unicode-aware: letters and digits of any script survive, everything else goes.
_NOT_WORD = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Return the review lowercased, without HTML tags or punctuation, single-spaced."""
    text = text.lower()
    text = _HTML_TAG.sub(" ", text)
    text = _APOSTROPHE.sub("", text)
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def tokenize(text: str) -> list[str]:
    """Split a review into the course's tokens: ``tokenize("Great<br />film!") == ["great", "film"]``."""
    return clean(text).split()
