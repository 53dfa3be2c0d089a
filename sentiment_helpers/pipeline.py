"""A whole training run, for the command line and for notebooks that need a model:
prepare the data and model -> pretrain (if the profile says so) -> train -> calibrate on validation -> evaluate on
test -> save the checkpoint, metrics.json and history.json, each once and atomically.

The steps have modules of their own, imported from there: ``prepare`` (data, vocabulary, model), ``pretrain_run``
(the pretraining step), ``held_out`` (scoring and calibrating a checkpoint on its run's own reviews), ``paths``
(where the checkpoint and the caches are kept).
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from . import batching, calibration, checkpoint, colab, evaluate, train
from .device import pick_device
from .files import output_folder, write_json
from .held_out import EVAL_BATCH_SIZE, temperature_metadata
from .model import SentimentLSTM
from .paths import CHECKPOINT_NAME, default_artifacts_dir, default_checkpoint_path
from .prepare import PreparedData, build_model, describe_run, prepare_data
from .pretrain_run import pretrain_model
from .profiles import Profile, get_profile


def library_versions() -> dict:
    import datasets
    return {"python": platform.python_version(), "torch": str(torch.__version__), "datasets": str(datasets.__version__)}


def run_metadata(profile: Profile, prepared: PreparedData, seed: int, device: torch.device,
                 pretraining: dict | None = None) -> dict:
    """What a checkpoint records about the run that made it: enough to draw its held-out reviews again."""
    return {"profile": profile.name, "profile_settings": profile.to_dict(), "data_source": str(prepared.source),
            "n_train": len(prepared.train), "n_val": len(prepared.validation), "n_test": len(prepared.test),
            "seed": seed, "split_seed": prepared.split_seed, "validation_split": prepared.validation_split,
            "device": device.type, "versions": library_versions(), "pretraining": pretraining,
            "counterfactuals": prepared.counterfactuals}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def checkpoint_saver(path: Path, profile: Profile, prepared: PreparedData, seed: int, device: torch.device,
                     pretraining: dict | None = None):
    """A ``fit(on_best=...)`` callback that saves the best model so far, with what it was trained on: a training loop
    written out by hand (lesson 04) keeps its best model on disk even if the kernel dies."""
    metadata = run_metadata(profile, prepared, seed, device, pretraining)

    def save_best(model: SentimentLSTM, record: dict) -> None:
        checkpoint.save_checkpoint(path, model, prepared.vocab, profile.max_len, profile.truncation,
                                   {**metadata, "best_epoch": record["epoch"], "val_accuracy": record["val_accuracy"],
                                    "saved": _now()})
    return save_best


def ensure_checkpoint(path: str | Path | None = None, data_dir: str | Path | None = None) -> Path:
    """The trained checkpoint if it exists; otherwise say so and train one, so that a lesson can go on.

    In Colab, where every notebook runs on a machine of its own, that is a real model: the ``cpu`` profile
    (or ``SENTIMENT_PROFILE``), saved where the checkpoint was expected. Elsewhere, where notebook 04 can simply
    be run first, it is a seconds-sized smoke model, kept apart from the real checkpoint."""
    path = Path(path) if path else default_checkpoint_path()
    if path.is_file():
        return path
    if colab.in_colab():
        profile = get_profile(os.environ.get("SENTIMENT_PROFILE") or "cpu")
        how_long = (f" Training stops after at most {profile.max_train_seconds / 60:.0f} minutes (the profile's cap)."
                    if profile.max_train_seconds else "")
        print(f"No trained model at {path}. In Colab each notebook runs on a machine of its own, and this one has "
              "none yet (notebook 04 keeps its model in Google Drive when you let it mount Drive; this notebook "
              f"then finds it there).\nTraining the '{profile.name}' profile here and now, so that this lesson works "
              f"on a real model, and saving it to {path}.{how_long}", file=sys.stderr)
        return run_training(profile, data_dir, path.parent).checkpoint_path
    fallback = path.parent / "smoke-fallback"
    missing = f"No trained model at {path}. Run notebook 04 (or `python -m sentiment_helpers train`) for the real one."
    if (fallback / CHECKPOINT_NAME).is_file():
        print(f"{missing}\nUsing the small 'smoke' model trained earlier in {fallback} instead (its accuracy means "
              "nothing).", file=sys.stderr)
        return fallback / CHECKPOINT_NAME
    print(f"{missing}\nSo that this notebook can run now, training a small 'smoke' model into {fallback} "
          "(a minute at most; its accuracy means nothing).", file=sys.stderr)
    return run_training("smoke", data_dir, fallback, progress=False).checkpoint_path


@dataclass
class RunResult:
    checkpoint_path: Path
    metrics: dict
    fit: train.TrainResult
    evaluation: evaluate.Evaluation


def _loader(profile: Profile, seed: int):
    """Batches for training (shuffled, the profile's size) and for evaluation (bigger: no gradients are kept)."""
    return lambda encoded, shuffle: batching.make_loader(encoded, profile.batch_size if shuffle else EVAL_BATCH_SIZE,
                                                         shuffle=shuffle, seed=seed)


def _fit(model: SentimentLSTM, profile: Profile, prepared: PreparedData, device: torch.device, seed: int,
         progress: bool) -> train.TrainResult:
    """``train.fit`` with the profile's recipe; it keeps the best validated weights in memory and puts them back into
    ``model`` at the end (also on a stop button), so the run saves its checkpoint once, afterwards."""
    loader = _loader(profile, seed)
    result = train.fit(model, loader(prepared.train, True), loader(prepared.validation, False),
                       profile.train_config(), device=device, progress=progress)
    if result.best_state is None:
        raise train.TrainingError(result.message or "training produced no validated model")
    return result


def _score(model: SentimentLSTM, profile: Profile, prepared: PreparedData, device: torch.device, seed: int,
           progress: bool) -> tuple[evaluate.Evaluation, calibration.TemperatureFit, int]:
    """The best weights on test, and their temperature fitted on validation (never test)."""
    loader = _loader(profile, seed)
    test = evaluate.evaluate(model, loader(prepared.test, False), device, progress=progress, desc="test")
    validation = evaluate.evaluate(model, loader(prepared.validation, False), device, progress=False)
    return test, calibration.fit_temperature(validation.logits, validation.y_true), len(validation.y_true)


def _run_metrics(profile: Profile, prepared: PreparedData, result: train.TrainResult, test: evaluate.Evaluation,
                 fitted: calibration.TemperatureFit, metadata: dict, start: float) -> dict:
    calibrated = calibration.scale(test.logits, fitted.temperature)
    return {
        "test_accuracy": test.metrics["accuracy"], "val_accuracy": result.best_val_accuracy,
        "test_metrics": test.metrics, "profile": profile.name, "data_source": str(prepared.source),
        "n_train": len(prepared.train), "n_val": len(prepared.validation), "n_test": len(prepared.test),
        "epochs": profile.epochs, "epochs_run": len(result.history.epochs), "best_epoch": result.best_epoch,
        "status": result.status, "train_seconds": result.seconds, "seconds": time.perf_counter() - start,
        "pretraining": metadata["pretraining"], "counterfactuals": metadata["counterfactuals"],
        "seconds_per_epoch": [e["seconds"] for e in result.history.epochs], "seed": metadata["seed"],
        "split_seed": prepared.split_seed, "validation_split": prepared.validation_split,
        "temperature": fitted.temperature,
        "test_ece": {"raw": calibration.expected_calibration_error(test.y_true, test.p_positive),
                     "calibrated": calibration.expected_calibration_error(test.y_true, calibrated)},
        "device": metadata["device"], "versions": metadata["versions"], "profile_settings": profile.to_dict(),
        "date": _now(),
    }


def run_training(profile_name: str | Profile | None = None, data_dir: str | Path | None = None,
                 out: str | Path | None = None, seed: int = 42, epochs: int | None = None, device: str | None = None,
                 progress: bool = True, split_seed: int | None = None, pretrain_cache: str | Path | None = None,
                 validation: str = "random", prepared: PreparedData | None = None, **changes) -> RunResult:
    """Train the profile's model, keep the best epoch by validation accuracy, report test accuracy once.

    ``seed`` drives the model's initialisation, dropout and batch order, and (unless ``split_seed`` is given) the
    validation split too: ``split_seed=42`` with other seeds retrains on the same split. ``pretrain_cache``: where a
    pretraining profile keeps what it builds (default: ``paths.pretrained_cache_path(profile)``). ``validation``:
    "random" or "by-movie" (``splits.by_movie_validation``: no movie in both, an honest guide for choosing settings).
    ``prepared``: data already loaded and encoded (``prepare_data``, ``labelled_subset``), used as it is instead of
    loading it again: the profile's sizes and vocabulary settings are then those the data was prepared with.
    ``changes`` override profile settings, e.g. ``max_len=400`` or ``max_vocab=25_000``."""
    profile = profile_name if isinstance(profile_name, Profile) else get_profile(profile_name)
    changes = {k: v for k, v in {"epochs": epochs, **changes}.items() if v is not None}
    profile = profile.with_changes(**changes) if changes else profile
    out, start = output_folder(out or default_artifacts_dir()), time.perf_counter()
    train.set_seed(seed)
    if prepared is None:
        prepared = prepare_data(profile, data_dir, seed if split_seed is None else split_seed, validation)
    print(describe_run(profile, prepared), file=sys.stderr)
    torch_device = pick_device(device)
    model = build_model(profile, prepared.vocab)
    pretraining = (pretrain_model(model, profile, prepared, progress, pretrain_cache) if profile.pretrain != "none"
                   else None)
    result = _fit(model, profile, prepared, torch_device, seed, progress)
    metadata = {**run_metadata(profile, prepared, seed, torch_device, pretraining), "best_epoch": result.best_epoch,
                "val_accuracy": result.best_val_accuracy}
    path = out / CHECKPOINT_NAME
    save = lambda extra: checkpoint.save_checkpoint(path, model, prepared.vocab, profile.max_len, profile.truncation,
                                                    {**metadata, **extra, "saved": _now()})
    try:
        test, fitted, n_validation = _score(model, profile, prepared, torch_device, seed, progress)
    except BaseException:  # a stop button (or a failure) while scoring: the trained model is saved all the same
        save({})
        raise
    metrics = _run_metrics(profile, prepared, result, test, fitted, metadata, start)
    save({"metrics": metrics, **temperature_metadata(fitted, n_validation)})
    write_json(out / "metrics.json", metrics, indent=2)
    write_json(out / "history.json", {"steps": result.history.steps, "epochs": result.history.epochs})
    return RunResult(path, metrics, result, test)
