import numpy as np
import pytest

from sentiment_helpers import ensemble


def test_combine_averages_the_log_odds():
    # log-odds: 0.2 -> -log 4, 0.8 -> log 4; 0.5 -> 0; 0.9 -> log 9, 0.1 -> -log 9
    assert np.allclose(ensemble.combine([0.2, 0.9], [0.8, 0.5], 0.5), [0.5, 0.75])
    assert np.allclose(ensemble.combine([0.9], [0.1], 0.75), [1 / (1 + np.exp(-0.5 * np.log(9)))])
    # a certain model gives a large finite log-odds, not infinity: the other model can still be heard
    assert 0.5 < ensemble.combine([1.0], [0.0], 0.6)[0] < 1.0


def test_the_weight_is_chosen_on_validation_only():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    good = np.where(labels == 1, 0.8, 0.2)  # a model that is right on every review
    noise = rng.uniform(0, 1, 400)  # one that guesses
    # validation favours the first model: the weight search gives it a weight of 1 (and 0 in second place)
    assert ensemble.best_weight(ensemble.weight_table(good, noise, labels)) == 1.0
    assert ensemble.best_weight(ensemble.weight_table(noise, good, labels)) == 0.0
    # the test reviews play no part: the report's weight is validation's, whatever test says
    report = ensemble.evaluate_ensemble(("first", "second"), (good, noise), labels, (noise, good), labels)
    assert report.weight == 1.0
    assert report.test["first"].metrics["accuracy"] < report.test["second"].metrics["accuracy"] == 1.0


def test_two_models_with_different_mistakes_do_better_together():
    labels = np.array([1, 1, 1, 0, 0, 0] * 50)
    first = np.array([0.9, 0.9, 0.4, 0.1, 0.1, 0.2] * 50)  # wrong on the third review of six
    second = np.array([0.9, 0.45, 0.9, 0.1, 0.3, 0.1] * 50)  # wrong on the second
    report = ensemble.evaluate_ensemble(("first", "second"), (first, second), labels, (first, second), labels)
    accuracy = report.table()["test accuracy"]
    assert 0 < report.weight < 1
    assert accuracy[report.ensemble_name] == 1.0 > max(accuracy["first"], accuracy["second"])
    assert report.mcnemar["first"].only_a == 50 and report.mcnemar["first"].only_b == 0
    assert set(report.validation["weight"]) == set(ensemble.WEIGHTS)


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_a_weight_of_zero_or_one_gives_one_model_back(weight):
    a, b = np.array([0.3, 0.7]), np.array([0.9, 0.1])
    assert np.array_equal(ensemble.combine(a, b, weight), a if weight else b)


def test_log_loss_of_probabilities_is_the_cross_entropy_and_finite_for_a_certain_mistake():
    labels, p = np.array([1, 0, 1]), np.array([0.8, 0.3, 0.0])
    expected = -np.mean([np.log(0.8), np.log(0.7), np.log(1e-7)])
    assert np.isclose(ensemble.log_loss(labels, p), expected)


def test_the_weight_search_takes_another_combination_to_compare():
    labels = np.array([1, 0] * 20)
    first, second = np.where(labels == 1, 0.9, 0.1), np.full(40, 0.5)
    probability_average = lambda a, b, w: w * a + (1 - w) * b  # noqa: E731
    table = ensemble.weight_table(first, second, labels, combination=probability_average)
    assert np.isclose(table.loc[table.weight == 0.5, "log loss"].item(), ensemble.log_loss(labels, 0.5 * first + 0.25))
    assert ensemble.best_weight(table) == 1.0
