"""How the NB-weighted n-gram model's settings were chosen: n-gram range and C on a by-movie validation split.

    python -m benchmarks.ngram_choice --data-dir DATA

Every (n-gram range, C) is fitted on the training reviews of the by-movie split (split seed 42: whole movies held
out for validation, as test holds out other movies; `splits.by_movie_validation`) and scored on validation. **The
highest validation accuracy is chosen**; test accuracy is not computed here. Each n-gram range runs in a process of
its own, so its peak memory (RSS) is its own. Writes benchmarks/results/ngram-choice.{json,md}.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from sentiment_helpers import baseline, data

from . import common

NGRAM_RANGES = ((1, 2), (1, 3))
CS = (0.03, 0.1, 0.3, 1.0)


def one_range(data_dir: str, upper: int, out: Path) -> None:
    dataset = data.load_imdb(data_dir, seed=42, validation="by-movie")
    table = baseline.choose_nb_ngrams(dataset["train"], dataset["validation"], ngram_ranges=((1, upper),), Cs=CS)
    out.write_text(table.to_json(orient="records"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--upper", type=int, help=argparse.SUPPRESS)  # one n-gram range, in a process of its own
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.upper:
        return one_range(args.data_dir, args.upper, args.out)
    os.environ.update(common.OFFLINE)
    rows = []
    for _, upper in NGRAM_RANGES:
        out = common.RESULTS / "runs" / f"ngram-choice-1-{upper}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        fits = common.run_measured([sys.executable, "-m", "benchmarks.ngram_choice", "--data-dir", args.data_dir,
                                    "--upper", str(upper), "--out", str(out)], cwd=common.ROOT)
        rows += [{**row, "peak RSS MiB": round(fits.peak_rss_mib)} for row in json.loads(out.read_text())]
    best = max(rows, key=lambda r: r["validation accuracy"])
    machine, command = common.machine(), common.command_line("ngram_choice", f"--data-dir {common.DATA}")
    lines = [f"NB-weighted n-grams + logistic regression (`baseline.make_nb_ngrams`), by-movie validation split "
             f"(split seed 42), data: {common.DATA}; {common.machine_line(machine)}, {time.strftime('%Y-%m-%d')}.",
             f"Command: `{command}`. Chosen: the highest validation "
             "accuracy; test plays no part. \"fit seconds\": counting the n-grams of the training and validation "
             "reviews plus the NB weighting (shared by every C of a range), and this C's logistic regression. "
             "\"peak RSS\": the whole process for that n-gram range (every C).", "",
             "| n-grams | C | features | by-movie validation acc. | fit seconds | peak RSS MiB |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['n-grams']}{' (chosen)' if r is best else ''} | {r['C']} | {r['features']:,} | "
              f"{r['validation accuracy']:.4f} | {r['fit seconds']} | {r['peak RSS MiB']:,} |" for r in rows]
    common.write_results("ngram-choice", "\n".join(lines) + "\n",
                         {"machine": common.machine_line(machine), **machine, "command": command, "rows": rows,
                          "chosen": {"ngram_range": best["n-grams"], "C": best["C"]}})
    print("\n".join(lines))


if __name__ == "__main__":
    main()
