"""What the CPU-only installs of the course take on this machine: the quick start's route on Linux without an NVIDIA GPU
(PyTorch's CPU build, then the course) in a fresh venv, and the kit for a room with no network (scripts/wheelhouse.sh)
installed with no network at all.

    python -m benchmarks.install_sizes --data-dir DATA [--torch-wheels WHEELS] [--keep DIR]

1. The CPU route, in a fresh venv: `pip install torch --index-url https://download.pytorch.org/whl/cpu` (or, with
   --torch-wheels WHEELS, torch from that folder of wheels: for a machine that cannot reach PyTorch's index), then
   `pip install -e ".[lab,test]"` from the course's folder. Its size, and torch's.
2. The kit: `bash scripts/wheelhouse.sh --out KIT --data DATA [--torch-wheels WHEELS]`, without a pretraining cache; the
   size of its wheels (and their count), its data, the course's archive, the kit.
3. The kit installed with no network: the course unpacked from the kit's archive, a fresh venv, and
   `PIP_CONFIG_FILE=/dev/null unshare -n pip install --no-index --find-links ../wheels -e ".[lab,test]"` timed
   (`unshare -n`: no network at all, so it needs root; no pip settings of this machine); that venv's size; then
   `doctor` in it, offline, with the kit's data, timed.

Sizes are `du -sb` (apparent bytes), written in MB and GB (10^6 and 10^9 bytes). The installs use the Python that
runs this benchmark. Writes benchmarks/results/install-sizes.{json,md}, with WORK for its work folder (about 2.5 GB,
removed unless --keep names one), DATA and WHEELS for the folders given. Run it with nothing else running.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import common

ROOT = common.ROOT
WHEELS = "WHEELS"  # how the record names a folder of wheels given with --torch-wheels
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
NO_PIP_SETTINGS = {"PIP_CONFIG_FILE": "/dev/null"}  # with every PIP_* variable of this machine left out


def du_bytes(path: Path) -> int:
    return int(subprocess.run(["du", "-sb", str(path)], check=True, capture_output=True, text=True).stdout.split()[0])


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def timed(command: list[str], **kwargs) -> float:
    return common.run_measured(command, **kwargs).seconds


def without_pip_settings() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PIP_")}, **NO_PIP_SETTINGS}


def named(command: str, folders: dict[str | None, str]) -> str:
    """``command`` with each folder of this machine replaced by its name in the record (WORK, DATA, WHEELS)."""
    for folder, name in folders.items():
        command = command.replace(folder, name) if folder else command
    return command


def cpu_route(work: Path, torch_wheels: str | None) -> dict:
    venv = work / "cpu-route" / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    if torch_wheels:  # that folder's build, exactly (its dependencies come from PyPI)
        wheel = max(Path(torch_wheels).glob("torch-*.whl"), key=lambda path: path.stat().st_mtime)
        torch_from, requirement = ["--find-links", torch_wheels], f"torch=={wheel.name.split('-')[1]}"
    else:
        torch_from, requirement = ["--index-url", CPU_INDEX], "torch"
    seconds = timed([*pip, *torch_from, requirement]) + timed([*pip, "-e", ".[lab,test]"], cwd=ROOT)
    torch_version = subprocess.run([str(venv / "bin" / "python"), "-c", "import torch; print(torch.__version__)"],
                                   check=True, capture_output=True, text=True).stdout.strip()
    return {"venv_bytes": du_bytes(venv), "torch_bytes": du_bytes(site_packages(venv) / "torch"),
            "torch": torch_version, "install_seconds": seconds,
            "commands": [named(f"python3 -m venv .venv && .venv/bin/pip install {' '.join(torch_from)} {requirement}",
                               {torch_wheels: WHEELS}),
                         '.venv/bin/pip install -e ".[lab,test]"',
                         "du -sb .venv .venv/lib/python3*/site-packages/torch"]}


def make_kit(work: Path, data_dir: str, torch_wheels: str | None) -> tuple[Path, dict]:
    kit = work / "kit"
    options = ["--out", str(kit), "--data", data_dir, "--artifacts", str(work / "no-artifacts")]
    options += ["--torch-wheels", torch_wheels] if torch_wheels else []
    seconds = timed(["bash", "scripts/wheelhouse.sh", *options], cwd=ROOT, env={**os.environ, "PYTHON": sys.executable})
    wheels = kit / "wheels"
    return kit, {"wheels_bytes": du_bytes(wheels), "wheel_files": len(list(wheels.glob("*.whl"))),
                 "data_bytes": du_bytes(kit / "data"), "course_archive_bytes": du_bytes(kit / "course.tar.gz"),
                 "kit_bytes": du_bytes(kit), "make_seconds": seconds,
                 "command": named(f"bash scripts/wheelhouse.sh {' '.join(options)}",
                                  {str(work): "WORK", data_dir: common.DATA, torch_wheels: WHEELS})}


def install_kit(kit: Path, data_dir_in_kit: Path) -> dict:
    subprocess.run(["tar", "xzf", "course.tar.gz"], cwd=kit, check=True)
    course, venv = kit / "course", kit / "course" / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], cwd=course, check=True)
    install = ["unshare", "-n", ".venv/bin/pip", "install", "-q", "--no-index", "--find-links", "../wheels", "-e",
               ".[lab,test]"]
    seconds = timed(install, cwd=course, env=without_pip_settings())
    doctor = common.run_measured(["unshare", "-n", ".venv/bin/python", "-m", "sentiment_helpers", "doctor"],
                                 check=False, capture=True, cwd=course,
                                 env={**without_pip_settings(), "IMDB_DATA_DIR": str(data_dir_in_kit)})
    output = named(doctor.stdout, {str(kit.parent): "WORK"})
    verdicts = [line.split()[0] for line in output.splitlines()[1:-1] if line and not line.startswith(" ")]
    return {"install_seconds": seconds, "venv_bytes": du_bytes(venv),
            "install_command": "PIP_CONFIG_FILE=/dev/null " + " ".join(install[:-1]) + ' ".[lab,test]"',
            "doctor_seconds": doctor.seconds, "doctor_exit_code": doctor.returncode,
            "doctor_lines": len(verdicts), "doctor_ok_lines": verdicts.count("ok"),
            "doctor_summary": output.splitlines()[-1] if output else "no output (its errors went to the terminal)",
            "doctor_command": "IMDB_DATA_DIR=WORK/kit/data/imdb unshare -n .venv/bin/python -m sentiment_helpers "
                              "doctor",
            "doctor_output": output}


def glibc() -> str:
    name, version = platform.libc_ver()
    return f"{name} {version}" if name else "no glibc"


def markdown(r: dict) -> str:
    mb = lambda n: f"{n / 1e6:,.1f} MB"
    gb = lambda n: f"{n / 1e9:.2f} GB"
    cpu, kit, offline = r["cpu_route"], r["kit"], r["kit_install"]
    rows = [
        ("CPU route: the fresh venv", gb(cpu["venv_bytes"]),
         " && ".join(cpu["commands"][:2]) + f"; {cpu['commands'][2]}"),
        ("CPU route: torch in it", mb(cpu["torch_bytes"]), f"torch {cpu['torch']}"),
        ("CPU route: install time (downloads from PyPI included)", f"{cpu['install_seconds']:.0f} s", "the two pip "
         "commands above"),
        ("kit: the wheels", f"{mb(kit['wheels_bytes'])} ({kit['wheel_files']} files)", kit["command"]),
        ("kit: the data", mb(kit["data_bytes"]), "its data/imdb (train, test, unsupervised parquet)"),
        ("kit: the course's archive", mb(kit["course_archive_bytes"]), "course.tar.gz (git archive HEAD)"),
        ("kit: all of it, with the full data and no pretraining cache", mb(kit["kit_bytes"]), "du -sb WORK/kit"),
        ("kit: making it (downloads included)", f"{kit['make_seconds']:.0f} s", "the wheelhouse.sh command above"),
        ("kit install into a fresh venv, no network", f"{offline['install_seconds']:.0f} s",
         f"in WORK/kit/course: {offline['install_command']}"),
        ("kit install: that venv", gb(offline["venv_bytes"]), "du -sb .venv"),
        ("kit install: doctor in that venv, offline, the kit's data",
         f"{offline['doctor_seconds']:.1f} s, {offline['doctor_ok_lines']} of {offline['doctor_lines']} lines ok, "
         f"exit code {offline['doctor_exit_code']}", offline["doctor_command"]),
    ]
    lines = [f"CPU-only installs of the course on {r['machine']}: {r['platform']}, {r['glibc']}, Python {r['python']}; "
             f"{r['date']}. Command: `{r['command']}` (WORK is its temporary folder, WHEELS the folder given to "
             "--torch-wheels). Sizes: `du -sb`, in MB and GB of 10^6 and 10^9 bytes.", "",
             "| what | measured | command |", "|---|---|---|"]
    lines += [f"| {what} | {figure} | `{command}` |" for what, figure, command in rows]
    lines += ["", f"`doctor` in the kit's venv: {offline['doctor_summary']}", "", "```",
              offline["doctor_output"].rstrip(), "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True, help="the IMDB parquet folder to put in the kit")
    parser.add_argument("--torch-wheels", default=None, help="a folder holding the CPU build of torch")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = parser.parse_args()
    data_dir = str(Path(args.data_dir).resolve())
    work = args.keep or Path(tempfile.mkdtemp(prefix="install-sizes-"))
    work.mkdir(parents=True, exist_ok=True)
    command = common.command_line("install_sizes", f"--data-dir {common.DATA}"
                                  + (f" --torch-wheels {WHEELS}" if args.torch_wheels else ""))
    try:
        cpu = cpu_route(work, args.torch_wheels)
        print("CPU route:", cpu, flush=True)
        kit_folder, kit = make_kit(work, data_dir, args.torch_wheels)
        print("kit:", kit, flush=True)
        offline = install_kit(kit_folder, kit_folder / "data" / "imdb")
        print("kit install:", {k: v for k, v in offline.items() if k != "doctor_output"}, flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    machine = common.machine()
    record = {"machine": common.machine_line(machine), **machine, "glibc": glibc(), "date": time.strftime("%Y-%m-%d"),
              "platform": f"{platform.system()} {platform.machine()}", "command": command, "cpu_route": cpu,
              "kit": kit, "kit_install": offline}
    common.write_results("install-sizes", markdown(record), record)
    print(markdown(record))


if __name__ == "__main__":
    main()
