"""The bidirectional LSTM classifier.

Reference design: Embedding(10002, 128, pad 0) -> 2-layer BiLSTM (hidden 256, dropout 0.5)
-> Dropout(0.5) -> Linear(512, 1): 3,648,257 parameters.

Each layer holds one LSTM per direction. The backward LSTM reads every review reversed
*within its own length*, so the pads stay at the end for both directions: no state ever comes
from padding, a review's logit does not depend on what it is batched with, and no
``pack_padded_sequence`` is needed (PyTorch's packed LSTM training is much slower on CPUs). The parameter
count is the same as ``nn.LSTM(..., bidirectional=True)``: 4*h*(in + h) + 8*h per direction.
"""
from __future__ import annotations

import pandas as pd
import torch
from torch import nn

from .settings import ModelConfig
from .vocab import PAD_ID


def reverse_within_length(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each sequence's first ``length`` steps and leave its padding where it is.

    x: [B, T, D], lengths: [B] -> [B, T, D]. Applying it twice gives x back.
    """
    B, T, D = x.shape
    steps = torch.arange(T, device=x.device)  # [T]
    lengths = lengths.to(x.device)[:, None]  # [B, 1]
    index = torch.where(steps < lengths, lengths - 1 - steps, steps)  # [B, T]: where each step's row comes from
    rows = (index + torch.arange(B, device=x.device)[:, None] * T).reshape(-1)  # [B*T], into x seen as [B*T, D]
    return _Reorder.apply(x, rows)


class _Reorder(torch.autograd.Function):
    """Rows of ``x.reshape(-1, D)`` in the order ``rows`` gives: whole rows are copied (index_select), which is several
    times faster on a CPU than ``gather`` with an index the size of x. A reversal is its own inverse, so the gradient
    goes back through the same reordering (instead of a slower scatter-add)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(rows)
        return x.reshape(-1, x.size(-1)).index_select(0, rows).view(x.shape)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (rows,) = ctx.saved_tensors
        return grad.reshape(-1, grad.size(-1)).index_select(0, rows).view(grad.shape), None


class BiLSTMLayer(nn.Module):
    """One bidirectional layer: a forward LSTM and a backward LSTM that reads each review reversed."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.forward_lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.backward_lstm = nn.LSTM(input_size, hidden_size, batch_first=True)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """x: [B, T, D] -> [B, T, 2H]; at step t, forward half has read tokens 0..t, backward half t..length-1."""
        forward_out, _ = self.forward_lstm(x)  # [B, T, H]
        backward_out, _ = self.backward_lstm(reverse_within_length(x, lengths))  # [B, T, H], time reversed
        return torch.cat([forward_out, reverse_within_length(backward_out, lengths)], dim=-1)


class SentimentLSTM(nn.Module):
    def __init__(self, config: ModelConfig | None = None, **overrides):
        super().__init__()
        config = config or ModelConfig()
        if overrides:
            config = ModelConfig(**{**config.to_dict(), **overrides})
        self.config = config
        c = config
        self.embedding = nn.Embedding(c.vocab_size, c.embed_dim, padding_idx=PAD_ID)
        self.embed_dropout = nn.Dropout(c.embed_dropout)
        self.projection = nn.Linear(c.embed_dim, c.embed_projection) if c.embed_projection else nn.Identity()
        lstm_input = c.embed_projection or c.embed_dim
        self.pairs = nn.Conv1d(lstm_input, lstm_input, kernel_size=2, stride=2) if c.word_pairs else None
        self.lstm = nn.ModuleList(
            BiLSTMLayer(lstm_input if i == 0 else 2 * c.hidden_dim, c.hidden_dim) for i in range(c.num_layers)
        )
        self.between_layers = nn.Dropout(c.dropout)  # what nn.LSTM's `dropout=` does between layers
        self.dropout = nn.Dropout(c.dropout)
        features = 2 * c.hidden_dim * (2 if c.pooling == "maxmean" else 1)
        self.fc = nn.Linear(features, 1)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """ids: [B, T] token ids padded with 0 at the end, lengths: [B] -> logits [B].

        A logit is the score before the sigmoid: p(positive) = sigmoid(logit), so > 0 means "positive"."""
        return self.classify(self.embedding(ids), lengths)

    def classify(self, embedded: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Embedded reviews [B, T, E] -> logits [B]: everything after the embedding lookup (integrated gradients
        starts here, since it needs to move smoothly between embeddings)."""
        return self.fc(self.dropout(self.features(embedded, lengths))).squeeze(-1)  # [B]

    def features(self, embedded: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Embedded reviews [B, T, E] -> what the output layer reads [B, 2H] or [B, 4H] (``pool``)."""
        lengths = lengths.clamp(min=1)
        x = self.projection(self.embed_dropout(embedded))  # [B, T, E] (or [B, T, P] with a projection)
        if self.pairs is not None:
            x, lengths = self.read_in_pairs(x, lengths)  # [B, ceil(T/2), E]
        for i, layer in enumerate(self.lstm):
            if i > 0:
                x = self.between_layers(x)
            x = layer(x, lengths)  # [B, T, 2H]
        return self.pool(x, lengths)

    def read_in_pairs(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """[B, T, E] -> [B, ceil(T/2), E]: words 2i and 2i+1 become one vector. A review of odd length pairs its last
        word with padding, whose embedding row is all zeros, so a pair never depends on the rest of the batch."""
        if x.size(1) % 2:
            x = nn.functional.pad(x, (0, 0, 0, 1))  # one more padding step at the end
        return self.pairs(x.transpose(1, 2)).transpose(1, 2), (lengths + 1) // 2

    def pool(self, outputs: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Top-layer outputs [B, T, 2H] -> review features [B, 2H] ("last") or [B, 4H] ("maxmean")."""
        H = self.config.hidden_dim
        rows = torch.arange(outputs.size(0), device=outputs.device)
        last = lengths.to(outputs.device) - 1
        if self.config.pooling == "last":
            # forward direction: state after the last real token; backward: after reading back to token 0
            return torch.cat([outputs[rows, last, :H], outputs[:, 0, H:]], dim=-1)
        real = (torch.arange(outputs.size(1), device=outputs.device) < lengths.to(outputs.device)[:, None])[..., None]
        mean = (outputs * real).sum(1) / real.sum(1)
        maximum = outputs.masked_fill(~real, float("-inf")).amax(1)
        return torch.cat([maximum, mean], dim=-1)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def lstm_direction_parameters(input_size: int, hidden_size: int) -> int:
    """Four gates, each with input weights, recurrent weights and two bias vectors."""
    return 4 * hidden_size * (input_size + hidden_size) + 8 * hidden_size


def parameter_table(model: SentimentLSTM) -> pd.DataFrame:
    """Per-layer parameters, by formula and as PyTorch counts them."""
    c = model.config
    rows = [("embedding", f"{c.vocab_size} x {c.embed_dim}", c.vocab_size * c.embed_dim,
             count_parameters(model.embedding))]
    if c.embed_projection:
        rows.append(("projection", f"{c.embed_dim} x {c.embed_projection} + {c.embed_projection}",
                     (c.embed_dim + 1) * c.embed_projection, count_parameters(model.projection)))
    if c.word_pairs:
        width = c.embed_projection or c.embed_dim
        rows.append(("word pairs", f"2*{width} x {width} + {width}", (2 * width + 1) * width,
                     count_parameters(model.pairs)))
    for i, layer in enumerate(model.lstm):
        input_size = (c.embed_projection or c.embed_dim) if i == 0 else 2 * c.hidden_dim
        for direction, lstm in (("forward", layer.forward_lstm), ("backward", layer.backward_lstm)):
            rows.append((f"lstm layer {i} {direction}",
                         f"4*{c.hidden_dim}*({input_size}+{c.hidden_dim}) + 8*{c.hidden_dim}",
                         lstm_direction_parameters(input_size, c.hidden_dim), count_parameters(lstm)))
    rows.append(("fc", f"{model.fc.in_features} x 1 + 1", model.fc.in_features + 1, count_parameters(model.fc)))
    table = pd.DataFrame(rows, columns=["layer", "formula", "by_formula", "by_pytorch"])
    total = pd.DataFrame([("total", "", table.by_formula.sum(), count_parameters(model))], columns=table.columns)
    return pd.concat([table, total], ignore_index=True)
