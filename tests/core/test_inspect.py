import numpy as np
import pytest

from landscape_app import simulate
from landscape_app.core.inspect import inspect_step


def test_nesterov_step_detail_shows_the_lookahead_and_its_gradient():
    d = inspect_step("quadratic", "nesterov", (1.0, 1.0), 1, lr=0.1, beta1=0.9)
    # after one step v1 = (1, 4), θ1 = (0.9, 0.6); look-ahead = θ1 − 0.1·0.9·v1 = (0.81, 0.24)
    np.testing.assert_allclose(d.theta, (0.9, 0.6))
    np.testing.assert_allclose(d.eval_point, (0.81, 0.24))
    np.testing.assert_allclose(d.raw_grad, (0.81, 0.96))
    np.testing.assert_allclose(d.used_grad, (0.81, 0.96))
    np.testing.assert_allclose(d.next_theta, (0.729, 0.144))
    np.testing.assert_allclose(d.velocity_step, (-0.09, -0.36))


def test_adam_detail_reports_bias_corrected_moments():
    d = inspect_step("quadratic", "adam", (1.0, 1.0), 3, lr=0.1)
    run = simulate("quadratic", "adam", (1.0, 1.0), 3, lr=0.1)
    np.testing.assert_allclose(d.quantities["m"], run.state[0])
    np.testing.assert_allclose(d.quantities["m̂"], run.state[0] / (1 - 0.9 ** 3))
    np.testing.assert_allclose(d.quantities["α / (√v̂ + ε)"], 0.1 / (np.sqrt(run.state[1] / (1 - 0.999 ** 3)) + 1e-8))


def test_clipping_shows_raw_and_clipped_gradient():
    d = inspect_step("quadratic", "sgd", (3.0, 2.0), 0, lr=0.1, clip_norm=1.0)
    np.testing.assert_allclose(d.raw_grad, (3.0, 8.0))
    assert np.linalg.norm(d.used_grad) == pytest.approx(1.0)


def test_detail_after_divergence_has_no_next_point():
    d = inspect_step("rosenbrock", "sgd", (-1.5, 2.0), 50, lr=1.0)
    assert d.next_theta is None and d.used_grad is None and np.isfinite(d.theta).all()
