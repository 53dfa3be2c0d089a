"""The whole job in one place, for the command line and for notebooks that need a model:
load -> vocabulary -> encode -> train -> evaluate on test -> save checkpoint and metrics."""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from . import batching, calibration, checkpoint, colab, data, evaluate, finetune, lm, pretrain, train
from .device import pick_device
from .files import output_folder
from .model import SentimentLSTM
from .profiles import Profile, get_profile
from .text import tokenize
from .vocab import Vocab

CHECKPOINT_NAME = "sentiment_lstm.pt"
EVAL_BATCH_SIZE = 256


@dataclass
class PreparedData:
    dataset: object  # datasets.DatasetDict after the profile's subsampling
    source: str
    vocab: Vocab
    train: batching.EncodedReviews
    validation: batching.EncodedReviews
    test: batching.EncodedReviews
    split_seed: int = 42  # the seed of the validation split and the profile's subsets
    unlabeled_test_copies: int = 0  # unlabeled reviews left out because a test review has the very same text
    validation_split: str = "random"  # or "by-movie" (data.by_movie_validation)


def profile_splits(full, profile: Profile, seed: int = 42):
    """The profile's balanced, seeded subsets of train, validation and test (every model and baseline uses these)."""
    import datasets

    sizes = {"train": profile.n_train, "validation": profile.n_val, "test": profile.n_test}
    return datasets.DatasetDict({split: data.subsample(full[split], n, seed) for split, n in sizes.items()})


def prepare_data(profile: Profile, data_dir: str | Path | None = None, seed: int = 42,
                 validation: str = "random") -> PreparedData:
    """Load IMDB, cut it to the profile's size, build the vocabulary on train (or train + unlabeled, as the profile
    says; never validation or test), encode every split once.

    A profile that pretrains also gets the unlabeled reviews, as ``dataset["unsupervised"]``."""
    with_unlabeled, dropped = profile.pretrain != "none", 0
    full = data.load_imdb(data_dir, seed=seed, unsupervised=with_unlabeled, validation=validation)
    dataset = profile_splits(full, profile, seed)
    if with_unlabeled:
        # IMDB holds word-for-word copies: a few hundred unlabeled reviews are also test reviews. They are left out.
        # (The labeled training split keeps its 123 copies of test reviews, as the standard benchmark does; pretraining
        # reads them as training reviews, which the classifier learns from anyway.)
        test_texts = set(data.column(full["test"], "text"))
        unlabeled = full["unsupervised"]
        unlabeled = unlabeled.select([i for i, text in enumerate(data.column(unlabeled, "text"))
                                      if text not in test_texts])
        dropped = len(full["unsupervised"]) - len(unlabeled)
        if profile.n_unlabeled is not None and profile.n_unlabeled < len(unlabeled):
            unlabeled = unlabeled.shuffle(seed=seed).select(range(profile.n_unlabeled))
        dataset["unsupervised"] = unlabeled
    train_tokens = [tokenize(text) for text in data.column(dataset["train"], "text")]
    vocab_tokens = train_tokens
    if profile.vocab_source == "train+unlabeled":  # never validation or test
        vocab_tokens = train_tokens + [tokenize(text) for text in data.column(dataset["unsupervised"], "text")]
    vocab = Vocab.build(vocab_tokens, profile.max_vocab, profile.min_freq)
    encode = lambda split: batching.encode_texts(data.column(dataset[split], "text"),
                                                 data.column(dataset[split], "label"),
                                                 vocab, profile.max_len, profile.truncation,
                                                 tokens=train_tokens if split == "train" else None)
    return PreparedData(dataset, full.source, vocab, encode("train"), encode("validation"), encode("test"), seed,
                        dropped, validation)


def build_model(profile: Profile, vocab: Vocab) -> SentimentLSTM:
    return SentimentLSTM(profile.model, vocab_size=len(vocab))


def describe_run(profile: Profile, prepared: PreparedData) -> str:
    unlabeled = (f" + {len(prepared.dataset['unsupervised']):,} unlabeled for pretraining"
                 if "unsupervised" in prepared.dataset else "")
    return (f"profile '{profile.name}' ({profile.description}) | data: {prepared.source} | "
            f"{len(prepared.train):,} train / {len(prepared.validation):,} validation / {len(prepared.test):,} test "
            f"reviews{unlabeled}")


def pretrained_cache_path(profile: Profile) -> Path:
    """Where the profile's pretraining is cached, under the artifacts folder: one file per method and size."""
    m = profile.model
    word2vec = f"word2vec-{'sg-' if profile.pretrain_skip_gram else ''}{m.embed_dim}d.pt"
    name = word2vec if profile.pretrain == "word2vec" else f"lm-{m.embed_dim}x{m.hidden_dim}.pt"
    return checkpoint.default_artifacts_dir() / "pretrained" / name


