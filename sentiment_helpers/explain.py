"""Why did the model decide? Two ways to score each word's part in a prediction.

**Occlusion**: remove one word at a time and watch the *logit* (the log-odds, log p/(1 - p)) move. A word's
attribution is logit(review) - logit(review without that word): positive values pushed the model towards
"positive", negative ones towards "negative". The logit, not the probability: once a model is 99.9% sure, removing
a decisive word may move the probability by 0.001 while the log-odds still move by several units. One batched
forward pass scores all the occluded copies at once.

**Integrated gradients** (Sundararajan et al., 2017): walk from a baseline (every embedding zero, the vector of
<pad>) to the review's embeddings in ``steps`` small steps, average the gradient of the logit along the way and
multiply by (embedding - baseline). The attributions add up to logit(review) - logit(baseline) (up to the error
of the approximation), which occlusion does not promise. Occlusion asks "what if this word were absent?",
integrated gradients "how much did this word's vector add, with every other word present?": they disagree on words
that only matter together ("not" + "bad") and when removing a word shifts the words after it.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import matplotlib.pyplot as plt
import torch
from IPython.display import HTML, display
from matplotlib.figure import Figure

from .predict import SentimentPredictor
from .vocab import UNK_ID

# The one colour scale of both renderings (the HTML and the figure): a word's background is green when its attribution
# is positive (it pushed the logit towards "positive"), red when negative, and more opaque the larger the push,
# relative to the largest push in the same review.
POSITIVE_RGB = (40, 167, 69)
NEGATIVE_RGB = (220, 53, 69)
MAX_ALPHA = 0.8


def shade(value: float, scale: float) -> tuple[float, float, float, float]:
    """The RGBA background (each channel in 0..1) of a word with attribution ``value`` in a review whose largest
    absolute attribution is ``scale``. The opacity is rounded to the two decimals the HTML writes, so that the
    figure and the HTML draw exactly the same colour."""
    red, green, blue = POSITIVE_RGB if value > 0 else NEGATIVE_RGB
    alpha = round(min(abs(value) / scale, 1.0) * MAX_ALPHA, 2) if scale > 0 else 0.0
    return red / 255, green / 255, blue / 255, alpha


def css_colour(rgba: tuple[float, float, float, float]) -> str:
    """``shade``'s colour as CSS: ``rgba(40,167,69,0.37)``."""
    red, green, blue, alpha = rgba
    return f"rgba({red * 255:.0f},{green * 255:.0f},{blue * 255:.0f},{alpha:.2f})"


@dataclass
class Explanation:
    tokens: list[str]  # the tokens the model read (after cleaning and truncation)
    attributions: list[float]  # one per token, in logit units
    p_positive: float  # the predictor's probability (calibrated when it has a temperature)
    logit: float = 0.0  # the model's raw logit for the review
    method: str = "occlusion"

    def top(self, n: int = 5) -> list[tuple[str, float]]:
        """The n tokens with the largest absolute effect."""
        order = sorted(range(len(self.tokens)), key=lambda i: -abs(self.attributions[i]))
        return [(self.tokens[i], self.attributions[i]) for i in order[:n]]

    def colours(self) -> list[tuple[float, float, float, float]]:
        """Each token's background (``shade``), scaled to this review's largest absolute attribution."""
        scale = max((abs(a) for a in self.attributions), default=0.0) or 1.0
        return [shade(value, scale) for value in self.attributions]

    def to_html(self) -> str:
        """The review with each word shaded: green pushed towards positive, red towards negative."""
        spans = [f'<span title="{value:+.3f}" style="background:{css_colour(colour)};padding:1px 2px;'
                 f'border-radius:3px">{html.escape(token)}</span>'
                 for token, value, colour in zip(self.tokens, self.attributions, self.colours(), strict=True)]
        return f'<div style="line-height:1.9">{" ".join(spans)}</div>'

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_figure(self, title: str | None = None, max_lines: int = 12) -> Figure:
        """The same shaded words as a matplotlib figure (a PNG in a stored notebook), wrapped into lines; a long
        review shows its first ``max_lines`` lines and says so in the title (``title``, or the method's name)."""
        from . import diagrams

        title = f"{title or self.method}: p(positive) = {self.p_positive:.3f}"
        legend = {"pushed towards positive": shade(1.0, 1.0), "pushed towards negative": shade(-1.0, 1.0),
                  "(paler: a smaller push)": (1.0, 1.0, 1.0, 0.0)}
        return diagrams.shaded_words(self.tokens, self.colours(), title=title, legend=legend, max_lines=max_lines)


