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

from .device import autocast, autocast_dtype, pick_device, place_model
from .errors import SettingsError, TrainingError
from .evaluate import predict_logits, sigmoid


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


def _scheduler(optimizer, schedule: str, lr: float | list[float], total_steps: int):
    if schedule == "constant":
        return None
    if schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=max(total_steps, 1), pct_start=0.2)
    raise SettingsError(f"schedule must be 'constant' or 'onecycle', not {schedule!r}")


def validate(model: nn.Module, loader: DataLoader, device: torch.device, amp: bool | None) -> tuple[float, float]:
    logits, labels = predict_logits(model, loader, device, amp)
    loss = nn.functional.binary_cross_entropy_with_logits(torch.from_numpy(logits), torch.from_numpy(labels))
    return float(loss), float(((sigmoid(logits) >= 0.5) == labels).mean())


def fit(model: nn.Module, train_loader: DataLoader, val_loader: DataLoader, *, epochs: int = 5, lr: float = 1e-3,
        weight_decay: float = 0.0, schedule: str = "constant", clip: float = 1.0, device: torch.device | None = None,
        amp: bool | None = None, max_seconds: float | None = None, patience: int | None = None,
        on_best: Callable[[nn.Module, dict], None] | None = None, progress: bool = True,
        param_groups: list[dict] | None = None, on_epoch_start: Callable[[int], None] | None = None) -> TrainResult:
    """Train ``model`` and keep the weights with the best validation accuracy (never test accuracy).

    ``patience``: stop once validation accuracy has not improved for this many epochs (None: run every epoch).
    The learning-rate schedule still spans ``epochs``: the epochs that run are those of a full run, and only a
    later epoch that might have done better is given up.

    ``param_groups``: optimizer groups with a learning rate each (``{"params": ..., "lr": ...}``; the schedule peaks at
    each group's own rate), e.g. lower rates for pretrained layers. ``on_epoch_start(epoch)`` runs before each epoch,
    e.g. to unfreeze a layer (a parameter with ``requires_grad=False`` gets no gradient, so AdamW leaves it alone)."""
    device = place_model(model, device or pick_device())
    dtype = autocast_dtype(device, amp)
    optimizer = torch.optim.AdamW(param_groups or model.parameters(), lr=lr, weight_decay=weight_decay)
    peak = [group["lr"] for group in optimizer.param_groups] if param_groups else lr
    scheduler = _scheduler(optimizer, schedule, peak, epochs * len(train_loader))
    scaler = torch.amp.GradScaler("cuda", enabled=dtype == torch.float16)
    loss_fn = nn.BCEWithLogitsLoss()
    history, best = History(), {"epoch": None, "accuracy": -1.0, "state": None}
    status, message, step, start = "completed", "", 0, time.perf_counter()

    epoch_bar = tqdm(range(1, epochs + 1), desc="epochs", disable=not progress)
    try:
        for epoch in epoch_bar:
            if hasattr(train_loader.batch_sampler, "set_epoch"):
                train_loader.batch_sampler.set_epoch(epoch - 1)  # a new, reproducible order each epoch
            if on_epoch_start:
                on_epoch_start(epoch)
            model.train()
            epoch_start, seen, loss_sum, correct = time.perf_counter(), 0, 0.0, 0
            # a bar updated by hand: tqdm(train_loader) would draw from the global RNG once more (it starts an extra
            # iterator), and then the dropout masks would differ from those of a plain loop with the same seed
            batch_bar = tqdm(total=len(train_loader), desc=f"epoch {epoch}", leave=False, disable=not progress)
            for batch in train_loader:
                batch_bar.update()
                ids, lengths = batch["ids"].to(device), batch["lengths"].to(device)
                labels = batch["labels"].to(device)
                with autocast(device, dtype):
                    logits = model(ids, lengths)  # [B]
                loss = loss_fn(logits.float(), labels)
                if not torch.isfinite(loss):
                    status = "diverged"
                    message = (f"Training stopped at epoch {epoch}, step {step}: the loss became {loss.item()}. "
                               "Try a lower learning rate (e.g. half of it) or keep gradient clipping on.")
                    break
                optimizer.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                scaler.unscale_(optimizer)
                nn.utils.clip_grad_norm_(model.parameters(), clip)
                scaler.step(optimizer)
                scaler.update()
                if scheduler:
                    scheduler.step()
                step += 1
                batch_correct = int(((logits.detach() > 0).float() == labels).sum())
                seen, loss_sum, correct = (seen + len(labels), loss_sum + loss.item() * len(labels),
                                           correct + batch_correct)
                history.steps.append({"step": step, "epoch": epoch, "loss": loss.item(),
                                      "accuracy": batch_correct / len(labels), "lr": optimizer.param_groups[0]["lr"]})
                batch_bar.set_postfix(loss=f"{loss_sum / seen:.4f}", acc=f"{correct / seen:.3f}")
                if max_seconds is not None and time.perf_counter() - start > max_seconds:
                    status = "time limit"
                    message = (f"Stopped after {max_seconds:.0f} s of training (the profile's time budget), "
                               f"in epoch {epoch}.")
                    break
            batch_bar.close()
            if seen:
                val_loss, val_accuracy = validate(model, val_loader, device, amp)
                record = {"epoch": epoch, "train_loss": loss_sum / seen, "train_accuracy": correct / seen,
                          "val_loss": val_loss, "val_accuracy": val_accuracy,
                          "seconds": time.perf_counter() - epoch_start, "reviews": seen}
                history.epochs.append(record)
                epoch_bar.set_postfix(val_acc=f"{val_accuracy:.4f}")
                if val_accuracy > best["accuracy"]:
                    best = {"epoch": epoch, "accuracy": val_accuracy,
                            "state": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}}
                    if on_best:
                        on_best(model, record)
                elif (patience is not None and epoch - best["epoch"] >= patience and epoch < epochs
                      and status == "completed"):
                    status = "early stop"
                    message = (f"Stopped after epoch {epoch} of {epochs}: validation accuracy has not improved for "
                               f"{patience} epochs (best {best['accuracy']:.4f}, epoch {best['epoch']}).")
            if status != "completed":
                break
    except KeyboardInterrupt:
        status = "interrupted"
        message = f"Interrupted after {step} steps: kept the history so far and the best validated weights."
    except torch.OutOfMemoryError:
        raise TrainingError(f"The {device.type.upper()} ran out of memory. Use a smaller batch size "
                            "(e.g. batch_size=32) or a smaller profile (--profile cpu or smoke).") from None
    finally:
        epoch_bar.close()

    if best["state"] is not None:
        model.load_state_dict(best["state"])
    elif status != "completed":
        message += " No epoch was validated yet, so there is no best checkpoint."
    if message:  # how the run ended is part of its result (stdout), not a warning: a notebook's stored output keeps it
        print(message)
    return TrainResult(history, status, message, best["epoch"], best["accuracy"] if best["epoch"] else None,
                       best["state"], time.perf_counter() - start)
