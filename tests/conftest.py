import os
from pathlib import Path

import pytest

from sentiment_helpers import data

ROOT = Path(__file__).resolve().parent.parent


def full_data_dir() -> Path | None:
    for candidate in (os.environ.get("IMDB_DATA_DIR"), ROOT.parent / "shared" / "data" / "imdb"):
        if candidate and (Path(candidate) / "train.parquet").is_file():
            return Path(candidate)
    return None


@pytest.fixture
def imdb_dir() -> Path:
    folder = full_data_dir()
    if folder is None:
        pytest.skip("the full IMDB parquet folder is absent (set IMDB_DATA_DIR to run this test)")
    return folder


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """One smoke-profile training on the bundled sample, shared by the tests that need a trained model."""
    from sentiment_helpers import pipeline

    out = tmp_path_factory.mktemp("smoke")
    return pipeline.run_training("smoke", data_dir=data.SAMPLE_DIR, out=out, progress=False)


@pytest.fixture(scope="session")
def predictor(smoke_run):
    from sentiment_helpers.predict import SentimentPredictor

    return SentimentPredictor.from_checkpoint(smoke_run.checkpoint_path)
