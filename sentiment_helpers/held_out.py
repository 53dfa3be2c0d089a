"""Scoring a checkpoint on the held-out reviews its run was meant for, and calibrating it there.

A checkpoint records its run's data source, profile subset sizes, seeds and validation split, so the very reviews
it was validated and tested on can be drawn again: ``held_out_split``, ``evaluate_checkpoint``. Its temperature is
fitted on validation, never test: ``calibrate_checkpoint``.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import torch

from . import batching, calibration, checkpoint, data, evaluate
from .device import pick_device
from .splits import subsample

EVAL_BATCH_SIZE = 256  # evaluation needs no gradients: bigger batches (sorted by length, little padding)

RUN_SPLIT_SIZES = {"test": "n_test", "validation": "n_val", "train": "n_train"}


def held_out_split(bundle: checkpoint.Checkpoint, split: str = "test", data_dir: str | Path | None = None):
    """The reviews of ``split`` as a checkpoint's run used them: same data, same profile subset, same seed.

    ``test`` is where its final report was measured; ``validation`` is where its epoch was chosen; ``train`` is what
    it learned from (a baseline fitted on it is compared on equal terms)."""
    return _held_out(bundle, split, data_dir)[0]


def _held_out(bundle: checkpoint.Checkpoint, split: str, data_dir: str | Path | None) -> tuple[object, data.DataSource]:
    if split not in RUN_SPLIT_SIZES:
        raise ValueError(f"split must be one of {', '.join(RUN_SPLIT_SIZES)}, not {split!r}")
    meta = bundle.metadata
    split_seed = meta.get("split_seed", meta.get("seed", 42))
    # test does not depend on how validation was drawn: it can be scored on a copy without review ids too
    validation = meta.get("validation_split", "random") if split != "test" else "random"
    full = data.load_imdb(data_dir, seed=split_seed, validation=validation)
    if meta.get("data_source") and meta["data_source"] != str(full.source):
        print(f"Note: the model was trained on {meta['data_source']}; evaluating on {full.source}.", file=sys.stderr)
    size = meta.get("profile_settings", {}).get(RUN_SPLIT_SIZES[split])
    reviews = subsample(full[split], size, split_seed)
    if split != "test" and meta.get("profile_settings", {}).get("cad_originals") == "leave-out":
        from .counterfactual import without_originals  # as the run left them out (test stays whole)

        reviews, _ = without_originals(reviews)
    return reviews, full.source


@dataclass
class CheckpointEvaluation:
    reviews: object  # datasets.Dataset: the scored reviews of the split, in order
    encoded: batching.EncodedReviews
    evaluation: evaluate.Evaluation
    source: data.DataSource  # where the reviews came from
    split: str = "test"

    @property
    def test(self):
        """The scored reviews, under the name the lessons use for the test split."""
        if self.split != "test":
            raise AttributeError(f"these are {self.split} reviews: use .reviews")
        return self.reviews


def evaluate_checkpoint(bundle: checkpoint.Checkpoint, device: torch.device | None = None,
                        data_dir: str | Path | None = None, progress: bool = True,
                        split: str = "test") -> CheckpointEvaluation:
    """Score a loaded checkpoint on the held-out reviews its run was meant for (test by default), encoded as it
    reads them."""
    reviews, source = _held_out(bundle, split, data_dir)
    encoded = batching.encode_texts(data.column(reviews, "text"), data.column(reviews, "label"), bundle.vocab,
                                    bundle.max_len, bundle.truncation)
    result = evaluate.evaluate(bundle.model, batching.make_loader(encoded, EVAL_BATCH_SIZE), device or pick_device(),
                               progress=progress, desc=split)
    return CheckpointEvaluation(reviews, encoded, result, source, split)


def calibrate_checkpoint(path: str | Path, data_dir: str | Path | None = None) -> float:
    """Fit the checkpoint's temperature on its validation reviews and store it in the checkpoint, so that the
    predictor, the demo and the command line give calibrated probabilities from then on. Returns T.

    A checkpoint that already carries one (``train`` stores it) keeps it."""
    bundle = checkpoint.load_checkpoint(path)
    if "temperature" in bundle.metadata:
        return float(bundle.metadata["temperature"])
    validation = evaluate_checkpoint(bundle, data_dir=data_dir, progress=False, split="validation").evaluation
    fit = calibration.fit_temperature(validation.logits, validation.y_true)
    checkpoint.save_checkpoint(path, bundle.model, bundle.vocab, bundle.max_len, bundle.truncation,
                               {**bundle.metadata, **temperature_metadata(fit, len(validation.y_true))})
    return fit.temperature


def temperature_metadata(fit: calibration.TemperatureFit, n_validation: int) -> dict:
    return {"temperature": fit.temperature,
            "calibration": {"fitted_on": "validation", "n": n_validation, "log_loss_before": fit.log_loss_before,
                            "log_loss_after": fit.log_loss_after}}
