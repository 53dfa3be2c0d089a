"""A room check for instructors: ``python -m sentiment_helpers doctor``.

Each check gives one verdict: ``ok``; ``warning`` (the lessons run, but not as planned: the check says what to do);
or ``problem`` (a blocker: the lessons cannot run here). Nothing here goes online or reads the whole data: versions
come from the installed packages' metadata, the data from parquet metadata and the Hugging Face cache on disk, and the
training speed from a few batches of the workshop profiles' models, trained by ``train.fit`` itself on reviews of the
bundled sample.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import torch
from torch.utils.data import DataLoader

from . import __version__, archive, batching, checkpoint, colab, data, device, pipeline, train
from .errors import DataError
from .model import SentimentLSTM
from .profiles import PROFILES, Profile
from .text import tokenize
from .vocab import UNK_ID, Vocab

OK, WARNING, PROBLEM = "ok", "warning", "problem"
DISTRIBUTION = "sentiment-helpers"
CHECKED_PACKAGES = ("torch", "ipywidgets", "datasets", "gensim")
CPU_TORCH = "pip install torch --index-url https://download.pytorch.org/whl/cpu"
GET_DATA = ("python -m sentiment_helpers download --out data/imdb --from-archive (once, where there is a network), "
            "then set IMDB_DATA_DIR to that folder (or pass --data-dir)")
FULL_TRAIN_REVIEWS = 25_000
TIMED_PROFILES = ("cpu", "cpu-pretrained")
TRAINING_REVIEWS = 22_500  # what a profile with n_train=None trains on: 25,000 less the 10% validation split
VALIDATION_REVIEWS = 2_500
WARMUP_BATCHES, TIMED_BATCHES = 2, 5
TIMING_BUDGET_SECONDS = 6.0  # per profile, for the timed batches: both profiles stay near 30 s on a slow machine
# a prediction above this share of a profile's cap is a warning: on this course's 2-core machine, predictions came out
# 10-20% below one-epoch runs of the pipeline, and a browser or a video call slows a laptop down further
NEAR_CAP = 0.85
SPEED_DEADLINE_SECONDS = 25.0  # no profile is measured after this, so that doctor stays within a minute
ELSEWHERE = "train in Colab on a GPU, or hand out a checkpoint trained on a faster machine"
# the course writes a checkpoint (6-26 MB by the profiles' parameter counts), the word2vec cache (79,051 words x 256
# float32 numbers: 81 MB) and lesson 07's caches under artifacts/
DISK_PROBLEM_GB, DISK_WARNING_GB = 0.2, 1.0


@dataclass
class Check:
    name: str
    verdict: str  # OK, WARNING or PROBLEM
    message: str
    advice: str = ""  # what to do, when the verdict is not ok
    values: dict = field(default_factory=dict)  # what was found or measured, for --json


# --- versions ---------------------------------------------------------------------------------------------------

def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def course_requirements() -> dict[str, list[tuple[object, bool]]] | None:
    """The installed course's own minimums, from its distribution's metadata (pyproject.toml as installed):
    {package: [(requirement, core), ...]}, core=False for the ``lab`` extra's (JupyterLab's), which apply outside Colab
    only. None when the course is not installed."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    try:
        lines = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return None
    wanted: dict[str, list[tuple[object, bool]]] = {}
    local = not colab.in_colab()
    for line in lines:
        requirement = Requirement(line)
        core = requirement.marker is None or requirement.marker.evaluate({"extra": ""})
        if core or (local and requirement.marker.evaluate({"extra": "lab"})):
            wanted.setdefault(canonicalize_name(requirement.name), []).append((requirement, core))
    return wanted


def check_python() -> Check:
    version = platform.python_version()
    try:
        needed = metadata.metadata(DISTRIBUTION)["Requires-Python"] or ""
    except metadata.PackageNotFoundError:
        return Check("python", WARNING, f"Python {version}; the course is not installed as a package, so its minimum "
                     "versions are unknown", 'in the course folder: pip install -e ".[lab,test]"',
                     {"version": version, "course_installed": False})
    from packaging.specifiers import SpecifierSet

    values = {"version": version, "needed": needed, "course_installed": True}
    if version not in SpecifierSet(needed):
        return Check("python", PROBLEM, f"Python {version}: the course needs {needed}",
                     f"install Python {needed} (python.org, or your system's packages) and a new venv with it", values)
    return Check("python", OK, f"Python {version} (the course needs {needed}), on {platform.system()}", "", values)


