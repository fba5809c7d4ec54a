"""The notes' exponentially weighted average, on their daily-temperature example: the numbers the
EWA panel shows."""
import math

import numpy as np
import pytest

from landscape_app.core.averages import ewa, temperatures, weights, window


def test_the_temperature_year_is_seeded_and_seasonal():
    a, b, c = temperatures(seed=0), temperatures(seed=0), temperatures(seed=1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and len(a) == 365
    winter, summer = a[:31].mean(), a[150:181].mean()  # January, June
    assert 12 < winter < 19 and 31 < summer < 38
    assert 1.0 < np.std(a - np.convolve(a, np.ones(31) / 31, "same"))  # noisy from day to day


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98])
def test_ewa_is_the_weighted_sum_of_the_notes(beta):
    x = temperatures(seed=3)[:120]
    v = ewa(x, beta)
    # v_t = (1 − β)[θ_t + βθ_{t−1} + β²θ_{t−2} + …], written out as the sum
    for t in (1, 2, 10, 120):
        assert v[t - 1] == pytest.approx(weights(beta, t) @ x[:t], rel=1e-12)
    assert weights(beta, 120).sum() == pytest.approx(1 - beta ** 120)


def test_the_notes_example_v100_from_v99():
    x = temperatures()
    v = ewa(x, 0.9)
    assert v[99] == pytest.approx(0.9 * v[98] + 0.1 * x[99])


@pytest.mark.parametrize("beta, days, newest_share", [(0.5, 2, 0.75), (0.9, 10, 0.651), (0.98, 50, 0.636)])
def test_the_window_of_one_over_one_minus_beta_days_carries_about_63_percent(beta, days, newest_share):
    assert window(beta) == pytest.approx(days)
    w = weights(beta, 365)
    assert w[-days:].sum() / w.sum() == pytest.approx(newest_share, abs=1e-3)
    assert w[-days:].sum() == pytest.approx(1 - beta ** days)


def test_without_bias_correction_the_first_days_are_near_zero():
    x = temperatures()
    raw, corrected = ewa(x, 0.98), ewa(x, 0.98, bias_correction=True)
    assert raw[0] == pytest.approx(0.02 * x[0]) and raw[0] < 0.5  # 15 °C reads as 0.3 °C
    assert raw[9] < 0.25 * x[:10].mean()  # still under a quarter of the true level on day 10
    assert corrected[0] == pytest.approx(x[0])  # day 1: the one temperature seen
    # corrected tracks the recent weather from the first day: never more than a few degrees off the
    # mean of the days seen so far, while the uncorrected average takes weeks to get there
    seen = np.cumsum(x[:30]) / np.arange(1, 31)
    assert np.abs(corrected[:30] - seen).max() < 3.0
    assert np.abs(raw[:30] - seen).max() > 10.0
    # the bias fades as βᵗ: after five windows (250 days) the two differ by 0.98²⁵⁰ ≈ e⁻⁵ < 1 %
    assert (corrected[249] - raw[249]) / corrected[249] == pytest.approx(0.98 ** 250) and 0.98 ** 250 < 0.01


def test_a_larger_beta_is_smoother_and_later():
    x = temperatures()
    roughness = [np.abs(np.diff(ewa(x, b, True))).mean() for b in (0.5, 0.9, 0.98)]
    assert roughness[0] > roughness[1] > roughness[2]
    hottest = [int(np.argmax(ewa(x, b, True))) for b in (0.5, 0.9, 0.98)]
    assert hottest[0] < hottest[2] and hottest[2] - hottest[0] > 20  # the smooth curve peaks weeks late


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="β"):
        ewa([1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="x"):
        ewa(["a"], 0.5)
    assert math.isfinite(window(0.999999))
