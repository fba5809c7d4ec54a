"""Mini-batch data surfaces (seeds 000–003): true mini-batches, epochs, normalization."""
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
