"""Every figure quoted in prose has one source (scripts/check_figures.py holds the rules).

The first tests pin the extractor and the matcher on small made-up texts; then a planted disagreement in a made-up
course and in lesson 07's real outputs; last, the check on the real lessons, solutions, README and docs."""
import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import check_figures as cf  # noqa: E402


def figures(markdown):
    return [(f.shown, f.kind) for f in cf.quoted_figures(markdown)]


def source(text, unit=None):
    return cf.numbers_in_text(text, "test", unit)


def found(quote, sources):
    """Does the one figure of `quote` match one of these source numbers?"""
    (figure,) = cf.quoted_figures(quote)
    return any(cf.matches(figure, n) for n in sources)


# -- what counts as a quoted figure -----------------------------------------------------------------------------------

@pytest.mark.parametrize("markdown, expected", [
    ("scores 89.12% on test", [("89.12%", "percent")]),
    ("above 91% there", []),  # a bound
    ("reaches 91% in every seed", [("91%", "percent")]),
    ("took 1,292 s in all", [("1,292 s", "time")]),
    ("92-102 s per classifier", [("92 (in 92-102 s)", "time"), ("102 (in 92-102 s)", "time")]),
    ("91.16-91.23%", [("91.16 (in 91.16-91.23%)", "percent"), ("91.23 (in 91.16-91.23%)", "percent")]),
    ("median 4.5 ms, 17.4 / 19.3 ms", [("4.5 ms", "time"), ("17.4 (in 17.4 / 19.3 ms)", "time"),
                                       ("19.3 (in 17.4 / 19.3 ms)", "time")]),
    ("peak RSS 509 MiB; 6.3 GB on disk", [("509 MiB", "size"), ("6.3 GB", "size")]),
    ("about 3.5 minutes of training", [("3.5 minutes", "time")]),
    ("trains in about a minute", [("a minute", "time")]),
    ("McNemar gives p = 2.2e-18 here", [("2.2e-18", "pvalue")]),
    ("ECE 0.0075, and T = 1.142", [("0.0075", "decimal"), ("1.142", "decimal")]),
    ("its 21,724 words", [("21,724", "count")]),
    ("the 17 million tokens", [("17 million", "count")]),
    ("word2vec adds +2.1 points; +6 with fewer", [("+2.1 points", "points"), ("+6", "points")]),
    ("a ratio of 28.3x, and 3 times faster", [("28.3x", "ratio"), ("3 times", "ratio")]),
])
def test_figures_that_look_like_results_are_found(markdown, expected):
    assert figures(markdown) == expected


@pytest.mark.parametrize("markdown", [
    "3 epochs, 7 of 10 probes, section 5, seed 42",  # plain small integers
    "Harris 1954; Mikolov et al. 2013",  # years
    "the 1st run, lesson 04b",  # ordinals, names
    "Python 3.11 and ipywidgets 7.7.1",  # versions
    "word2vec, F1, a rating of 9.5/10",  # glued to a word or a slash
    "a 5-minute cap and a 25,000-word vocabulary",  # a number joined to a noun names a setting
    "under 4 minutes, at most 5 minutes, over 90%, within 0.6 points, mistakes at 99% and more",  # bounds
    "dropout 0.5, clip 1.0, lr 1e-3, floats below 1.2e-38",  # round settings and constants
    '"film" (3 times) comes first; 2 x 256 = 512',  # a count, a product
    "2026-11-27",  # a date
])
def test_settings_names_and_bounds_are_not_figures(markdown):
    assert figures(markdown) == []


def test_only_prose_is_read():
    markdown = "\n".join([
        "# 07 · What 50,000 unlabeled reviews teach",  # a heading
        "<!-- 12.5% -->",
        "Run `train --set lr=0.0035` (12.34%).",  # a code span; the prose after it counts
        "```",
        "accuracy 0.8912",
        "```",
        "$p = 0.731$ and $$\\sigma = 0.25$$",  # math
        "[the 86.5% run](results/x-0.8812.md) and https://example.org/a-91.5%",  # a link's text counts, not its target
        '<img src="a.png" width="33.3%">',
    ])
    assert figures(markdown) == [("12.34%", "percent"), ("86.5%", "percent")]


# -- when a figure matches a source -----------------------------------------------------------------------------------

