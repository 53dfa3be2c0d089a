"""Rebuild the sample bundled in sentiment_helpers/sample_data/ from the full IMDB parquet files.

    python -m scripts.make_sample DATA

Draws 500 negative + 500 positive reviews from train and from test, and 1,000 of the 50,000 unlabeled reviews
(for lesson 07's pretraining), all with seed 0, reproducibly.
"""
import argparse
from pathlib import Path

import pandas as pd

TARGET = Path(__file__).resolve().parent.parent / "sentiment_helpers" / "sample_data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path, help="the full IMDB data: train, test and unsupervised parquet files")
    source = parser.parse_args().data_dir
    TARGET.mkdir(exist_ok=True)
    for split in ("train", "test"):
        frame = pd.read_parquet(source / f"{split}.parquet", columns=["text", "label", "rating"])
        sample = frame.groupby("label", group_keys=False).sample(n=500, random_state=0).sort_index()
        sample.reset_index(drop=True).to_parquet(TARGET / f"{split}.parquet", compression="zstd", index=False)
        print(split, len(sample), sample.label.value_counts().to_dict(), (TARGET / f"{split}.parquet").stat().st_size,
              "bytes")
    unlabeled = pd.read_parquet(source / "unsupervised.parquet", columns=["text", "label", "rating"])
    sample = unlabeled.sample(n=1000, random_state=0).sort_index().reset_index(drop=True)
    sample.to_parquet(TARGET / "unsupervised.parquet", compression="zstd", index=False)
    print("unsupervised", len(sample), (TARGET / "unsupervised.parquet").stat().st_size, "bytes")


if __name__ == "__main__":
    main()