def _install_advice(name: str, specifier: str) -> str:
    if name == "torch" and platform.system() == "Linux" and not nvidia_gpu_present():
        return f"no NVIDIA GPU here: {CPU_TORCH} (the CPU build, without the CUDA libraries)"
    return f'pip install "{name}{specifier}"'


def check_package(name: str, requirements: dict | None) -> Check:
    """Installed, and at least the version the course asks for: a problem if not; a warning if only the ``lab`` extra's
    minimum (JupyterLab's) is not met."""
    version = installed_version(name)
    rules = (requirements or {}).get(name, [])
    core_spec = ",".join(str(r.specifier) for r, core in rules if core)
    values = {"version": version, "needed": ",".join(str(r.specifier) for r, _ in rules)}
    if version is None:
        return Check(name, PROBLEM, f"{name} is not installed", _install_advice(name, core_spec), values)
    unmet = [(r, core) for r, core in rules if not r.specifier.contains(version, prereleases=True)]
    if any(core for _, core in unmet):
        return Check(name, PROBLEM, f"{name} {version} is too old: the course needs {core_spec}",
                     _install_advice(name, core_spec), values)
    if unmet:
        spec = ",".join(str(r.specifier) for r, _ in unmet)
        return Check(name, WARNING, f"{name} {version}: JupyterLab (the course's `lab` install) needs {spec}",
                     f'pip install "{name}{spec}" (or: pip install -e ".[lab]")', values)
    needs = f" (needs {values['needed']})" if values["needed"] else ""
    return Check(name, OK, f"{name} {version}{needs}", "", values)


def check_colab() -> Check:
    here = colab.in_colab()
    return Check("colab", OK, "Google Colab: lessons keep their model in Google Drive" if here
                 else "not Colab: a local install", "", {"colab": here})


# --- torch build and device ---------------------------------------------------------------------------------------

def nvidia_gpu_present() -> bool:
    """An NVIDIA GPU with its driver, whatever torch build is installed."""
    return shutil.which("nvidia-smi") is not None or Path("/proc/driver/nvidia").exists()


def cuda_libraries_gb() -> float:
    """Disk taken by the CUDA libraries that PyPI's Linux torch brings along (nvidia-* packages and triton), from the
    sizes their installs recorded."""
    total = 0
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower()
        if name.startswith("nvidia-") or name == "triton":
            total += sum(f.size or 0 for f in dist.files or [])
    return total / 1e9


def check_torch_build() -> Check:
    cuda, gpu = torch.version.cuda, nvidia_gpu_present()
    build = f"CUDA {cuda} build" if cuda else "ROCm build" if getattr(torch.version, "hip", None) else "CPU build"
    values = {"torch": str(torch.__version__), "cuda": cuda, "nvidia_gpu": gpu,
              "cuda_usable": torch.cuda.is_available()}
    said = f"torch {torch.__version__} is the {build}"
    if cuda and not gpu:
        values["cuda_libraries_gb"] = round(cuda_libraries_gb(), 2)
        return Check("torch build", WARNING, f"{said}, on a machine without an NVIDIA GPU: its CUDA libraries "
                     f"({values['cuda_libraries_gb']:.1f} GB besides torch) serve nothing", "a new venv with the CPU "
                     f'build first: {CPU_TORCH}, then pip install -e ".[lab,test]" (docs/instructors.md)', values)
    if not cuda and gpu:
        return Check("torch build", WARNING, f"{said}, but this machine has an NVIDIA GPU: training stays on the CPU",
                     "install a CUDA build: the command for your system at https://pytorch.org/get-started/locally/",
                     values)
    if cuda and not torch.cuda.is_available():
        return Check("torch build", WARNING, f"{said} and there is an NVIDIA GPU, but torch cannot use it",
                     f"update the NVIDIA driver (CUDA {cuda} needs a recent one), or install a torch build for an "
                     "older CUDA (https://pytorch.org/get-started/locally/)", values)
    return Check("torch build", OK, f"{said}: it matches this machine ({'an' if gpu else 'no'} NVIDIA GPU)", "", values)


