import pytest

from sentiment_helpers.text import clean, tokenize
from sentiment_helpers.vocab import PAD, PAD_ID, UNK, UNK_ID, Vocab


@pytest.mark.parametrize("raw, expected", [
    ("Great movie!<br /><br />Loved it.", "great movie loved it"),
    ("I DON'T like it", "i dont like it"),
    ("a<i>b</i>c", "a b c"),
    ("well...ok?!  fine\t\nthen", "well ok fine then"),
    ("rock'n'roll & 10/10 $$$", "rocknroll 10 10"),
    ("snake_case under_score", "snake case under score"),
    ("Café Ünïcode", "café ünïcode"),
    ("東京 物語", "東京 物語"),
    ("😀😀 !!!", ""),
    ("<br />", ""),
    ("", ""),
])
def test_clean(raw, expected):
    assert clean(raw) == expected


def test_tokenize_splits_on_whitespace():
    assert tokenize("Not bad, not bad at ALL.<br />") == ["not", "bad", "not", "bad", "at", "all"]


def test_vocab_keeps_most_frequent_with_min_count_and_special_ids():
    tokens = [["a"] * 5 + ["b"] * 7 + ["c"] * 3 + ["d"] * 5]
    vocab = Vocab.build(tokens, max_size=10, min_freq=4)
    assert vocab.itos == [PAD, UNK, "b", "a", "d"]  # by count, ties alphabetical; "c" below min_freq
    assert vocab.stoi[PAD] == PAD_ID == 0 and vocab.stoi[UNK] == UNK_ID == 1
    assert len(Vocab.build(tokens, max_size=2, min_freq=1)) == 4


def test_encode_decode_and_unknown():
    vocab = Vocab.build([["good", "good", "film"]], min_freq=1)
    ids = vocab.encode(["good", "film", "zebra"])
    assert ids == [2, 3, UNK_ID]
    assert vocab.decode(ids) == ["good", "film", UNK]


def test_save_load_round_trip(tmp_path):
    vocab = Vocab.build([["ä", "b", "b", "c"]], min_freq=1)
    vocab.save(tmp_path / "vocab.json")
    assert Vocab.load(tmp_path / "vocab.json").itos == vocab.itos


def test_vocab_rejects_bad_lists():
    with pytest.raises(ValueError):
        Vocab(["a", "b"])
    with pytest.raises(ValueError):
        Vocab([PAD, UNK, "x", "x"])


def test_full_training_vocabulary_has_10002_entries(full_imdb):
    vocab = Vocab.build(tokenize(t) for t in full_imdb["train"]["text"])
    assert len(vocab) == 10_002
