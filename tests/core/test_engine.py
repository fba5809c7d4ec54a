"""The public API: validation at the boundary, divergence as data, many starts at once."""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landscape_app import simulate, simulate_many, simulate_settings
from landscape_app.core.hyper import COMMON
from landscape_app.core.optimizers import OPTIMIZERS
from landscape_app.core.schedules import SCHEDULES
from landscape_app.core.resolver import get_surface
from landscape_app.core.surfaces import SURFACES

BUILT_IN = sorted(n for n in SURFACES if ":" not in n)


def test_trajectory_shapes_and_first_point():
    run = simulate("rosenbrock", "adam", (-1.5, 2.0), 100, lr=0.01)
    assert run.path.shape == (101, 2) and run.loss.shape == (101,)
    assert run.grad.shape == (100, 2) and run.lr.shape == (100,)
    np.testing.assert_array_equal(run.path[0], (-1.5, 2.0))
    s = get_surface("rosenbrock")
    np.testing.assert_allclose(run.loss, [s.value_and_grad(*p)[0] for p in run.path])
    assert run.hyper["lr"] == 0.01 and run.hyper["beta2"] == 0.999 and run.hyper["schedule"] == "constant"


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_huge_learning_rate_diverges_as_data(name):
    extra = {"sigma": 1.0} if name == "random_search" else {}
    run = simulate("rosenbrock", name, (-1.5, 2.0), 500, lr=1e4, **extra)
    assert run.diverged_at is not None and 1 <= run.diverged_at <= 500
    assert len(run.path) == run.diverged_at  # the offending point is not kept
    assert np.isfinite(run.path).all() and np.isfinite(run.loss).all()
    assert np.isfinite(run.grad).all() and np.isfinite(run.lr).all()


def test_overflow_to_nan_stops_cleanly():
    run = simulate("rosenbrock", "sgd", (1e10, 1e10), 10, lr=1.0)
    assert run.diverged_at == 1 and run.path.shape == (1, 2)


def test_converged_at_is_first_step_within_tol():
    run = simulate("quadratic", "sgd", (1.0, 0.0), 100, lr=0.5, tol=1e-6)
    expected = next(k for k, f in enumerate(run.loss) if f <= 1e-6)
    assert run.converged_at == expected
    assert simulate("quadratic", "sgd", (0.0, 0.0), 3).converged_at == 0
    assert simulate("quadratic", "sgd", (1.0, 1.0), 3, lr=1e-6).converged_at is None


def test_unknown_names_list_the_valid_choices():
    with pytest.raises(ValueError, match="rosenbrock"):
        simulate("banana", "sgd", (0, 0), 1)
    with pytest.raises(ValueError, match="adam"):
        simulate("quadratic", "adamm", (0, 0), 1)
    with pytest.raises(ValueError, match=r"'beta1'.*valid names: lr"):
        simulate("quadratic", "sgd", (0, 0), 1, beta1=0.9)


@pytest.mark.parametrize("hyper,word", [
    ({"lr": -1.0}, "lr"), ({"lr": 0.0}, "lr"), ({"beta1": 1.0}, "beta1"), ({"beta2": 1.5}, "beta2"),
    ({"eps": 0.0}, "eps"), ({"lr": math.nan}, "lr"), ({"lr": "fast"}, "number"), ({"form": "heavy"}, "form"),
    ({"bias_correction": "yes"}, "true or false"), ({"clip_norm": -1.0}, "clip_norm"),
    ({"noise": -0.1}, "noise"), ({"steps_per_epoch": 1.5}, "whole number"),
])
def test_out_of_range_hyperparameters_are_refused(hyper, word):
    opt = "adam" if {"beta1", "beta2", "bias_correction"} & set(hyper) else "momentum" if "form" in hyper else "sgd"
    with pytest.raises(ValueError, match=word):
        simulate("quadratic", opt, (0, 0), 1, **hyper)


@pytest.mark.parametrize("start", [(1,), "ab", (math.inf, 0), None, (1, 2, 3)])
def test_bad_start_is_refused(start):
    with pytest.raises(ValueError, match="start"):
        simulate("quadratic", "sgd", start, 1)


