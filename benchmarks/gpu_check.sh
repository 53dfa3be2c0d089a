#!/usr/bin/env bash
# The whole course on a CUDA GPU, in one script meant to finish within 10 minutes on one H100 (not run on a GPU yet):
#   1. install what a bare GPU machine with only PyTorch lacks, from wheels carried with the checkout
#      (.whl/, made by `bash benchmarks/gpu_wheels.sh` where there is a network), never touching its torch;
#   2. every notebook under nbval on the `cpu` profile with the full data, on the GPU (the lessons as a learner
#      with a GPU runs them, checked cells compared);
#   3. the `full` profile once, with its time per epoch and its test accuracy;
#   4. the `full-pretrained` profile once (word2vec on train + unlabeled, then the full recipe): lesson 07's GPU figure.
#
#   IMDB_DATA_DIR=/path/to/imdb bash benchmarks/gpu_check.sh [OUT_DIR]
#
# With the device tool: carry `.whl` and a copy of the data (train, test and unsupervised.parquet) in an
# ignored folder such as `.gpu-data`, and run `IMDB_DATA_DIR=.gpu-data bash benchmarks/gpu_check.sh $OUT/gpu`.
# Note: with lesson 07 the carried files grow (gensim's wheel, about 27 MB, and unsupervised.parquet, 29 MB) past the
# device tool's 64 MiB: carry a cut-down unsupervised.parquet, or split the check into two calls (not done yet).
# Writes OUT_DIR/{gpu.txt,nbval.log,full/metrics.json,full-pretrained/metrics.json,summary.txt}; record the figures
# with scripts/record_run.py.
# GPU_CHECK_PROFILES="smoke smoke smoke" runs the same steps with seconds-sized profiles (a trial of the script on a CPU).
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-benchmarks/results/gpu}"
mkdir -p "$out"
read -r notebook_profile train_profile pretrained_profile <<< "${GPU_CHECK_PROFILES:-cpu full full-pretrained}"
pretrained_profile="${pretrained_profile:-$train_profile}"
: "${IMDB_DATA_DIR:?set IMDB_DATA_DIR to the full IMDB data}"
export IMDB_DATA_DIR="$(cd "$IMDB_DATA_DIR" && pwd)" HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo "$(( $(date +%s) - start )) s"; }

# 1. what the image lacks, from the carried wheels, into a folder of its own (its torch stays as it is)
if compgen -G ".whl/*.whl" > /dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/course-site .whl/*.whl || exit 1
  export PYTHONPATH="/tmp/course-site:$PWD${PYTHONPATH:+:$PYTHONPATH}"
else
  export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
fi
python3 - <<'PY' | tee "$out/gpu.txt" || exit 1
import torch, datasets, ipywidgets, nbval, sentiment_helpers
name = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no CUDA device"
print(f"{name} | torch {torch.__version__} | datasets {datasets.__version__} | ipywidgets {ipywidgets.__version__}")
PY
echo "set up in $(elapsed)"

# 2. every notebook under nbval, on the GPU, with the full data
SENTIMENT_PROFILE="$notebook_profile" SENTIMENT_ARTIFACTS="$(mktemp -d)" MPLBACKEND=Agg \
  python3 -m pytest -p no:cacheprovider -q -o addopts="" --nbval-lax --nbval-current-env --nbval-cell-timeout=600 \
  notebooks 2>&1 | tee "$out/nbval.log" | tail -5
notebooks_status=${PIPESTATUS[0]}
echo "notebooks ($notebook_profile profile) took $(elapsed)"

# 3. the full profile once
python3 -m sentiment_helpers train --profile "$train_profile" --out "$out/full" --no-progress 2>&1 | tail -8
echo "full profile done at $(elapsed)"

# 4. the full-pretrained profile once (its word2vec cache goes to a fresh folder: timed from nothing)
SENTIMENT_ARTIFACTS="$(mktemp -d)" python3 -m sentiment_helpers train --profile "$pretrained_profile" \
  --out "$out/full-pretrained" --no-progress 2>&1 | tail -8
echo "all done in $(elapsed)"

python3 - "$out" "$notebooks_status" <<'PY' | tee "$out/summary.txt"
import json, sys
from pathlib import Path
out, status = Path(sys.argv[1]), int(sys.argv[2])
print(open(out / "gpu.txt").read().strip())
print("notebooks under nbval:", "passed" if status == 0 else f"FAILED (exit {status}; see nbval.log)")
for run in ("full", "full-pretrained"):
    if not (out / run / "metrics.json").is_file():
        print(f"{run}: no metrics.json (the run failed; see the log above)")
        continue
    m = json.loads((out / run / "metrics.json").read_text())
    pre = m.get("pretraining") or {}
    print(f"{m['profile']} profile on {m['device']}: test {m['test_accuracy']:.4f}, validation {m['val_accuracy']:.4f}, "
          f"best epoch {m['best_epoch']} of {m['epochs_run']}, {m['train_seconds']:.0f} s of training, "
          f"s per epoch {[round(s, 1) for s in m['seconds_per_epoch']]}, {m['seconds']:.0f} s in all"
          + (f", pretraining {pre['build_seconds']:.0f} s" if pre else ""))
PY
exit "$notebooks_status"