def precision(where: torch.device) -> str:
    """What training computes in on ``where``: "bfloat16", "float16" (autocast) or "float32"."""
    dtype = device.autocast_dtype(where)
    return str(dtype).replace("torch.", "") if dtype else "float32"


def check_device() -> Check:
    """Where training runs (``device.pick_device``) and in which precision (``device.autocast_dtype``)."""
    where = device.pick_device(verbose=False)
    dtype = device.autocast_dtype(where)
    values = {"device": where.type, "autocast": precision(where)}
    if where.type == "cuda":
        name, memory = torch.cuda.get_device_name(0), torch.cuda.get_device_properties(0).total_memory / 2**30
        values.update(name=name, memory_gib=round(memory, 1))
        return Check("device", OK, f"CUDA GPU {name}, {memory:.1f} GiB: trains the `full` profiles", "", values)
    if where.type == "mps":
        return Check("device", OK, "Apple GPU (MPS), float32", "", values)
    cores, threads, bf16 = os.cpu_count(), torch.get_num_threads(), device.cpu_has_bf16()
    values.update(cores=cores, torch_threads=threads, cpu=device.cpu_name(), native_bf16=bf16)
    used = f", torch uses {threads} thread{'s' * (threads != 1)}" if threads != cores else ""
    computes = ("native bf16: training uses bfloat16 autocast" if dtype == torch.bfloat16
                else "native bf16, but SENTIMENT_AMP=0: float32" if bf16
                else "no native bf16: training runs in float32 (slower; the timings below say how much)")
    return Check("device", OK, f"CPU, {cores} cores ({device.cpu_name()}{used}), {computes}", "", values)


# --- data ---------------------------------------------------------------------------------------------------------

@dataclass
class DataFound:
    source: str  # "local folder", "IMDB archive", "Hugging Face cache" or "bundled sample"
    where: str
    rows: dict[str, int]  # reviews per split found (train, test, unsupervised); empty when not counted
    ratings: bool
    unlabeled: bool
    problem: str = ""  # why the lessons cannot load it


def _parquet_split(folder: Path, split: str) -> tuple[int, list[str]] | None:
    """Rows and columns of a split, from the parquet files' metadata (all shards of the Hugging Face layout)."""
    import pyarrow.parquet as pq

    path = data.find_split_file(folder, split)
    if path is None:
        return None
    shards = [path] if path.name == f"{split}.parquet" else sorted(path.parent.glob(f"{split}-*.parquet"))
    try:
        files = [pq.ParquetFile(shard) for shard in shards]
    except Exception as error:  # pyarrow raises several kinds for a file that is not parquet
        raise DataError(f"{path}: not a readable parquet file ({type(error).__name__}: {error})") from None
    return sum(f.metadata.num_rows for f in files), files[0].schema_arrow.names


def read_folder(folder: Path, source: str) -> DataFound:
    """What ``data.load_imdb`` would find in a folder, without reading the reviews themselves."""
    if archive.is_archive(folder):  # the original archive holds ratings and unlabeled reviews; counting them is slow
        return DataFound("IMDB archive", str(folder), {}, ratings=True, unlabeled=True)
    if not folder.is_dir():
        return DataFound(source, str(folder), {}, False, False, problem=f"{folder}: no such data folder")
    found, columns = {}, {}
    try:
        for split in ("train", "test", "unsupervised"):
            split_found = _parquet_split(folder, split)
            if split_found:
                found[split], columns[split] = split_found
    except DataError as error:
        return DataFound(source, str(folder), found, False, False, problem=str(error))
    for split in ("train", "test"):
        if split not in found:
            return DataFound(source, str(folder), found, False, False, problem=f"{folder}: no {split}.parquet (nor a "
                             f"Hugging Face {split}-*.parquet shard)")
        missing = {"text", "label"} - set(columns[split])
        if missing or not found[split]:
            why = f"missing column(s) {sorted(missing)}" if missing else "no reviews"
            return DataFound(source, str(folder), found, False, False, problem=f"{folder}: the {split} split has {why}")
    ratings = all("rating" in columns[split] for split in ("train", "test"))
    return DataFound(source, str(folder), found, ratings, bool(found.get("unsupervised")))


