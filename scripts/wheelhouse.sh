#!/usr/bin/env bash
# A kit for machines with no network: every wheel the course needs (PyTorch's CPU build, the `lab` and `test`
# extras, the course itself), the course's files, the IMDB data folder and the pretraining cache. Make it once where
# there is a network; then install it on each machine with no network at all (docs/instructors.md, and INSTALL.txt in
# the kit, say how). The same kit serves a workshop room and a GPU machine (benchmarks/gpu/README.md).
#
#   bash scripts/wheelhouse.sh [--out DIR] [--platform TAG] [--python X.Y] [--data DIR] [--compress-data]
#                              [--artifacts DIR | --no-artifacts] [--torch-wheels DIR] [--limit-mb N]
#
#   --out DIR           the kit (default: kit/); run again with another --platform or --python to add to it
#   --platform TAG      the target's platform, e.g. manylinux_2_28_x86_64, macosx_11_0_arm64, win_amd64
#                       (default: this machine's); a manylinux_2_N tag also takes wheels for older glibc
#   --python X.Y        the target's Python, e.g. 3.12 (default: this machine's python3)
#   --data DIR          the IMDB parquet folder to copy (default: $IMDB_DATA_DIR; none: no data in the kit)
#   --compress-data     write the data as zstd parquet at its highest level (every column and row kept, read back
#                       and compared): smaller, slower to write; needs pyarrow here
#   --artifacts DIR     where to copy pretrained/, lesson07/ and sentiment_lstm.pt from, those that exist
#                       (default: $SENTIMENT_ARTIFACTS, else artifacts/); --no-artifacts: none
#   --torch-wheels DIR  take torch from a folder of wheels instead of PyTorch's CPU index ($TORCH_INDEX,
#                       default https://download.pytorch.org/whl/cpu)
#   --limit-mb N        exit 1 if the whole kit is over N MB (10^6 bytes), e.g. for a copy of limited size
set -euo pipefail
cd "$(dirname "$0")/.."

out=kit platform="" python_version="" data_dir="${IMDB_DATA_DIR:-}" artifacts="${SENTIMENT_ARTIFACTS:-artifacts}"
torch_wheels="" compress_data=0 limit_mb="" torch_index="${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --platform) platform="$2"; shift 2 ;;
    --python) python_version="$2"; shift 2 ;;
    --data) data_dir="$2"; shift 2 ;;
    --artifacts) artifacts="$2"; shift 2 ;;
    --no-artifacts) artifacts=""; shift ;;
    --compress-data) compress_data=1; shift ;;
    --limit-mb) limit_mb="$2"; shift 2 ;;
    --torch-wheels) torch_wheels="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
PYTHON="${PYTHON:-python3}"

# pip download's target: this machine's tags unless told otherwise. pip expands no manylinux_2_N tag to the older
# ones it also runs, so the script lists them (a wheel for glibc 2.17 runs on 2.28).
target=(--only-binary=:all:)
if [ -n "$platform" ]; then
  if [[ "$platform" =~ ^manylinux_2_([0-9]+)_(.+)$ ]]; then
    arch="${BASH_REMATCH[2]}"
    for ((minor = BASH_REMATCH[1]; minor >= 17; minor--)); do target+=(--platform "manylinux_2_${minor}_${arch}"); done
    target+=(--platform "manylinux2014_${arch}" --platform "manylinux1_${arch}")
  else
    target+=(--platform "$platform")
  fi
fi
[ -n "$python_version" ] && target+=(--python-version "$python_version" --implementation cp)
if [ -n "$python_version$platform" ]; then
  echo "kit for ${platform:-this platform}, Python ${python_version:-of this machine}"
fi

wheels="$out/wheels"
mkdir -p "$wheels"
# 1. torch, the CPU build (a tenth of the CUDA build that PyPI's Linux torch pulls in), alone, from its own index
if [ -n "$torch_wheels" ]; then
  "$PYTHON" -m pip download -q --no-deps "${target[@]}" --no-index --find-links "$torch_wheels" -d "$wheels" torch
