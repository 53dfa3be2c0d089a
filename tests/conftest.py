import pytest

from sentiment_helpers import data


@pytest.fixture(scope="session")
def full_imdb():
    """The full IMDB data, from wherever the course finds it (IMDB_DATA_DIR, or the Hugging Face cache).

    Facts about the full data (25,000 + 25,000 reviews, balance, a 10,002-word vocabulary) are tested here
    rather than in the notebooks, so that `pytest` passes on a fresh machine with only the bundled sample."""
    dataset = data.load_imdb()
    if dataset.source.is_sample:
        pytest.skip("the full IMDB data is absent (set IMDB_DATA_DIR to its folder, or fill the Hugging Face "
                    "cache by loading it once online): these facts hold only for the full data")
    return dataset


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
