import numpy as np
import pytest

from landscape_app import simulate
from landscape_app.core.inspect import inspect_step, replay, step_detail
from landscape_app.core.optimizers import OPTIMIZERS


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



def fresh_detail(surface, optimizer, start, k, **setup):
    """What the inspector used to do, as the reference: simulate k steps and k + 1 steps afresh."""
    before = simulate(surface, optimizer, start, k, **setup)
    after = simulate(surface, optimizer, start, before.steps + 1, **setup)
    took = after.steps == before.steps + 1
    return before, (after.path[-1] if took else None), (after.lr[-1] if took else None), \
        (after.grad[-1] if took else None)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_a_recorded_run_tells_each_step_as_fresh_simulations_of_k_and_k_plus_1_steps(optimizer):
    """The step inspector reads a run on show instead of simulating it again: the same numbers."""
    setup = {"lr": 1e-3, "noise": 0.5, "clip_norm": 20.0, "seed": 4, "schedule": "exponential", "steps_per_epoch": 10}
    run = simulate("rosenbrock", optimizer, (-1.2, 1.5), 60, **setup)
    states = replay(run)[0]
    for k in (0, 1, 7, 59, 60):
        d = step_detail(run, k, states)
        before, next_theta, lr, used = fresh_detail("rosenbrock", optimizer, (-1.2, 1.5), k, **setup)
        assert d.step == k
        np.testing.assert_array_equal(d.theta, before.path[-1])
        if k < 60:
            np.testing.assert_array_equal(d.next_theta, next_theta)
            np.testing.assert_array_equal(d.used_grad, used)
            assert d.lr == lr
        else:  # the run's last point: no step after it
            assert d.next_theta is None and d.used_grad is None and d.lr is None
        np.testing.assert_array_equal(states[k], before.state)  # the state the engine ended with


def test_a_step_past_a_diverged_runs_end_is_its_last_finite_point():
    run = simulate("rosenbrock", "sgd", (-1.5, 2.0), 200, lr=1.0)
    assert run.diverged_at is not None
    d = step_detail(run, 150)
    assert d.step == run.steps and d.next_theta is None
    np.testing.assert_array_equal(d.theta, run.path[-1])

# --------------------------------------------------------------------------- the state over a whole run
from landscape_app.core.inspect import history  # noqa: E402


def naive_ewa(x, beta):
    """v_t = Σ_{k ≤ t} (1 − β) β^(t−k) x_k, written as the sum (not the recursion) — rows from t = 1."""
    t = len(x)
    weights = (1 - beta) * beta ** (t - 1 - np.arange(t))
    return np.array([weights[t - 1 - k:] @ x[:k + 1] for k in range(t)])


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_replay_reproduces_every_recorded_point_bit_for_bit(optimizer):
    """The replay is the engine's own rule fed with what each step used (noise, clipping, decay)."""
    run = simulate("rosenbrock", optimizer, (-1.2, 1.5), 300, lr=1e-3, noise=0.5, clip_norm=20.0, seed=4,
                   schedule="step", steps_per_epoch=10)
    states, points = replay(run)
    np.testing.assert_array_equal(points, run.path)
    np.testing.assert_array_equal(states[-1], run.state)


def test_replay_follows_mini_batch_steps_on_a_data_surface():
    run = simulate("data:logistic?n=60&seed=1", "adam", (0.5, -0.5), 200, lr=0.05, batch_size=7, seed=3)
    states, points = replay(run)
    np.testing.assert_array_equal(points, run.path)


