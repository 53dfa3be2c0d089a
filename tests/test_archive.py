"""The original Stanford archive: ratings from file names, in the loader and in `download`."""
import io
import tarfile

import pandas as pd
import pytest

from sentiment_helpers import archive, data
from sentiment_helpers.errors import DataError

# (folder, kind, id, rating, text): a miniature aclImdb with the real naming, in no particular order
REVIEWS = [
    ("train", "pos", 10, 9, "A joy from start to finish."), ("train", "neg", 3, 1, "Dreadful.<br />Avoid."),
    ("train", "pos", 2, 7, "Good, not great."), ("train", "neg", 11, 4, "Weak, with a few nice moments."),
    ("train", "pos", 0, 10, "Café scenes ☕ are perfect."), ("train", "neg", 0, 2, "Boring."),
    ("test", "neg", 5, 3, "Poor acting."), ("test", "pos", 1, 8, "Lovely."),
    ("test", "neg", 0, 1, "Awful."), ("test", "pos", 4, 10, "Masterpiece."),
    ("train", "unsup", 7, 0, "Saw it last night."), ("train", "unsup", 1, 0, "It was a film."),
]


def make_archive(path, reviews=REVIEWS, extras=("aclImdb/README", "aclImdb/train/labeledBow.feat",
                                                 "aclImdb/train/urls_pos.txt", "aclImdb/imdb.vocab")):
    with tarfile.open(path, "w:gz") as tar:
        for name, content in [(f"aclImdb/{f}/{k}/{i}_{r}.txt", text.encode()) for f, k, i, r, text in reviews] + \
                             [(extra, b"not a review\n") for extra in extras]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


@pytest.fixture
def small_archive(tmp_path):
    return make_archive(tmp_path / archive.ARCHIVE_NAME)


def test_reads_text_label_id_and_rating_from_the_file_names(small_archive):
    frames = archive.read_archive(small_archive, ("train", "test", "unsupervised"), progress=False)
    train = frames["train"]
    assert list(train.columns) == ["text", "label", "review_id", "rating"]
    # sorted by (label, id) like the course's parquet copy, so the validation split is the same for every copy
    assert list(zip(train.label, train.review_id, strict=True)) == [(0, 0), (0, 3), (0, 11), (1, 0), (1, 2), (1, 10)]
    assert train.set_index("review_id").query("label == 1").rating.to_dict() == {0: 10, 2: 7, 10: 9}
    assert train.text.iloc[3] == "Café scenes ☕ are perfect."  # UTF-8, exactly as in the file
    assert train.text.iloc[1] == "Dreadful.<br />Avoid."  # nothing cleaned
    assert len(frames["test"]) == 4 and set(frames["test"].rating) == {1, 3, 8, 10}
    assert frames["unsupervised"].label.tolist() == [-1, -1] and frames["unsupervised"].rating.tolist() == [0, 0]


def test_the_unpacked_folder_reads_the_same(small_archive, tmp_path):
    with tarfile.open(small_archive) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    packed = archive.read_archive(small_archive, progress=False)
    for folder in (tmp_path / "unpacked", tmp_path / "unpacked" / "aclImdb"):
        unpacked = archive.read_archive(folder, progress=False)
        for split in ("train", "test"):
            pd.testing.assert_frame_equal(unpacked[split], packed[split])


def test_the_loader_reads_the_archive_and_keeps_ratings(small_archive, monkeypatch):
    monkeypatch.setenv("IMDB_DATA_DIR", str(small_archive))
    dataset = data.load_imdb(val_fraction=0.5)
    assert dataset.source.kind == "IMDB archive"
    assert "rating" in dataset["train"].column_names
    assert len(dataset["train"]) + len(dataset["validation"]) == 6 and len(dataset["test"]) == 4
    assert sorted(dataset["test"]["rating"]) == [1, 3, 8, 10]


def test_download_from_a_local_archive_writes_the_course_layout(small_archive, tmp_path):
    rows = data.download(tmp_path / "imdb", from_archive=small_archive, progress=False)
    assert rows == {"train": 6, "test": 4, "unsupervised": 2}
    dataset = data.load_imdb(tmp_path / "imdb", val_fraction=0.5, unsupervised=True)
    assert dataset.source.kind == "local folder" and "rating" in dataset["test"].column_names
    assert len(dataset["unsupervised"]) == 2


def test_download_fetches_the_archive_once(small_archive, tmp_path):
    url = small_archive.as_uri()  # file:// stands in for the Stanford server
    out = tmp_path / "imdb"
    data.download(out, from_archive=url, progress=False)
    assert (out / archive.ARCHIVE_NAME).is_file() and not list(out.glob("*.partial"))
    small_archive.unlink()  # gone from its "home": a second download must use the copy it fetched
    assert data.download(out, from_archive=url, progress=False)["test"] == 4


def test_download_command_reads_an_archive(small_archive, tmp_path, capsys):
    from sentiment_helpers.cli import main

    code = main(["download", "--out", str(tmp_path / "imdb"), "--from-archive", str(small_archive)])
    output = capsys.readouterr()
    assert code == 0, output.err
    assert "train (6 reviews)" in output.out
    assert pd.read_parquet(tmp_path / "imdb" / "test.parquet").rating.between(1, 10).all()


@pytest.mark.parametrize("problem", ["not gzip", "no reviews", "missing", "bad url"])
def test_archive_problems_are_one_clear_error(tmp_path, problem):
    path = tmp_path / archive.ARCHIVE_NAME
    if problem == "not gzip":
        path.write_bytes(b"this is not an archive at all")
    elif problem == "no reviews":
        make_archive(path, reviews=[])
    elif problem == "missing":
        path = tmp_path / "nowhere.tar.gz"
    with pytest.raises(DataError) as error:
        if problem == "bad url":
            archive.fetch_archive(tmp_path / "out", (tmp_path / "nowhere.tar.gz").as_uri(), progress=False)
        else:
            archive.read_archive(path, progress=False)
    assert {"not gzip": "not a readable", "no reviews": "is this the IMDB archive", "missing": "no such archive",
            "bad url": "could not download"}[problem] in str(error.value)
    assert not list(tmp_path.glob("**/*.partial"))