@pytest.mark.parametrize("kw", [{"steps": -1}, {"steps": 2.5}, {"seed": -3}, {"tol": -1.0}])
def test_bad_run_settings_are_refused(kw):
    args = {"steps": 5, **kw}
    with pytest.raises(ValueError, match=next(iter(kw))):
        simulate("quadratic", "sgd", (0, 0), args.pop("steps"), **args)


def test_zero_steps_returns_the_start():
    run = simulate("quadratic", "adam", (1, 2), 0)
    assert run.path.shape == (1, 2) and run.grad.shape == (0, 2)


def test_simulate_many_agrees_with_simulate():
    rng = np.random.default_rng(0)
    starts = np.column_stack([rng.uniform(-2, 2, 64), rng.uniform(-1, 3, 64)])
    starts[0] = (50.0, 50.0)  # diverges with this α
    h = dict(lr=2e-3, beta1=0.9, noise=0.5, schedule="exponential", gamma=0.999)
    batch = simulate_many("rosenbrock", "nesterov", starts, 300, seed=3, tol=1e-2, **h)
    for i, p in enumerate(starts):
        run = simulate("rosenbrock", "nesterov", p, 300, seed=3, tol=1e-2, **h)
        np.testing.assert_allclose(batch.final[i], run.path[-1], rtol=1e-12)
        assert batch.final_loss[i] == pytest.approx(run.loss[-1], rel=1e-12)
        assert batch.diverged_at[i] == (-1 if run.diverged_at is None else run.diverged_at)
        assert batch.converged_at[i] == (-1 if run.converged_at is None else run.converged_at)
    assert batch.diverged_at[0] > 0


def test_simulate_many_validates_starts():
    with pytest.raises(ValueError, match="starts"):
        simulate_many("quadratic", "sgd", np.zeros((4, 3)), 5)
    with pytest.raises(ValueError, match="starts"):
        simulate_many("quadratic", "sgd", [[0.0, math.nan]], 5)


def _value(h):
    if h.kind == "choice":
        return st.sampled_from(h.choices)
    if h.kind == "bool":
        return st.booleans()
    if h.kind == "int":
        return st.integers(int(h.lo), min(int(h.hi), 1000))
    if h.log:
        inner = st.floats(math.log10(h.lo), math.log10(h.hi)).map(lambda e: 10.0 ** e)
    else:
        inner = st.floats(h.lo, min(h.hi, 1e6))
    return st.one_of(st.none(), inner) if h.optional else inner


@st.composite
def _hyper_strategy(draw, name):
    schedule = draw(st.sampled_from(sorted(SCHEDULES)))
    specs = [*OPTIMIZERS[name].hypers, *COMMON, *SCHEDULES[schedule].params]
    return {"schedule": schedule, **{h.name: draw(_value(h)) for h in specs}}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_setting_from_any_start_gives_finite_data(data):
    surface = data.draw(st.sampled_from(BUILT_IN))
    name = data.draw(st.sampled_from(sorted(OPTIMIZERS)))
    hyper = data.draw(_hyper_strategy(name))
    x0, x1, y0, y1 = SURFACES[surface].domain
    start = (data.draw(st.floats(x0, x1)), data.draw(st.floats(y0, y1)))
    run = simulate(surface, name, start, 60, seed=data.draw(st.integers(0, 2**63 - 1)), **hyper)
    for arr in (run.path, run.loss, run.grad, run.lr):
        assert np.isfinite(arr).all()
    assert len(run.path) == 61 or run.diverged_at == len(run.path)


def test_simulate_settings_agrees_with_simulate_for_each_setting():
    from landscape_app.core.engine import simulate_settings

    settings = [{"lr": lr, "beta1": b, "noise": 0.3} for lr in (1e-4, 1e-3, 5e-3) for b in (0.5, 0.9, 0.99)]
    batch = simulate_settings("rosenbrock", "momentum", (-1.5, 2.0), 200, settings, seed=4)
    for i, h in enumerate(settings):
        run = simulate("rosenbrock", "momentum", (-1.5, 2.0), 200, seed=4, **h)
        np.testing.assert_allclose(batch.final[i], run.path[-1], rtol=1e-12)
        assert batch.diverged_at[i] == (-1 if run.diverged_at is None else run.diverged_at)
    assert (batch.diverged_at > 0).any() and (batch.diverged_at < 0).any()
    with pytest.raises(ValueError, match="beta1"):
        simulate_settings("rosenbrock", "momentum", (0, 0), 5, [{"beta1": 2.0}])


