"""The room check's environment lines: Python and the course's packages against the installed course's minimums,
Colab, the torch build against the machine (an NVIDIA GPU or not), and the device training runs on."""
from __future__ import annotations

import os
import platform
import shutil
from importlib import metadata
from pathlib import Path

import torch

from .. import colab, device
from .verdicts import OK, PROBLEM, WARNING, Check

DISTRIBUTION = "sentiment-helpers"
CHECKED_PACKAGES = ("torch", "ipywidgets", "datasets", "gensim")
CPU_TORCH = "pip install torch --index-url https://download.pytorch.org/whl/cpu"


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
