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


def test_explanation_escapes_html_and_handles_no_tokens(one_word_model, monkeypatch):
    from sentiment_helpers import explain

    # a review with markup: the tags are dropped by cleaning, the words shown, and nothing reaches the page unescaped
    review = 'The film <script>alert("x")</script> was superb & "great", it\'s <b>fun</b>'
    page = occlusion(one_word_model, review).to_html()
    assert "<script" not in page and "<b>" not in page
    for word in ("film", "alert", "superb", "great", "its", "fun"):
        assert f">{word}</span>" in page
    # tokens that carry markup (another tokenizer, a hand-made explanation) are escaped, each in its own span
    tokens = ["<script>", "a&b", '"quoted"', "it's"]
    page = explain.Explanation(tokens, [1.0, -1.0, 0.5, 0.0], p_positive=0.5).to_html()
    for escaped in ("&lt;script&gt;", "a&amp;b", "&quot;quoted&quot;", "it&#x27;s"):
        assert f">{escaped}</span>" in page
    assert "<script>" not in page and page.count("<span") == 4
    # so is the title that explain.show puts above it
    shown = []
    monkeypatch.setattr(explain, "display", shown.append)
    explain.show(explain.Explanation(["fine"], [0.2], p_positive=0.6), title='<i>"A" & B</i>')
    assert shown[0].data.startswith("<b>&lt;i&gt;&quot;A&quot; &amp; B&lt;/i&gt;</b>")
    assert occlusion(one_word_model, "!!!").tokens == []


def test_occlusion_of_a_long_head_tail_review_scores_only_the_words_read(one_word_model):
    """head+tail reads the first 3 and the last 3 of these 9 words: the explanation is about those 6, in order."""
    head_tail = SentimentPredictor(one_word_model.model, one_word_model.vocab, max_len=6, truncation="head+tail")
    read = ["the", "film", "was", "the", "plot", "was"]
    unread_superb = "the film was plot superb film the plot was"
    explanation = occlusion(head_tail, unread_superb)
    assert explanation.tokens == read and len(explanation.attributions) == 6
    # "superb" in the dropped middle moves nothing: it is neither listed nor felt in any other word's attribution
    assert explanation.attributions == pytest.approx([0.0] * 6, abs=1e-6)
    assert explanation.p_positive == head_tail.predict_sentiment(unread_superb).p_positive
    # the same review with "superb" in its tail: the tail is read, so it is there, in its place, and decisive
    read_superb = "the film was plot superb film the superb was"
    explanation = occlusion(head_tail, read_superb)
    assert explanation.tokens == ["the", "film", "was", "the", "superb", "was"]
    assert explanation.top(1)[0] == ("superb", explanation.attributions[4]) and explanation.attributions[4] > 0.3
    assert explanation.p_positive == head_tail.predict_sentiment(read_superb).p_positive
    # exactly the explanation of the words read, given as a short review that needs no truncation
    short = occlusion(head_tail, " ".join(explanation.tokens))
    assert short.tokens == explanation.tokens and short.attributions == pytest.approx(explanation.attributions)