def hub_cache_root() -> Path | None:
    """Where ``datasets`` keeps what it loaded from the hub (HF_DATASETS_CACHE), or None without ``datasets``."""
    try:
        from datasets import config
    except ImportError:
        return None
    return Path(config.HF_DATASETS_CACHE)


def read_hub_cache() -> DataFound | None:
    """IMDB as ``datasets`` cached it after a first load from the hub (what it loads offline), or None."""
    root = hub_cache_root()
    builds = sorted(root.glob(f"{data.HUB_NAME.replace('/', '___')}/*/*/*")) if root else []
    for build in reversed(builds):  # <name>/<config>/<version>/<hash>/: dataset_info.json and the arrow files
        info = build / "dataset_info.json"
        if not info.is_file() or not any(build.glob("*.arrow")):
            continue
        splits = json.loads(info.read_text()).get("splits") or {}
        rows = {split: int(part.get("num_examples", 0)) for split, part in splits.items()}
        if rows.get("train") and rows.get("test"):
            return DataFound("Hugging Face cache", str(build), rows, ratings=False,
                             unlabeled=bool(rows.get("unsupervised")))
    return None


def find_data(data_dir: str | Path | None = None) -> DataFound:
    """Where the lessons' data would come from, in ``data.load_frames``'s order: a local folder (never falling back
    from it), the hub's copy as cached, then the bundled sample."""
    folder = data_dir or os.environ.get("IMDB_DATA_DIR")
    if folder:
        return read_folder(Path(folder).expanduser(), "local folder")
    return read_hub_cache() or read_folder(data.SAMPLE_DIR, "bundled sample")


def _counts(found: DataFound) -> str:
    return f"{found.rows['train']:,} train / {found.rows['test']:,} test reviews"


def _source_check(found: DataFound) -> Check:
    values = asdict(found)
    if found.source == "bundled sample":
        if found.problem:
            return Check("data", PROBLEM, "no data: no local folder (IMDB_DATA_DIR or --data-dir), no Hugging Face "
                         f"cache, and the bundled sample is missing ({found.problem})",
                         f"{GET_DATA}; or reinstall the course", values)
        return Check("data", WARNING, f"the bundled sample ({_counts(found)}; the hub's copy instead if it is "
                     "reachable then): fine for trying the steps, not the real result", GET_DATA, values)
    if found.problem:
        return Check("data", PROBLEM, f"{found.source} {found.problem} (the lessons stop there: they never fall back "
                     "from a folder they were given)", f"fix IMDB_DATA_DIR or --data-dir; to make one: {GET_DATA}",
                     values)
    if found.source == "IMDB archive":
        return Check("data", OK, f"the IMDB archive {found.where}, read whole at every load (convert it once: "
                     f"python -m sentiment_helpers download --out data/imdb --from-archive {found.where})", "", values)
    if found.rows["train"] < FULL_TRAIN_REVIEWS:
        return Check("data", WARNING, f"{found.source} {found.where}: {_counts(found)}, not the full IMDB "
                     f"({FULL_TRAIN_REVIEWS:,} train): results and times differ from the course's", GET_DATA, values)
    offline = (" (where there is no network, also set HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1, or the lessons use the "
               "bundled sample)" if found.source == "Hugging Face cache" else "")
    return Check("data", OK, f"{found.source} {found.where}: {_counts(found)}{offline}", "", values)


