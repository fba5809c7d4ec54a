import numpy as np
import pytest

from landscape_app import simulate, simulate_many
from landscape_app.core import analysis
from landscape_app.core.analysis import axis_values, basin_map, batch_size_study, sweep_grid, sweep_random, tune_lr
from landscape_app.core.resolver import get_surface


def test_basin_map_of_quadratic_sends_everything_to_the_one_minimum():
    b = analysis.basin_map("quadratic", "sgd", n=16, steps=300, lr=0.1)
    assert b.label.shape == (16, 16) and (b.label == 0).all()
    # steps to converge grow with the distance from the minimum
    assert b.steps[8, 8] < b.steps[0, 0]


def test_basin_map_marks_divergence_and_non_convergence():
    b = analysis.basin_map("quadratic", "sgd", n=8, steps=50, lr=0.6)  # |1 − 4α| > 1: y blows up
    assert (b.label == analysis.DIVERGED).any() or (b.label == analysis.NOT_CONVERGED).any()
    slow = analysis.basin_map("quadratic", "sgd", n=8, steps=3, lr=1e-4)
    assert (slow.label == analysis.NOT_CONVERGED).all()


def test_basin_labels_agree_with_single_runs():
    s = get_surface("rosenbrock")
    b = analysis.basin_map("rosenbrock", "adam", n=6, steps=400, lr=0.05)
    xs, ys, starts = analysis.grid_starts(s.domain, 6)
    for k in (0, 7, 20, 35):
        run = simulate("rosenbrock", "adam", starts[k], 400, lr=0.05)
        near = np.linalg.norm(run.path[-1] - (1, 1)) <= 0.03 * np.hypot(4, 4)
        assert b.label.ravel()[k] == (0 if near else analysis.NOT_CONVERGED)


def test_basin_map_can_be_cancelled_and_reports_progress():
    seen = []
    assert analysis.basin_map("quadratic", "sgd", n=8, chunk=16, cancelled=lambda: len(seen) >= 2,
                              progress=seen.append) is None
    done = []
    analysis.basin_map("quadratic", "sgd", n=8, chunk=16, progress=done.append)
    assert done[-1] == 1.0 and all(a <= b for a, b in zip(done, done[1:]))


def test_sweep_grid_shape_and_log_axis():
    lrs = analysis.axis_values("momentum", "lr", 1e-4, 1.0, 9)
    assert lrs[1] / lrs[0] == pytest.approx(lrs[-1] / lrs[-2])  # log-spaced: lr is a log hyperparameter
    betas = analysis.axis_values("momentum", "beta1", 0.0, 0.9, 4, scale="linear")
    np.testing.assert_allclose(np.diff(betas), 0.3)  # linear
    sw = analysis.sweep_grid("quadratic", "momentum", (-2.5, 1.5), 100, ("lr", lrs), ("beta1", betas))
    assert sw.shape == (4, 9) and sw.final_loss.shape == (36,)
    grid = sw.final_loss.reshape(sw.shape)
    run = simulate("quadratic", "momentum", (-2.5, 1.5), 100, lr=lrs[3], beta1=betas[2])
    assert grid[2, 3] == pytest.approx(run.loss[-1])
    assert np.isinf(grid[0, -1])  # α = 1, β = 0: αλ = 4 > 2 on the steep axis diverges
    assert np.isfinite(grid).any()


def test_sweep_random_draws_the_requested_count_inside_the_bounds():
    sw = analysis.sweep_random("quadratic", "adam", (1, 1), 50, ("lr", 1e-4, 1.0), ("beta1", 0.5, 0.99), 500, seed=3)
    assert sw.shape is None and len(sw.x) == 500
    assert sw.x.min() >= 1e-4 and sw.x.max() <= 1.0 and sw.y.min() >= 0.5 and sw.y.max() <= 0.99
    # log-uniform: about half the draws below the geometric middle 1e-2
    assert 0.4 < np.mean(sw.x < 1e-2) < 0.6
    with pytest.raises(ValueError, match="cannot sweep"):
        analysis.sweep_random("quadratic", "adam", (1, 1), 5, ("form", 0, 1), ("lr", 1e-3, 1), 4)


