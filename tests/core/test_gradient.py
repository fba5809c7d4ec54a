"""Noise and clipping applied to the gradient before the update rule."""
import numpy as np
import pytest

from landscape_app import simulate
from landscape_app.core.gradient import gauss


def test_clip_value_clamps_each_coordinate():
    run = simulate("quadratic", "sgd", (3.0, 2.0), 1, lr=0.1, clip_value=1.5)
    np.testing.assert_allclose(run.grad[0], (1.5, 1.5))  # raw gradient (3, 8)
    np.testing.assert_allclose(run.path[1], (3 - 0.15, 2 - 0.15))


def test_clip_value_leaves_small_coordinates_alone():
    run = simulate("quadratic", "sgd", (1.0, 2.0), 1, lr=0.1, clip_value=1.5)
    np.testing.assert_allclose(run.grad[0], (1.0, 1.5))


def test_clip_norm_rescales_to_the_threshold_keeping_direction():
    run = simulate("quadratic", "sgd", (3.0, 1.0), 1, lr=0.1, clip_norm=2.0)
    raw = np.array([3.0, 4.0])
    np.testing.assert_allclose(run.grad[0], raw / 5.0 * 2.0)
    assert np.linalg.norm(run.grad[0]) == pytest.approx(2.0)


def test_clip_norm_leaves_short_gradients_alone():
    run = simulate("quadratic", "sgd", (0.3, 0.1), 1, lr=0.1, clip_norm=2.0)
    np.testing.assert_allclose(run.grad[0], (0.3, 0.4))


def test_same_seed_same_noisy_trajectory_and_different_seed_differs():
    a = simulate("rosenbrock", "sgd", (-1, 1), 200, lr=1e-3, noise=1.0, seed=5)
    b = simulate("rosenbrock", "sgd", (-1, 1), 200, lr=1e-3, noise=1.0, seed=5)
    c = simulate("rosenbrock", "sgd", (-1, 1), 200, lr=1e-3, noise=1.0, seed=6)
    np.testing.assert_array_equal(a.path, b.path)
    assert np.abs(a.path - c.path).max() > 1e-3


def test_noise_is_gaussian_with_the_requested_spread():
    # At the minimum of the quadratic the true gradient is 0, so the used gradient is pure noise
    # for the first step; over many seeds it must be N(0, σ²).
    draws = np.array([simulate("quadratic", "sgd", (0, 0), 1, lr=1e-7, noise=0.3, seed=s).grad[0]
                      for s in range(3000)])
    assert abs(draws.mean()) < 0.02
    assert draws.std() == pytest.approx(0.3, rel=0.05)
    assert abs(np.corrcoef(draws.T)[0, 1]) < 0.06


def test_gauss_draws_are_independent_across_steps_and_streams():
    x = np.array([gauss(3, t, k) for t in range(1, 5001) for k in range(4)]).reshape(-1, 4)
    assert np.abs(np.corrcoef(x.T) - np.eye(4)).max() < 0.05
    assert np.abs(np.corrcoef(x[:-1, 0], x[1:, 0])[0, 1]) < 0.05
    assert x.std() == pytest.approx(1.0, rel=0.03)


def test_racers_sharing_a_seed_share_their_noise():
    a = simulate("quadratic", "sgd", (0, 0), 3, lr=1e-7, noise=1.0, seed=9)
    b = simulate("quadratic", "momentum", (0, 0), 3, lr=1e-7, noise=1.0, seed=9)
    np.testing.assert_allclose(a.grad, b.grad, atol=1e-6)


def test_noise_then_clipping_order():
    # Clipping applies after noise, so even huge noise never exceeds the clip threshold.
    run = simulate("quadratic", "sgd", (0.5, 0.5), 50, lr=0.01, noise=100.0, clip_norm=1.0, seed=2)
    assert np.linalg.norm(run.grad, axis=1).max() <= 1.0 + 1e-12
