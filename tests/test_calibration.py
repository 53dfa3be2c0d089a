import numpy as np
import pytest

from sentiment_helpers import calibration, compare


def over_confident(n: int = 20_000, temperature: float = 3.0, seed: int = 0):
    """Labels drawn from sigmoid(z) (so z is calibrated), and the logits an over-confident model reports: T * z."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 2.0, n)
    labels = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return temperature * z, labels


def test_temperature_scaling_recovers_the_overconfidence_and_lowers_ece():
    logits, labels = over_confident()
    fit = calibration.fit_temperature(logits, labels)
    assert fit.temperature == pytest.approx(3.0, rel=0.05)
    assert fit.log_loss_after < fit.log_loss_before
    raw = calibration.scale(logits, 1.0)
    calibrated = calibration.scale(logits, fit.temperature)
    assert calibration.expected_calibration_error(labels, calibrated) < 0.02
    assert calibration.expected_calibration_error(labels, raw) > 0.05
    assert ((raw >= 0.5) == (calibrated >= 0.5)).all()  # the same decisions: accuracy cannot change


def test_a_calibrated_model_keeps_a_temperature_near_one():
    logits, labels = over_confident(temperature=1.0, seed=1)
    assert calibration.fit_temperature(logits, labels).temperature == pytest.approx(1.0, abs=0.05)


def test_ece_of_known_bins():
    # 4 reviews at confidence 0.9 (3 right) and 2 at confidence 0.6 (both right): ECE = (4*0.15 + 2*0.4) / 6
    labels = [1, 1, 1, 0, 0, 0]
    p_positive = [0.9, 0.9, 0.9, 0.9, 0.4, 0.4]
    table = calibration.reliability_table(labels, p_positive)
    assert table.reviews.tolist() == [2, 4] and table.accuracy.tolist() == [1.0, 0.75]
    assert table.index.left.tolist() == pytest.approx([0.55, 0.85])  # bins (0.55, 0.6] and (0.85, 0.9]
    assert calibration.expected_calibration_error(labels, p_positive) == pytest.approx((4 * 0.15 + 2 * 0.4) / 6)


def test_fitting_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        calibration.fit_temperature([1.0, 2.0], [1, 1])


def mcnemar_case(b: int, c: int, both_right: int = 9_000, both_wrong: int = 100):
    """Predictions of two models on made-up reviews (all positive) with the given discordant counts."""
    a = [1] * both_right + [1] * b + [0] * c + [0] * both_wrong
    other = [1] * both_right + [0] * b + [1] * c + [0] * both_wrong
    return [1] * len(a), a, other


def test_mcnemar_exact_for_few_discordant_reviews():
    result = compare.mcnemar(*mcnemar_case(11, 1))
    assert (result.only_a, result.only_b, result.method) == (11, 1, "exact binomial")
    assert result.p_value == pytest.approx(2 * 13 / 4096)  # 2 * P(X <= 1), X ~ Binomial(12, 1/2)


def test_mcnemar_chi_squared_with_continuity_correction():
    result = compare.mcnemar(*mcnemar_case(25, 15))
    assert result.statistic == pytest.approx(81 / 40)
    assert result.p_value == pytest.approx(0.1547, abs=1e-4)
    table = result.table("BiLSTM", "TF-IDF")
    assert table.loc["BiLSTM right", "TF-IDF wrong"] == 25 and table.values.sum() == 9_000 + 25 + 15 + 100


def test_mcnemar_on_identical_models_and_on_mismatched_inputs():
    y, a, _ = mcnemar_case(0, 0)
    assert compare.mcnemar(y, a, a).p_value == 1.0
    with pytest.raises(ValueError, match="same reviews"):
        compare.mcnemar(y, a, a[:-1])
