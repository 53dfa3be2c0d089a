"""The room check's speed lines: seconds per training batch of the workshop profiles' models, measured with
``train.fit`` itself on a few batches of the bundled sample, and from them each profile's predicted training minutes
on this machine against its time cap."""
from __future__ import annotations

import contextlib
import io
import math
import time
from dataclasses import asdict, dataclass, replace

import torch
from torch.utils.data import DataLoader

from .. import batching, data, device, paths, train
from ..errors import DataError
from ..held_out import EVAL_BATCH_SIZE
from ..model import SentimentLSTM
from ..profiles import PROFILES, Profile
from ..text import tokenize
from ..vocab import UNK_ID, Vocab
from .environment import precision
from .verdicts import OK, WARNING, Check

TIMED_PROFILES = ("cpu", "cpu-pretrained")
TRAINING_REVIEWS = 22_500  # what a profile with n_train=None trains on: 25,000 less the 10% validation split
VALIDATION_REVIEWS = 2_500
WARMUP_BATCHES, TIMED_BATCHES = 2, 5
TIMING_BUDGET_SECONDS = 6.0  # per profile, for the timed batches: both profiles stay near 30 s on a slow machine
# a prediction above this share of a profile's cap is a warning: on this course's 2-core machine, predictions came out
# 1-24% below one-epoch runs of the pipeline (benchmarks/results/doctor.md), and a browser or a video call slows a
# laptop down further
NEAR_CAP = 0.85
SPEED_DEADLINE_SECONDS = 25.0  # no profile is measured after this, so that doctor stays within a minute
ELSEWHERE = "train in Colab on a GPU, or hand out a checkpoint trained on a faster machine"


@dataclass
class Speed:
    seconds_per_batch: float  # one training step: forward, backward, clipping and AdamW, as train.fit runs it
    seconds_per_validation_batch: float  # one evaluation batch (EVAL_BATCH_SIZE reviews), no gradients
    batches_timed: int
    mean_width: float  # tokens per review in the timed batches, padding included
    device: str
    autocast: str


def typical_batches(encoded: batching.EncodedReviews, batch_size: int, n: int) -> tuple[list[list[int]], float]:
    """``n`` training batches as training draws them (bucketed by length): those nearest the mean padded width of an
    epoch's batches, so that a few of them time a whole epoch. Also returns that mean width."""
    sampler = batching.BucketBatchSampler(encoded.lengths, batch_size, shuffle=True, seed=0)
    full = [batch for batch in sampler if len(batch) == batch_size]
    width = lambda batch: max(encoded.lengths[i] for i in batch)
    mean = sum(map(width, full)) / len(full)
    return sorted(full, key=lambda batch: abs(width(batch) - mean))[:n], mean


class _FirstBatches:
    """A batch sampler of the chosen batches that has the length of a whole epoch, so that ``train.fit`` sets up its
    learning-rate schedule as it does for training (a one-cycle schedule over two steps cannot be set up at all)."""

    def __init__(self, batches: list[list[int]], epoch_batches: int):
        self.batches, self.epoch_batches = batches, epoch_batches

    def __iter__(self):
        return iter(self.batches)

    def __len__(self) -> int:
        return self.epoch_batches


def _fit_seconds(model: SentimentLSTM, profile: Profile, loader: DataLoader, where: torch.device,
                 max_seconds: float) -> tuple[float, int]:
    """Seconds per training step of ``train.fit`` itself over ``loader`` (one epoch, stopped after ``max_seconds``),
    and the steps it ran."""
    one_token = batching.make_loader(batching.EncodedReviews([[UNK_ID]], [0], [1]), bucket=False)  # its validation
    with contextlib.redirect_stdout(io.StringIO()):  # fit's note that the time limit stopped it
        # the profile's own recipe (profile.train_config(): the one place a profile becomes fit's settings), one
        # epoch long and cut at max_seconds
        config = replace(profile.train_config(), epochs=1, max_seconds=max_seconds, patience=None)
        result = train.fit(model, loader, one_token, config, device=where, progress=False)
    return result.seconds / len(result.history.steps), len(result.history.steps)


def _validation_seconds(model: SentimentLSTM, encoded: batching.EncodedReviews, mean_width: float,
                        where: torch.device, reviews: int) -> float:
    """Seconds for one evaluation batch (``EVAL_BATCH_SIZE`` reviews), timed on ``reviews`` of them and scaled.
    Evaluation sorts reviews by length, so its batches carry little padding: reviews of the mean length stand in."""
    typical = sorted(range(len(encoded)), key=lambda i: abs(encoded.lengths[i] - mean_width))
    evaluation = DataLoader(encoded, batch_sampler=[typical[:reviews]], collate_fn=batching.collate)
    start = time.perf_counter()
    train.validate(model, evaluation, where, None)
    return (time.perf_counter() - start) * EVAL_BATCH_SIZE / reviews