else
  "$PYTHON" -m pip download -q --no-deps "${target[@]}" --index-url "$torch_index" -d "$wheels" torch
fi
torch_wheel=$(ls -t "$wheels"/torch-*.whl | head -1)
torch_version=$(basename "$torch_wheel" | cut -d- -f2)
echo "torch $torch_version: $(basename "$torch_wheel")"

# 2. everything else from PyPI, torch pinned to that build (found in the kit), and setuptools to build the course
#    on the learners' machines (pip install -e builds it there, offline)
constraints=$(mktemp)
trap 'rm -f "$constraints"' EXIT
echo "torch==$torch_version" > "$constraints"
"$PYTHON" -m pip download -q "${target[@]}" -c "$constraints" --find-links "$wheels" -d "$wheels" \
  ".[lab,test]" "setuptools>=77"
"$PYTHON" -m pip wheel -q --no-deps -w "$wheels" .  # the course itself, for an install without its folder
if git rev-parse --git-dir > /dev/null 2>&1; then  # the course's files (notebooks included), as committed
  git archive --format=tar.gz --prefix=course/ -o "$out/course.tar.gz" HEAD
fi

# 3. the data and the pretraining cache, when there are some
if [ -n "$data_dir" ] && [ "$compress_data" = 1 ]; then
  mkdir -p "$out/data/imdb"
  "$PYTHON" - "$data_dir" "$out/data/imdb" <<'PY'
import sys
from pathlib import Path

import pyarrow.parquet as pq

source, target = map(Path, sys.argv[1:])
for path in sorted(source.glob("*.parquet")):
    table = pq.read_table(path)
    # one page per column: the compressor sees a split's text whole
    pq.write_table(table, target / path.name, compression="zstd", compression_level=22, data_page_size=1 << 30)
    if not pq.read_table(target / path.name).equals(table):
        sys.exit(f"{target / path.name}: not the same rows and columns as {path}")
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB -> {(target / path.name).stat().st_size / 1e6:.1f} MB")
PY
elif [ -n "$data_dir" ]; then
  mkdir -p "$out/data/imdb"
  cp -f "$data_dir"/*.parquet "$out/data/imdb/"
fi
for item in pretrained lesson07 sentiment_lstm.pt; do
  if [ -n "$artifacts" ] && [ -e "$artifacts/$item" ]; then mkdir -p "$out/artifacts" && cp -rf "$artifacts/$item" "$out/artifacts/"; fi
done

cat > "$out/INSTALL.txt" <<'EOF'
Installing the course from this kit, with no network (Linux or macOS; on Windows use WSL).
Use the Python version the kit was made for (see the cp3XX in wheels/torch-*.whl).

  cd <this kit>
  tar xzf course.tar.gz && cd course                                  # or cd into your copy of the course
  python3 -m venv .venv && . .venv/bin/activate
  pip install --no-index --find-links ../wheels -e ".[lab,test]"
  export IMDB_DATA_DIR="$(cd ../data/imdb && pwd)"                     # if the kit has data/; put it in ~/.bashrc too
  mkdir -p artifacts && cp -r ../artifacts/. artifacts/                # if the kit has artifacts/: the word2vec cache
  python -m sentiment_helpers doctor                                  # the room check: one verdict per line

Without the course's folder: pip install --no-index --find-links wheels "sentiment-helpers[lab,test]".
The data can live anywhere: IMDB_DATA_DIR names its folder. The artifacts can stay in the kit's folder, too:
export SENTIMENT_ARTIFACTS=<kit>/artifacts (models the lessons train are then written there).
EOF
echo "wheels: $(du -sh "$wheels" | cut -f1); the whole kit: $(du -sh "$out" | cut -f1)"
echo "kit ready: $out (see $out/INSTALL.txt)"
if [ -n "$limit_mb" ]; then
  size=$(du -sb "$out" | cut -f1)
  if (( size > limit_mb * 1000000 )); then
    echo "error: the kit is $(( size / 1000000 )) MB, over the limit of $limit_mb MB" >&2
    exit 1
  fi
fi
