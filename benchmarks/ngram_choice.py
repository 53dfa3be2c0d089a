"""How the NB-weighted n-gram model's settings were chosen: n-gram range and C on a by-movie validation split.

    python benchmarks/ngram_choice.py --data-dir ../shared/data/imdb

Every (n-gram range, C) is fitted on the training reviews of the by-movie split (split seed 42: whole movies held
out for validation, as test holds out other movies; `data.by_movie_validation`) and scored on validation. **The
highest validation accuracy is chosen**; test accuracy is not computed here. Each n-gram range runs in a process of
its own, so its peak memory (RSS) is its own. Writes benchmarks/results/ngram-choice.{json,md}.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentiment_helpers import baseline, data  # noqa: E402
from sentiment_helpers.device import describe_machine  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
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
    os.environ.update({"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"})
    rows = []
    for _, upper in NGRAM_RANGES:
        out = RESULTS / "runs" / f"ngram-choice-1-{upper}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen([sys.executable, __file__, "--data-dir", args.data_dir, "--upper", str(upper),
                                    "--out", str(out)])
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"the 1-{upper} gram fits failed")
        rows += [{**row, "peak RSS MiB": round(usage.ru_maxrss / 1024)} for row in json.loads(out.read_text())]
    best = max(rows, key=lambda r: r["validation accuracy"])
    lines = [f"NB-weighted n-grams + logistic regression (`baseline.make_nb_ngrams`), by-movie validation split "
             f"(split seed 42), data: {args.data_dir}; {describe_machine()}, {time.strftime('%Y-%m-%d')}.",
             f"Command: `python benchmarks/ngram_choice.py --data-dir {args.data_dir}`. Chosen: the highest validation "
             "accuracy; test plays no part. \"fit seconds\": counting the n-grams of the training and validation "
             "reviews plus the NB weighting (shared by every C of a range), and this C's logistic regression. "
             "\"peak RSS\": the whole process for that n-gram range (every C).", "",
             "| n-grams | C | features | by-movie validation acc. | fit seconds | peak RSS MiB |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['n-grams']}{' (chosen)' if r is best else ''} | {r['C']} | {r['features']:,} | "
              f"{r['validation accuracy']:.4f} | {r['fit seconds']} | {r['peak RSS MiB']:,} |" for r in rows]
    (RESULTS / "ngram-choice.md").write_text("\n".join(lines) + "\n")
    (RESULTS / "ngram-choice.json").write_text(json.dumps(
        {"machine": describe_machine(), "python": platform.python_version(), "rows": rows,
         "chosen": {"ngram_range": best["n-grams"], "C": best["C"]}}, indent=2))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
