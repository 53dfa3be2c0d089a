"""Rebuild the sample bundled in sentiment_helpers/sample_data/ from the full IMDB parquet files.

    python scripts/make_sample.py ../shared/data/imdb

Draws 500 negative + 500 positive reviews from train and from test, and 1,000 of the 50,000 unlabeled reviews
(for lesson 07's pretraining), all with seed 0, reproducibly.
"""
import sys
from pathlib import Path

import pandas as pd

source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/imdb")
target = Path(__file__).resolve().parent.parent / "sentiment_helpers" / "sample_data"
target.mkdir(exist_ok=True)
for split in ("train", "test"):
    frame = pd.read_parquet(source / f"{split}.parquet", columns=["text", "label", "rating"])
    sample = frame.groupby("label", group_keys=False).sample(n=500, random_state=0).sort_index()
    sample.reset_index(drop=True).to_parquet(target / f"{split}.parquet", compression="zstd", index=False)
    print(split, len(sample), sample.label.value_counts().to_dict(), (target / f"{split}.parquet").stat().st_size,
          "bytes")

unlabeled = pd.read_parquet(source / "unsupervised.parquet", columns=["text", "label", "rating"])
sample = unlabeled.sample(n=1000, random_state=0).sort_index().reset_index(drop=True)
sample.to_parquet(target / "unsupervised.parquet", compression="zstd", index=False)
print("unsupervised", len(sample), (target / "unsupervised.parquet").stat().st_size, "bytes")
