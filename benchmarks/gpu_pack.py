"""Build what the GPU check carries to the device machine, and check that each planned call fits.

    python benchmarks/gpu_pack.py [--data-dir ../shared/data/imdb] [--limit-mib 60]

Run it in the checkout that the device tool sends, where PyPI is reachable. It writes, all ignored by git:

  .whl/course/           the wheels the GPU image lacks to run the course and its notebooks under nbval (no gensim)
  .whl/gensim/           gensim without its own test suite, and smart_open: lesson 07 and the *-pretrained profiles
  .gpu-data/labeled/     train.parquet and test.parquet: text and label only
  .gpu-data/unlabeled/   unsupervised.parquet: text and label only

then prints, for each planned call of benchmarks/gpu_check.sh, what would travel: the working tree as git counts it
(tracked and untracked-not-ignored files) plus the carried paths. It exits 1 if a call is over the limit (the device
tool refuses more than 64 MiB; the default limit, 60 MiB, leaves room for files written after packing).
Needs only the standard library, pyarrow and pip.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024

# What the GPU image (the device tool's `nvidia-h200`: Python 3.12, torch 2.11 with CUDA 13, numpy, pandas 3, pyarrow,
# matplotlib, seaborn, scikit-learn, scipy, tqdm, pytest, psutil, pyyaml, requests, huggingface-hub, fsspec, xxhash,
# aiohttp, attrs, pygments, python-dateutil, wrapt, ...) lacks. One version of each: two stop the whole install.
# Left out on purpose, because nothing the check runs imports them: widgetsnbextension and jupyterlab_widgets (the
# widgets' browser side, for a notebook server), debugpy (ipykernel's debugger, imported only when a debugger
# attaches) and jedi + parso (IPython's tab completion, imported on the first completion).
COURSE_WHEELS = [
    "datasets==4.0.0",  # 4.0.0 (Colab's) accepts pyarrow>=15; datasets 5 wants pyarrow>=24
    "dill==0.3.8", "multiprocess==0.70.16",  # datasets 4.0.0: dill<0.3.9, multiprocess<0.70.17
    "ipywidgets==8.1.9", "comm==0.2.3",
    "nbval==0.11.0", "nbformat==5.11.1", "fastjsonschema==2.22.3", "jsonschema==4.26.0",
    "jsonschema-specifications==2025.9.1", "referencing==0.37.0", "rpds-py==2026.9.1",
    "jupyter-client==8.10.0", "jupyter-core==5.9.1", "platformdirs==4.14.8", "pyzmq==27.3.0", "tornado==6.6.1",
    "traitlets==5.16.1",
    "ipykernel==7.4.0", "nest-asyncio2==1.7.4", "matplotlib-inline==0.2.2",
    "ipython==9.18.1", "ipython-pygments-lexers==1.1.1", "decorator==5.3.1", "prompt-toolkit==3.0.53",
    "wcwidth==0.9.4", "pexpect==4.9.0", "ptyprocess==0.7.0", "stack-data==0.6.3", "asttokens==3.0.2",
    "executing==2.3.0", "pure-eval==0.2.4",
]
GENSIM_WHEELS = ["gensim==4.4.0", "smart-open==9.0.2"]  # smart_open's one need, wrapt, is in the image
# gensim's wheel (27 MB) is 80% its own test suite and test data (gensim/test/, 22 MB compressed): the repacked wheel
# leaves that folder out, and nothing else. The course imports gensim.models.Word2Vec, which never reads it.
GENSIM_DROP = "gensim/test/"
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_24_x86_64", "manylinux_2_17_x86_64",
             "manylinux2014_x86_64", "manylinux1_x86_64"]

DATA = {"labeled": ("train", "test"), "unlabeled": ("unsupervised",)}
EXPECTED_LABELS = {"train": {0: 12_500, 1: 12_500}, "test": {0: 12_500, 1: 12_500}, "unsupervised": {-1: 50_000}}
ZSTD_LEVEL = 22  # zstd's highest; the text column is written as one page, so the compressor sees a split whole

# the device calls that benchmarks/gpu_check.sh can make, and what each carries: `all` in one call where it fits,
# else `lessons` and `pretrained`
EVERYTHING = [".whl/course", ".whl/gensim", ".gpu-data/labeled", ".gpu-data/unlabeled"]
CALLS = {"all": EVERYTHING, "lessons": [".whl/course", ".gpu-data/labeled"], "pretrained": EVERYTHING}


def download_wheels(pins: list[str], folder: Path) -> None:
    """The pinned wheels for CPython 3.12 on manylinux x86_64 into ``folder``, and nothing else there."""
    folder.mkdir(parents=True, exist_ok=True)
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                    "--python-version", "3.12", "--implementation", "cp", *platforms, "-d", str(folder), *pins],
                   check=True)
    wanted = {(normalize(name), version) for name, version in (pin.split("==") for pin in pins)}
    for wheel in folder.glob("*.whl"):  # a wheel of an older pin would be a second version of that package
        if wheel_name_version(wheel) not in wanted:
            wheel.unlink()
    missing = wanted - {wheel_name_version(wheel) for wheel in folder.glob("*.whl")}
    if missing:
        raise SystemExit(f"no wheel for {sorted(missing)} in {folder}")


def normalize(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def wheel_name_version(wheel: Path) -> tuple[str, str]:
    name, version = wheel.name.split("-")[:2]
    return normalize(name), version


def strip_wheel(wheel: Path, drop_prefix: str) -> int:
    """Rewrite ``wheel`` without the files under ``drop_prefix``, and without their lines in RECORD (which lists
    every file with its hash: pip checks the files it installs against it). Returns the bytes saved."""
    before = wheel.stat().st_size
    with zipfile.ZipFile(wheel) as source:
        if not any(name.startswith(drop_prefix) for name in source.namelist()):
            return 0  # already stripped
        with tempfile.NamedTemporaryFile(dir=wheel.parent, suffix=".partial", delete=False) as handle:
            partial = Path(handle.name)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
            for info in source.infolist():
                if info.filename.startswith(drop_prefix):
                    continue
                content = source.read(info)
                if info.filename.endswith(".dist-info/RECORD"):
                    lines = content.decode().splitlines(keepends=True)
                    content = "".join(line for line in lines if not line.startswith(drop_prefix)).encode()
                target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    partial.replace(wheel)
    return before - wheel.stat().st_size


def pack_split(source: Path, target: Path, split: str) -> str:
    """``split`` with its text and label columns only, same rows in the same order, as zstd parquet; read back and
    compared with the source before it counts. Returns a line for the report."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(source / f"{split}.parquet", columns=["text", "label"])
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{split}.parquet"
    pq.write_table(table, path, compression="zstd", compression_level=ZSTD_LEVEL, use_dictionary=["label"],
                   data_page_size=1 << 30, write_statistics=False)
    packed = pq.read_table(path)
    labels = {row["values"]: row["counts"] for row in pc.value_counts(packed["label"]).to_pylist()}
    if packed.num_rows != table.num_rows or not packed.equals(table):
        raise SystemExit(f"{path}: not the same rows in the same order as {source / f'{split}.parquet'}")
    if labels != EXPECTED_LABELS[split]:
        raise SystemExit(f"{path}: labels {labels}, expected {EXPECTED_LABELS[split]} (is {source} the full data?)")
    balance = ", ".join(f"{labels[label]:,} with label {label}" for label in sorted(labels))
    return (f"{path.relative_to(ROOT)}: {packed.num_rows:,} rows ({balance}), same rows and order as the source; "
            f"{(source / f'{split}.parquet').stat().st_size / MIB:.1f} MiB -> {path.stat().st_size / MIB:.1f} MiB")


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def working_tree_bytes() -> int:
    """What the device tool sends besides the carried paths: tracked and untracked-not-ignored files, and a shared/
    folder inside the checkout if there is one (it travels, ignored or not)."""
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    files = {name for name in listed if name and (ROOT / name).is_file() and not name.startswith("shared/")}
    shared = size_of(ROOT / "shared") if (ROOT / "shared").is_dir() else 0
    return sum(size_of(ROOT / name) for name in files) + shared