def test_a_figure_matches_at_the_precision_it_is_written_with():
    assert found("86.5%", source("0.86500")) and found("86.5%", source("0.8646"))
    assert not found("86.5%", source("0.8644")) and not found("86.5%", source("0.8656"))
    assert found("1,292 s", source("1292.4 s")) and not found("1,292 s", source("1293 s"))
    assert found("p = 2e-18", source("p = 2.24e-18")) and not found("p = 2e-18", source("p = 2.6e-18"))
    assert found("p = 2.2e-18", source("2.24e-18")) and not found("p = 2.2e-18", source("2.26e-18"))
    assert found("21,724 words", source("vocabulary: 21724")) and not found("25,002 words", source("25,000"))


def test_percentages_and_fractions_match_both_ways():
    assert found("86.5%", source("0.865")) and found("86.5%", source("86.5%"))
    assert not found("86.5%", source("86.5"))  # a bare 86.5 could be anything: seconds, a perplexity
    assert found("ECE 0.0075", source("0.75%")) and found("ECE 0.0075", source("0.0075"))


def test_times_and_sizes_match_only_times_and_sizes_and_convert():
    assert found("about 2 minutes", source("building took 109 s"))  # 1.8 minutes rounds to 2
    assert not found("about 2 minutes", source("155 s"))
    assert found("about 2 minutes", source("120", unit="s"))  # a column or key that names seconds
    assert not found("about 2 minutes", source("120"))  # a bare number is not a time
    assert found("4.5 ms", source("0.0045 s")) and found("509 MiB", source("508.85 MiB"))
    assert not found("509 MiB", source("509"))


def test_about_widens_times_but_not_percentages():
    assert found("about 3.5 minutes", source("200 s"))  # 3.33 minutes: within 10%
    assert not found("3.5 minutes", source("200 s"))
    assert not found("about 90.7%", source("0.9040"))


def test_about_a_minute_is_not_a_minute_and_a_half():
    assert found("trains in about a minute", source("68 s"))
    assert not any(found("trains in about a minute", source(f"{s} s")) for s in (92, 100, 102))


def test_a_difference_in_points_needs_a_source_or_its_two_figures_in_the_sentence():
    assert found("+2.1 points", source("+2.13 points"))
    assert not found("+2.1 points", source("2.13"))  # a bare number is not a difference
    text = "word2vec buys 2.1 points (91.23% against 89.10%). At full size, +1.6 points."
    quoted = cf.quoted_figures(text)
    by_text = {f.text: f for f in quoted}
    assert cf.difference_of_quoted(by_text["2.1 points"], quoted, text)
    assert not cf.difference_of_quoted(by_text["+1.6 points"], quoted, text)  # another sentence


def test_units_come_from_table_headers_and_json_keys():
    table = "| model | training s | train reviews/s | peak memory MiB |\n|---|---|---|---|\n| a | 244 | 16.7 | 1429 |\n"
    numbers = cf.numbers_in_markdown_results(table, "t.md")
    assert {(n.kind, round(n.value, 1)) for n in numbers} >= {("time", 244.0), (None, 16.7), ("size", 1429 * 2**20)}
    html = ("<table><thead><tr><th></th><th>test accuracy</th><th>seconds</th></tr></thead>"
            "<tbody><tr><th>forward</th><td>0.8650</td><td>93.8</td></tr></tbody></table>")
    assert {(n.kind, n.value) for n in cf.numbers_in_html(html, "out")} == {(None, 0.865), ("time", 93.8)}
    record = {"train_seconds": 199.7, "latency_ms_median": 17.4, "peak_rss_mib": 509.4,
              "train_reviews_per_s": 65.5, "versions": {"torch": "2.13.0+cpu"}, "date": "2026-11-27"}
    numbers = {(n.kind, round(n.value, 4)) for n in cf.numbers_in_json(record, "r.json")}
    assert numbers == {("time", 199.7), ("time", 0.0174), ("size", round(509.4 * 2**20, 4)), (None, 65.5)}
    minutes = "| notebook | run seconds | study minutes | min freq |\n|---|---|---|---|\n| 01 | 18 | 30 | 2 |\n"
    numbers = {(n.kind, n.value) for n in cf.numbers_in_markdown_results(minutes, "t.md")}
    assert numbers >= {("time", 18.0), ("time", 1800.0), (None, 2.0)}  # min_freq is no time


