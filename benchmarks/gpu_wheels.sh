#!/usr/bin/env bash
# Wheels for benchmarks/gpu_check.sh: what the device tool's GPU image (Python 3.12, with torch, pandas, pyarrow,
# matplotlib, seaborn, scikit-learn, tqdm, pytest; see the device tool's KINDS.md) lacks to run the course and its
# notebooks. Run where there is a network; writes .whl/ (ignored by git; carried to the GPU machine).
#   bash benchmarks/gpu_wheels.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .whl && mkdir .whl
# datasets 4.0.0 (Colab's) accepts the older pyarrow such an image holds; datasets 5 wants pyarrow>=24
packages=(
  datasets==4.0.0 "dill<0.3.9" "multiprocess<0.70.17"
  ipywidgets widgetsnbextension jupyterlab_widgets comm
  nbval nbformat nbclient jupyter_client jupyter_core ipykernel ipython ipython_pygments_lexers traitlets
  pyzmq tornado debugpy matplotlib-inline nest_asyncio jedi parso prompt_toolkit wcwidth pexpect ptyprocess
  stack_data asttokens executing pure_eval decorator platformdirs
  fastjsonschema jsonschema jsonschema-specifications referencing rpds-py attrs
  gensim smart_open wrapt  # word2vec: lesson 07 and the *-pretrained profiles
)
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d .whl "${packages[@]}"
du -sh .whl
