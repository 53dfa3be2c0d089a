"""Does `predict --file` stream? Peak memory of the command on files of 100 and 10,000 reviews (and more).

    python -m benchmarks.predict_memory --checkpoint artifacts/sentiment_lstm.pt [--sizes 100 10000 100000]

Each file holds real reviews (the bundled sample's test reviews, one per line, repeated as needed). Every size
runs in a fresh process, measured from outside (peak resident set size of the child, `common.run_measured`), with its
results written to a CSV file as an instructor would. If the command read its whole input, or kept every result,
memory would grow with the file; streaming keeps it flat. Writes benchmarks/results/predict-memory.{json,md}.
"""
from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from . import common


def measure(command: list[str]) -> dict:
    """Peak RSS (MiB) and wall time of ``command``, its output discarded."""
    done = common.run_measured(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"peak_rss_mib": done.peak_rss_mib, "seconds": done.seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    args = parser.parse_args()
    from sentiment_helpers import data

    reviews = [text.replace("\n", " ").replace("\r", " ") for text in data.load_imdb(data.SAMPLE_DIR)["test"]["text"]]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"reviews-{size}.txt"
            path.write_text("".join(text + "\n" for text in itertools.islice(itertools.cycle(reviews), size)))
            command = [sys.executable, "-m", "sentiment_helpers", "predict", "--checkpoint", args.checkpoint,
                       "--device", "cpu", "--file", str(path), "--csv", str(Path(folder) / "out.csv")]
            result = {"reviews": size, "input_mib": path.stat().st_size / 2**20, **measure(command)}
            result["reviews_per_second"] = size / result["seconds"]
            rows.append(result)
            print(f"{size:>9,} reviews ({result['input_mib']:.1f} MiB): peak RSS {result['peak_rss_mib']:.0f} MiB, "
                  f"{result['seconds']:.1f} s", flush=True)
    machine, checkpoint = common.machine(), os.path.relpath(Path(args.checkpoint).resolve(), common.ROOT)
    sizes = " ".join(map(str, args.sizes))
    command = common.command_line("predict_memory", f"--checkpoint {checkpoint} --sizes {sizes}")
    record = {"command": command, "checkpoint": checkpoint, "machine": common.machine_line(machine), **machine,
              "rows": rows}
    lines = [f"`predict --file ... --csv ...` on one review per line (`{command}`); {record['machine']}", "",
             "| reviews | input | peak RSS | wall time (incl. start-up) |", "|---|---|---|---|"]
    lines += [f"| {r['reviews']:,} | {r['input_mib']:.1f} MiB | {r['peak_rss_mib']:.0f} MiB | {r['seconds']:.1f} s |"
              for r in rows]
    common.write_results("predict-memory", "\n".join(lines) + "\n", record)


if __name__ == "__main__":
    main()
