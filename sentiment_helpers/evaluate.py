"""Predictions for a whole split, and the metrics we report (from scikit-learn)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn import metrics as skm
from torch import nn
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from .device import autocast, autocast_dtype, place_model


@torch.no_grad()
def predict_logits(model: nn.Module, loader: DataLoader, device: torch.device | str | None = None,
                   amp: bool | None = None, progress: bool = False,
                   desc: str = "predict") -> tuple[np.ndarray, np.ndarray]:
    """Logits and labels for every review of the loader, in the split's original order.

    The model is moved to ``device`` (default: the best available) and every batch goes there too."""
    device = place_model(model, device)
    was_training = model.training
    model.eval()
    dtype = autocast_dtype(device, amp)
    n = len(loader.dataset)
    logits, labels = np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32)
    for batch in tqdm(loader, desc=desc, leave=False, disable=not progress):
        with autocast(device, dtype):
            out = model(batch["ids"].to(device), batch["lengths"].to(device))
        logits[batch["index"].numpy()] = out.float().cpu().numpy()
        labels[batch["index"].numpy()] = batch["labels"].numpy()
    model.train(was_training)
    return logits, labels


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))


@dataclass
class Evaluation:
    y_true: np.ndarray  # [N] 0/1
    p_positive: np.ndarray  # [N] in [0, 1]
    metrics: dict
    confusion: np.ndarray  # [[TN, FP], [FN, TP]]
    report: str
    logits: np.ndarray | None = None  # [N] scores before the sigmoid, where the model has them

    @property
    def y_pred(self) -> np.ndarray:
        return (self.p_positive >= 0.5).astype(int)


def compute_metrics(y_true, p_positive, threshold: float = 0.5, logits: np.ndarray | None = None) -> Evaluation:
    y_true = np.asarray(y_true).astype(int)
    p_positive = np.asarray(p_positive, dtype=float)
    y_pred = (p_positive >= threshold).astype(int)
    values = {
        "accuracy": skm.accuracy_score(y_true, y_pred),
        "precision": skm.precision_score(y_true, y_pred, zero_division=0),
        "recall": skm.recall_score(y_true, y_pred, zero_division=0),
        "f1": skm.f1_score(y_true, y_pred, zero_division=0),
        "roc_auc": skm.roc_auc_score(y_true, p_positive) if len(set(y_true)) == 2 else float("nan"),
        "n": int(len(y_true)),
    }
    confusion = skm.confusion_matrix(y_true, y_pred, labels=[0, 1])
    report = skm.classification_report(y_true, y_pred, labels=[0, 1], target_names=["negative", "positive"],
                                       digits=4, zero_division=0)
    return Evaluation(y_true, p_positive, {k: float(v) for k, v in values.items()}, confusion, report, logits)


def evaluate(model: nn.Module, loader: DataLoader, device: torch.device | str | None = None, amp: bool | None = None,
             progress: bool = True, desc: str = "evaluate") -> Evaluation:
    logits, labels = predict_logits(model, loader, device, amp, progress, desc)
    return compute_metrics(labels, sigmoid(logits), logits=logits)
