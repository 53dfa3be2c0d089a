#!/usr/bin/env bash
# The GPU check, as one prepared script: speed benchmark on CUDA, then full-profile (course recipe) training
# over 3 seeds and the reference profile once, each with its time per epoch and test accuracy.
#   IMDB_DATA_DIR=/path/to/imdb bash benchmarks/gpu_check.sh [OUT_DIR]
# Needs the course's dependencies importable (pip install -e . --no-deps plus `datasets`).
# Every run writes metrics.json under OUT_DIR; a summary table is printed at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-benchmarks/results/gpu}"
mkdir -p "$out"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$out/gpu.txt"

python3 benchmarks/speed.py --data-dir "$IMDB_DATA_DIR" --device cuda 2>&1 | tail -14 | tee "$out/speed.txt"
for seed in 1 2 3; do
  python3 -m sentiment_helpers train --profile full --seed "$seed" --data-dir "$IMDB_DATA_DIR" --out "$out/full-seed$seed" --no-progress 2>&1 | tail -6
done
python3 -m sentiment_helpers train --profile reference --data-dir "$IMDB_DATA_DIR" --out "$out/reference" --no-progress 2>&1 | tail -6

python3 - "$out" <<'PY'
import json, statistics, sys
from pathlib import Path
runs = {p.parent.name: json.loads(p.read_text()) for p in sorted(Path(sys.argv[1]).glob("*/metrics.json"))}
for name, m in runs.items():
    print(f"{name}: test {m['test_accuracy']:.4f}, val {m['val_accuracy']:.4f}, "
          f"s/epoch {[round(s, 1) for s in m['seconds_per_epoch']]}, device {m['device']}")
full = [m["test_accuracy"] for n, m in runs.items() if n.startswith("full")]
if len(full) > 1:
    print(f"full profile over {len(full)} seeds: mean {statistics.mean(full):.4f}, sd {statistics.stdev(full):.4f}")
PY
