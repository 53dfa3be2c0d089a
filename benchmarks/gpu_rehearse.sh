#!/usr/bin/env bash
# The GPU check's dry run on a CPU, so that the device call works the first time (docs/colab-and-gpu.md):
#
#   python benchmarks/gpu_pack.py              # first: the carried folders
#   bash benchmarks/gpu_rehearse.sh [all|split|lessons|pretrained]     (default: all, the one call; split: the two)
#
# 1. A Python 3.12 venv that stands in for the GPU image: its packages at the versions the device tool's KINDS.md
#    names (torch 2.11.0, numpy 2.5.2, huggingface-hub 1.33.0), the others at versions of the same season (pandas 3,
#    since the image has neither pytz nor tzdata listed; IMAGE_PACKAGES below, every one pinned). torch is PyPI's
#    2.11.0 for Linux x86_64: the CUDA 13.0 build the image holds (there 2.11.0+cu130), running on the CPU here (the
#    PyTorch CPU index is out of reach here). Made once, kept in $GPU_REHEARSE_HOME (~/.cache/sentiment-gpu-rehearsal).
# 2. A fresh clone of this checkout's HEAD, with only the carried folders copied in, as the device tool sends them.
# 3. For each call, `bash benchmarks/gpu_check.sh CALL OUT` exactly, its install step from the carried wheels only,
#    with seconds-sized sizes (GPU_CHECK_SMOKE=1; time limits x GPU_CHECK_TIME_SCALE for a slow, shared CPU), in a
#    network namespace of its own (no network at all; where unshare cannot make one, only the hub's offline switches).
# 4. scripts/record_gpu.py on what came back, into a scratch results folder (recorded as KIND-smoke).
# Exits non-zero if any call does not pass. Commit first: the rehearsal runs HEAD, as the lead's checkout would.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
calls="${1:-all}"
[ "$calls" = split ] && calls="lessons pretrained"
python312="${GPU_REHEARSE_PYTHON:-/root/.pyenv/versions/3.12.1/bin/python}"
command -v "$python312" > /dev/null || python312=python3.12
home="${GPU_REHEARSE_HOME:-$HOME/.cache/sentiment-gpu-rehearsal}"
IMAGE_PACKAGES=(
  torch==2.11.0 numpy==2.5.2 huggingface-hub==1.33.0  # as KINDS.md names them
  pandas==3.0.6 pyarrow==25.0.1 matplotlib==3.11.2 seaborn==0.13.2 scikit-learn==1.9.1 scipy==1.18.1 tqdm==4.70.1
  pytest==9.1.1 wrapt==2.4.1 fsspec==2026.9.0 coverage==7.16.1 psutil==7.2.2 requests==2.34.2 aiohttp==3.14.5
  xxhash==4.1.0 PyYAML==6.0.4 filelock==4.3.1 packaging==26.4 python-dateutil==4.0.0 Pygments==2.21.0 attrs==26.1.0
  typing_extensions==4.16.0 pillow==13.0.0 Jinja2==3.1.6 MarkupSafe==3.0.4 hf-xet==1.8.0 httpx==0.28.1
  # the image's pytest plugins (gpu_check.sh turns their autoloading off; here to prove it need not care)
  pytest-benchmark==5.3.1 pytest-cov==7.1.0 pytest-mock==3.17.0 pytest-timeout==2.4.0 pytest-xdist==3.8.0
  hypothesis==6.170.17 anyio==4.16.0
  # what those need, as pip resolved them
  aiohappyeyeballs==2.7.1 aiosignal==1.4.0 certifi==2026.10.19.post1 charset-normalizer==3.5.3 click==8.5.1
  cloudpickle==3.1.3 contourpy==1.4.0 cycler==0.12.1 execnet==2.1.2 fonttools==4.68.0 frozenlist==1.8.0 h11==0.16.0
  httpcore==1.0.9 idna==3.20 iniconfig==2.3.1 joblib==1.6.0 kiwisolver==1.5.1 mpmath==1.3.0 multidict==7.2.1
  narwhals==2.29.0 networkx==3.7 pluggy==1.7.0 propcache==0.5.4 py-cpuinfo2==10.1.1 pyparsing==3.3.3
  setuptools==81.0.0 sortedcontainers==2.4.0 sympy==1.14.0 threadpoolctl==3.8.0 triton==3.6.0 tzdata==2026.6
  urllib3==2.8.0 yarl==1.25.1
)
start=$(date +%s)

