"""Fine-tuning a pretrained classifier with care (ULMFiT, Howard & Ruder 2018), so the pretraining survives it.

- Discriminative learning rates: the layers nearest the output learn fastest; each layer further down learns
  ``lr_decay`` times slower (ULMFiT: 2.6), because lower layers hold the general knowledge pretraining gave them.
- Gradual unfreezing: in the first epoch only the top layer group trains; each later epoch unfreezes the next group
  down. The random, newly added head first learns to use the pretrained features before its large early gradients
  can reach (and wreck) them.

Layer groups, top to bottom: the output layer, the LSTM layers (last first), the projection (if any), the embedding.
"""
from __future__ import annotations

from collections.abc import Callable

from torch import nn

from .model import SentimentLSTM


def layer_groups(model: SentimentLSTM) -> list[nn.Module]:
    """The classifier's layers from the output down to the embedding."""
    projection = [model.projection] if model.config.embed_projection else []
    return [model.fc, *reversed(model.lstm), *projection, model.embedding]


def discriminative_groups(model: SentimentLSTM, lr: float, lr_decay: float = 2.6) -> list[dict]:
    """Optimizer groups: the output layer at ``lr``, each group below at ``lr_decay`` times less than the one above."""
    return [{"params": list(group.parameters()), "lr": lr / lr_decay ** depth}
            for depth, group in enumerate(layer_groups(model))]


def gradual_unfreezing(model: SentimentLSTM, keep_frozen: tuple[nn.Module, ...] = ()) -> Callable[[int], None]:
    """An ``on_epoch_start`` for ``train.fit``: epoch 1 trains the output layer only, epoch k the top k groups.
    Modules in ``keep_frozen`` (e.g. a frozen embedding) stay frozen throughout."""
    groups = layer_groups(model)

    def start_epoch(epoch: int) -> None:
        for depth, group in enumerate(groups):
            trainable = depth < epoch and not any(group is frozen for frozen in keep_frozen)
            group.requires_grad_(trainable)
    return start_epoch
