"""The behavioural tests say what they test, stay small and fixed, and catch the stand-in models written here to
fail them (no training): a word counter that cannot read negation, a model that always says 0.7, a model swayed by
one name, and one swayed by length."""
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from sentiment_helpers import behaviour
from sentiment_helpers.behaviour import NEGATIVE, POSITIVE, SUITE, BehaviourTest, Case

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parent.parent
TESTS = {test.name: test for test in SUITE}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def keyword_model(texts):
    """Positive minus negative lexicon words through a sigmoid: blind to "not", "never" and "but"."""
    return [1 / (1 + math.exp(-(sum(w in POSITIVE for w in words(t)) - sum(w in NEGATIVE for w in words(t)))))
            for t in texts]


def constant_model(texts):
    return [0.7] * len(texts)


def john_model(texts):
    return [0.9 if "John" in text else 0.1 for text in texts]


def length_model(per_character: float):
    return lambda texts: [min(1.0, 0.2 + per_character * len(text)) for text in texts]


def rates(table):
    return dict(zip(table.test, table["failure rate"], strict=True))


def test_the_suite_covers_every_capability_and_kind_within_its_size():
    assert {t.capability for t in SUITE} == set(behaviour.CAPABILITIES)
    assert {t.kind for t in SUITE} == set(behaviour.KINDS)
    assert len(TESTS) == len(SUITE), "test names are unique"
    for test in SUITE:
        assert 50 <= len(test.cases) <= 300, test.name
        assert len(set(test.cases)) == len(test.cases), f"{test.name}: a case repeats"
        assert "\n" not in test.description and len(test.description) <= 120, test.name
    texts = {text for test in SUITE for case in test.cases for text in case.texts}
    assert 1000 <= len(texts) <= 2000


def test_the_suite_is_the_same_in_every_process():
    assert behaviour.build_suite() == SUITE
    script = "from sentiment_helpers.behaviour import SUITE; print(repr(SUITE))"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "12345"}  # another order of any set
    other = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert other.stdout.strip() == repr(SUITE)


def test_negation_cases_are_negated_and_labelled_as_described():
    described = (("not + positive adjective", r" not (\w+)\.$", POSITIVE, 0),
                 ("not + negative adjective + at all", r" not (\w+) at all\.$", NEGATIVE, 1),
                 ("never + negative adjective", r"^I never found .+ (\w+)\.$", NEGATIVE, 1))
    for name, pattern, adjectives, label in described:
        for case in TESTS[name].cases:
            negated = re.search(pattern, case.text)
            assert negated and negated.group(1) in adjectives and case.label == label, case
    assert Case("I never found it boring.", 1) in TESTS["never + negative adjective"].cases


def test_contrast_cases_put_the_deciding_clause_after_but():
    for name, label, last in (("negative, but positive", 1, POSITIVE), ("positive, but negative", 0, NEGATIVE)):
        for case in TESTS[name].cases:
            first, second = case.text.split(", but ")
            assert case.label == label and words(second)[-1] in last and words(first)[-1] not in last, case
            assert words(first)[1] != words(second)[1], f"two different parts of the film: {case}"


def test_intensity_cases_add_one_intensifier_before_the_adjective():
    for name, adjectives, direction in (("intensified positive adjective", POSITIVE, 1),
                                        ("intensified negative adjective", NEGATIVE, -1)):
        assert TESTS[name].direction == direction
        for case in TESTS[name].cases:
            added = [w for w in words(case.variant) if w not in words(case.text)]
            assert added and added[0] in behaviour.INTENSIFIERS and len(added) == 1, case
            assert case.variant.replace(added[0] + " ", "", 1) == case.text and words(case.text)[-1] in adjectives


@pytest.mark.parametrize("name, values", [("person names", behaviour.NAMES), ("movie titles", behaviour.TITLES)])
def test_name_and_title_cases_differ_only_in_the_name_or_title(name, values):
    for case in TESTS[name].cases:
        pattern = "|".join(re.escape(v) for v in values)
        before, after = re.findall(pattern, case.text), re.findall(pattern, case.variant)
        assert len(before) == len(after) == 1 and before != after, case
        assert case.variant == case.text.replace(before[0], after[0]), case


def test_punctuation_and_appended_sentence_cases_change_only_the_end():
    for case in TESTS["final punctuation"].cases:
        assert case.text.endswith(".") and case.variant in (case.text[:-1] + "!", case.text[:-1])
    for name, endings in (("appended positive sentence", behaviour.POSITIVE_ENDINGS),
                          ("appended negative sentence", behaviour.NEGATIVE_ENDINGS)):
        for case in TESTS[name].cases:
            assert case.variant[len(case.text) + 1:] in endings and case.variant.startswith(case.text + " "), case
        assert {c.variant[len(c.text) + 1:] for c in TESTS[name].cases} == set(endings)