# -- the check on a made-up course ------------------------------------------------------------------------------------

def notebook(markdown, output):
    return {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": markdown},
        {"cell_type": "code", "metadata": {}, "source": "table", "execution_count": 1,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": output}]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def course(tmp_path):
    """A course of one lesson, one results file and a README that cites it."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    (tmp_path / "benchmarks" / "results" / "speed.md").write_text(
        "| path | training s | test acc. |\n|---|---|---|\n| course | 205 | 0.9123 |\n")
    (tmp_path / "README.md").write_text(
        "# Course\n\n## Results\n\nThe profile trains in 205 s and scores 91.23% (`benchmarks/results/speed.md`).\n")
    return tmp_path


def write_lesson(root, markdown, output):
    path = root / "notebooks" / "01_demo.ipynb"
    path.write_text(json.dumps(notebook(markdown, output)))
    return path


def check(root, *paths):
    return cf.check([root / p for p in paths], root=root)


def test_a_planted_disagreement_fails_with_a_message_a_writer_can_act_on(course):
    write_lesson(course, "On 4,000 reviews, frozen word2vec scores **86.4%** on test.",
                 "4000 reviews\nrandom init 0.8057\nword2vec, frozen 0.8650\n")
    (finding,) = check(course, "notebooks/01_demo.ipynb")
    message = str(finding)
    for part in ("notebooks/01_demo.ipynb, cell 0", "'86.4%'", "frozen word2vec scores **86.4%** on test",
                 "this notebook's stored outputs", "nearest: 0.8650"):
        assert part in message, (part, message)


def test_and_its_fix_passes(course):
    write_lesson(course, "On 4,000 reviews, frozen word2vec scores **86.5%** on test.",
                 "4000 reviews\nrandom init 0.8057\nword2vec, frozen 0.8650\n")
    assert check(course, "notebooks/01_demo.ipynb") == []


def test_a_regenerated_output_that_moves_under_the_text_fails(course):
    text = "frozen word2vec scores 86.5% on test."
    write_lesson(course, text, "word2vec, frozen 0.8650\n")
    assert check(course, "notebooks/01_demo.ipynb") == []
    write_lesson(course, text, "word2vec, frozen 0.8612\n")  # the outputs regenerated, the text not
    assert [f.figure for f in check(course, "notebooks/01_demo.ipynb")] == ["86.5%"]


def test_a_lesson_may_cite_a_results_file_it_names(course):
    write_lesson(course, "At full size the profile scores 91.23%.", "nothing here\n")
    assert [f.figure for f in check(course, "notebooks/01_demo.ipynb")] == ["91.23%"]
    write_lesson(course, "At full size the profile scores 91.23% (`benchmarks/results/speed.md`).", "nothing\n")
    assert check(course, "notebooks/01_demo.ipynb") == []


def test_a_lesson_may_quote_another_lesson_it_names(course):
    write_lesson(course, "Reviews are long.", "29.0% are longer than 256 tokens\n")
    (course / "notebooks" / "02_next.ipynb").write_text(json.dumps(notebook("29% are longer than 256.", "ok\n")))
    assert [f.figure for f in check(course, "notebooks/02_next.ipynb")] == ["29%"]
    (course / "notebooks" / "02_next.ipynb").write_text(
        json.dumps(notebook("29% are longer than 256 (notebook 01).", "ok\n")))
    assert check(course, "notebooks/02_next.ipynb") == []


def test_a_readme_figure_needs_a_results_file_named_in_its_section(course):
    assert check(course, "README.md") == []
    (course / "benchmarks" / "results" / "speed.md").write_text(
        "| path | training s | test acc. |\n|---|---|---|\n| course | 231 | 0.9101 |\n")  # a rerun
    assert [f.figure for f in check(course, "README.md")] == ["205 s", "91.23%"]
    readme = course / "README.md"
    readme.write_text("# Course\n\n## Results\n\nSee `speed.md`.\n\n## Speed\n\nIt trains in 231 s.\n")
    (finding,) = check(course, "README.md")  # the file is named in another section
    assert (finding.figure, finding.where) == ("231 s", "line 9")


def test_allowed_figures_pass_and_a_stale_entry_is_reported(course):
    write_lesson(course, "On 4,000 reviews it scores 86.5%.", "0.8650\n")
    assert [f.figure for f in check(course, "notebooks/01_demo.ipynb")] == ["4,000"]
    (course / "tests" / "quoted-figures-allowed.yml").write_text(
        "- file: notebooks/01_demo.ipynb\n  figure: '4,000'\n  kind: setting\n  reason: the lesson's labeled reviews\n")
    assert check(course, "notebooks/01_demo.ipynb") == []
    write_lesson(course, "It scores 86.5%.", "0.8650\n")
    (stale,) = check(course, "notebooks/01_demo.ipynb")
    assert (stale.where, stale.figure) == ("allowed list", "4,000") and "remove the entry" in str(stale)


@pytest.mark.parametrize("entry, problem", [
    ("- file: README.md\n  figure: '91%'\n  kind: setting\n", "reason"),
    ("- file: README.md\n  figure: '91%'\n  kind: guess\n  reason: r\n", "kind must be one of"),
    ("- file: README.md\n  figure: '91.22%'\n  kind: literature\n  reason: Wang and Manning\n", "its year"),
    ("- file: README.md\n  figure: 91\n  kind: setting\n  reason: r\n", "non-empty text"),
])
def test_a_malformed_allowed_list_says_what_is_wrong(tmp_path, entry, problem):
    (tmp_path / "allowed.yml").write_text(entry)
    with pytest.raises(ValueError, match=problem):
        cf.load_allowed(tmp_path / "allowed.yml")


def test_the_command_prints_the_findings_and_fails(course, capsys, monkeypatch):
    monkeypatch.setattr(cf, "ROOT", course)
    lesson = write_lesson(course, "It scores 86.4% on 4,000 reviews.", "0.8650 on 4000\n")
    assert cf.main([]) == 1  # the lesson and the README of the made-up course
    out = capsys.readouterr().out
    assert "== notebooks/01_demo.ipynb" in out and "'86.4%'" in out and "1 quoted figure(s) without a source" in out
    write_lesson(course, "It scores 86.5% on 4,000 reviews.", "0.8650 on 4000\n")
    assert cf.main(["--explain", str(lesson)]) == 0
    assert "'86.5%' (percent) <- 0.8650" in capsys.readouterr().out
    assert cf.main([str(course / "nothing.ipynb")]) == 2
    assert "no such file" in capsys.readouterr().err


# -- lesson 07's real outputs -----------------------------------------------------------------------------------------

def test_lesson_07_fails_when_its_table_changes_under_its_text(tmp_path):
    """The real lesson and results, copied: a planted change in one stored output adds exactly one finding."""
    (tmp_path / "notebooks").mkdir()
    shutil.copytree(ROOT / "benchmarks" / "results", tmp_path / "benchmarks" / "results")
    lesson = tmp_path / "notebooks" / "07_unlabeled_reviews.ipynb"
    text = (ROOT / "notebooks" / "07_unlabeled_reviews.ipynb").read_text()
    allowed = ROOT / "tests" / "quoted-figures-allowed.yml"
    lesson.write_text(text)
    before = {(f.where, f.figure) for f in cf.check([lesson], root=tmp_path, allowed_file=allowed)}
    assert "0.8750" in text and "(87.5%)" in text
    lesson.write_text(text.replace("0.8750", "0.8710"))  # word2vec, fine-tuned: test accuracy, in every table
    after = {(f.where, f.figure) for f in cf.check([lesson], root=tmp_path, allowed_file=allowed)}
    assert after - before == {("cell 34", "87.5%")}


# -- the real lessons, solutions, README and docs ---------------------------------------------------------------------

def test_the_allowed_list_is_well_formed():
    assert cf.load_allowed(), "tests/quoted-figures-allowed.yml is empty or missing"


TEXTS = [cf.relative_name(p, ROOT) for p in cf.default_texts()]


@pytest.mark.parametrize("text", TEXTS)
def test_every_quoted_figure_has_a_source(text):
    findings = cf.check([ROOT / text])
    assert not findings, (f"{len(findings)} quoted figure(s) without a source (the rules: python "
                          f"scripts/check_figures.py --help):\n\n" + "\n".join(map(str, findings)))