def test_beta_is_spaced_and_sampled_evenly_in_log_one_minus_beta():
    """Seed 001: what matters is 1 − β (the EWA window 1/(1 − β)), and by ratios."""
    assert analysis.scales_for("adam", "beta2") == ("log1m", "linear")
    assert analysis.scales_for("adam", "lr") == ("log",) and analysis.scales_for("adam", "eps") == ("log",)
    assert analysis.scales_for("momentum", "noise") == ("linear",)
    betas = analysis.axis_values("momentum", "beta1", 0.9, 0.999, 3)  # the default scale for β
    np.testing.assert_allclose(betas, [0.9, 0.99, 0.999])
    np.testing.assert_allclose(analysis.from_axis("log1m", analysis.to_axis("log1m", betas)), betas)
    assert analysis.to_axis("log1m", 0.99) == pytest.approx(2.0)  # the axis grows with β
    rng = np.random.default_rng(0)
    draws = analysis.sample_values("adam", "beta1", 0.9, 0.999, 20_000, rng)
    assert 0.9 <= draws.min() and draws.max() <= 0.999
    # as many draws between 0.99 and 0.999 as between 0.9 and 0.99; an even β axis gives 1 in 11
    assert np.mean(draws > 0.99) == pytest.approx(0.5, abs=0.02)
    linear = analysis.sample_values("adam", "beta1", 0.9, 0.999, 20_000, rng, scale="linear")
    assert np.mean(linear > 0.99) == pytest.approx(0.009 / 0.099, abs=0.01)
    # uniform in −log₁₀(1 − β): each tenth of the axis gets a tenth of the draws
    counts, _ = np.histogram(analysis.to_axis("log1m", draws), bins=10, range=(1, 3))
    assert counts.min() > 0.9 * 2000 and counts.max() < 1.1 * 2000
    with pytest.raises(ValueError, match="cannot be swept on a log"):
        analysis.axis_values("momentum", "noise", 0.0, 1.0, 3, scale="log1m")


def test_sweep_random_takes_a_scale_per_axis_and_counts_distinct_values():
    sw = analysis.sweep_random("quadratic", "momentum", (1, 1), 20, ("lr", 1e-3, 0.1), ("beta1", 0.5, 0.999, "log1m"),
                               64, seed=1)
    assert sw.distinct() == (64, 64)
    assert np.mean(sw.y > 0.99) > 0.25  # an even β axis would put 2 % of the draws above 0.99
    grid = analysis.sweep_grid("quadratic", "momentum", (1, 1), 20,
                               ("lr", analysis.axis_values("momentum", "lr", 1e-3, 0.1, 8)),
                               ("beta1", analysis.axis_values("momentum", "beta1", 0.5, 0.999, 8)))
    assert grid.distinct() == (8, 8) and len(grid.x) == 64


def test_tune_lr_finds_the_best_rate_for_gd_on_the_quadratic():
    # GD on ½(x² + 4y²) converges fastest near α = 2/(1 + 4) = 0.4 (balanced contraction)
    raw = analysis.tune_lr("quadratic", "sgd", (-2.5, 1.5), 30, n=61, tol=1e-12, neighbours=0)
    assert 0.3 < raw.best < 0.45
    assert (raw.loss[raw.rates > 0.5] > 7.625).all()  # α > 2/4 grows along y: worse than the start


def test_tune_lr_keeps_a_safety_margin_below_the_edge_of_stability():
    """The fastest rate sits next to rates that fail; the tuned rate's grid neighbours converge too,
    and the margin to the first failing rate above it is reported."""
    raw = analysis.tune_lr("quadratic", "sgd", (-2.5, 1.5), 100, n=61, tol=1e-10, neighbours=0)
    tuned = analysis.tune_lr("quadratic", "sgd", (-2.5, 1.5), 100, n=61, tol=1e-10)
    step = tuned.rates[1] / tuned.rates[0]
    k = int(np.argmin(np.abs(tuned.rates - tuned.best)))
    assert tuned.safe and tuned.best < raw.best
    assert tuned.ok[k - 1:k + 2].all() and (tuned.converged_at[k - 1:k + 2] >= 0).all()
    assert not raw.ok[int(np.argmin(np.abs(raw.rates - raw.best))) + 1]  # the raw best was at the edge
    first_failing = tuned.rates[k + 1:][~tuned.ok[k + 1:]][0]
    assert tuned.margin == pytest.approx(first_failing / tuned.best) and tuned.margin >= step ** 2 * 0.999
    assert tuned.failing_above == pytest.approx(first_failing)


def test_tune_lr_on_the_ravine_moves_sgd_off_the_edge_and_keeps_a_margin_of_two():
    raw = analysis.tune_lr("ravine", "sgd", (-4.5, -0.8), 500, neighbours=0)
    tuned = analysis.tune_lr("ravine", "sgd", (-4.5, -0.8), 500)
    assert raw.margin < 1.6 and tuned.margin > 2.0 and tuned.best < raw.best
    # the tuned rate still converges from starts nearby (the fair race survives a small drag)
    for dx, dy in ((0.3, 0.0), (0.0, 0.3), (-0.3, 0.2)):
        assert simulate("ravine", "sgd", (-4.5 + dx, -0.8 + dy), 500, lr=tuned.best).converged_at is not None


def test_tune_lr_without_any_safe_rate_returns_the_raw_best_and_says_so():
    tuned = analysis.tune_lr("quadratic", "sgd", (-2.5, 1.5), 30, lo=0.3, hi=0.45, n=2, tol=1e-12)
    assert not tuned.safe and tuned.best in tuned.rates



