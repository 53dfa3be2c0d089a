"""How long the README's test command takes: `pytest` in a fresh clone of the course, with only the bundled sample.

    python -m benchmarks.test_suite [--repeat 1]

The clone is made from this repository's last commit into a temporary folder (no data folder, no artifacts, no
caches: what a learner has after the quick start), and `pytest` runs there in this Python environment (the clone's
own package first on the path), with the full data hidden (no IMDB_DATA_DIR, an empty Hugging Face cache, offline).
Writes benchmarks/results/test-suite.{json,md}. Run it with nothing else running: the suite uses every core.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import common


def run_once(clone: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("IMDB_DATA_DIR", "SENTIMENT_ARTIFACTS")}
    env.update({**common.OFFLINE, "HF_HOME": str(clone / ".hf-empty"), "PYTHONPATH": str(clone)})
    measured = common.run_measured([sys.executable, "-m", "pytest", "-q"], cwd=clone, env=env, capture=True,
                                   check=False)
    summary = next((line for line in reversed(measured.stdout.splitlines()) if " passed" in line), "")
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|skipped|errors?)", summary)}
    return {"seconds": measured.seconds, "returncode": measured.returncode, "summary": summary.strip("= "),
            **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    machine = common.machine()
    runs = []
    with tempfile.TemporaryDirectory(prefix="test-suite-") as folder:
        clone = Path(folder) / "course"
        subprocess.run(["git", "clone", "-q", str(common.ROOT), str(clone)], check=True)
        for _ in range(args.repeat):
            runs.append(run_once(clone))
            print(runs[-1], flush=True)
    command = common.command_line("test_suite", f"--repeat {args.repeat}")
    rows = "\n".join(f"| {r['seconds']:.0f} | {r['seconds'] / 60:.1f} | {r['summary']} |" for r in runs)
    markdown = (f"`pytest` (the README's test command) in a fresh clone with only the bundled sample; "
                f"{common.machine_line(machine)}, {time.strftime('%Y-%m-%d')}.\nCommand: `{command}`\n\n"
                f"| seconds | minutes | pytest's summary |\n|---|---|---|\n{rows}\n")
    common.write_results("test-suite", markdown, {"machine": common.machine_line(machine), **machine,
                                                  "command": command, "runs": runs})
    if any(r["returncode"] != 0 for r in runs):
        raise SystemExit("pytest failed: the timing is recorded, but fix the failures first")


if __name__ == "__main__":
    main()
