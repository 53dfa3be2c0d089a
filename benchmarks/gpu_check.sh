#!/usr/bin/env bash
# The course on a CUDA GPU, through the device tool, within its budget (docs/colab-and-gpu.md says how to pack,
# rehearse, run and record):
#
#   bash benchmarks/gpu_check.sh all OUT_DIR          everything in one call: the `full` profile alone on the GPU,
#                                                      then lessons 01-07 under nbval (the `cpu` profile, the full
#                                                      data) in four lanes, and `full-pretrained` beside them
#   bash benchmarks/gpu_check.sh lessons OUT_DIR      the same in two calls, where one cannot carry everything:
#   bash benchmarks/gpu_check.sh pretrained OUT_DIR   `full` and lessons 01-06; then lesson 07 and `full-pretrained`
#
# What it needs beside the checkout: the wheels and the data that `python benchmarks/gpu_pack.py` writes (.whl/course,
# .whl/gensim, .gpu-data/labeled, .gpu-data/unlabeled; `lessons` needs neither gensim nor the unlabeled reviews),
# carried with the call; or IMDB_DATA_DIR set to the full data and the course's packages installed.
#
# Every step has its own time limit, and all of them end by the call's budget (GPU_CHECK_BUDGET seconds; default
# 540 for all, 300 for lessons, 420 for pretrained). A training run caps its training at what is left of its limit,
# so it ends cleanly with its metrics. After each step OUT_DIR/summary.json and summary.txt are rewritten, and
# log.txt gets the step's last lines: a call cut short still returns what it measured. OUT_DIR holds these three
# files and one metrics-PROFILE.json per finished training run.
#
# For a rehearsal on a CPU (benchmarks/gpu_rehearse.sh): GPU_CHECK_SMOKE=1 runs the same steps with seconds-sized
# sizes (the `smoke` profile in the notebooks; the training profiles shrunk with --set), and GPU_CHECK_TIME_SCALE
# multiplies every time limit (a slow CPU shared by several steps).
set -uo pipefail
cd "$(dirname "$0")/.."
usage="usage: bash benchmarks/gpu_check.sh all|lessons|pretrained OUT_DIR"
call="${1:-}"
out="${2:-}"
declare -A default_budget=([all]=540 [lessons]=300 [pretrained]=420)
[ -n "$call" ] && [ -n "${default_budget[$call]:-}" ] && [ -n "$out" ] || { echo "$usage" >&2; exit 2; }
mkdir -p "$out" && out="$(cd "$out" && pwd)"
repo="$PWD"
work="${GPU_CHECK_WORK:-/tmp/gpu-check-$call}"
rm -rf "$work" && mkdir -p "$work/logs" "$work/steps" "$work/artifacts-notebooks" "$work/artifacts-train"
smoke="${GPU_CHECK_SMOKE:-0}"
scale="${GPU_CHECK_TIME_SCALE:-1}"
budget=$(( ${GPU_CHECK_BUDGET:-${default_budget[$call]}} ))
start=$(date +%s)
summary() { python3 "$repo/benchmarks/gpu_summary.py" "$@" "$work" "$out" 2>&1; }
left() { echo $(( budget - ($(date +%s) - start) )); }
scaled() { echo $(( $1 * scale )); }

export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 PYTHONUNBUFFERED=1 MPLBACKEND=Agg
# the image's own pytest plugins stay out of the lessons' runs: only nbval and the check's own plugin are loaded
export PYTEST_DISABLE_PLUGIN_AUTOLOAD=1
notebook_profile=cpu
train_sets=()
if [ "$smoke" = 1 ]; then
  notebook_profile=smoke
  train_sets=(--set n_train=2000 --set n_val=200 --set n_test=400 --set epochs=2 --set max_len=128
              --set max_vocab=5000 --set min_freq=2 --set model.embed_dim=32 --set model.hidden_dim=32
              --set model.num_layers=1 --set n_unlabeled=2000 --set pretrain_epochs=1)
fi
summary start --call "$call" --budget "$budget" --command "bash benchmarks/gpu_check.sh $call OUT_DIR" \
  $([ "$smoke" = 1 ] && echo --smoke) > /dev/null

# run_step NAME KIND LIMIT ALONGSIDE COMMAND...: the command under its own time limit (never past the budget), its
# output in a log, then the summary rewritten. Returns the command's exit status.
run_step() {
  local name="$1" kind="$2" limit="$3" alongside="$4"; shift 4
  local cap=$(( $(left) - 5 )) safe="${name//[^A-Za-z0-9._-]/-}"
  (( limit > cap )) && limit=$cap
  if (( limit < 10 )); then
    summary step --name "$name" --kind "$kind" --rc 124 --seconds 0 --limit 0 --not-run --note "the budget was spent"
    return 124
  fi
  local began=$EPOCHREALTIME started rc
  started=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
  timeout --kill-after=10 "$limit" "$@" > "$work/logs/$safe.log" 2>&1
  rc=$?
  summary step --name "$name" --kind "$kind" --rc "$rc" --limit "$limit" --started "$started" \
    --seconds "$(( ${EPOCHREALTIME/[.,]/} / 1000 - ${began/[.,]/} / 1000 ))e-3" --log "$work/logs/$safe.log" \
    --detail "$work/steps/$safe.detail" --alongside "$alongside"
  return "$rc"
}

