"""Helpers for the IMDB sentiment BiLSTM course. Import modules explicitly, e.g.
``from sentiment_helpers import model``; each module has one job (see the README)."""

__version__ = "0.1.0"