def measure_training_speed(profile: Profile, texts: list[str], labels: list[int], where: torch.device) -> Speed:
    """Seconds per training batch of ``profile``'s model (its vocabulary size, reviews encoded with its max_len and
    truncation, its batch size, frozen embedding and optimizer settings), after a warm-up; and per validation batch.

    On a slow (or busy) machine, whose warm-up alone outlasts the budget, the warm-up batches are the measurement and
    validation is timed on a quarter batch: a first batch's extra cost is small next to such batches."""
    tokens = [tokenize(text) for text in texts]
    vocab = Vocab.build(tokens, profile.max_vocab, profile.min_freq)
    encoded = batching.encode_texts(texts, labels, vocab, profile.max_len, profile.truncation, tokens=tokens)
    model = SentimentLSTM(profile.model, vocab_size=profile.max_vocab + 2)  # the full data fills the vocabulary
    model.embedding.weight.requires_grad_(not profile.freeze_embedding)
    batches, mean_width = typical_batches(encoded, profile.batch_size, WARMUP_BATCHES + TIMED_BATCHES)
    epoch_batches = math.ceil((profile.n_train or TRAINING_REVIEWS) / profile.batch_size)
    loader = lambda chosen: DataLoader(encoded, batch_sampler=_FirstBatches(chosen, epoch_batches),
                                       collate_fn=batching.collate)
    step, timed = _fit_seconds(model, profile, loader(batches[:WARMUP_BATCHES]), where, TIMING_BUDGET_SECONDS / 2)
    slow = step * timed > TIMING_BUDGET_SECONDS
    if not slow:
        step, timed = _fit_seconds(model, profile, loader(batches[WARMUP_BATCHES:]), where, TIMING_BUDGET_SECONDS)
    validation = _validation_seconds(model, encoded, mean_width, where,
                                     EVAL_BATCH_SIZE // 4 if slow else EVAL_BATCH_SIZE)
    return Speed(step, validation, timed, mean_width, where.type, precision(where))


def predicted_seconds(profile: Profile, speed: Speed) -> tuple[float, float]:
    """Seconds of training per epoch and in all: every training batch, then validation, each epoch."""
    batches = math.ceil((profile.n_train or TRAINING_REVIEWS) / profile.batch_size)
    validation_batches = math.ceil((profile.n_val or VALIDATION_REVIEWS) / EVAL_BATCH_SIZE)
    epoch = batches * speed.seconds_per_batch + validation_batches * speed.seconds_per_validation_batch
    return epoch, profile.epochs * epoch


def _word2vec_note(profile: Profile) -> str:
    if profile.pretrain != "word2vec":
        return ""
    cache = paths.pretrained_cache_path(profile)
    return ("; word2vec from its cache" if cache.is_file()
            else "; plus word2vec, built once on first use (then cached)")


def speed_check(profile: Profile, speed: Speed) -> Check:
    epoch, total = predicted_seconds(profile, speed)
    name, cap = f"{profile.name} profile", profile.max_train_seconds
    values = {**asdict(speed), "profile": profile.name, "batch_size": profile.batch_size, "max_len": profile.max_len,
              "epochs": profile.epochs, "batches_per_epoch": math.ceil((profile.n_train or TRAINING_REVIEWS)
                                                                       / profile.batch_size),
              "predicted_epoch_seconds": round(epoch, 1), "predicted_train_seconds": round(total, 1),
              "cap_seconds": cap}
    measured = (f"{speed.seconds_per_batch:.2f} s per batch of {profile.batch_size} ({speed.autocast} on "
                f"{speed.device}): {profile.epochs} epochs in about {total / 60:.1f} min")
    if cap is None or total <= NEAR_CAP * cap:
        within = f", within its {cap / 60:.0f} min cap" if cap is not None else ""
        return Check(name, OK, f"{measured}{within}{_word2vec_note(profile)}", "", values)
    if total > cap:
        stop_epoch = min(profile.epochs, int(cap // epoch) + 1)
        what = (f"over its {cap / 60:.0f} min cap: training stops in epoch {stop_epoch} of {profile.epochs}, before "
                "its learning-rate schedule ends (a lower result, not the same twice)")
    else:
        what = (f"close to its {cap / 60:.0f} min cap: a busier machine crosses it, and the cap then cuts training "
                "short")
    return Check(name, WARNING, f"{measured}, {what}{_word2vec_note(profile)}",
                 "free the CPU (close video calls and browser tabs, plug in the charger) and run doctor again; or "
                 f"{ELSEWHERE}", values)


def speed_checks() -> list[Check]:
    """The workshop profiles' measured speed on this machine's training device, on reviews of the bundled sample.
    Past ``SPEED_DEADLINE_SECONDS``, the profiles left are not measured: the machine is far too slow (or busy) now."""
    try:
        sample = data.read_split(data.SAMPLE_DIR, "train")
    except DataError as error:
        return [Check(f"{name} profile", WARNING, f"cannot measure the training speed: {error}",
                      "reinstall the course (the bundled sample is part of it)") for name in TIMED_PROFILES]
    texts, labels = sample["text"].tolist(), sample["label"].tolist()
    where = device.pick_device(verbose=False)
    checks, start = [], time.perf_counter()
    for name in TIMED_PROFILES:
        elapsed = time.perf_counter() - start
        if elapsed > SPEED_DEADLINE_SECONDS:
            checks.append(Check(f"{name} profile", WARNING, f"not measured: the profiles before it took "
                                f"{elapsed:.0f} s for a few batches, far too slow for the workshop profiles (or the "
                                "machine is busy)", f"free the CPU and run doctor again; or {ELSEWHERE}",
                                {"profile": name}))
            continue
        train.set_seed(0)
        profile = PROFILES[name]
        checks.append(speed_check(profile, measure_training_speed(profile, texts, labels, where)))
    return checks
