"""Each learning-rate schedule against its formula, with e = completed epochs."""
import math

import numpy as np
import pytest

from landscape_app import simulate
from landscape_app.core.schedules import SCHEDULES


def lrs(steps=60, spe=1, surface="quadratic", lr=0.1, **schedule):
    return simulate(surface, "sgd", (1.0, 1.0), steps, lr=lr, steps_per_epoch=spe, **schedule).lr


def epochs(steps, spe):
    return (np.arange(1, steps + 1) - 1) // spe


@pytest.mark.parametrize("spe", [1, 3])
def test_formula_schedules(spe):
    e = epochs(60, spe)
    np.testing.assert_allclose(lrs(spe=spe), 0.1)
    np.testing.assert_allclose(lrs(spe=spe, schedule="inverse_time", decay=0.5), 0.1 / (1 + 0.5 * e))
    np.testing.assert_allclose(lrs(spe=spe, schedule="exponential", gamma=0.9), 0.1 * 0.9 ** e)
    np.testing.assert_allclose(lrs(spe=spe, schedule="inverse_sqrt"), 0.1 / np.sqrt(1 + e))
    np.testing.assert_allclose(lrs(spe=spe, schedule="step", decay=0.3, every=4), 0.1 * 0.3 ** (e // 4))
    cos = 0.01 + 0.5 * (0.1 - 0.01) * (1 + np.cos(np.pi * np.minimum(e, 10) / 10))
    np.testing.assert_allclose(lrs(spe=spe, schedule="cosine", min_lr=0.01, epochs=10), cos)


def test_first_epoch_uses_the_initial_rate():
    for name in SCHEDULES:
        assert lrs(5, spe=5, schedule=name)[0] == pytest.approx(0.1), name


def test_cosine_stays_at_its_minimum_after_E_epochs():
    r = lrs(40, schedule="cosine", min_lr=0.02, epochs=10)
    np.testing.assert_allclose(r[10:], 0.02)
    assert r[5] == pytest.approx(0.06)  # halfway: the mean of α₀ = 0.1 and α_min = 0.02


def test_plateau_cuts_after_patience_epochs_without_improvement():
    # α so small that no epoch improves the loss by the relative threshold 1e-2.
    r = lrs(12, lr=1e-6, schedule="plateau", factor=0.5, patience=2, threshold=1e-2)
    expected = 1e-6 * 0.5 ** (np.arange(12) // 3)  # cut after every 3rd bad epoch
    np.testing.assert_allclose(r, expected)


def test_plateau_keeps_rate_while_improving():
    r = lrs(30, lr=0.05, schedule="plateau", factor=0.5, patience=1, threshold=1e-3)
    np.testing.assert_allclose(r, 0.05)


def test_plateau_counts_epochs_not_steps():
    r = lrs(18, spe=3, lr=1e-6, schedule="plateau", factor=0.5, patience=1, threshold=1e-2)
    # 2 bad epochs (6 steps) → cut; patience 1 means the 2nd bad epoch triggers it
    np.testing.assert_allclose(r, 1e-6 * 0.5 ** (np.arange(18) // 6))


def test_bold_driver_grows_while_loss_falls_and_cuts_when_it_rises():
    falling = lrs(20, lr=0.01, schedule="bold_driver", grow=1.1, shrink=0.5)
    np.testing.assert_allclose(falling, 0.01 * 1.1 ** np.arange(20))
    # On the quadratic with α = 0.6 the y-coordinate overshoots (|1 − 4α| > 1): loss rises,
    # so the driver halves α until the steps are stable again.
    run = simulate("quadratic", "sgd", (0.0, 1.0), 30, lr=0.6, schedule="bold_driver", grow=1.05, shrink=0.5)
    assert run.lr[1] == pytest.approx(0.3)
    assert run.diverged_at is None and run.loss[-1] < 1e-6


def test_schedule_parameters_are_validated():
    with pytest.raises(ValueError, match="gamma"):
        simulate("quadratic", "sgd", (1, 1), 5, schedule="exponential", gamma=1.5)
    with pytest.raises(ValueError, match="every"):
        simulate("quadratic", "sgd", (1, 1), 5, schedule="step", every=0)
    with pytest.raises(ValueError, match="valid names"):
        simulate("quadratic", "sgd", (1, 1), 5, schedule="constant", gamma=0.5)
    with pytest.raises(ValueError, match="choose one of"):
        simulate("quadratic", "sgd", (1, 1), 5, schedule="warp")
    assert math.isfinite(lrs(3, schedule="step", every=1, decay=1e-6)[-1])
