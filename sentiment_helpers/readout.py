"""The BiLSTM's verdict as it reads, word by word: after each word, what would it say if the review ended there?

``running_logits`` feeds the model every prefix of a review (words 1..t, in one batch) and splits each prefix's logit
into what the output layer reads from the forward direction, what it reads from the backward direction, and its
bias: logit = forward + backward + bias. The output layer is linear, so the split is exact.

Where a review flips (its minimal edit, "good" -> "not good"), the two running logits side by side show where the
model changes its mind, or that it never does (``diagrams.running_logit``).
"""
from __future__ import annotations

import pandas as pd
import torch

from .model import SentimentLSTM
from .predict import SentimentPredictor
from .vocab import PAD_ID, UNK_ID


def direction_weights(model: SentimentLSTM) -> tuple[torch.Tensor, torch.Tensor]:
    """Masks over the output layer's inputs [F]: which come from the forward direction, which from the backward.

    The features are [forward H, backward H] ("last"), or [max: forward H, backward H, mean: forward H, backward H]
    ("maxmean")."""
    H = model.config.hidden_dim
    blocks = 2 if model.config.pooling == "maxmean" else 1
    forward = torch.tensor(([1.0] * H + [0.0] * H) * blocks)
    return forward, 1.0 - forward


def running_logits(predictor: SentimentPredictor, text: str) -> pd.DataFrame:
    """One row per word read (after the predictor's truncation): the word, the logit of the review up to and
    including it, and that logit's forward, backward and bias parts."""
    tokens, ids = predictor.read_tokens(text)
    ids = ids or [UNK_ID]
    model = predictor.model.eval()
    device, n = next(model.parameters()).device, len(ids)
    prefixes = torch.tensor([ids[:t] + [PAD_ID] * (n - t) for t in range(1, n + 1)], device=device)  # [n, n]
    lengths = torch.arange(1, n + 1, device=device)  # [n]: prefix t holds words 1..t
    with torch.no_grad():
        features = model.features(model.embedding(prefixes), lengths).float().cpu()  # [n, F]
    weight, bias = model.fc.weight[0].detach().cpu(), float(model.fc.bias.detach())  # [F], scalar
    forward_mask, backward_mask = direction_weights(model)
    forward = (features * weight * forward_mask).sum(1)  # [n]
    backward = (features * weight * backward_mask).sum(1)  # [n]
    return pd.DataFrame({"word": tokens or ["<unk>"], "logit": (forward + backward + bias).tolist(),
                         "forward": forward.tolist(), "backward": backward.tolist(), "bias": bias})
