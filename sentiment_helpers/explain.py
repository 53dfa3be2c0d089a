"""Why did the model decide? Occlusion: remove one word at a time and watch the probability move.

A word's attribution is p(positive | review) - p(positive | review without that word): positive
values pushed the model towards "positive", negative ones towards "negative". One batched forward
pass scores all the occluded copies at once.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import torch

from .predict import SentimentPredictor, check_text
from .text import tokenize
from .vocab import UNK_ID


@dataclass
class Explanation:
    tokens: list[str]  # the tokens the model read (after cleaning and truncation)
    attributions: list[float]  # one per token
    p_positive: float

    def top(self, n: int = 5) -> list[tuple[str, float]]:
        """The n tokens with the largest absolute effect."""
        order = sorted(range(len(self.tokens)), key=lambda i: -abs(self.attributions[i]))
        return [(self.tokens[i], self.attributions[i]) for i in order[:n]]

    def to_html(self) -> str:
        """The review with each word shaded: green pushed towards positive, red towards negative."""
        scale = max((abs(a) for a in self.attributions), default=0.0) or 1.0
        spans = []
        for token, value in zip(self.tokens, self.attributions):
            alpha = min(abs(value) / scale, 1.0) * 0.8
            colour = f"rgba(40,167,69,{alpha:.2f})" if value > 0 else f"rgba(220,53,69,{alpha:.2f})"
            spans.append(f'<span title="{value:+.3f}" style="background:{colour};padding:1px 2px;'
                         f'border-radius:3px">{html.escape(token)}</span>')
        return f'<div style="line-height:1.9">{" ".join(spans)}</div>'

    def _repr_html_(self) -> str:
        return self.to_html()


def _read_tokens(predictor: SentimentPredictor, text: str) -> tuple[list[str], list[int]]:
    """Tokens and ids exactly as the predictor reads them (same truncation)."""
    from .batching import truncate

    tokens = tokenize(check_text(text))
    positions = truncate(list(range(len(tokens))), predictor.max_len, predictor.truncation)
    kept = [tokens[i] for i in positions]
    return kept, predictor.vocab.encode(kept)


@torch.inference_mode()
def occlusion(predictor: SentimentPredictor, text: str, batch_size: int = 128) -> Explanation:
    tokens, ids = _read_tokens(predictor, text)
    if not tokens:
        p = predictor.predict_sentiment(text).p_positive
        return Explanation([], [], p)
    full = predictor.probabilities([ids])[0]
    variants = [ids[:i] + ids[i + 1:] or [UNK_ID] for i in range(len(ids))]  # as encode_text reads an empty review
    probabilities = []
    for start in range(0, len(variants), batch_size):
        probabilities += predictor.probabilities(variants[start: start + batch_size])
    return Explanation(tokens, [full - p for p in probabilities], full)