# --------------------------------------------------------------------------- what the API accepts

@pytest.mark.parametrize("start", [
    "12",  # once read as (1, 2)
    {"x": 1, "y": 2},  # once read as its keys
    (True, False), (1 + 2j, 0), (np.complex128(1), 0), np.array([1, 2], dtype=complex), b"12", (10**400, 0),
    (np.datetime64("2024-01-01"), 0), np.array([1, 2], dtype="datetime64[ns]"), np.array([True, False]),
    [[1, 2]], np.array([[1.0, 2.0]]), ("1", "2"), {1, 2}, (math.nan, 0),
])
def test_a_start_is_two_real_numbers(start):
    with pytest.raises(ValueError, match="start"):
        simulate("quadratic", "sgd", start, 1)


@pytest.mark.parametrize("start", [(1, 2), [1.0, 2.0], np.array([1, 2]), np.array([1.0, 2.0], np.float32),
                                   (np.int64(1), np.float64(2))])
def test_real_starts_of_any_numeric_type_are_accepted(start):
    assert simulate("quadratic", "sgd", start, 1).path[0].tolist() == [1.0, 2.0]


@pytest.mark.parametrize("starts,words", [
    (np.zeros((3, 2), bool), "real numbers"), (np.zeros((3, 2), complex), "real numbers"),
    (np.full((3, 2), "1"), "real numbers"), (np.zeros((3, 2), object), "real numbers"),
    (np.zeros((3, 2), "datetime64[s]"), "real numbers"), ([[0, 0], [1]], "array of numbers"),
    ([[10**400, 0]], "too large for a float"), ("0011", "real numbers"), ({"a": 1}, "real numbers"),
    (np.zeros(4), "shape"), ([[0.0, math.inf]], "finite"),
])
def test_simulate_many_starts_are_real_numbers(starts, words):
    with pytest.raises(ValueError, match=words):
        simulate_many("quadratic", "sgd", starts, 5)


@pytest.mark.parametrize("target", [math.nan, math.inf, "0", True, 10**400, [0.0], 1j])
def test_target_is_a_finite_number(target):
    with pytest.raises(ValueError, match="target"):
        simulate_many("quadratic", "sgd", np.zeros((2, 2)), 5, target=target)


@pytest.mark.parametrize("hyper,words", [
    ({"lr": 10**400}, "lr"), ({"lr": -(10**400)}, "lr"), ({"lr": True}, "lr"), ({"lr": 1j}, "lr"),
    ({"lr": np.array([0.1])}, "lr"), ({"lr": "0.1"}, "lr"), ({"steps_per_epoch": math.inf}, "steps_per_epoch"),
    ({"steps_per_epoch": math.nan}, "steps_per_epoch"), ({"steps_per_epoch": 10**400}, "steps_per_epoch"),
    ({"clip_norm": True}, "clip_norm"), ({"schedule": ["step"]}, "schedule"),
    ({"schedule": "cosine", "epochs": 10**400}, "epochs"),
])
def test_hyperparameters_are_real_numbers_in_range_and_never_overflow(hyper, words):
    with pytest.raises(ValueError, match=words) as err:  # 10**400 once raised OverflowError
        simulate("quadratic", "sgd", (0, 0), 1, **hyper)
    assert len(str(err.value)) < 300  # never a 400-digit number (or the 4,300-digit error) in the message


@pytest.mark.parametrize("kw,words", [
    ({"bias_correction": np.array([1, 0])}, "true or false"), ({"bias_correction": "yes"}, "true or false"),
    ({"beta1": 10**400}, "beta1"),
])
def test_adam_switches_and_betas(kw, words):
    with pytest.raises(ValueError, match=words):
        simulate("quadratic", "adam", (0, 0), 1, **kw)
    assert simulate("quadratic", "adam", (0, 0), 1, bias_correction=np.bool_(False)).hyper["bias_correction"] is False