def report_calls(limit_mib: float) -> bool:
    """Print each call's total; True if every call fits under ``limit_mib``."""
    tree, fits = working_tree_bytes(), True
    for call, carry in CALLS.items():
        sizes = {path: size_of(ROOT / path) for path in carry}
        total = tree + sum(sizes.values())
        ok = total <= limit_mib * MIB
        fits &= ok
        parts = " + ".join(f"{path} {size / MIB:.1f}" for path, size in sizes.items())
        print(f"call {call}: working tree {tree / MIB:.1f} + {parts} = {total / MIB:.1f} MiB "
              f"({'fits under' if ok else 'OVER'} {limit_mib:g} MiB)")
    return fits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "imdb",
                        help="the full IMDB parquet folder (default: ../shared/data/imdb beside the checkout)")
    parser.add_argument("--limit-mib", type=float, default=60.0, help="the most one call may carry (default: 60)")
    parser.add_argument("--sizes-only", action="store_true", help="build nothing: print each call's size")
    parser.add_argument("--carry", choices=list(CALLS), help="build nothing: print what that call carries, one a line")
    args = parser.parse_args()
    if args.carry:
        print("\n".join(CALLS[args.carry]))
        return 0
    if not args.sizes_only:
        if not (args.data_dir / "train.parquet").is_file():
            raise SystemExit(f"{args.data_dir}: no train.parquet (give the full IMDB data with --data-dir)")
        download_wheels(COURSE_WHEELS, ROOT / ".whl" / "course")
        download_wheels(GENSIM_WHEELS, ROOT / ".whl" / "gensim")
        for wheel in (ROOT / ".whl" / "gensim").glob("gensim-*.whl"):
            saved = strip_wheel(wheel, GENSIM_DROP)
            print(f"{wheel.relative_to(ROOT)}: {wheel.stat().st_size / MIB:.1f} MiB"
                  + (f" ({saved / MIB:.1f} MiB of {GENSIM_DROP} left out)" if saved else ""))
        for folder, splits in DATA.items():
            for split in splits:
                print(pack_split(args.data_dir, ROOT / ".gpu-data" / folder, split), flush=True)
    return 0 if report_calls(args.limit_mib) else 1


if __name__ == "__main__":
    sys.exit(main())
