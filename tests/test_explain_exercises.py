import pytest
import torch

from sentiment_helpers import exercises
from sentiment_helpers.explain import occlusion
from sentiment_helpers.model import SentimentLSTM
from sentiment_helpers.predict import SentimentPredictor
from sentiment_helpers.vocab import Vocab


@pytest.fixture
def one_word_model():
    """A model whose verdict rests on one word: 'superb' drives the logit, every other word is neutral."""
    vocab = Vocab(["<pad>", "<unk>", "the", "film", "was", "superb", "plot"])
    torch.manual_seed(0)
    model = SentimentLSTM(vocab_size=len(vocab), embed_dim=4, hidden_dim=2, num_layers=1, pooling="maxmean")
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.embedding.weight[vocab.stoi["superb"], 0] = 5.0
        lstm = model.lstm[0].forward_lstm
        lstm.weight_ih_l0[2 * 2, 0] = 1.0  # cell candidate (g gate) of unit 0 reads embedding dim 0
        lstm.bias_ih_l0[:2] = 10.0  # input gates open
        lstm.bias_ih_l0[6:] = 10.0  # output gates open
        model.fc.weight[0, 0] = 4.0  # max over time of forward unit 0
        model.fc.bias.fill_(-1.0)
    return SentimentPredictor(model, vocab, max_len=50)


def test_the_decisive_word_gets_the_largest_attribution(one_word_model):
    explanation = occlusion(one_word_model, "The film was superb, the plot was the film.")
    assert explanation.top(1)[0][0] == "superb"
    assert explanation.top(1)[0][1] > 0.3
    assert len(explanation.tokens) == len(explanation.attributions) == 9
    html = explanation.to_html()
    assert html.count("<span") == 9 and "superb" in html


def test_explanation_escapes_html_and_handles_no_tokens(one_word_model):
    assert occlusion(one_word_model, "!!!").tokens == []


def test_exercise_checks(capsys):
    assert exercises.check_lstm_parameters(2 * 395_264 + 4 * 788_480, num_layers=3)
    assert "correct: parameter count for a 3-layer BiLSTM" in capsys.readouterr().out
    assert not exercises.check_lstm_parameters(123)
    assert "not yet" in capsys.readouterr().out
    assert exercises.check_steps_per_epoch(352)
    assert exercises.check_bigram_count(4)
    assert exercises.check_precision_recall([[40, 10], [5, 45]], precision=45 / 55, recall=45 / 50)
    assert exercises.check_head_tail(lambda ids, n: ids if len(ids) <= n else ids[: n // 2] + ids[len(ids) - (n - n // 2):])
    assert not exercises.check_head_tail(lambda ids, n: ids[:n])
    rate = lambda lists, vocab: sum(t not in vocab.stoi for ts in lists for t in ts) / sum(len(ts) for ts in lists)
    assert exercises.check_unknown_rate(rate)


def test_unanswered_exercises_say_so(capsys):
    assert not exercises.check_lstm_parameters(None)
    assert not exercises.check_head_tail(None)
    assert not exercises.check_precision_recall([[1, 1], [1, 1]], None, None)
    # the exercise cells start with None; the check must say so before touching the data
    assert not exercises.check_positive_share(None, None)
    assert not exercises.check_longest_review(None, None)
    assert not exercises.check_unknown_rate(None)
    assert not exercises.check_steps_per_epoch(None)
    assert not exercises.check_bigram_count(None)
    assert capsys.readouterr().out.count("not answered yet") == 8