def data_checks(found: DataFound) -> list[Check]:
    """Where the data comes from; then, when it can be loaded, whether star ratings and unlabeled reviews are there."""
    source = _source_check(found)
    if source.verdict == PROBLEM:
        return [source]
    if found.ratings:
        ratings = Check("ratings", OK, "star ratings are there (lessons 01 and 05)", "", {"ratings": True})
    else:
        why = " (the hub's copy has none)" if found.source == "Hugging Face cache" else ""
        ratings = Check("ratings", WARNING, f"no star ratings in this copy{why}: lessons 01 and 05 leave out their "
                        "rating parts", GET_DATA, {"ratings": False})
    count = found.rows.get("unsupervised")  # None for the archive, which is not counted
    if found.unlabeled:
        unlabeled = Check("unlabeled", OK, f"{f'{count:,} ' if count else ''}unlabeled reviews are there (lesson 07, "
                          "the *-pretrained profiles)", "", {"unlabeled": count})
    else:
        unlabeled = Check("unlabeled", WARNING, "no unlabeled reviews (unsupervised.parquet): lesson 07 and the "
                          "*-pretrained profiles cannot run", f"the download writes them too: {GET_DATA}",
                          {"unlabeled": 0})
    return [source, ratings, unlabeled]


# --- training speed -----------------------------------------------------------------------------------------------

@dataclass
class Speed:
    seconds_per_batch: float  # one training step: forward, backward, clipping and AdamW, as train.fit runs it
    seconds_per_validation_batch: float  # one evaluation batch (pipeline.EVAL_BATCH_SIZE reviews), no gradients
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
        result = train.fit(model, loader, one_token, epochs=1, lr=profile.lr, weight_decay=profile.weight_decay,
                           schedule=profile.schedule, clip=profile.clip, device=where, max_seconds=max_seconds,
                           progress=False)
    return result.seconds / len(result.history.steps), len(result.history.steps)


def _validation_seconds(model: SentimentLSTM, encoded: batching.EncodedReviews, mean_width: float,
                        where: torch.device, reviews: int) -> float:
    """Seconds for one evaluation batch (``pipeline.EVAL_BATCH_SIZE`` reviews), timed on ``reviews`` of them and scaled.
    Evaluation sorts reviews by length, so its batches carry little padding: reviews of the mean length stand in."""
    typical = sorted(range(len(encoded)), key=lambda i: abs(encoded.lengths[i] - mean_width))
    evaluation = DataLoader(encoded, batch_sampler=[typical[:reviews]], collate_fn=batching.collate)
    start = time.perf_counter()
    train.validate(model, evaluation, where, None)
    return (time.perf_counter() - start) * pipeline.EVAL_BATCH_SIZE / reviews


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
                                     pipeline.EVAL_BATCH_SIZE // 4 if slow else pipeline.EVAL_BATCH_SIZE)
    return Speed(step, validation, timed, mean_width, where.type, precision(where))


def predicted_seconds(profile: Profile, speed: Speed) -> tuple[float, float]:
    """Seconds of training per epoch and in all: every training batch, then validation, each epoch."""
    batches = math.ceil((profile.n_train or TRAINING_REVIEWS) / profile.batch_size)
    validation_batches = math.ceil((profile.n_val or VALIDATION_REVIEWS) / pipeline.EVAL_BATCH_SIZE)
    epoch = batches * speed.seconds_per_batch + validation_batches * speed.seconds_per_validation_batch
    return epoch, profile.epochs * epoch


def _word2vec_note(profile: Profile) -> str:
    if profile.pretrain != "word2vec":
        return ""
    cache = pipeline.pretrained_cache_path(profile)
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


# --- disk and artifacts -------------------------------------------------------------------------------------------

def check_disk() -> Check:
    folder = checkpoint.default_artifacts_dir()
    existing = next(path for path in (folder, *folder.parents) if path.exists())
    free_gb = shutil.disk_usage(existing).free / 1e9
    writable = os.access(existing, os.W_OK)
    chosen = " (SENTIMENT_ARTIFACTS)" if os.environ.get("SENTIMENT_ARTIFACTS") else ""
    values = {"artifacts": str(folder), "free_gb": round(free_gb, 2), "writable": writable}
    where = f"the artifacts folder {folder}{chosen}"
    if not writable:
        return Check("disk", PROBLEM, f"cannot write {where}", "set SENTIMENT_ARTIFACTS to a folder you can write",
                     values)
    if free_gb < DISK_WARNING_GB:
        verdict = PROBLEM if free_gb < DISK_PROBLEM_GB else WARNING
        return Check("disk", verdict, f"{free_gb:.2f} GB free for {where}: the model, the word2vec cache and lesson "
                     f"07's caches need a few hundred MB", f"free at least {DISK_WARNING_GB:.0f} GB, or set "
                     "SENTIMENT_ARTIFACTS to a folder on a larger disk", values)
    return Check("disk", OK, f"{free_gb:.1f} GB free for {where}", "", values)


