"""The shaded words of an explanation: the HTML and the figure (its PNG copy for static previews) share one colour
scale and one sign convention."""
import io
import re

import matplotlib
import pytest
from matplotlib.colors import to_rgba

from sentiment_helpers import explain
from sentiment_helpers.explain import NEGATIVE_RGB, POSITIVE_RGB, Explanation, shade

matplotlib.use("Agg")


def html_colours(explanation: Explanation) -> list[tuple[float, ...]]:
    """The background of every span of the HTML, as RGBA in 0..1."""
    found = re.findall(r"background:rgba\((\d+),(\d+),(\d+),([0-9.]+)\)", explanation.to_html())
    return [(int(r) / 255, int(g) / 255, int(b) / 255, float(a)) for r, g, b, a in found]


def word_patches(figure):
    return figure.axes[0].patches


@pytest.fixture
def small():
    return Explanation(["a", "great", "but", "dull", "film"], [0.0, 2.0, -0.3, -1.0, 0.5], p_positive=0.8)


def test_the_figure_draws_one_patch_per_word_in_the_html_colour(small):
    figure = small.to_figure()
    patches = word_patches(figure)
    assert len(patches) == len(small.tokens) == len(html_colours(small))
    for patch, colour in zip(patches, html_colours(small), strict=True):
        assert to_rgba(patch.get_facecolor()) == pytest.approx(colour, abs=1e-6)
    words = [text.get_text() for text in figure.axes[0].texts][1:]  # the first text is the title
    assert words == small.tokens


def test_a_positive_score_is_drawn_green_and_a_negative_one_red(small):
    green, red = (c / 255 for c in POSITIVE_RGB), (c / 255 for c in NEGATIVE_RGB)
    colours = [to_rgba(patch.get_facecolor()) for patch in word_patches(small.to_figure())]
    assert colours[1][:3] == pytest.approx(tuple(green)) and colours[3][:3] == pytest.approx(tuple(red))
    assert colours[1][3] == explain.MAX_ALPHA  # the largest push in the review: the strongest colour
    assert colours[0][3] == 0.0  # no push: no colour
    assert colours[2][3] < colours[3][3] < colours[1][3]  # paler for a smaller push, whatever its sign


def test_shade_is_symmetric_and_capped():
    assert shade(1.0, 2.0)[3] == shade(-1.0, 2.0)[3] == 0.4
    assert shade(5.0, 2.0)[3] == explain.MAX_ALPHA
    assert shade(1.0, 0.0)[3] == 0.0


def test_a_long_review_wraps_and_is_cut_to_max_lines():
    words = [f"word{i}" for i in range(300)]
    explanation = Explanation(words, [(-1) ** i * i / 300 for i in range(300)], p_positive=0.5)
    full = explanation.to_figure(max_lines=100)
    rows = {patch.get_y() for patch in word_patches(full)}
    assert len(word_patches(full)) == 300 and len(rows) > 5  # wrapped into many lines
    right_edge = full.get_figwidth() * 72
    assert all(patch.get_x() + patch.get_width() <= right_edge for patch in word_patches(full))
    cut = explanation.to_figure(max_lines=3)
    shown = len(word_patches(cut))
    assert len({patch.get_y() for patch in word_patches(cut)}) == 3 and shown < 300
    assert f"(first {shown} of 300 words)" in cut.axes[0].texts[0].get_text()
    assert cut.get_figheight() < full.get_figheight()


def test_show_emits_the_html_and_then_the_figure(small, monkeypatch):
    shown = []
    monkeypatch.setattr(explain, "display", shown.append)
    explain.show(small, title="occlusion")
    assert [type(item).__name__ for item in shown] == ["HTML", "Figure"]
    assert shown[0].data.startswith("<b>occlusion</b>") and shown[0].data.count("<span") == 5
    png = io.BytesIO()
    shown[1].savefig(png, format="png")
    assert png.getvalue().startswith(b"\x89PNG")
    assert shown[1].axes[0].texts[0].get_text() == "occlusion: p(positive) = 0.800"


def test_an_empty_explanation_still_draws():
    figure = Explanation([], [], p_positive=0.5).to_figure()
    assert len(word_patches(figure)) == 0
