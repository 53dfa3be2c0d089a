"""The training loop: AdamW, BCE-with-logits, gradient clipping, a learning-rate schedule, validation each epoch, best
checkpoint kept.

``fit`` never loses work: on a stop button (KeyboardInterrupt), a NaN loss or a time limit it stops,
puts the best validated weights back into the model and returns the history so far with a note.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from . import finetune
from .device import autocast, autocast_dtype, pick_device, place_model
from .errors import TrainingError
from .evaluate import predict_logits, sigmoid
from .settings import TrainConfig


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@dataclass
class History:
    steps: list[dict] = field(default_factory=list)  # step, epoch, loss, accuracy, lr
    epochs: list[dict] = field(default_factory=list)  # epoch, train/val loss and accuracy, seconds

    def steps_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.steps)

    def epochs_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.epochs)


@dataclass
class TrainResult:
    history: History
    status: str  # "completed", "early stop", "interrupted", "diverged" or "time limit"
    message: str
    best_epoch: int | None
    best_val_accuracy: float | None
    best_state: dict | None
    seconds: float


def _optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    """AdamW over every parameter, or over layer groups with a learning rate each (``config.lr_decay``: lower rates
    for the pretrained layers further down; a one-cycle schedule then peaks at each group's own rate)."""
    if config.lr_decay == 1.0:
        return torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    groups = finetune.discriminative_groups(model, config.lr, config.lr_decay)
    return torch.optim.AdamW(groups, lr=config.lr, weight_decay=config.weight_decay)


def _scheduler(optimizer: torch.optim.Optimizer, config: TrainConfig, total_steps: int):
    if config.schedule == "constant":  # TrainConfig allows only these two
        return None
    peaks = [group["lr"] for group in optimizer.param_groups]
    return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=peaks, total_steps=max(total_steps, 1),
                                               pct_start=0.2)


def _unfreezing(model: nn.Module, config: TrainConfig) -> Callable[[int], None] | None:
    """Gradual unfreezing's epoch hook; groups already frozen when training starts (a frozen pretrained embedding)
    stay frozen throughout."""
    if not config.gradual_unfreezing:
        return None
    frozen = tuple(group for group in finetune.layer_groups(model)
                   if not any(p.requires_grad for p in group.parameters()))
    return finetune.gradual_unfreezing(model, frozen)


def validate(model: nn.Module, loader: DataLoader, device: torch.device, amp: bool | None) -> tuple[float, float]:
    logits, labels = predict_logits(model, loader, device, amp)
    loss = nn.functional.binary_cross_entropy_with_logits(torch.from_numpy(logits), torch.from_numpy(labels))
    return float(loss), float(((sigmoid(logits) >= 0.5) == labels).mean())


class _Stop(Exception):
    """Training ends early: ``status`` says how, ``message`` says so to the learner."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class _Loop:
    """One call of ``fit``: the optimizer and its schedule, the history, the best validated weights so far."""

    def __init__(self, model: nn.Module, config: TrainConfig, device: torch.device, steps_per_epoch: int):
        self.model, self.config, self.device = model, config, device
        self.dtype = autocast_dtype(device, config.amp)
        self.optimizer = _optimizer(model, config)
        self.scheduler = _scheduler(self.optimizer, config, config.epochs * steps_per_epoch)
        # float16 needs its gradients scaled up (else small ones underflow to zero); bfloat16 and float32 do not
        scaled = self.dtype == torch.float16
        self.scaler = torch.amp.GradScaler(device.type if scaled else "cpu", enabled=scaled)
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.history, self.step_count, self.start = History(), 0, time.perf_counter()
        self.best = {"epoch": None, "accuracy": -1.0, "state": None}

    def step(self, batch: dict, epoch: int) -> tuple[float, int]:
        """One optimizer step on ``batch``: its loss and how many of its reviews were right."""
        ids, lengths, labels = (batch[key].to(self.device) for key in ("ids", "lengths", "labels"))
        with autocast(self.device, self.dtype):
            logits = self.model(ids, lengths)  # [B]
        loss = self.loss_fn(logits.float(), labels)
        if not torch.isfinite(loss):
            raise _Stop("diverged", f"Training stopped at epoch {epoch}, step {self.step_count}: the loss became "
                                    f"{loss.item()}. Try a lower learning rate (e.g. half of it) or keep gradient "
                                    "clipping on.")
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.unscale_(self.optimizer)
        nn.utils.clip_grad_norm_(self.model.parameters(), self.config.clip)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        if self.scheduler:
            self.scheduler.step()
        self.step_count += 1
        correct = int(((logits.detach() > 0).float() == labels).sum())
        self.history.steps.append({"step": self.step_count, "epoch": epoch, "loss": loss.item(),
                                   "accuracy": correct / len(labels), "lr": self.optimizer.param_groups[0]["lr"]})
        return loss.item(), correct

    def epoch(self, epoch: int, loader: DataLoader, progress: bool) -> dict:
        """One pass over ``loader``: the reviews seen, their summed loss, how many were right, and how it ended."""
        totals = {"seen": 0, "loss_sum": 0.0, "correct": 0, "stop": None}
        # a bar updated by hand: tqdm(loader) would draw from the global RNG once more (it starts an extra
        # iterator), and then the dropout masks would differ from those of a plain loop with the same seed
        with tqdm(total=len(loader), desc=f"epoch {epoch}", leave=False, disable=not progress) as bar:
            for batch in loader:
                bar.update()
                try:
                    loss, correct = self.step(batch, epoch)
                except _Stop as stop:
                    totals["stop"] = stop
                    break
                n = len(batch["labels"])
                totals.update(seen=totals["seen"] + n, loss_sum=totals["loss_sum"] + loss * n,
                              correct=totals["correct"] + correct)
                bar.set_postfix(loss=f"{totals['loss_sum'] / totals['seen']:.4f}",
                                acc=f"{totals['correct'] / totals['seen']:.3f}")
                cap = self.config.max_seconds
                if cap is not None and time.perf_counter() - self.start > cap:
                    totals["stop"] = _Stop("time limit", f"Stopped after {cap:.0f} s of training (the profile's "
                                                         f"time budget), in epoch {epoch}.")
                    break
        return totals

    def validated(self, epoch: int, totals: dict, val_loader: DataLoader, seconds: float, on_best) -> dict:
        """Validation after an epoch: the epoch's record, the best weights kept (in memory, and by ``on_best``)."""
        val_loss, val_accuracy = validate(self.model, val_loader, self.device, self.config.amp)
        record = {"epoch": epoch, "train_loss": totals["loss_sum"] / totals["seen"],
                  "train_accuracy": totals["correct"] / totals["seen"], "val_loss": val_loss,
                  "val_accuracy": val_accuracy, "seconds": seconds, "reviews": totals["seen"]}
        self.history.epochs.append(record)
        if val_accuracy > self.best["accuracy"]:
            self.best = {"epoch": epoch, "accuracy": val_accuracy,
                         "state": {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}}
            if on_best:
                on_best(self.model, record)
        return record

    def early_stop(self, epoch: int) -> _Stop | None:
        patience, epochs = self.config.patience, self.config.epochs
        if patience is None or epoch - self.best["epoch"] < patience or epoch >= epochs:
            return None
        return _Stop("early stop", f"Stopped after epoch {epoch} of {epochs}: validation accuracy has not improved "
                                   f"for {patience} epochs (best {self.best['accuracy']:.4f}, epoch "
                                   f"{self.best['epoch']}).")