# --- 1. the image's stand-in ---
venv="$home/venv"
pins="$(printf '%s\n' "${IMAGE_PACKAGES[@]}" | sort | sha256sum | cut -c1-16)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.pins" 2>/dev/null)" != "$pins" ]; then
  echo "making the GPU image's stand-in in $venv (once; about 3 GB, torch's CUDA libraries included)"
  rm -rf "$venv" && mkdir -p "$home"
  "$python312" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q --only-binary=:all: "${IMAGE_PACKAGES[@]}"
  echo "$pins" > "$venv/.pins"
fi
echo "stand-in: $("$venv/bin/python" -c 'import sys, torch; print(f"Python {sys.version.split()[0]}, torch {torch.__version__}")')"

# --- 2. a fresh clone of HEAD, and the carried folders ---
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "note: uncommitted changes are not rehearsed (the clone is of HEAD, $(git rev-parse --short HEAD))" >&2
fi
scratch="$(mktemp -d "${TMPDIR:-/tmp}/gpu-rehearsal.XXXXXX")"
git clone -q "$repo" "$scratch/clone"
git -C "$scratch/clone" checkout -q "$(git rev-parse HEAD)"
# a network namespace of its own: no network, and its loopback brought up (the kernels and nbval talk over it, as they
# do on the GPU machine, which has a loopback but no network)
isolate=(unshare --net bash -c 'ip link set lo up && exec "$@"' no-network)
"${isolate[@]}" true 2> /dev/null || { isolate=(); echo "note: no network namespace here; the hub's offline switches only" >&2; }

# --- 3. each call, as the device tool would run it ---
status=0
returned=()
for call in $calls; do
  mapfile -t carry < <("$venv/bin/python" benchmarks/gpu_pack.py --carry "$call")
  rm -rf "$scratch/clone/.whl" "$scratch/clone/.gpu-data"
  for path in "${carry[@]}"; do
    [ -e "$path" ] || { echo "no $path: run python benchmarks/gpu_pack.py first" >&2; exit 1; }
    mkdir -p "$scratch/clone/$(dirname "$path")" && cp -a "$path" "$scratch/clone/$path"
  done
  echo "--- call $call: carries ${carry[*]}"
  call_start=$(date +%s)
  (cd "$scratch/clone" && env -u IMDB_DATA_DIR -u SENTIMENT_PROFILE -u SENTIMENT_ARTIFACTS -u PYTHONPATH \
    PATH="$venv/bin:$PATH" GPU_CHECK_SMOKE=1 GPU_CHECK_TIME_SCALE="${GPU_CHECK_TIME_SCALE:-4}" \
    GPU_CHECK_BUDGET="${GPU_CHECK_BUDGET:-1500}" GPU_CHECK_WORK="$scratch/work-$call" \
    "${isolate[@]}" bash benchmarks/gpu_check.sh "$call" "$scratch/out-$call") || status=1
  echo "--- call $call took $(( $(date +%s) - call_start )) s; returned: $(ls "$scratch/out-$call" | tr '\n' ' ')"
  returned+=("$scratch/out-$call")
done

# --- 4. the record, as the lead would make it ---
"$venv/bin/python" scripts/record_gpu.py "${returned[@]}" --results "$scratch/results" || status=1
echo "rehearsal $([ $status = 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - start )) s; files in $scratch"
exit $status
