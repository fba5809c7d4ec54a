"""Mini-batch data surfaces (seeds 000–003): true mini-batches, epochs, normalization, batch
normalization (bn=1) and the two-bump model."""
import math

import numpy as np
import pytest

from landscape_app import simulate
from landscape_app.core import datasets
from landscape_app.core import scenario as sc
from landscape_app.core.datasets import condition_number, data_surface, shuffle
from landscape_app.core.resolver import get_surface


def numpy_example_grads(s, w):
    X, y = s.X, s.y
    z = X @ w
    if s.model == "least_squares":
        return (z - y)[:, None] * X
    m = y * z
    return (-y / (1 + np.exp(m)))[:, None] * X


@pytest.mark.parametrize("model", ["least_squares", "logistic"])
def test_each_step_uses_the_mean_gradient_of_its_shuffled_batch(model):
    s = data_surface(model, n=50, seed=3)
    batch = 8
    run = simulate(s.name, "sgd", s.start, 20, lr=0.05, batch_size=batch, seed=5)
    per_epoch = 7  # ceil(50 / 8)
    assert run.hyper["steps_per_epoch"] == per_epoch
    perm = np.empty(50, np.int64)
    for t in range(1, 21):
        k = (t - 1) % per_epoch
        shuffle(perm, 5, (t - 1) // per_epoch)
        idx = perm[k * batch: min((k + 1) * batch, 50)]
        expected = numpy_example_grads(s, run.path[t - 1])[idx].mean(axis=0)
        np.testing.assert_allclose(run.grad[t - 1], expected, rtol=1e-10, atol=1e-13)
        if k == per_epoch - 1:
            assert len(idx) == 50 - 6 * 8  # the last batch of an epoch holds the rest


def test_every_example_is_used_once_per_epoch_and_epochs_reshuffle():
    a, b = np.empty(30, np.int64), np.empty(30, np.int64)
    shuffle(a, 1, 0)
    shuffle(b, 1, 1)
    assert sorted(a) == list(range(30)) and sorted(b) == list(range(30))
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("model", ["least_squares", "logistic"])
def test_batch_size_n_is_full_batch_gradient_descent_exactly(model):
    s = data_surface(model, n=64, seed=2)
    full = simulate(s.name, "sgd", s.start, 50, lr=s.lr, batch_size=64)
    w = np.array(s.start, float)
    for t in range(50):
        g = numpy_example_grads(s, w).mean(axis=0)
        np.testing.assert_allclose(full.grad[t], g, rtol=1e-12, atol=1e-15)
        w = w - s.lr * full.grad[t]
        np.testing.assert_array_equal(full.path[t + 1], w)  # bit for bit: the same update
    default = simulate(s.name, "sgd", s.start, 50, lr=s.lr)
    np.testing.assert_array_equal(default.path, full.path)


def test_loss_shown_is_the_full_batch_loss():
    s = data_surface("least_squares", n=40, seed=1)
    run = simulate(s.name, "adam", s.start, 10, lr=0.1, batch_size=4)
    for w, f in zip(run.path, run.loss):
        assert f == pytest.approx(0.5 * np.mean((s.X @ w - s.y) ** 2), rel=1e-12)


def test_minimum_is_the_full_batch_optimum():
    for model in ("least_squares", "logistic"):
        s = data_surface(model, n=120, seed=4)
        w0, w1, f = s.minima[0]
        assert np.linalg.norm(numpy_example_grads(s, np.array([w0, w1])).mean(axis=0)) < 1e-10


def test_standardizing_inputs_rounds_the_ravine():
    stretched = data_surface("logistic", n=300, seed=1, scale=10.0)
    rounded = data_surface("logistic", n=300, seed=1, scale=10.0, standardize=True)
    assert condition_number(stretched) > 20 * condition_number(rounded)
    assert condition_number(rounded) < 5
    ls = data_surface("least_squares", n=300, seed=1, scale=10.0)
    assert condition_number(ls) > 50 > condition_number(data_surface("least_squares", 300, 1, 10.0, True))


def test_data_surfaces_by_name_and_in_scenarios(tmp_path):
    name = "data:logistic?n=80&seed=2&scale=3&standardize=1"
    s = get_surface(name)
    assert s.n == 80 and s.standardized
    scenario = sc.Scenario(surface=s.name, start=s.start, steps=40,
                           racers=[sc.Racer("sgd", hyper={"lr": 0.2, "batch_size": 8}),
                                   sc.Racer("sgd", hyper={"lr": 0.2})])
    sc.save(scenario, tmp_path / "d.json")
    again = sc.load(tmp_path / "d.json")
    assert again.racers[0].hyper["batch_size"] == 8 and again.racers[1].hyper["batch_size"] == 80
    for a, b in zip(scenario.run(), again.run()):
        np.testing.assert_array_equal(a.path, b.path)


def test_bad_data_settings_are_refused():
    with pytest.raises(ValueError, match="batch_size"):
        simulate("data:least_squares?n=20", "sgd", (0, 0), 5, batch_size=21)
    with pytest.raises(ValueError, match="data surfaces"):
        simulate("ravine", "sgd", (0, 0), 5, batch_size=4)
    with pytest.raises(ValueError, match="unknown model"):
        get_surface("data:svm")
    with pytest.raises(ValueError, match="settings are"):
        get_surface("data:logistic?n=10&colour=red")
    with pytest.raises(ValueError, match="from 4 to"):
        get_surface("data:logistic?n=2")


def test_batch_size_study_measures_time_and_loss_per_batch_size():
    from landscape_app.core.analysis import batch_size_study

    rows = batch_size_study("data:least_squares?n=128&seed=1", "sgd", epochs=3, repeats=1, lr=0.05)
    sizes = [r["batch_size"] for r in rows]
    assert sizes[0] == 1 and sizes[-1] == 128
    assert all(r["seconds_per_epoch"] > 0 for r in rows)
    assert rows[0]["steps"] == 3 * 128 and rows[-1]["steps"] == 3
    # after the same number of epochs, small batches (many steps) get closer than one full-batch step each
    assert rows[2]["loss"] < rows[-1]["loss"]
    with pytest.raises(ValueError, match="data surface"):
        batch_size_study("ravine")


# --------------------------------------------------------------------------- batch normalization (bn=1)

BN_NAMES = ["data:logistic?n=200&scale=10&bn=1", "data:logistic?n=120&seed=3&standardize=1&bn=1",
            "data:least_squares?n=150&seed=2&scale=3&bn=1"]


def numpy_bn(s, w, idx=None):
    """Reference: loss and gradient of the batch-normalized model over examples idx (all by default),
    the gradient by the chain rule through the batch mean and variance, written out naively."""
    from landscape_app.core.datasets import BN_EPS

    X, y = (s.X, s.y) if idx is None else (s.X[idx], s.y[idx])
    z = X @ w
    mu, var = z.mean(), z.var()
    zh = (z - mu) / np.sqrt(var + BN_EPS)
    if s.model == "least_squares":
        loss, d = 0.5 * (zh - y) ** 2, zh - y
    else:
        loss, d = np.logaddexp(0, -y * zh), -y / (1 + np.exp(y * zh))
    m = len(z)
    dz = (d - d.mean() - zh * np.mean(d * zh)) / (m * np.sqrt(var + BN_EPS))  # the standard BN backward pass
    return loss.mean(), X.T @ dz


@pytest.mark.parametrize("name", BN_NAMES)
def test_bn_gradient_matches_the_chain_rule_and_central_differences(name):
    s = get_surface(name)
    rng = np.random.default_rng(1)
    worst = 0.0
    for w in rng.uniform(-3, 3, (40, 2)):
        f, gx, gy = s.value_and_grad(*w)
        ref_f, ref_g = numpy_bn(s, w)
        assert f == pytest.approx(ref_f, rel=1e-12)
        np.testing.assert_allclose([gx, gy], ref_g, rtol=1e-9, atol=1e-12)
        h = 1e-6
        fd = [(s.value_and_grad(*(w + h * e))[0] - s.value_and_grad(*(w - h * e))[0]) / (2 * h) for e in np.eye(2)]
        worst = max(worst, np.abs(np.array(fd) - (gx, gy)).max() / max(1e-3, np.hypot(gx, gy)))
    assert worst < 1e-6


@pytest.mark.parametrize("name", BN_NAMES)
def test_bn_mini_batches_normalize_over_the_batch(name):
    s = get_surface(name)
    run = simulate(s.name, "sgd", s.start, 12, lr=0.5, batch_size=16, seed=4)
    perm = np.empty(s.n, np.int64)
    per_epoch = -(-s.n // 16)
    for t in range(1, 13):
        k = (t - 1) % per_epoch
        shuffle(perm, 4, (t - 1) // per_epoch)
        idx = perm[k * 16: min((k + 1) * 16, s.n)]
        np.testing.assert_allclose(run.grad[t - 1], numpy_bn(s, run.path[t - 1], idx)[1], rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize("name", BN_NAMES)
def test_bn_loss_depends_only_on_the_direction_of_w(name):
    from landscape_app.core.datasets import BN_EPS

    s = get_surface(name)
    rng = np.random.default_rng(2)
    for w in rng.uniform(-3, 3, (30, 2)):
        if np.hypot(*w) < 0.5:
            continue
        sigma2 = min(np.var(s.X @ w), np.var(s.X @ (0.5 * w)))
        f, gx, gy = s.value_and_grad(*w)
        for c in (0.5, 2.0, 10.0):
            fc, gxc, gyc = s.value_and_grad(*(c * w))
            # exact for ε = 0; ε shifts ẑ by a relative ε/(2σ²) at most
            assert abs(fc - f) <= 2 * BN_EPS / sigma2 * max(1.0, f)
            # the gradient shrinks as 1/c: the same step turns a longer w less
            np.testing.assert_allclose(np.hypot(gxc, gyc) * c, np.hypot(gx, gy), rtol=50 * BN_EPS / sigma2, atol=1e-12)
        # ∇f ⊥ w: w·∇f = mean(∂ℓ/∂ẑ · ẑ)·ε/(σ² + ε), which vanishes with ε
        z = s.X @ w
        zh = (z - z.mean()) / np.sqrt(z.var() + BN_EPS)
        d = zh - s.y if s.model == "least_squares" else -s.y / (1 + np.exp(s.y * zh))
        along = np.mean(d * zh) * BN_EPS / (z.var() + BN_EPS)
        assert gx * w[0] + gy * w[1] == pytest.approx(along, rel=1e-5, abs=1e-15)
        assert abs(along) <= 10 * BN_EPS / sigma2


def test_bn_is_finite_at_w_zero():
    s = get_surface(BN_NAMES[0])
    f, gx, gy = s.value_and_grad(0.0, 0.0)
    assert f == pytest.approx(np.log(2)) and np.isfinite([gx, gy]).all()  # every ẑ is 0: loss log 2


@pytest.mark.parametrize("name", BN_NAMES)
def test_bn_minimum_is_the_best_ray_and_f_min_its_infimum(name):
    s = get_surface(name)
    (x, y, f_min), = s.minima
    u = np.array([x, y]) / np.hypot(x, y)
    angles = np.linspace(0, 2 * np.pi, 2000, endpoint=False)
    for r in (0.01, 1.0, 10.0, 1e4):
        values = [s.value_and_grad(*(r * np.array([np.cos(a), np.sin(a)])))[0] for a in angles]
        assert min(values) >= f_min - 1e-12  # nothing lies below the infimum, near the origin or far out
    assert s.value_and_grad(*(1e4 * u))[0] == pytest.approx(f_min, abs=1e-12)  # approached far along the ray
    assert s.value_and_grad(*(2 * u))[0] - f_min < 1e-5  # and already within tol close in
    z = np.array(s.grid(np.linspace(*s.domain[:2], 101), np.linspace(*s.domain[2:], 101)))
    assert z.min() >= f_min - 1e-12


def test_distance_to_the_minimum_of_a_bn_surface_is_to_the_ray():
    s = get_surface(BN_NAMES[0])
    u = np.array(s.minima[0][:2]) / np.hypot(*s.minima[0][:2])
    normal = np.array([-u[1], u[0]])
    points = [0.5 * u, 30 * u, 5 * u + 0.2 * normal, -3 * u]
    np.testing.assert_allclose(s.minimum_distances(points)[:, 0], [0, 0, 0.2, 3], atol=1e-12)
    assert condition_number(s) == math.inf


def test_raw_and_standardized_features_give_the_same_bn_minimum():
    # BN centres z and divides by its spread, so rescaling a feature only relabels directions
    raw = get_surface("data:logistic?n=200&scale=10&bn=1")
    std = get_surface("data:logistic?n=200&scale=10&standardize=1&bn=1")
    assert raw.f_min == pytest.approx(std.f_min, abs=1e-12)
    assert raw.f_min > get_surface("data:logistic?n=200&scale=10").f_min  # γ = 1 fixed costs loss


def test_a_bn_batch_of_one_example_does_not_move():
    s = get_surface(BN_NAMES[0])
    run = simulate(s.name, "sgd", s.start, 5, lr=1.0, batch_size=1)
    assert np.all(run.grad == 0) and np.all(run.path == s.start)


def test_bn_names_round_trip_and_the_plain_names_are_unchanged():
    s = get_surface("data:logistic?scale=10&bn=1")
    assert s.bn and s.name == "data:logistic?n=200&seed=0&scale=10&standardize=0&bn=1"
    assert get_surface("data:logistic?scale=10").name == "data:logistic?n=200&seed=0&scale=10&standardize=0"
    with pytest.raises(ValueError, match="settings are n, seed, scale, standardize, bn"):
        get_surface("data:logistic?gamma=2")


# --------------------------------------------------------------------------- the bump model

def test_bump_gradient_matches_central_differences():
    s = get_surface("data:bump?n=80&seed=1")
    rng = np.random.default_rng(3)
    for w in np.column_stack([rng.uniform(-2.5, 2.5, 40), rng.uniform(-0.5, 1.5, 40)]):
        f, gx, gy = s.value_and_grad(*w)
        h = 1e-6
        fd = [(s.value_and_grad(*(w + h * e))[0] - s.value_and_grad(*(w - h * e))[0]) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(fd, [gx, gy], rtol=1e-6, atol=1e-9)
        e = np.exp(-0.5 * (s.X[:, 0] - w[0]) ** 2 / 0.4 ** 2)
        assert f == pytest.approx(0.5 * np.mean((w[1] * e - s.y) ** 2), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bump_has_a_deep_and_a_shallow_minimum_and_nothing_else(seed):
    from landscape_app.core.datasets import BUMPS

    s = get_surface(f"data:bump?seed={seed}")
    assert len(s.minima) == 2
    (d0, d1, df), (s0, s1, sf) = s.minima
    assert df < sf and abs(d0 - BUMPS[0][0]) < 0.1 and abs(s0 - BUMPS[1][0]) < 0.15
    for w0, w1, _ in s.minima:
        assert np.hypot(*s.value_and_grad(w0, w1)[1:]) < 1e-7
        assert np.linalg.eigvalsh(s.hessian((w0, w1))).min() > 0
    # a fine grid finds no lower point than the deep minimum
    z = s.grid(np.linspace(-2.5, 2.5, 201), np.linspace(-0.5, 1.5, 201))
    assert z.min() >= df - 1e-12


def test_bump_takes_n_and_seed_only():
    with pytest.raises(ValueError, match="n and seed only"):
        get_surface("data:bump?scale=3")


def test_separable_data_is_recognised():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.2]])
    assert datasets.separable(X, np.array([1.0, 1.0, -1.0]))  # w = (1, 0.5) puts all on their side
    assert not datasets.separable(X, np.array([1.0, -1.0, 1.0]))
    assert datasets.separable(X[:1], np.array([1.0]))


def test_small_logistic_data_sets_have_a_minimum_or_say_why_not():
    """N = 4 once crashed the data dialog with LinAlgError (separable data, singular Hessian)."""
    refused = 0
    for n in (4, 5, 6, 8, 12):
        for seed in range(12):
            try:
                s = datasets.data_surface("logistic", n, seed, 10.0, seed % 2 == 0)
            except ValueError as exc:
                assert "straight line through the origin" in str(exc) and f"these {n} examples" in str(exc)
                refused += 1
                continue
            _, gx, gy = s.value_and_grad(*s.minima[0][:2])
            assert abs(gx) < 1e-9 and abs(gy) < 1e-9  # a true minimum
            assert np.isfinite(condition_number(s))
    assert 0 < refused < 60
