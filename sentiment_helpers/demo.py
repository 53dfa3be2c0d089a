"""The ipywidgets prediction demo: a text area, example reviews, an Analyze button, a probability chart.

The logic lives here (not in notebook 06) so a test can build the demo, type a review, click the
button and check what it shows. Inference runs on click, never per keystroke.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import HTML, display

from . import explain, plots
from .predict import Prediction, SentimentPredictor

EXAMPLES = {
    "A rave": "One of the best films I have seen in years. The acting is superb and the story moved me to tears.",
    "A pan": "A boring, predictable mess. The dialogue is awful and I wanted to leave after twenty minutes.",
    "Negation": "Not bad at all. I expected to hate it, but I loved it.",
    "Mixed": "Great cast and beautiful photography, but the plot is thin and the ending falls flat.",
    "Sarcasm": "Oh great, another two hours of my life I will never get back. Brilliant.",
}


class SentimentDemo:
    def __init__(self, predictor: SentimentPredictor, examples: dict[str, str] | None = None,
                 show_chart: bool = True):
        self.predictor, self.show_chart = predictor, show_chart
        self.last_result: Prediction | None = None
        self.last_error: str | None = None
        self.analyzed_text: str | None = None  # what "Why?" explains: the text of the last analysis
        self.last_explanation: explain.Explanation | None = None  # what "Why?" shows, for the snapshot's figure
        self.text = widgets.Textarea(placeholder="Type or paste a movie review, then click Analyze",
                                     layout=widgets.Layout(width="100%", height="120px"))
        options = ([("Choose an example review...", "")]
                   + [(name, text) for name, text in (examples or EXAMPLES).items()])
        self.examples = widgets.Dropdown(options=options, layout=widgets.Layout(width="50%"))
        self.button = widgets.Button(description="Analyze", button_style="primary", icon="search")
        self.why_button = widgets.Button(description="Why?", icon="question", disabled=True,
                                         tooltip="highlight the words that pushed the prediction")
        self.status = widgets.HTML(value="")
        self.explanation = widgets.HTML(value="")
        self.output = widgets.Output()
        self.examples.observe(self._use_example, names="value")
        self.button.on_click(self.analyze)
        self.why_button.on_click(self.explain)

    def _use_example(self, change: dict) -> None:
        if change["new"]:
            self.text.value = change["new"]
            self.examples.value = ""  # back to the prompt, so that choosing the same example again works

    def _working(self, what: str) -> None:
        """Disable both buttons while the model runs (the callers enable them again when it is done)."""
        self.button.disabled = self.why_button.disabled = True
        self._show(f"working&hellip; ({what})", "#555")

    def _show(self, message: str, colour: str = "black") -> None:
        self.status.value = f'<span style="color:{colour}">{message}</span>'

    def analyze(self, _button: widgets.Button | None = None) -> Prediction | None:
        """What the Analyze button does; errors are shown in the demo, never swallowed."""
        self.last_result, self.last_error, self.analyzed_text = None, None, None
        self.explanation.value, self.last_explanation = "", None
        text = self.text.value
        self._working("analyzing")
        try:
            result = self.last_result = self.predictor.predict_sentiment(text)
        except ValueError as error:  # empty text: a hint, not a fake prediction
            self.last_error = str(error)
            self._show(f"Hint: {html.escape(str(error))}", "#8a6d3b")
            self.output.clear_output()
            return None
        except Exception as error:  # anything else: tell the user what happened
            self.last_error = f"{type(error).__name__}: {error}"
            self._show(f"Something went wrong: {html.escape(self.last_error)}", "#a94442")
            self.output.clear_output()
            return None
        finally:  # whatever happened, Analyze works again; Why? only once there is an analysis to explain
            self.button.disabled, self.why_button.disabled = False, self.last_result is None
        self.analyzed_text = text
        read = min(result.n_tokens, self.predictor.max_len)
        known = f"{result.n_known} of {read} words known to the model"
        if result.n_known == 0:
            known = "none of these words is in the model's vocabulary, so this is a guess"
        cut = f"; {self.predictor.truncation_note()}" if result.truncated else ""
        calibrated = ", calibrated" if self.predictor.temperature != 1.0 else ""
        colour = "#3c763d" if result.label == "positive" else "#a94442"
        self._show(f"<b>{result.label.capitalize()}</b> ({result.confidence:.1%} confident{calibrated}) &middot; "
                   f"{known}{cut}", colour)
        if self.show_chart:
            with self.output:
                self.output.clear_output(wait=True)
                figure = plots.probability_bars(result.p_positive)
                display(figure)
                plt.close(figure)
        return result

    def explain(self, _button: widgets.Button | None = None) -> explain.Explanation | None:
        """The "Why?" view: the analyzed review (not what the box holds now) with each word shaded by how much it
        moved the prediction."""
        if self.analyzed_text is None:
            self._show("Hint: click Analyze first; Why? explains the last analysis", "#8a6d3b")
            return None
        status = self.status.value
        self._working("explaining")
        try:
            explanation = explain.occlusion(self.predictor, self.analyzed_text)
        except Exception as error:
            self.last_error = f"{type(error).__name__}: {error}"
            self._show(f"Could not explain: {html.escape(self.last_error)}", "#a94442")
            return None
        finally:
            self.button.disabled = self.why_button.disabled = False
        self.status.value = status
        edited = "" if self.text.value == self.analyzed_text else " (the text analyzed last, not the edited one)"
        legend = ('<div style="font-size:90%;color:#555">green: pushed towards positive, red: towards negative '
                  f"(how much the log-odds fall when the word is removed){edited}</div>")
        self.explanation.value = legend + explanation.to_html()
        self.last_explanation = explanation
        return explanation

    def snapshot(self) -> None:
        """Show what the demo shows now (the review, the verdict, the chart, the explanation) as plain outputs,
        which stay visible where widgets cannot render, such as a notebook's preview on GitHub. The explanation comes
        as HTML and again as a figure, because that preview strips the HTML's colours (see ``explain.show``)."""
        shown = self.analyzed_text if self.analyzed_text is not None else self.text.value
        display(HTML(f"<p><b>Review:</b> {html.escape(shown)}</p><p>{self.status.value}</p>"))
        if self.last_result is not None and self.show_chart:
            figure = plots.probability_bars(self.last_result.p_positive)
            display(figure)
            plt.close(figure)
        if self.explanation.value:
            display(HTML(self.explanation.value))
        if self.last_explanation is not None:
            figure = self.last_explanation.to_figure()
            display(figure)
            plt.close(figure)

    def widget(self) -> widgets.VBox:
        buttons = widgets.HBox([self.button, self.why_button])
        return widgets.VBox([self.examples, self.text, buttons, self.status, self.output, self.explanation])

    def _ipython_display_(self) -> None:
        display(self.widget())