def test_a_keyword_model_fails_every_negation_case_and_no_invariance_case():
    table = behaviour.run_suite(keyword_model)
    by_test = rates(table)
    assert all(by_test[t.name] == 1.0 for t in SUITE if t.capability == "negation")
    assert all(by_test[t.name] == 0.0 for t in SUITE if t.capability == "invariance")
    assert by_test["positive, but negative"] == 1.0  # the clauses cancel, and p = 0.5 reads as positive
    example = table.set_index("test").loc["not + positive adjective", "example failure"]
    assert example == '"The film was not good." p=0.73, expected negative'


def test_a_constant_model_fails_exactly_the_negative_mft_cases():
    table = behaviour.run_suite(constant_model).set_index("test")
    for test in SUITE:
        expected = sum(case.label == 0 for case in test.cases) if test.kind == "MFT" else 0
        assert table.loc[test.name, "failures"] == expected, test.name
        assert table.loc[test.name, "cases"] == len(test.cases)
    assert list(table.columns) == ["capability", "kind", "cases", "failures", "failure rate", "example failure"]


def test_a_model_swayed_by_one_name_fails_only_the_pairs_that_swap_it():
    table = behaviour.run_suite(john_model).set_index("test")
    swapped = sum(("John" in case.text) != ("John" in case.variant) for case in TESTS["person names"].cases)
    assert swapped >= 5 and table.loc["person names", "failures"] == swapped
    assert table.loc["movie titles", "failures"] == table.loc["final punctuation", "failures"] == 0
    assert "John" in table.loc["person names", "example failure"]


def test_direction_tests_fail_a_wrong_way_move_beyond_the_tolerance_only():
    longer_is_positive = rates(behaviour.run_suite(length_model(0.005)))
    for test in SUITE:
        if test.kind == "DIR":  # every variant is longer: p goes up by 0.005 a character, at least 0.01
            assert longer_is_positive[test.name] == (1.0 if test.direction == -1 else 0.0), test.name
    below_tolerance = rates(behaviour.run_suite(length_model(1e-4)))  # "very " adds 0.0005, an ending 0.002
    assert all(below_tolerance[test.name] == 0.0 for test in SUITE if test.kind == "DIR")


def test_run_suite_scores_each_distinct_text_in_one_call():
    calls = []

    def counting_model(texts):
        calls.append(list(texts))
        return constant_model(texts)

    behaviour.run_suite(counting_model)
    assert len(calls) == 1 and len(calls[0]) == len(set(calls[0]))
    assert set(calls[0]) == {text for test in SUITE for case in test.cases for text in case.texts}
    with pytest.raises(ValueError, match="one p"):
        behaviour.run_suite(lambda texts: [[0.3, 0.7]] * len(texts))  # both columns of predict_proba


def test_a_malformed_test_is_refused():
    with pytest.raises(ValueError, match="direction"):
        BehaviourTest("x", "intensity", "DIR", "no direction", (Case("a", variant="b"),))
    with pytest.raises(ValueError, match="label"):
        BehaviourTest("x", "negation", "MFT", "no label", (Case("a"),))
    with pytest.raises(ValueError, match="capability"):
        BehaviourTest("x", "syntax", "MFT", "unknown capability", (Case("a", 1),))


def test_failure_table_and_its_heatmap():
    from sentiment_helpers.plots import behaviour_heatmap

    models = {"keywords": keyword_model, "always 0.7": constant_model}
    table = behaviour.failure_table(models)
    assert list(table.columns) == list(models) and len(table) == len(SUITE)
    assert table.loc[("negation", "not + positive adjective")].tolist() == [1.0, 1.0]
    assert table["always 0.7"].tolist() == behaviour.run_suite(constant_model)["failure rate"].tolist()
    fig = behaviour_heatmap(table)
    ax = fig.axes[0]
    assert ax.images[0].get_clim() == (0, 1)
    cells = [text.get_text() for text in ax.texts]
    assert cells == [f"{value:.0%}" for value in table.to_numpy().ravel()]
    assert [label.get_text() for label in ax.get_yticklabels()][0] == "negation: not + positive adjective"
    narrow = pd.DataFrame({"a": [0.1, 0.3], "b": [float("nan"), 0.2]}, index=["one test", "another"])
    ax = behaviour_heatmap(narrow).axes[0]
    assert ax.images[0].get_clim() == (0, 1), "0 (good) to 1 (bad), whatever the table holds"
    assert [text.get_text() for text in ax.texts] == ["10%", "n/a", "30%", "20%"]
