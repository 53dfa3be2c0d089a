"""The running logit: each prefix's logit is the model's own verdict on that prefix, split exactly by direction."""
import pytest
import torch

from sentiment_helpers import diagrams, readout
from sentiment_helpers.model import SentimentLSTM
from sentiment_helpers.predict import SentimentPredictor
from sentiment_helpers.vocab import Vocab

VOCAB = Vocab(["<pad>", "<unk>", "good", "bad", "not", "film", "a", "but"])


@pytest.mark.parametrize("pooling", ["maxmean", "last"])
def test_each_row_is_the_models_logit_on_that_prefix(pooling):
    torch.manual_seed(0)
    model = SentimentLSTM(vocab_size=len(VOCAB), embed_dim=8, hidden_dim=4, num_layers=1, pooling=pooling).eval()
    predictor = SentimentPredictor(model, VOCAB, max_len=50)
    text = "a bad film but not a bad film"
    frame = readout.running_logits(predictor, text)
    assert frame["word"].tolist() == text.split()
    for t in range(1, len(frame) + 1):
        ids = torch.tensor([VOCAB.encode(text.split()[:t])])
        with torch.no_grad():
            alone = model(ids, torch.tensor([t])).item()
        assert frame["logit"][t - 1] == pytest.approx(alone, abs=1e-5)
    parts = frame["forward"] + frame["backward"] + frame["bias"]
    assert parts.tolist() == pytest.approx(frame["logit"].tolist(), abs=1e-6)
    assert frame["forward"].abs().sum() > 0 and frame["backward"].abs().sum() > 0


def test_the_direction_masks_cover_each_feature_once():
    model = SentimentLSTM(vocab_size=len(VOCAB), embed_dim=8, hidden_dim=4, num_layers=1, pooling="maxmean")
    forward, backward = readout.direction_weights(model)
    assert forward.shape == (16,) and (forward + backward).eq(1).all() and forward[:4].eq(1).all()
    assert forward[8:12].eq(1).all() and backward[4:8].eq(1).all()  # max: forward, backward; mean: the same


def test_a_long_review_is_read_as_the_predictor_reads_it():
    torch.manual_seed(0)
    model = SentimentLSTM(vocab_size=len(VOCAB), embed_dim=8, hidden_dim=4, num_layers=1, pooling="maxmean").eval()
    predictor = SentimentPredictor(model, VOCAB, max_len=4, truncation="head+tail")
    frame = readout.running_logits(predictor, "good film a bad bad not good film")
    assert frame["word"].tolist() == ["good", "film", "good", "film"]  # the head and the tail
    assert frame["logit"].iloc[-1] == pytest.approx(predictor.logits([VOCAB.encode(frame["word"].tolist())])[0],
                                                    abs=1e-5)
    figure = diagrams.running_logit({"review": frame}, {"review": [2]})
    assert len(figure.axes) == 1 and len(figure.axes[0].lines) >= 4