@pytest.mark.parametrize("surface,optimizer,words", [
    (["ravine"], "sgd", "surface must be a name"), (10**400, "sgd", "surface must be a name"),
    ("ravine", ["adam"], "optimizer must be a name"), ("ravine", 10**400, "optimizer must be a name"),
    ("ravine", {"adam": 1}, "optimizer must be a name"),
])
def test_names_are_text(surface, optimizer, words):
    with pytest.raises(ValueError, match=words):
        simulate(surface, optimizer, (0, 0), 1)


def test_a_5000_digit_number_is_described_not_printed():
    huge = 10**5000  # repr(huge) itself raises ValueError (the 4,300-digit limit)
    for call in (lambda: simulate("ravine", huge, (0, 0), 1), lambda: simulate("ravine", "sgd", (huge, 0), 1),
                 lambda: simulate("ravine", "sgd", (0, 0), 1, schedule=huge),
                 lambda: simulate("ravine", "sgd", (0, 0), huge)):
        with pytest.raises(ValueError, match="a number with 5001 digits"):
            call()


@pytest.mark.parametrize("kw", [{"steps": True}, {"steps": 10**400}, {"seed": 10**400}, {"seed": 1.0},
                                {"tol": "0.1"}, {"tol": math.inf}, {"tol": 10**400}])
def test_run_settings_are_whole_or_real_numbers(kw):
    args = {"steps": 5, **kw}
    with pytest.raises(ValueError, match=next(iter(kw))):
        simulate("quadratic", "sgd", (0, 0), args.pop("steps"), **args)


def test_batches_beyond_the_work_limit_are_refused_before_any_work():
    from landscape_app.core.engine import MAX_WORK

    starts = np.zeros((MAX_WORK // 1000 + 1, 2))
    with pytest.raises(ValueError, match="split the work"):
        simulate_many("quadratic", "sgd", starts, 1000)
    with pytest.raises(ValueError, match="split the work"):
        simulate_settings("quadratic", "sgd", (0, 0), 1000, [{}] * (MAX_WORK // 1000 + 1))
    assert simulate_many("quadratic", "sgd", starts[:1000], 1000).final.shape == (1000, 2)


@pytest.mark.parametrize("settings,words", [
    ({"lr": 0.1}, "settings must be a list"), ("lr", "settings must be a list"), ([["lr", 0.1]], r"settings\[0\]"),
    ([{"lr": 10**400}], "lr"), ([{1: 2}], r"settings\[0\]"),
])
def test_simulate_settings_takes_a_list_of_dicts(settings, words):
    with pytest.raises(ValueError, match=words):
        simulate_settings("quadratic", "sgd", (0, 0), 5, settings)


def test_a_raised_stop_flag_ends_a_long_run_within_a_few_steps():
    """A cancelled computation once kept its core until the run's last step (12 s for 20,000
    steps on 20,000 examples); the kernel now looks at the flag every STOP_EVERY steps."""
    import threading
    import time

    from landscape_app.core.engine import STOP_EVERY

    stop = np.zeros(1, np.int8)
    out = {}
    worker = threading.Thread(target=lambda: out.update(run=simulate("rosenbrock", "adam", (-1, 1), 5_000_000, stop=stop)))
    worker.start()
    time.sleep(0.05)
    stop[0] = 1
    t0 = time.perf_counter()
    worker.join(timeout=5)
    assert not worker.is_alive() and time.perf_counter() - t0 < 0.5
    run = out["run"]
    assert 0 < run.steps < 5_000_000 and run.steps % STOP_EVERY == STOP_EVERY - 1 and run.diverged_at is None
    whole = simulate("rosenbrock", "adam", (-1, 1), run.steps)
    np.testing.assert_array_equal(run.path, whole.path)  # the steps it made are the steps of a whole run


def test_a_stop_flag_never_raised_changes_nothing_and_a_wrong_one_is_refused():
    flag = np.zeros(1, np.int8)
    a, b = simulate("ravine", "nesterov", (-4, 1), 3000, stop=flag), simulate("ravine", "nesterov", (-4, 1), 3000)
    np.testing.assert_array_equal(a.path, b.path)
    for wrong in ([0], np.zeros(1), np.zeros(2, np.int8), np.zeros((1, 1), np.int8), 0):
        with pytest.raises(ValueError, match="stop"):
            simulate("ravine", "sgd", (-4, 1), 10, stop=wrong)