def _file_note(path: Path) -> str:
    stat = path.stat()
    day = dt.datetime.fromtimestamp(stat.st_mtime).date().isoformat()
    return f"{path} ({stat.st_size / 1e6:.0f} MB, {day})"


def check_checkpoint() -> Check:
    path = pipeline.default_checkpoint_path()
    if path.is_file():
        return Check("checkpoint", OK, f"trained model: {_file_note(path)}", "", {"path": str(path), "present": True})
    return Check("checkpoint", OK, f"no trained model yet at {path}: lesson 04 (or `train`) makes it; lessons 05 and "
                 "06 train a small stand-in without it", "", {"path": str(path), "present": False})


def check_word2vec_cache() -> Check:
    path = pipeline.pretrained_cache_path(PROFILES["cpu-pretrained"])
    others = sorted(str(p) for p in path.parent.glob("word2vec-*.pt") if p != path)
    values = {"path": str(path), "present": path.is_file(), "other_caches": others}
    if path.is_file():
        return Check("word2vec cache", OK, f"cpu-pretrained's vectors: {_file_note(path)}", "", values)
    return Check("word2vec cache", OK, f"none yet at {path}: the first cpu-pretrained run (lesson 07) builds it"
                 + (f" (other sizes there: {len(others)})" if others else ""), "", values)


# --- the report ---------------------------------------------------------------------------------------------------

def run_checks(data_dir: str | Path | None = None, on_check: Callable[[Check], None] | None = None) -> list[Check]:
    """Every check, in the order the report prints them; ``on_check`` sees each one as soon as it is made."""
    checks: list[Check] = []
    requirements = course_requirements()
    steps = [lambda: [check_python()], lambda: [check_package(name, requirements) for name in CHECKED_PACKAGES],
             lambda: [check_colab(), check_torch_build()], lambda: data_checks(find_data(data_dir)),
             lambda: [check_device()], speed_checks, lambda: [check_disk(), check_checkpoint(), check_word2vec_cache()]]
    for step in steps:
        for check in step():
            checks.append(check)
            if on_check:
                on_check(check)
    return checks


def line(check: Check) -> str:
    text = f"{check.verdict:<8} {check.name:<23} {check.message}"
    return text + (f"\n{'':<8} {'':<23} what to do: {check.advice}" if check.verdict != OK and check.advice else "")


def summary(checks: list[Check], seconds: float) -> str:
    count = lambda verdict: sum(check.verdict == verdict for check in checks)
    problems, warnings = count(PROBLEM), count(WARNING)
    verdict = ("problem: the lessons cannot run here" if problems
               else "ready, with warnings" if warnings else "ready")
    return (f"{verdict} ({problems} problem{'s' * (problems != 1)}, {warnings} warning{'s' * (warnings != 1)}; "
            f"checked in {seconds:.0f} s)")


def report(checks: list[Check], seconds: float) -> dict:
    """The checks as one JSON-ready object, for collecting a room's reports."""
    worst = PROBLEM if any(c.verdict == PROBLEM for c in checks) else (
        WARNING if any(c.verdict == WARNING for c in checks) else OK)
    return {"sentiment_helpers": __version__, "machine": device.describe_machine(), "platform": platform.platform(),
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "verdict": worst,
            "seconds": round(seconds, 1), "checks": [asdict(check) for check in checks]}


def main(data_dir: str | Path | None = None, as_json: bool = False) -> int:
    """Print the room check (one verdict per line, or ``as_json``); 1 when there is a problem (a blocker), else 0."""
    start = time.perf_counter()
    if not as_json:
        print(f"sentiment-helpers {__version__} room check: {device.describe_machine()}")
    checks = run_checks(data_dir, None if as_json else lambda check: print(line(check), flush=True))
    seconds = time.perf_counter() - start
    print(json.dumps(report(checks, seconds), indent=2) if as_json else summary(checks, seconds))
    sys.stdout.flush()
    return 1 if any(check.verdict == PROBLEM for check in checks) else 0