# notebook NAME LIMIT ALONGSIDE: one lesson under nbval, in a pytest of its own, the artifacts folder shared
notebook() {
  run_step "nbval $1" nbval "$(scaled "$2")" "$3" env SENTIMENT_PROFILE="$notebook_profile" \
    GPU_CHECK_ARTIFACTS="$work/artifacts-notebooks" \
    python3 -m pytest -p nbval.plugin -p gpu_nbval -q -rfE -o addopts="$nbval_options" "notebooks/$1.ipynb"
}
# pyproject.toml's addopts without its pytest-xdist options: one lesson at a time, and plugins are not autoloaded here
nbval_options="-p no:cacheprovider --nbval-lax --nbval-current-env --nbval-cell-timeout=600"

# train_run PROFILE LIMIT ALONGSIDE: one training run; gpu_train.py caps training so that the run ends within LIMIT
train_run() {
  local profile="$1" limit="$2" cap=$(( $(left) - 10 ))
  (( limit > cap )) && limit=$cap
  run_step "train $profile" train "$limit" "$3" env SENTIMENT_ARTIFACTS="$work/artifacts-train" \
    python3 benchmarks/gpu_train.py "$profile" "$work/run-$profile" "$work/steps/train-$profile.detail" \
    --seconds "$(( limit - 10 ))" "${train_sets[@]}"
  local rc=$?
  [ -f "$work/run-$profile/metrics.json" ] && cp "$work/run-$profile/metrics.json" "$out/metrics-$profile.json"
  return "$rc"
}

# waits (at most until the budget is spent) for a step of another lane to be recorded
wait_for() {
  while [ ! -f "$work/steps/$1.json" ] && (( $(left) > 10 )); do sleep 2; done
}

# --- 1. set-up: what the image lacks, from the carried wheels, into a folder of its own (its torch stays) ---
setup() {
  local wheels=(.whl/course/*.whl)
  [ "$call" != lessons ] && wheels+=(.whl/gensim/*.whl)
  if compgen -G ".whl/course/*.whl" > /dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$work/site" \
      "${wheels[@]}" || return 1
  else
    echo "no .whl/course: using the packages already installed"
  fi
  if [ -z "$given_data" ]; then  # the packed data: the course reads <split>.parquet from one folder
    local splits=(train test) split
    [ "$call" != lessons ] && splits+=(unsupervised)
    mkdir -p "$work/imdb"
    for split in "${splits[@]}"; do
      local file
      file=$(ls .gpu-data/*/"$split.parquet" 2>/dev/null | head -1)
      [ -n "$file" ] || { echo "no .gpu-data/*/$split.parquet: run benchmarks/gpu_pack.py and carry its folders"; return 1; }
      ln -s "$repo/$file" "$work/imdb/$split.parquet"
    done
  fi
  python3 - <<'PY' || return 1
import datasets, ipykernel, ipywidgets, nbval, sentiment_helpers, torch
import sentiment_helpers.pipeline
print(f"torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}, datasets {datasets.__version__}, "
      f"ipykernel {ipykernel.__version__}, ipywidgets {ipywidgets.__version__}")
PY
  if [ "$call" != lessons ]; then python3 -c "import gensim; print('gensim', gensim.__version__)" || return 1; fi
}
export PYTHONPATH="$work/site:$repo:$repo/benchmarks${PYTHONPATH:+:$PYTHONPATH}"
given_data="${IMDB_DATA_DIR:-}"
export IMDB_DATA_DIR="${IMDB_DATA_DIR:-$work/imdb}"
export -f setup && export call work repo given_data
if ! run_step setup setup "$(scaled 90)" "" bash -c setup; then
  summary machine > /dev/null
  summary finish
  exit 1
fi
summary machine > /dev/null
export GPU_CHECK_ARTIFACTS="$work/artifacts-notebooks"

# --- 2. the steps of the call ---
# `full` first and alone on the GPU: its time per epoch is a figure of its own. Then the lessons in lanes side by side
# (the machine's 16 cores are otherwise idle while a lesson tokenizes, fits TF-IDF or trains word2vec): 04b, 05 and
# 06 wait for 04's model, as they would in a learner's order. `full-pretrained` runs beside lesson 07: one after the
# other they would not fit the budget.
lessons_lanes() {
  local lanes="$1"
  ( notebook 04_training 150 "$lanes"; notebook 05_evaluation 180 "$lanes" ) &
  ( notebook 02_preprocessing_vocabulary 90 "$lanes"; wait_for nbval-04_training
    notebook 04b_classical_baseline 180 "$lanes" ) &
  ( notebook 01_data_exploration 90 "$lanes"; notebook 03_bilstm_parameters 90 "$lanes"
    wait_for nbval-04_training; notebook 06_prediction_demo 60 "$lanes" ) &
}
case "$call" in
  all)
    train_run full "$(scaled 200)" ""
    lessons_lanes "the lessons in four lanes, and train full-pretrained"
    notebook 07_unlabeled_reviews 420 "the lessons in four lanes, and train full-pretrained" &
    train_run full-pretrained "$(left)" "the lessons in four lanes" &
    ;;
  lessons)
    train_run full "$(scaled 200)" ""
    lessons_lanes "lessons in three lanes"
    ;;
  pretrained)
    notebook 07_unlabeled_reviews 420 "train full-pretrained" &
    train_run full-pretrained "$(left)" "nbval 07_unlabeled_reviews" &
    ;;
esac
wait

summary finish
python3 -c "import json, sys; sys.exit(json.load(open('$out/summary.json'))['status'] != 'passed')"
