import pytest

from sentiment_helpers.demo import EXAMPLES, SentimentDemo


def test_click_analyses_the_text(predictor):
    demo = SentimentDemo(predictor, show_chart=False)
    demo.text.value = "A wonderful film, I loved it."
    demo.button.click()
    assert demo.last_result is not None and demo.last_error is None
    assert demo.last_result.label.capitalize() in demo.status.value
    assert "confident" in demo.status.value


def test_typing_does_not_predict(predictor):
    demo = SentimentDemo(predictor, show_chart=False)
    demo.text.value = "some text"
    assert demo.last_result is None and demo.status.value == ""


def test_example_dropdown_fills_the_text(predictor):
    demo = SentimentDemo(predictor, show_chart=False)
    demo.examples.value = EXAMPLES["Negation"]
    assert demo.text.value == EXAMPLES["Negation"]


def test_empty_text_shows_a_hint(predictor):
    demo = SentimentDemo(predictor, show_chart=False)
    demo.text.value = "   "
    demo.button.click()
    assert demo.last_result is None and "Hint" in demo.status.value


def test_unknown_words_are_flagged(predictor):
    demo = SentimentDemo(predictor, show_chart=False)
    demo.text.value = "qwzx vbnmq"
    demo.button.click()
    assert "guess" in demo.status.value


def test_errors_in_the_callback_are_shown(predictor, monkeypatch):
    demo = SentimentDemo(predictor, show_chart=False)
    monkeypatch.setattr(predictor, "predict_sentiment", lambda text: 1 / 0)
    demo.text.value = "fine"
    demo.button.click()
    assert "ZeroDivisionError" in demo.status.value and demo.last_error


def test_the_chart_shows_both_probabilities_of_the_prediction(predictor, monkeypatch):
    from matplotlib.figure import Figure

    from sentiment_helpers import demo

    shown = []
    monkeypatch.setattr(demo, "display", shown.append)
    app = SentimentDemo(predictor)
    app.text.value = "great"
    result = app.analyze()
    assert result == predictor.predict_sentiment("great") == app.last_result
    [figure] = shown
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    p = result.p_positive
    assert [bar.get_width() for bar in axes.patches] == pytest.approx([1 - p, p])
    assert [label.get_text() for label in axes.get_yticklabels()] == ["Negative", "Positive"]
    assert [text.get_text() for text in axes.texts] == [f"{1 - p:.1%}", f"{p:.1%}"]


def test_why_view_highlights_words_after_an_analysis(predictor):
    demo = SentimentDemo(predictor, show_chart=False)
    assert demo.why_button.disabled  # nothing to explain yet
    demo.text.value = "A wonderful film with a dull ending."
    demo.button.click()
    assert not demo.why_button.disabled
    demo.why_button.click()
    assert demo.explanation.value.count("<span") == 7 and "wonderful" in demo.explanation.value
    demo.text.value = ""
    demo.button.click()
    assert demo.explanation.value == "" and demo.why_button.disabled


def test_the_ipywidgets_under_test_is_the_one_asked_for():
    """CI runs this file again against Colab's ipywidgets 7.7.1 (.ci/colab-check); this proves it really did."""
    import os

    import ipywidgets

    expected = os.environ.get("COURSE_EXPECT_IPYWIDGETS")
    if not expected:
        pytest.skip("COURSE_EXPECT_IPYWIDGETS is not set (.ci/colab-check sets it to Colab's 7.7.1)")
    assert ipywidgets.__version__ == expected


def test_snapshot_shows_the_current_view_as_plain_outputs(predictor, monkeypatch):
    from sentiment_helpers import demo

    shown = []
    monkeypatch.setattr(demo, "display", shown.append)
    app = SentimentDemo(predictor)
    app.text.value = "A wonderful <b>film</b>."
    app.button.click()
    app.why_button.click()
    shown.clear()  # the click drew into the live chart widget; the snapshot shows it again as plain outputs
    app.snapshot()
    kinds = [type(item).__name__ for item in shown]
    assert kinds == ["HTML", "Figure", "HTML", "Figure"]  # the explanation twice: HTML, then as a figure
    assert "&lt;b&gt;film" in shown[0].data and app.last_result.label.capitalize() in shown[0].data
    assert "wonderful" in shown[2].data
    assert len(shown[3].axes[0].patches) == shown[2].data.count("<span") == len(app.last_explanation.tokens)


def test_why_explains_the_analyzed_text_not_the_edited_box(predictor):
    demo = SentimentDemo(predictor, show_chart=False)
    demo.text.value = "A wonderful film."
    demo.button.click()
    demo.text.value = "Something else entirely, typed afterwards."
    demo.why_button.click()
    assert "wonderful" in demo.explanation.value and "afterwards" not in demo.explanation.value
    assert "analyzed last" in demo.explanation.value
    assert not demo.button.disabled and not demo.why_button.disabled  # buttons work again after the run


def test_buttons_are_disabled_while_the_model_runs(predictor, monkeypatch):
    demo = SentimentDemo(predictor, show_chart=False)
    seen = []
    original = predictor.predict_sentiment

    def spy(text):
        seen.append((demo.button.disabled, demo.why_button.disabled, "working" in demo.status.value))
        return original(text)

    monkeypatch.setattr(predictor, "predict_sentiment", spy)
    demo.text.value = "fine"
    demo.button.click()
    assert seen == [(True, True, True)] and not demo.button.disabled


def test_choosing_the_same_example_again_works(predictor):
    demo = SentimentDemo(predictor, show_chart=False)
    demo.examples.value = EXAMPLES["Mixed"]
    demo.text.value = "edited"
    demo.examples.value = EXAMPLES["Mixed"]
    assert demo.text.value == EXAMPLES["Mixed"]


def test_the_demo_says_its_confidence_is_calibrated(smoke_run):
    from sentiment_helpers.predict import SentimentPredictor

    calibrated = SentimentPredictor.from_checkpoint(smoke_run.checkpoint_path)
    assert calibrated.temperature != 1.0  # run_training fitted it on validation
    demo = SentimentDemo(calibrated, show_chart=False)
    demo.text.value = "A wonderful film."
    demo.button.click()
    assert "calibrated" in demo.status.value