def fit(model: nn.Module, train_loader: DataLoader, val_loader: DataLoader, config: TrainConfig | None = None, *,
        device: torch.device | None = None, on_best: Callable[[nn.Module, dict], None] | None = None,
        progress: bool = True) -> TrainResult:
    """Train ``model`` as ``config`` says (default: ``TrainConfig()``) and keep the weights with the best validation
    accuracy (never test accuracy). ``on_best(model, record)`` runs each time validation accuracy improves, e.g. to
    save a checkpoint.

    ``config.patience``: stop once validation accuracy has not improved for this many epochs (None: run every epoch).
    The learning-rate schedule still spans ``config.epochs``: the epochs that run are those of a full run, and only a
    later epoch that might have done better is given up."""
    config = config or TrainConfig()
    loop = _Loop(model, config, place_model(model, device or pick_device()), len(train_loader))
    unfreeze, status, message = _unfreezing(model, config), "completed", ""
    epoch_bar = tqdm(range(1, config.epochs + 1), desc="epochs", disable=not progress)
    try:
        for epoch in epoch_bar:
            if hasattr(train_loader.batch_sampler, "set_epoch"):
                train_loader.batch_sampler.set_epoch(epoch - 1)  # a new, reproducible order each epoch
            if unfreeze:
                unfreeze(epoch)
            model.train()
            epoch_start = time.perf_counter()
            totals = loop.epoch(epoch, train_loader, progress)
            stop = totals["stop"]
            if totals["seen"]:
                record = loop.validated(epoch, totals, val_loader, time.perf_counter() - epoch_start, on_best)
                epoch_bar.set_postfix(val_acc=f"{record['val_accuracy']:.4f}")
                stop = stop or loop.early_stop(epoch)
            if stop:
                status, message = stop.status, stop.message
                break
    except KeyboardInterrupt:
        status = "interrupted"
        message = f"Interrupted after {loop.step_count} steps: kept the history so far and the best validated weights."
    except torch.OutOfMemoryError:
        raise TrainingError(f"The {loop.device.type.upper()} ran out of memory. Use a smaller batch size "
                            "(e.g. batch_size=32) or a smaller profile (--profile cpu or smoke).") from None
    finally:
        epoch_bar.close()
    return _result(model, loop, status, message)


def _result(model: nn.Module, loop: _Loop, status: str, message: str) -> TrainResult:
    """The best validated weights put back into ``model``, and how the run ended."""
    best = loop.best
    if best["state"] is not None:
        model.load_state_dict(best["state"])
    elif status != "completed":
        message += " No epoch was validated yet, so there is no best checkpoint."
    if message:  # how the run ended is part of its result (stdout), not a warning: a notebook's stored output keeps it
        print(message)
    return TrainResult(loop.history, status, message, best["epoch"], best["accuracy"] if best["epoch"] else None,
                       best["state"], time.perf_counter() - loop.start)
