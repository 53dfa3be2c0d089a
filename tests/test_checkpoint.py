import os
import pickle

import pytest
import torch

from sentiment_helpers import checkpoint
from sentiment_helpers.errors import CheckpointError
from sentiment_helpers.model import SentimentLSTM
from sentiment_helpers.predict import SentimentPredictor
from sentiment_helpers.settings import ModelConfig
from sentiment_helpers.vocab import Vocab

VOCAB = Vocab(["<pad>", "<unk>", "good", "bad", "film"])


def _model(**changes):
    torch.manual_seed(0)
    return SentimentLSTM(vocab_size=len(VOCAB), embed_dim=8, hidden_dim=6, num_layers=1, **changes).eval()


def test_round_trip_gives_identical_predictions(tmp_path):
    model = _model()
    path = checkpoint.save_checkpoint(tmp_path / "m.pt", model, VOCAB, max_len=10, metadata={"profile": "x"})
    loaded = checkpoint.load_checkpoint(path)
    assert loaded.vocab.itos == VOCAB.itos and loaded.max_len == 10 and loaded.metadata == {"profile": "x"}
    texts = ["good film", "bad bad film", "unknown words only"]
    before = SentimentPredictor(model, VOCAB, 10).predict_batch(texts, progress=False)
    after = SentimentPredictor.from_checkpoint(path).predict_batch(texts, progress=False)
    assert [p.p_positive for p in before] == [p.p_positive for p in after]


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_malicious_pickle_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    torch.save({"format": checkpoint.FORMAT, "payload": Evil(str(marker))}, path)
    with pytest.raises(CheckpointError, match="refused to load") as error:
        checkpoint.load_checkpoint(path)
    assert str(path) in str(error.value)
    assert not marker.exists()
    with open(path, "wb") as f:  # a plain pickle, not a torch zip file
        pickle.dump(Evil(str(marker)), f)
    with pytest.raises(CheckpointError):
        checkpoint.load_checkpoint(path)
    assert not marker.exists()


@pytest.mark.parametrize("kind", ["truncated", "text", "missing", "folder", "other dict"])
def test_unreadable_files_give_one_clear_error_naming_the_file(tmp_path, kind):
    path = checkpoint.save_checkpoint(tmp_path / "m.pt", _model(), VOCAB, max_len=10)
    if kind == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif kind == "text":
        path.write_text("hello, I am not a checkpoint")
    elif kind == "missing":
        path = tmp_path / "nothing.pt"
    elif kind == "folder":
        path = tmp_path
    else:
        torch.save({"weights": torch.zeros(2)}, path)
    with pytest.raises(CheckpointError) as error:
        checkpoint.load_checkpoint(path)
    assert str(path) in str(error.value)


def test_mismatched_vocabulary_or_architecture(tmp_path):
    path = checkpoint.save_checkpoint(tmp_path / "m.pt", _model(), VOCAB, max_len=10)
    with pytest.raises(CheckpointError, match="vocabulary"):
        checkpoint.load_checkpoint(path, vocab=Vocab(["<pad>", "<unk>", "other"]))
    other = ModelConfig(vocab_size=len(VOCAB), embed_dim=8, hidden_dim=32, num_layers=1)
    with pytest.raises(CheckpointError, match="hidden_dim: 6 in the file, 32 expected"):
        checkpoint.load_checkpoint(path, config=other)


def test_weights_that_do_not_fit_the_config(tmp_path):
    path = checkpoint.save_checkpoint(tmp_path / "m.pt", _model(), VOCAB, max_len=10)
    bundle = torch.load(path, weights_only=True)
    bundle["model_config"]["hidden_dim"] = 7
    torch.save(bundle, path)
    with pytest.raises(CheckpointError, match=r"weights do not fit.*\[24, 8\] in the file, \[28, 8\] expected"):
        checkpoint.load_checkpoint(path)


def test_interrupted_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = checkpoint.save_checkpoint(tmp_path / "best.pt", _model(), VOCAB, max_len=10, metadata={"epoch": 1})
    original = path.read_bytes()

    def dying_save(obj, f, *args, **kwargs):
        f.write(b"PK\x03\x04 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint.torch, "save", dying_save)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save_checkpoint(path, _model(), VOCAB, max_len=10, metadata={"epoch": 2})
    assert path.read_bytes() == original
    assert checkpoint.load_checkpoint(path).metadata == {"epoch": 1}
    assert os.listdir(tmp_path) == ["best.pt"]  # no temporary file left behind