def pretrain_model(model: SentimentLSTM, profile: Profile, prepared: PreparedData, progress: bool = True,
                   cache: str | Path | None = None) -> dict:
    """Start ``model`` from the profile's pretraining (built now or read from the cache); what was done, for
    metrics.json."""
    # Profile itself rejects any other method
    if profile.pretrain == "word2vec":
        return pretrain_embedding(model, profile, prepared, progress=progress, cache=cache)
    return pretrain_language_models(model, profile, prepared, progress=progress, cache=cache)


def _pretraining_record(method: str, prepared: PreparedData, cache: Path, from_cache: bool, build_seconds: float,
                        start: float, **details) -> dict:
    return {"method": method, "from_cache": from_cache, "cache": str(cache), "build_seconds": build_seconds,
            "seconds": time.perf_counter() - start, "train_reviews": len(prepared.dataset["train"]),
            "unlabeled_reviews": len(prepared.dataset["unsupervised"]), "test_reviews": 0,
            "unlabeled_test_copies_left_out": prepared.unlabeled_test_copies, **details}


def language_models_for(profile: Profile, prepared: PreparedData, progress: bool = True,
                        cache: str | Path | None = None) -> tuple[pretrain.LanguageModels, bool]:
    """The profile's forward and backward language models on the training + unlabeled reviews (built, or from the
    cache that ``run_training`` uses too); validation reviews measure their perplexity."""
    settings = pretrain.LMSettings(embed_dim=profile.model.embed_dim, hidden_dim=profile.model.hidden_dim,
                                   epochs=profile.pretrain_epochs, max_seconds=profile.pretrain_max_seconds)
    return pretrain.cached_language_models(
        pretrain.pretraining_texts(prepared.dataset), prepared.dataset["validation"]["text"], prepared.vocab,
        Path(cache) if cache else pretrained_cache_path(profile), settings, progress)


def pretrain_language_models(model: SentimentLSTM, profile: Profile, prepared: PreparedData, progress: bool = True,
                             cache: str | Path | None = None) -> dict:
    """Start ``model``'s embedding and first BiLSTM layer from a forward and a backward language model trained on the
    training + unlabeled reviews (cached); their perplexity is measured on the validation reviews."""
    start = time.perf_counter()
    models, from_cache = language_models_for(profile, prepared, progress, cache)
    cache = Path(cache) if cache else pretrained_cache_path(profile)
    lm.init_classifier(model, models.forward, models.backward)
    model.embedding.weight.requires_grad_(not profile.freeze_embedding)
    perplexity = {d: models.info[d][-1]["val_perplexity"] for d in ("forward", "backward")}
    return _pretraining_record("lm", prepared, cache, from_cache, models.info["seconds"], start,
                               settings=models.built_for["settings"], validation_perplexity=perplexity,
                               lm_epochs={d: models.info[d] for d in ("forward", "backward")},
                               frozen=profile.freeze_embedding)


def word_vectors_for(profile: Profile, prepared: PreparedData, progress: bool = True,
                     cache: str | Path | None = None) -> tuple[pretrain.WordVectors, bool]:
    """The profile's word2vec vectors of the training + unlabeled reviews (built, or from the cache that
    ``run_training`` uses too)."""
    # word2vec's own seed stays fixed: classifiers trained with other seeds share one cache
    settings = pretrain.Word2VecSettings(dim=profile.model.embed_dim, epochs=profile.pretrain_epochs,
                                         skip_gram=profile.pretrain_skip_gram)
    return pretrain.cached_word2vec(pretrain.pretraining_texts(prepared.dataset),
                                    Path(cache) if cache else pretrained_cache_path(profile), settings, progress)


def pretrain_embedding(model: SentimentLSTM, profile: Profile, prepared: PreparedData, progress: bool = True,
                       cache: str | Path | None = None) -> dict:
    """Start ``model``'s embedding from word2vec vectors of the training + unlabeled reviews (cached), and freeze it
    if the profile says so. Returns what was done, for metrics.json."""
    start = time.perf_counter()
    cache = Path(cache) if cache else pretrained_cache_path(profile)
    vectors, from_cache = word_vectors_for(profile, prepared, progress, cache)
    matrix, coverage = pretrain.embedding_matrix(vectors, prepared.vocab)
    with torch.no_grad():
        model.embedding.weight.copy_(matrix)
    model.embedding.weight.requires_grad_(not profile.freeze_embedding)
    return _pretraining_record("word2vec", prepared, cache, from_cache, vectors.info["seconds"], start,
                               settings=vectors.built_for["settings"], tokens=vectors.info["tokens"],
                               words_with_vectors=vectors.info["words"], vocab_coverage=coverage,
                               frozen=profile.freeze_embedding)


