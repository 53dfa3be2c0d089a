import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def test_prediction_fields(predictor):
    result = predictor.predict_sentiment("A wonderful, moving film. I loved every minute.")
    assert result.label in ("positive", "negative")
    assert result.confidence == max(result.p_positive, 1 - result.p_positive)
    assert (result.label == "positive") == (result.p_positive >= 0.5)
    assert result.n_tokens == 8 and 0 < result.n_known <= 8 and not result.truncated


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_text_is_refused(predictor, text):
    with pytest.raises(ValueError, match="empty"):
        predictor.predict_sentiment(text)


@pytest.mark.parametrize("value", [None, 3, 2.5, b"bytes", ["a list"]])
def test_non_string_is_refused(predictor, value):
    with pytest.raises(TypeError, match="expected the review as a str"):
        predictor.predict_sentiment(value)


def test_batch_wants_a_list(predictor):
    with pytest.raises(TypeError):
        predictor.predict_batch("one review")
    with pytest.raises(TypeError):
        predictor.predict_batch(["ok", None], progress=False)


@pytest.mark.parametrize("text", ["zzqx blorfl wibblewobble", "!!! ??? ...", "<br /><br /><i></i>", "😀🎬🍿",
                                  "素晴らしい映画", "Фильм отличный", "ctrl\x00\x01\x1b chars\x7f", "\u200b\u200d"])
def test_odd_inputs_give_a_finite_prediction_and_say_what_was_recognised(predictor, text):
    result = predictor.predict_sentiment(text)
    assert math.isfinite(result.p_positive) and 0 <= result.p_positive <= 1
    assert result.n_known <= result.n_tokens
    if text.startswith(("!!!", "<br")) or text.startswith("😀"):
        assert result.n_tokens == 0 and result.n_known == 0


def test_a_megabyte_text_reaches_the_model_cut_to_max_len(predictor, monkeypatch):
    # the model's work stays bounded however long the text: it reads at most max_len tokens (how long that takes
    # is a benchmark's business, not a test's)
    text = "a truly great film, " * 52_000  # ~1 MB
    read = []
    model_forward = predictor.model.forward
    monkeypatch.setattr(predictor.model, "forward", lambda ids, lengths: read.append(ids.shape) or model_forward(
        ids, lengths))
    result = predictor.predict_sentiment(text)
    assert result.truncated and result.n_tokens == 4 * 52_000
    assert read == [(1, predictor.max_len)]


def test_batch_equals_one_by_one(predictor, smoke_run):
    import numpy as np

    from sentiment_helpers import data
    texts = data.load_imdb(data.SAMPLE_DIR)["test"]["text"][:300] + ["short", "not good", "x " * 900]
    batched = predictor.predict_batch(texts, batch_size=64, progress=False)
    single = [predictor.predict_sentiment(t) for t in texts]
    assert np.allclose([p.p_positive for p in batched], [p.p_positive for p in single], atol=1e-5)
    assert [p.n_known for p in batched] == [p.n_known for p in single]


def test_ten_thousand_texts(predictor):
    texts = [f"review number {i} was {'great' if i % 2 else 'awful'}" for i in range(10_000)]
    results = predictor.predict_batch(texts, batch_size=512, progress=False)
    assert len(results) == 10_000 and all(0 <= r.p_positive <= 1 for r in results)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=400))
def test_any_unicode_gives_a_valid_probability(predictor, text):
    if not text.strip():
        with pytest.raises(ValueError):
            predictor.predict_sentiment(text)
        return
    result = predictor.predict_sentiment(text)
    assert math.isfinite(result.p_positive) and 0.0 <= result.p_positive <= 1.0
    assert result.label == ("positive" if result.p_positive >= 0.5 else "negative")


def test_training_stores_a_validation_temperature_and_calibrate_checkpoint_refits_it(smoke_run, tmp_path):
    import shutil

    from sentiment_helpers import calibration, checkpoint, data, held_out

    bundle = checkpoint.load_checkpoint(smoke_run.checkpoint_path)
    temperature = bundle.metadata["temperature"]
    assert bundle.metadata["calibration"]["fitted_on"] == "validation"
    assert smoke_run.metrics["temperature"] == temperature
    # the same fit by hand, on the validation logits of the checkpoint's own run
    validation = held_out.evaluate_checkpoint(bundle, split="validation", progress=False,
                                              data_dir=data.SAMPLE_DIR).evaluation
    expected = calibration.fit_temperature(validation.logits, validation.y_true).temperature
    assert temperature == pytest.approx(expected, rel=1e-3)
    copy = tmp_path / "model.pt"
    shutil.copy(smoke_run.checkpoint_path, copy)
    assert held_out.calibrate_checkpoint(copy) == temperature  # kept, not refitted
    bundle.metadata.pop("temperature")
    checkpoint.save_checkpoint(copy, bundle.model, bundle.vocab, bundle.max_len, bundle.truncation, bundle.metadata)
    assert held_out.calibrate_checkpoint(copy, data_dir=data.SAMPLE_DIR) == pytest.approx(expected, rel=1e-3)
    assert checkpoint.load_checkpoint(copy).metadata["temperature"] == pytest.approx(expected, rel=1e-3)


def test_p_positive_is_the_predictor_as_a_function_of_texts(predictor):
    texts = ["a wonderful film", "dull and far too long", "not bad at all"]
    assert predictor.p_positive(iter(texts)) == [p.p_positive for p in predictor.predict_batch(texts, progress=False)]
