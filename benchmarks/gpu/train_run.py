"""One training run of the GPU check: the learner's own command, ``python -m sentiment_helpers train ARGS``, run in
this process so that the peak GPU memory it used can be read at its end (into RUN_DIR/peak-memory.json).

    python -m benchmarks.gpu.train_run --out RUN_DIR --profile full --set max_train_seconds=600 [...]
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch

from sentiment_helpers import cli
from sentiment_helpers.files import write_json


def main(argv: list[str]) -> int:
    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    rc = cli.main(["train", *argv])
    out = Path(argv[argv.index("--out") + 1])
    if out.is_dir():
        peak = round(torch.cuda.max_memory_allocated() / 2**30, 3) if cuda else None
        write_json(out / "peak-memory.json", {"peak_gpu_memory_gib": peak})
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