def test_adam_moments_are_the_ewas_of_the_recorded_gradients():
    run = simulate("ravine", "adam", (-4.5, -0.8), 120, lr=0.05, beta1=0.8, beta2=0.95, noise=0.3, seed=2)
    h = history(run)
    s = {x.name: x.values for x in h.series}
    g = run.grad
    t = np.arange(1, run.steps + 1)[:, None]
    for j in (0, 1):
        np.testing.assert_allclose(s["m"][1:, j], naive_ewa(g[:, j], 0.8), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(s["v"][1:, j], naive_ewa(g[:, j] ** 2, 0.95), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(s["m̂"][1:], s["m"][1:] / (1 - 0.8 ** t), rtol=1e-12)
    np.testing.assert_allclose(s["v̂"][1:], s["v"][1:] / (1 - 0.95 ** t), rtol=1e-12)
    assert (s["m"][0] == 0).all() and (s["v"][0] == 0).all()
    # the rate is what each coordinate's m̂ was multiplied by: the recorded step, exactly
    np.testing.assert_allclose(np.diff(run.path, axis=0), -h.rate * s["m̂"][1:], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(h.rate, 0.05 / (np.sqrt(s["v̂"][1:]) + 1e-8), rtol=1e-12)
    assert h.rate_name == "α / (√v̂ + ε)"


def test_adam_without_bias_correction_has_no_hats():
    run = simulate("quadratic", "adam", (1.0, 1.0), 30, lr=0.1, bias_correction=False)
    h = history(run)
    assert [x.name for x in h.series] == ["m", "v"]
    np.testing.assert_allclose(np.diff(run.path, axis=0), -h.rate * h.series[0].values[1:], rtol=1e-9)


def test_amsgrad_divides_by_the_running_maximum():
    run = simulate("rosenbrock", "amsgrad", (-1.2, 1.5), 200, lr=0.01)
    s = {x.name: x.values for x in history(run).series}
    np.testing.assert_array_equal(s["v_max"], np.maximum.accumulate(s["v"], axis=0))
    np.testing.assert_allclose(s["v̂"][1:], s["v_max"][1:] / (1 - 0.999 ** np.arange(1, 201))[:, None])


@pytest.mark.parametrize("form", ["classical", "ema"])
def test_momentum_velocity_is_shown_as_the_ewa_of_g(form):
    run = simulate("ravine", "momentum", (-4.5, -0.8), 150, lr=0.02, beta1=0.85, form=form, noise=0.2, seed=1)
    (s,) = history(run).series
    for j in (0, 1):
        np.testing.assert_allclose(s.values[1:, j], naive_ewa(run.grad[:, j], 0.85), rtol=1e-9, atol=1e-13)
    assert "EWA of g" in s.note and "window ≈ 6.67 steps" in s.note


def test_lr_inside_velocity_is_the_ewa_of_the_decayed_gradient():
    run = simulate("ravine", "nesterov", (-4.5, -0.8), 150, lr=0.02, beta1=0.9, form="lr_inside",
                   schedule="exponential", gamma=0.97)
    (s,) = history(run).series
    scaled = run.grad * (run.lr / 0.02)[:, None]
    for j in (0, 1):
        np.testing.assert_allclose(s.values[1:, j], naive_ewa(scaled[:, j], 0.9), rtol=1e-9, atol=1e-13)


def test_adagrad_sums_every_squared_gradient_and_its_rate_makes_the_step():
    run = simulate("ravine", "adagrad", (-4.5, -0.8), 100, lr=0.5, schedule="inverse_time", decay=0.05)
    h = history(run)
    (G,) = h.series
    np.testing.assert_allclose(G.values[1:], np.cumsum(run.grad ** 2, axis=0), rtol=1e-12)
    np.testing.assert_allclose(np.diff(run.path, axis=0), -h.rate * run.grad, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(h.rate, run.lr[:, None] / (np.sqrt(G.values[1:]) + 1e-10), rtol=1e-12)


@pytest.mark.parametrize("optimizer", ["rmsprop", "adadelta"])
def test_adaptive_rates_make_the_recorded_steps(optimizer):
    run = simulate("ravine", optimizer, (-4.5, -0.8), 200, lr=0.05 if optimizer == "rmsprop" else 1.0)
    h = history(run)
    np.testing.assert_allclose(np.diff(run.path, axis=0), -h.rate * run.grad, rtol=1e-9, atol=1e-15)
    assert (h.rate[:, 0] != h.rate[:, 1]).any()  # each coordinate has its own rate
    s = h.series[0]
    for j in (0, 1):
        np.testing.assert_allclose(s.values[1:, j], naive_ewa(run.grad[:, j] ** 2, 0.9), rtol=1e-9, atol=1e-15)


def test_rprop_steps_are_its_step_lengths_or_nothing_on_a_sign_flip():
    run = simulate("goldstein_price", "rprop", (-1.5, 1.5), 100, lr=0.01)
    h = history(run)
    step = np.abs(np.diff(run.path, axis=0))
    moved = step > 0
    np.testing.assert_allclose(step[moved], h.rate[moved], rtol=1e-9)
    assert not moved.all()  # some steps flipped sign and skipped
    assert h.series == [] and "step length" in h.rate_name


@pytest.mark.parametrize("optimizer", ["sgd", "random_search", "coordinate_descent"])
def test_optimizers_without_state_say_so(optimizer):
    h = history(simulate("quadratic", optimizer, (1.0, 1.0), 20, lr=0.1))
    assert h.series == [] and h.rate is None and "no average" in h.remark


def test_history_of_a_diverged_run_stops_where_the_run_stopped():
    run = simulate("rosenbrock", "adam", (-1.5, 2.0), 400, lr=50.0)
    assert run.diverged_at == 6
    h = history(run)
    assert all(len(s.values) == run.steps + 1 for s in h.series) and len(h.rate) == run.steps
