#!/usr/bin/env bash
# A kit for a workshop room with no network: every wheel the course needs (PyTorch's CPU build, the `lab` and `test`
# extras, the course itself), the course's files, the IMDB data folder and the pretraining cache. Make it once where
# there is a network; then install it on each machine with no network at all (docs/instructors.md, and INSTALL.txt in
# the kit, say how).
#
#   bash scripts/wheelhouse.sh [--out DIR] [--platform TAG] [--python X.Y] [--data DIR] [--artifacts DIR]
#                              [--torch-wheels DIR]
#
#   --out DIR           the kit (default: kit/); run again with another --platform or --python to add to it
#   --platform TAG      the learners' platform, e.g. manylinux_2_28_x86_64, macosx_11_0_arm64, win_amd64
#                       (default: this machine's); a manylinux_2_N tag also takes wheels for older glibc
#   --python X.Y        the learners' Python, e.g. 3.12 (default: this machine's python3)
#   --data DIR          the IMDB parquet folder to copy (default: $IMDB_DATA_DIR; none: no data in the kit)
#   --artifacts DIR     where to copy pretrained/, lesson07/ and sentiment_lstm.pt from, those that exist
#                       (default: $SENTIMENT_ARTIFACTS, else artifacts/)
#   --torch-wheels DIR  take torch from a folder of wheels instead of PyTorch's CPU index ($TORCH_INDEX,
#                       default https://download.pytorch.org/whl/cpu)
set -euo pipefail
cd "$(dirname "$0")/.."

out=kit platform="" python_version="" data_dir="${IMDB_DATA_DIR:-}" artifacts="${SENTIMENT_ARTIFACTS:-artifacts}"
torch_wheels="" torch_index="${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --platform) platform="$2"; shift 2 ;;
    --python) python_version="$2"; shift 2 ;;
    --data) data_dir="$2"; shift 2 ;;
    --artifacts) artifacts="$2"; shift 2 ;;
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
if [ -n "$data_dir" ]; then
  mkdir -p "$out/data/imdb"
  cp -f "$data_dir"/*.parquet "$out/data/imdb/"
fi
for item in pretrained lesson07 sentiment_lstm.pt; do
  if [ -e "$artifacts/$item" ]; then mkdir -p "$out/artifacts" && cp -rf "$artifacts/$item" "$out/artifacts/"; fi
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