@pytest.mark.parametrize("call,words", [
    (lambda: basin_map("local_minima", "sgd", n=True), "n"),
    (lambda: basin_map("local_minima", "sgd", n="8"), "n"),
    (lambda: basin_map("local_minima", "sgd", n=4, extent="1234"), "extent must be 4 numbers"),
    (lambda: basin_map("local_minima", "sgd", n=4, extent=(1, 0, 0, 1)), "extent must have xmin < xmax"),
    (lambda: basin_map("local_minima", "sgd", n=4, radius=-1.0), "radius"),
    (lambda: basin_map("local_minima", "sgd", n=4, radius=0), "radius"),
    (lambda: basin_map("local_minima", "sgd", n=4, chunk=0), "chunk"),
    (lambda: basin_map("local_minima", "sgd", n=4, progress="yes"), "progress"),
    (lambda: basin_map(["local_minima"], "sgd", n=4), "surface must be a name"),
    (lambda: basin_map("local_minima", "sgd", n=4, lr=10**400), "lr"),
    (lambda: sweep_grid("ravine", "sgd", (0, 0), 5, ("lr", ["a"]), ("noise", [0.0])), "values of x"),
    (lambda: sweep_grid("ravine", "sgd", (0, 0), 5, ("lr", [1j]), ("noise", [0.0])), "values of x"),
    (lambda: sweep_grid("ravine", "sgd", (0, 0), 5, ("lr", [True]), ("noise", [0.0])), "values of x"),
    (lambda: sweep_grid("ravine", "sgd", (0, 0), 5, (["lr"], [0.1]), ("noise", [0.0])), "name of x"),
    (lambda: sweep_grid("ravine", "sgd", (0, 0), 5, "lr", ("noise", [0.0])), "x must be a pair"),
    (lambda: sweep_grid("ravine", "sgd", "00", 5, ("lr", [0.1]), ("noise", [0.0])), "start"),
    (lambda: sweep_grid("ravine", "sgd", (0, 0), 10**6, ("lr", np.ones(10**3)), ("noise", np.ones(10))),
     "split the work"),
    (lambda: sweep_random("ravine", "sgd", (0, 0), 5, ("lr", 0, 1), ("noise", 0, 1), 4), "lr"),
    (lambda: sweep_random("ravine", "sgd", (0, 0), 5, ("lr", 0.1, 0.01), ("noise", 0, 1), 4), "low to high"),
    (lambda: sweep_random("ravine", "sgd", (0, 0), 5, ("lr", 0.01, 0.1), ("noise", 0, 1), 0), "n"),
    (lambda: sweep_random("ravine", "sgd", (0, 0), 5, ("lr", 0.01, 0.1), ("noise", 0, 1), 4, seed=-1), "seed"),
    (lambda: sweep_random("ravine", "sgd", (0, 0), 5, ("lr", 0.01), ("noise", 0, 1), 4), "x must be"),
    (lambda: tune_lr("ravine", "sgd", (0, 0), 5, lo=10**400), "lr"),
    (lambda: tune_lr("ravine", "sgd", (0, 0), 5, lo=0.5, hi=0.1), "low to high"),
    (lambda: tune_lr("ravine", "sgd", (0, 0), 5, n=1), "n"),
    (lambda: axis_values("adam", "lr", 0.1, 0.01, 5), "low to high"),
    (lambda: axis_values("adam", ["lr"], 0.01, 0.1, 5), "cannot sweep"),
    (lambda: axis_values("adam", "lr", 0.01, 0.1, 10**9), "n"),
    (lambda: batch_size_study("data:least_squares?n=16", batch_sizes=[0]), r"batch_sizes\[0\]"),
    (lambda: batch_size_study("data:least_squares?n=16", batch_sizes="8"), "batch_sizes"),
    (lambda: batch_size_study("data:least_squares?n=16", epochs=0), "epochs"),
    (lambda: batch_size_study("data:least_squares?n=16", lr=10**400), "lr"),
])
def test_analysis_entry_points_refuse_what_they_do_not_document(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_a_job_cancelled_while_waiting_for_the_cores_does_not_run():
    """Parallel kernels take turns (engine._PARALLEL).  A basin map or sweep superseded while it waited
    must give up when its turn comes: otherwise dozens of stale jobs queue up and each still runs a
    chunk, and a tuning request waits behind all of them."""
    import threading

    from landscape_app.core import engine

    stop = threading.Event()
    results = {}

    def sweep():
        results["sweep"] = analysis.sweep_grid("quadratic", "sgd", (1, 1), 50, ("lr", [0.1, 0.2]), ("noise", [0.0]),
                                               cancelled=stop.is_set)

    def basins():
        results["basins"] = analysis.basin_map("quadratic", "sgd", n=8, steps=50, cancelled=stop.is_set)

    with engine._PARALLEL:  # another job is running: these two wait for their turn
        threads = [threading.Thread(target=sweep), threading.Thread(target=basins)]
        for t in threads:
            t.start()
        threads[0].join(0.2)
        assert threads[0].is_alive()  # waiting, not running
        stop.set()  # superseded while waiting
    for t in threads:
        t.join(10)
    assert results == {"sweep": None, "basins": None}
    # not cancelled: the same calls run
    assert analysis.sweep_grid("quadratic", "sgd", (1, 1), 50, ("lr", [0.1, 0.2]), ("noise", [0.0]),
                               cancelled=lambda: False) is not None
    assert simulate_many("quadratic", "sgd", [[1.0, 1.0]], 5, cancelled=lambda: True) is None
