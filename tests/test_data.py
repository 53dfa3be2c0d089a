import pandas as pd
import pytest

from sentiment_helpers import data, splits
from sentiment_helpers.errors import DataError


def test_full_data_has_its_published_splits_balanced(full_imdb):
    dataset = full_imdb
    assert len(dataset["train"]) + len(dataset["validation"]) == 25_000
    assert len(dataset["validation"]) == 2_500
    assert len(dataset["test"]) == 25_000
    for split in ("train", "validation", "test"):
        labels = pd.Series(dataset[split]["label"])
        assert labels.value_counts().to_dict() == {0: len(labels) // 2, 1: len(labels) // 2}
    assert dataset["train"].features["label"].names == ["neg", "pos"]


def test_validation_split_is_seeded_and_disjoint():
    a = data.load_imdb(data.SAMPLE_DIR, seed=1)
    b = data.load_imdb(data.SAMPLE_DIR, seed=1)
    assert a["validation"]["text"] == b["validation"]["text"]
    assert not set(a["validation"]["text"]) & set(a["train"]["text"])


def test_hugging_face_parquet_layout(tmp_path):
    (tmp_path / "plain_text").mkdir()
    frame = pd.DataFrame({"text": ["good film", "bad film"] * 10, "label": [1, 0] * 10})
    frame.to_parquet(tmp_path / "plain_text" / "train-00000-of-00001.parquet")
    frame.to_parquet(tmp_path / "plain_text" / "test-00000-of-00001.parquet")
    dataset = data.load_imdb(tmp_path)
    assert len(dataset["train"]) + len(dataset["validation"]) == 20 and len(dataset["test"]) == 20
    assert "rating" not in dataset["train"].column_names


def test_sample_fallback_when_hub_unreachable(monkeypatch, capsys):
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(data, "_hub_failure", None)
    monkeypatch.setattr(data, "_told", set())
    # offline, nothing waits for the hub: no connection is even tried
    monkeypatch.setattr(data.socket, "create_connection", lambda *args, **kwargs: pytest.fail("connected offline"))
    dataset = data.load_imdb()
    assert dataset.source.is_sample and str(dataset.source) == "bundled sample"
    assert len(dataset["train"]) + len(dataset["validation"]) == 1000 and len(dataset["test"]) == 1000
    message = capsys.readouterr().err
    assert "Could not load the full IMDB data" in message and "IMDB_DATA_DIR" in message
    data.load_imdb()
    assert "Could not load" not in capsys.readouterr().err  # said once


def test_unreachable_hub_is_tried_once(monkeypatch):
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    monkeypatch.setattr(data, "_hub_failure", None)
    calls = []
    monkeypatch.setattr(data, "_hub_reachable", lambda: calls.append(1) or "huggingface.co is unreachable (test)")
    assert data.load_imdb().source.is_sample
    assert data.load_imdb().source.is_sample
    assert calls == [1]


def test_sample_is_small_balanced_real_reviews():
    train = pd.read_parquet(data.SAMPLE_DIR / "train.parquet")
    assert len(train) == 1000 and train.label.value_counts().to_dict() == {0: 500, 1: 500}
    size = sum(p.stat().st_size for p in data.SAMPLE_DIR.glob("*.parquet"))
    assert size <= 2_000_000


def _write(folder, split, frame):
    frame.to_parquet(folder / f"{split}.parquet")


@pytest.mark.parametrize("problem, frame, message", [
    ("schema", pd.DataFrame({"review": ["x"], "label": [1]}), "missing column"),
    ("labels", pd.DataFrame({"text": ["x", "y"], "label": [1, 2]}), "labels must be in"),
    ("empty", pd.DataFrame({"text": pd.Series([], dtype=str), "label": pd.Series([], dtype=int)}), "empty"),
    ("label type", pd.DataFrame({"text": ["x"], "label": ["pos"]}), "integers"),
])
def test_bad_local_folder_names_file_and_problem(tmp_path, problem, frame, message):
    _write(tmp_path, "train", frame)
    _write(tmp_path, "test", pd.DataFrame({"text": ["ok"], "label": [1]}))
    with pytest.raises(DataError, match=message) as error:
        data.load_imdb(tmp_path)
    assert "train.parquet" in str(error.value)


def test_missing_file_and_folder(tmp_path):
    _write(tmp_path, "train", pd.DataFrame({"text": ["ok"], "label": [1]}))
    with pytest.raises(DataError, match="no test.parquet"):
        data.load_imdb(tmp_path)
    with pytest.raises(DataError, match="no such data folder"):
        data.load_imdb(tmp_path / "nope")


def test_corrupt_parquet(tmp_path):
    (tmp_path / "train.parquet").write_bytes(b"not parquet at all")
    _write(tmp_path, "test", pd.DataFrame({"text": ["ok"], "label": [1]}))
    with pytest.raises(DataError, match="train.parquet: not a readable parquet"):
        data.load_imdb(tmp_path)


def test_download_writes_a_folder_that_loads_offline(tmp_path, monkeypatch):
    sample = {split: pd.read_parquet(data.SAMPLE_DIR / f"{split}.parquet")[["text", "label"]]
              for split in ("train", "test")}
    sample["unsupervised"] = sample["train"].assign(label=-1)
    monkeypatch.setattr(data, "_from_hub", lambda splits: {s: sample[s] for s in splits})
    rows = data.download(tmp_path / "imdb")
    assert rows == {"train": 1000, "test": 1000, "unsupervised": 1000}
    dataset = data.load_imdb(tmp_path / "imdb", unsupervised=True)
    assert len(dataset["test"]) == 1000 and len(dataset["unsupervised"]) == 1000


def test_download_without_network_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_hub_failure", "huggingface.co is unreachable (test)")
    with pytest.raises(DataError, match="could not load stanfordnlp/imdb"):
        data.download(tmp_path)


def _with_review_ids(folder):
    """The bundled sample with review ids as the course's parquet copy has them (runs of one movie)."""
    folder.mkdir()
    for split in ("train", "test"):
        frame = pd.read_parquet(data.SAMPLE_DIR / f"{split}.parquet")
        frame["review_id"] = frame.groupby("label").cumcount()
        frame.to_parquet(folder / f"{split}.parquet", index=False)
    return folder


def test_by_movie_validation_holds_out_whole_blocks_of_ids():
    ids = list(range(1000))
    train = pd.DataFrame({"text": "x", "label": [0] * 1000 + [1] * 1000, "review_id": ids + ids})
    held_out = splits.by_movie_validation(train, 0.1, seed=3)
    assert held_out.sum() == 2 * 125  # one block of each label (8 blocks per label, 10% rounds to 1)
    blocks = train.assign(block=train.review_id // splits.MOVIE_BLOCK, held=held_out)
    assert blocks.groupby(["label", "block"]).held.nunique().max() == 1  # no block is split
    assert not held_out.equals(splits.by_movie_validation(train, 0.1, seed=4))  # another seed, other blocks
    with pytest.raises(DataError, match="needs the reviews' ids"):
        splits.by_movie_validation(train.drop(columns="review_id"))


def test_by_movie_validation_split_when_loading(tmp_path):
    folder = _with_review_ids(tmp_path / "imdb")
    imdb = data.load_imdb(folder, validation="by-movie")
    assert len(imdb["train"]) + len(imdb["validation"]) == 1000 and "review_id" not in imdb["train"].column_names
    assert not set(imdb["train"]["text"]) & set(imdb["validation"]["text"])
    assert imdb["validation"]["text"] != data.load_imdb(folder)["validation"]["text"]
    with pytest.raises(DataError, match="needs the reviews' ids"):
        data.load_imdb(data.SAMPLE_DIR, validation="by-movie")
    with pytest.raises(ValueError, match="validation must be one of random, by-movie"):
        data.load_imdb(folder, validation="movies")


def test_column_is_the_whole_column_as_a_list():
    split = data.load_imdb()["train"]  # the bundled sample: works on any machine
    texts = data.column(split, "text")
    assert isinstance(texts, list) and len(texts) == len(split)
    assert texts == [row["text"] for row in split]
    assert data.column(split.select([2, 0]), "label") == [split[2]["label"], split[0]["label"]]


@pytest.mark.parametrize("n_train, n_test", [(900, 100), (300, 700), (123, 7)])
def test_stratified_split_is_datasets_own_split(n_train, n_test):
    """The same reviews, in the same order, as datasets' (slower) train_test_split: recorded results stay
    reproducible."""
    reviews = data.load_imdb(data.SAMPLE_DIR)["test"]
    ours = splits.stratified_split(reviews, n_train, n_test, seed=42)
    theirs = reviews.train_test_split(train_size=n_train, test_size=n_test, seed=42, stratify_by_column="label")
    for part in ("train", "test"):
        assert data.column(ours[part], "text") == data.column(theirs[part], "text")


def test_a_random_start_gets_a_vocabulary_of_its_own_labelled_reviews_only():
    """prepare.with_own_vocabulary (lesson 07's random start): words come from the labelled subset's training reviews,
    never from the reviews left out of it, and validation and test stay the very same reviews."""
    from sentiment_helpers import prepare, profiles
    from sentiment_helpers.text import tokenize

    profile = profiles.get_profile("cpu-pretrained").with_changes(n_train=600, n_val=100, n_test=200)
    prepared = prepare.prepare_data(profile, data.SAMPLE_DIR)  # its vocabulary from train + unlabeled, as lesson 07's
    subset = prepare.labelled_subset(prepared, 200, seed=43)
    own = prepare.with_own_vocabulary(subset, profile)
    seen = {word for text in data.column(subset.dataset["train"], "text") for word in tokenize(text)}
    assert set(own.vocab.itos[2:]) <= seen
    assert set(own.vocab.itos[2:]) != set(prepared.vocab.itos[2:])
    assert len(own.train) == 200 and own.test.labels == prepared.test.labels
    assert data.column(own.dataset["test"], "text") == data.column(prepared.dataset["test"], "text")