def library_versions() -> dict:
    import datasets
    return {"python": platform.python_version(), "torch": str(torch.__version__), "datasets": str(datasets.__version__)}


def checkpoint_saver(path: Path, profile: Profile, prepared: PreparedData, seed: int, device: torch.device,
                     pretraining: dict | None = None):
    """A ``fit(on_best=...)`` callback that saves the best model so far, with what it was trained on."""
    metadata = {"profile": profile.name, "profile_settings": profile.to_dict(), "data_source": prepared.source,
                "n_train": len(prepared.train), "n_val": len(prepared.validation), "n_test": len(prepared.test),
                "seed": seed, "split_seed": prepared.split_seed, "validation_split": prepared.validation_split,
                "device": device.type, "versions": library_versions(),
                "pretraining": pretraining}

    def save_best(model: SentimentLSTM, record: dict) -> None:
        checkpoint.save_checkpoint(path, model, prepared.vocab, profile.max_len, profile.truncation,
                                   {**metadata, "best_epoch": record["epoch"], "val_accuracy": record["val_accuracy"],
                                    "saved": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
    return save_best


def default_checkpoint_path() -> Path:
    return checkpoint.default_artifacts_dir() / CHECKPOINT_NAME


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
    print(f"No trained model at {path}. Run notebook 04 (or `python -m sentiment_helpers train`) for the real one.\n"
          f"So that this notebook can run now, training a small 'smoke' model into {fallback} "
          "(a minute at most; its accuracy means nothing).", file=sys.stderr)
    if (fallback / CHECKPOINT_NAME).is_file():
        return fallback / CHECKPOINT_NAME
    return run_training("smoke", data_dir, fallback, progress=False).checkpoint_path


RUN_SPLIT_SIZES = {"test": "n_test", "validation": "n_val", "train": "n_train"}


def held_out_split(bundle: checkpoint.Checkpoint, split: str = "test", data_dir: str | Path | None = None):
    """The reviews of ``split`` as a checkpoint's run used them: same data, same profile subset, same seed.

    ``test`` is where its final report was measured; ``validation`` is where its epoch was chosen; ``train`` is what
    it learned from (a baseline fitted on it is compared on equal terms)."""
    if split not in RUN_SPLIT_SIZES:
        raise ValueError(f"split must be one of {', '.join(RUN_SPLIT_SIZES)}, not {split!r}")
    meta = bundle.metadata
    split_seed = meta.get("split_seed", meta.get("seed", 42))
    # test does not depend on how validation was drawn: it can be scored on a copy without review ids too
    validation = meta.get("validation_split", "random") if split != "test" else "random"
    full = data.load_imdb(data_dir, seed=split_seed, validation=validation)
    if meta.get("data_source") and meta["data_source"] != full.source:
        print(f"Note: the model was trained on {meta['data_source']}; evaluating on {full.source}.", file=sys.stderr)
    size = meta.get("profile_settings", {}).get(RUN_SPLIT_SIZES[split])
    held_out = data.subsample(full[split], size, split_seed)
    held_out.source = full.source
    return held_out


@dataclass
class CheckpointEvaluation:
    reviews: object  # datasets.Dataset: the scored reviews of the split, in order
    encoded: batching.EncodedReviews
    evaluation: evaluate.Evaluation
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
    reviews = held_out_split(bundle, split, data_dir)
    encoded = batching.encode_texts(data.column(reviews, "text"), data.column(reviews, "label"), bundle.vocab,
                                    bundle.max_len, bundle.truncation)
    result = evaluate.evaluate(bundle.model, batching.make_loader(encoded, EVAL_BATCH_SIZE), device or pick_device(),
                               progress=progress, desc=split)
    return CheckpointEvaluation(reviews, encoded, result, split)


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
                               {**bundle.metadata, **_temperature_metadata(fit, len(validation.y_true))})
    return fit.temperature


def _temperature_metadata(fit: calibration.TemperatureFit, n_validation: int) -> dict:
    return {"temperature": fit.temperature,
            "calibration": {"fitted_on": "validation", "n": n_validation, "log_loss_before": fit.log_loss_before,
                            "log_loss_after": fit.log_loss_after}}


@dataclass
class RunResult:
    checkpoint_path: Path
    metrics: dict
    fit: train.TrainResult
    evaluation: evaluate.Evaluation


def run_training(profile_name: str | Profile | None = None, data_dir: str | Path | None = None,
                 out: str | Path | None = None, seed: int = 42, epochs: int | None = None, device: str | None = None,
                 progress: bool = True, split_seed: int | None = None, pretrain_cache: str | Path | None = None,
                 validation: str = "random", **changes) -> RunResult:
    """Train the profile's model, keep the best epoch by validation accuracy, report test accuracy once.

    ``seed`` drives the model's initialisation, dropout and batch order, and (unless ``split_seed`` is given) the
    validation split too: ``split_seed=42`` with other seeds retrains on the same split. ``pretrain_cache``: where a
    pretraining profile keeps what it builds (default: ``pretrained_cache_path(profile)``). ``validation``: "random"
    or "by-movie" (``data.by_movie_validation``: no movie in both, an honest guide for choosing settings).
    ``changes`` override profile settings, e.g. ``max_len=400`` or ``max_vocab=25_000``."""
    profile = profile_name if isinstance(profile_name, Profile) else get_profile(profile_name)
    changes = {k: v for k, v in {"epochs": epochs, **changes}.items() if v is not None}
    if changes:
        profile = profile.with_changes(**changes)
    out = output_folder(out or checkpoint.default_artifacts_dir())
    start = time.perf_counter()
    train.set_seed(seed)
    prepared = prepare_data(profile, data_dir, seed if split_seed is None else split_seed, validation)
    print(describe_run(profile, prepared), file=sys.stderr)
    torch_device = pick_device(device)
    model = build_model(profile, prepared.vocab)
    pretraining = (pretrain_model(model, profile, prepared, progress, pretrain_cache) if profile.pretrain != "none"
                   else None)
    groups = finetune.discriminative_groups(model, profile.lr, profile.lr_decay) if profile.lr_decay != 1.0 else None
    unfreeze = (finetune.gradual_unfreezing(model, (model.embedding,) if profile.freeze_embedding else ())
                if profile.gradual_unfreezing else None)
    path = out / CHECKPOINT_NAME
    save_best = checkpoint_saver(path, profile, prepared, seed, torch_device, pretraining)
    # evaluation needs no gradients, so it takes bigger batches (sorted by length: little padding), faster on a CPU
    loader = lambda encoded, shuffle: batching.make_loader(encoded, profile.batch_size if shuffle else EVAL_BATCH_SIZE,
                                                           shuffle=shuffle, seed=seed)
    result = train.fit(model, loader(prepared.train, True), loader(prepared.validation, False), epochs=profile.epochs,
                       lr=profile.lr, weight_decay=profile.weight_decay, schedule=profile.schedule, clip=profile.clip,
                       device=torch_device, max_seconds=profile.max_train_seconds, patience=profile.patience,
                       on_best=save_best, progress=progress, param_groups=groups, on_epoch_start=unfreeze)
    if result.best_state is None:
        raise train.TrainingError(result.message or "training produced no validated model")
    evaluation = evaluate.evaluate(model, loader(prepared.test, False), torch_device, progress=progress, desc="test")
    validation = evaluate.evaluate(model, loader(prepared.validation, False), torch_device, progress=False)
    fitted = calibration.fit_temperature(validation.logits, validation.y_true)  # on validation, never test
    calibrated = calibration.scale(evaluation.logits, fitted.temperature)
    metrics = {
        "test_accuracy": evaluation.metrics["accuracy"], "val_accuracy": result.best_val_accuracy,
        "test_metrics": evaluation.metrics, "profile": profile.name, "data_source": prepared.source,
        "n_train": len(prepared.train), "n_val": len(prepared.validation), "n_test": len(prepared.test),
        "epochs": profile.epochs, "epochs_run": len(result.history.epochs), "best_epoch": result.best_epoch,
        "status": result.status, "train_seconds": result.seconds, "seconds": time.perf_counter() - start,
        "pretraining": pretraining,
        "seconds_per_epoch": [e["seconds"] for e in result.history.epochs], "seed": seed,
        "split_seed": prepared.split_seed, "validation_split": prepared.validation_split,
        "temperature": fitted.temperature,
        "test_ece": {"raw": calibration.expected_calibration_error(evaluation.y_true, evaluation.p_positive),
                     "calibrated": calibration.expected_calibration_error(evaluation.y_true, calibrated)},
        "device": torch_device.type, "versions": library_versions(), "profile_settings": profile.to_dict(),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    final = checkpoint.load_checkpoint(path)  # re-save the best weights with the test metrics in the bundle
    checkpoint.save_checkpoint(path, final.model, final.vocab, final.max_len, final.truncation,
                               {**final.metadata, "metrics": metrics,
                                **_temperature_metadata(fitted, len(validation.y_true))})
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    (out / "history.json").write_text(json.dumps({"steps": result.history.steps, "epochs": result.history.epochs}))
    return RunResult(path, metrics, result, evaluation)