def show(explanation: Explanation, title: str | None = None) -> None:
    """Display an explanation twice: as HTML (each word's value shows on hover) and then as a figure.

    Why two outputs: GitHub's notebook preview strips style attributes (pandas-dev/pandas#33076, jupyter/nbviewer#450),
    so there the HTML shows plain words, while the figure's PNG keeps its colours. One output carrying both text/html
    and image/png would not do: a frontend shows only one MIME type of an output, its richest, and both JupyterLab
    (text/html ranks 50, image/png 90) and nbconvert, nbviewer's renderer (text/html first in display_data_priority),
    pick the HTML; nothing suggests GitHub's preview differs. A live notebook therefore shows the words twice: the
    HTML with each word's value on hover, the figure for every viewer."""
    heading = f"<b>{html.escape(title)}</b>" if title else ""
    display(HTML(heading + explanation.to_html()))
    figure = explanation.to_figure(title)
    display(figure)
    plt.close(figure)


def occlusion(predictor: SentimentPredictor, text: str, batch_size: int = 128) -> Explanation:
    """Each word's attribution: the drop in the logit when that word is removed."""
    tokens, ids = predictor.read_tokens(text)
    if not tokens:
        return Explanation([], [], predictor.predict_sentiment(text).p_positive)
    full = predictor.logits([ids])[0]
    variants = [ids[:i] + ids[i + 1:] or [UNK_ID] for i in range(len(ids))]  # as encode_text reads an empty review
    logits = []
    for start in range(0, len(variants), batch_size):
        logits += predictor.logits(variants[start: start + batch_size])
    return Explanation(tokens, [full - z for z in logits], predictor.probabilities([ids])[0], full)


def integrated_gradients(predictor: SentimentPredictor, text: str, steps: int = 64) -> Explanation:
    """Integrated gradients of the logit with respect to each word's embedding, from an all-zero baseline."""
    tokens, ids = predictor.read_tokens(text)
    if not tokens:
        return Explanation([], [], predictor.predict_sentiment(text).p_positive, method="integrated gradients")
    model, device = predictor.model, predictor.device
    with torch.no_grad():
        embedded = model.embedding(torch.tensor([ids], device=device)).float()  # [1, T, E]
    # midpoints of `steps` equal intervals between the baseline (alpha = 0) and the review (alpha = 1)
    alphas = ((torch.arange(steps, device=device) + 0.5) / steps)[:, None, None]  # [S, 1, 1]
    path = (alphas * embedded).requires_grad_(True)  # [S, T, E]
    lengths = torch.full((steps,), len(ids), device=device)
    # cuDNN's LSTM has no backward pass in eval mode: use PyTorch's own kernels for this one call
    with torch.enable_grad(), torch.backends.cudnn.flags(enabled=False):
        logits = model.classify(path, lengths)  # [S]
        gradients, = torch.autograd.grad(logits.sum(), path)  # [S, T, E]
    attributions = (embedded[0] * gradients.mean(0)).sum(-1)  # [T]: (x - baseline) . average gradient
    full = predictor.logits([ids])[0]
    return Explanation(tokens, attributions.cpu().tolist(), predictor.probabilities([ids])[0], full,
                       "integrated gradients")


def baseline_logit(predictor: SentimentPredictor, n_tokens: int) -> float:
    """The logit of the all-zero baseline of ``n_tokens`` positions (what integrated gradients starts from)."""
    model, device = predictor.model, predictor.device
    with torch.no_grad():
        zeros = torch.zeros(1, n_tokens, model.embedding.embedding_dim, device=device)
        return float(model.classify(zeros, torch.tensor([n_tokens], device=device)))