def test_exercise_checks(capsys):
    assert exercises.check_lstm_parameters(2 * 395_264 + 4 * 788_480, num_layers=3)
    assert "correct: parameter count for a 3-layer BiLSTM" in capsys.readouterr().out
    assert not exercises.check_lstm_parameters(123)
    assert "not yet" in capsys.readouterr().out
    assert exercises.check_steps_per_epoch(352)
    assert exercises.check_bigram_count(4)
    assert exercises.check_precision_recall([[40, 10], [5, 45]], precision=45 / 55, recall=45 / 50)
    assert exercises.check_head_tail(lambda ids, n: ids if len(ids) <= n
                                     else ids[: n // 2] + ids[len(ids) - (n - n // 2):])
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


def test_occlusion_reads_the_logit_so_a_saturated_prediction_still_shows_its_reason(one_word_model):
    with torch.no_grad():
        one_word_model.model.fc.weight[0, 0] = 40.0  # p(positive) = 1.0 to float precision with "superb"
    try:
        explanation = occlusion(one_word_model, "The film was superb.")
        assert explanation.p_positive > 0.999999
        word, value = explanation.top(1)[0]
        assert word == "superb" and value > 20  # in probability the change would round to almost nothing
    finally:
        with torch.no_grad():
            one_word_model.model.fc.weight[0, 0] = 4.0


def test_integrated_gradients_add_up_to_the_logit_minus_the_baseline(one_word_model):
    from sentiment_helpers.explain import baseline_logit, integrated_gradients

    explanation = integrated_gradients(one_word_model, "The film was superb, the plot was the film.", steps=256)
    assert explanation.method == "integrated gradients" and len(explanation.attributions) == 9
    assert explanation.top(1)[0][0] == "superb"
    gap = explanation.logit - baseline_logit(one_word_model, len(explanation.tokens))
    assert sum(explanation.attributions) == pytest.approx(gap, abs=0.02)


def test_classify_is_forward_after_the_embedding():
    torch.manual_seed(0)
    model = SentimentLSTM(vocab_size=20, embed_dim=8, hidden_dim=6, num_layers=2).eval()
    ids, lengths = torch.randint(1, 20, (3, 7)), torch.tensor([7, 5, 2])
    torch.testing.assert_close(model.classify(model.embedding(ids), lengths), model(ids, lengths))


def test_predictor_temperature_softens_probabilities_but_keeps_labels(one_word_model):
    text = "The film was superb."
    raw = one_word_model.predict_sentiment(text)
    softened = SentimentPredictor(one_word_model.model, one_word_model.vocab, max_len=50, temperature=3.0)
    calibrated = softened.predict_sentiment(text)
    assert calibrated.label == raw.label and 0.5 < calibrated.confidence < raw.confidence
    with pytest.raises(ValueError, match="positive"):
        SentimentPredictor(one_word_model.model, one_word_model.vocab, temperature=0)


def test_truncation_note_names_the_rule(one_word_model):
    head_tail = SentimentPredictor(one_word_model.model, one_word_model.vocab, max_len=256, truncation="head+tail")
    assert head_tail.truncation_note() == "read only the first 128 and the last 128 tokens"
    assert one_word_model.truncation_note() == "read only the first 50 tokens"


def test_check_questions_take_letters_and_numbers(capsys):
    assert exercises.check_question("03-memory", " A ")  # a letter, case and spaces forgiven
    assert "c_t = f * c_(t-1)" in capsys.readouterr().out  # a right answer is explained too
    assert not exercises.check_question("03-memory", "b")
    assert "hint" in capsys.readouterr().out
    assert exercises.check_question("03-gate-rows", 384) and not exercises.check_question("03-gate-rows", 96)
    assert not exercises.check_question("05-mcnemar", None)
    assert "not answered yet" in capsys.readouterr().out
    with pytest.raises(KeyError, match="no check question"):
        exercises.check_question("99-nothing", "a")


def test_multiple_choice_answers_are_spread_over_the_options():
    letters = [truth for truth, _ in exercises.QUESTIONS.values() if isinstance(truth, str)]
    counts = {letter: letters.count(letter) for letter in "abc"}
    assert set(letters) <= set(counts) and max(counts.values()) <= len(letters) // 2, counts


def test_first_learning_rate_of_one_cycle_is_checked_against_pytorch():
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=3e-3)
    torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=100)
    assert exercises.check_first_lr_of_onecycle(optimizer.param_groups[0]["lr"], max_lr=3e-3)
    assert not exercises.check_first_lr_of_onecycle(3e-3, max_lr=3e-3)


def test_best_threshold_accepts_any_threshold_with_the_best_accuracy():
    labels, p_positive = [0, 0, 1, 1, 1], [0.1, 0.6, 0.7, 0.8, 0.9]
    assert exercises.check_best_threshold(labels, p_positive, 0.7)  # all right
    assert exercises.check_best_threshold(labels, p_positive, 0.65)  # just as good
    assert not exercises.check_best_threshold(labels, p_positive, 0.5)  # 0.6 wrongly called positive


def test_uniform_perplexity_is_the_vocabulary_size(capsys):
    import math

    assert exercises.check_uniform_perplexity(21_724, vocab_size=21_724)
    assert not exercises.check_uniform_perplexity(math.log(21_724), vocab_size=21_724)  # the loss, not its exp
    assert "exp(mean loss)" in capsys.readouterr().out
