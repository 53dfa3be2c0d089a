"""Where the model runs: CUDA, then Apple MPS, then the CPU (made fast with two switches)."""
from __future__ import annotations

import contextlib
import os
import platform
import sys

import torch

_told = False


def pick_device(prefer: str | None = None, verbose: bool = True) -> torch.device:
    """The best available device, or ``prefer`` ("cuda", "mps", "cpu") when given. Says so when it is the CPU."""
    global _told
    if prefer:
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    if verbose and not _told:
        _told = True
        print("No GPU found: running on the CPU. The 'cpu', 'cpu-pretrained' and 'smoke' profiles are sized for that. "
              "In Colab: Runtime > Change runtime type > GPU, then run the notebook again.", file=sys.stderr)
    return torch.device("cpu")


def place_model(model: torch.nn.Module, device: str | torch.device | None = None) -> torch.device:
    """Put ``model`` on ``device`` (the best available one when None) and return that device.

    Every function that runs a model calls this first and moves its inputs to the device it returns, so model
    and inputs can never end up on two devices (a checkpoint loads on the CPU; the GPU is where it runs)."""
    device = torch.device(device) if device is not None else pick_device(verbose=False)
    model.to(device)
    if device.type == "cpu":
        prepare_cpu()
    return device


def _cpuinfo() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return f.read()
    except OSError:  # not Linux
        return ""


def cpu_has_bf16() -> bool:
    """True on CPUs with native bfloat16 arithmetic (AVX512-BF16 or AMX), where bf16 autocast pays off."""
    flags = _cpuinfo()
    return "avx512_bf16" in flags or "amx_bf16" in flags


def cpu_name() -> str:
    """The CPU's model name, e.g. "AMD EPYC 9R14" (on Linux; elsewhere what ``platform`` knows)."""
    models = [line.split(":", 1)[1].strip() for line in _cpuinfo().splitlines() if line.startswith("model name")]
    return models[0] if models else platform.processor() or platform.machine()


def describe_machine() -> str:
    """What a recorded run ran on, e.g. "2 CPU cores (AMD EPYC, no native bf16), no GPU"."""
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    # CPUs of one name differ: whether they have native bf16 decides the CPU's training precision and speed
    return f"{os.cpu_count()} CPU cores ({cpu_name()}, {'with' if cpu_has_bf16() else 'no'} native bf16), {gpu}"


def prepare_cpu() -> None:
    """Flush denormal floats to zero: the LSTM backward pass hits them and slows down many times over otherwise."""
    torch.set_flush_denormal(True)


def autocast_dtype(device: torch.device, amp: bool | None = None) -> torch.dtype | None:
    """Mixed-precision dtype for this device, or None for plain float32.

    amp=None chooses: float16 on CUDA, bfloat16 on CPUs with native bf16, float32 elsewhere.
    ``SENTIMENT_AMP=0`` turns it off everywhere.
    """
    if amp is None:
        amp = os.environ.get("SENTIMENT_AMP", "1") != "0"
    if not amp:
        return None
    if device.type == "cuda":
        return torch.float16
    if device.type == "cpu" and cpu_has_bf16():
        return torch.bfloat16
    return None


def autocast(device: torch.device, dtype: torch.dtype | None):
    """Mixed precision in ``dtype`` on ``device``, or nothing at all when dtype is None (any device, MPS included)."""
    return torch.autocast(device.type, dtype=dtype) if dtype is not None else contextlib.nullcontext()
