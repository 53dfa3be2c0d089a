"""Does `predict --file` stream? Peak memory of the command on files of 100 and 10,000 reviews (and more).

    python benchmarks/predict_memory.py --checkpoint artifacts/sentiment_lstm.pt [--sizes 100 10000 100000]

Each file holds real reviews (the bundled sample's test reviews, one per line, repeated as needed). Every size
runs in a fresh process, measured from outside (peak resident set size of the child, from getrusage), with its
results written to a CSV file as an instructor would. If the command read its whole input, or kept every result,
memory would grow with the file; streaming keeps it flat. Writes benchmarks/results/predict-memory.{json,md}.
"""
from __future__ import annotations

import argparse
import itertools
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
MEASURE = ("import resource, subprocess, sys, time\n"
           "start = time.perf_counter()\n"
           "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
           "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - start)")


def measure(command: list[str]) -> dict:
    """Peak RSS (MiB) and wall time of ``command``, run as the only child of a fresh process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    code, max_rss_kib, seconds = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return {"peak_rss_mib": int(max_rss_kib) / 1024, "seconds": float(seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    args = parser.parse_args()
    from sentiment_helpers import data
    from sentiment_helpers.device import describe_machine

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
    command = (f"python benchmarks/predict_memory.py --checkpoint {args.checkpoint} "
               f"--sizes {' '.join(map(str, args.sizes))}")
    record = {"command": command, "checkpoint": args.checkpoint, "machine": describe_machine(),
              "python": platform.python_version(), "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "predict-memory.json").write_text(json.dumps(record, indent=2) + "\n")
    lines = [f"`predict --file ... --csv ...` on one review per line (`{command}`)", "",
             "| reviews | input | peak RSS | wall time (incl. start-up) |", "|---|---|---|---|"]
    lines += [f"| {r['reviews']:,} | {r['input_mib']:.1f} MiB | {r['peak_rss_mib']:.0f} MiB | {r['seconds']:.1f} s |"
              for r in rows]
    (RESULTS / "predict-memory.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
