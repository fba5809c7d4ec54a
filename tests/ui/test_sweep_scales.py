"""The sweep window's two lessons of seed 001: β sampled evenly in log(1 − β), and how many distinct
values of each hyperparameter a grid and a random search try."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from landscape_app.core.analysis import to_axis
from landscape_app.ui.analysis.sweep import beta_ticks


def momentum_sweep(window, qtbot, n=6, mode="grid", y="beta1"):
    state = window.state
    state.select(next(k for k, r in enumerate(state.racers) if r.optimizer == "momentum"))
    sweep = window.analysis.open_sweep()
    sweep.n_box.setValue(n)
    sweep.y_box.setCurrentIndex(sweep.y_box.findData(y))
    sweep.mode_box.setCurrentIndex(sweep.mode_box.findData(mode))
    wait(sweep, qtbot, n, mode, y)
    return sweep


def wait(sweep, qtbot, n, mode, y):
    qtbot.waitUntil(lambda: sweep.sweep is not None and not sweep.busy() and sweep.sweep.y_name == y
                    and (sweep.sweep.shape is None) == (mode == "random") and len(sweep.sweep.x) == n * n,
                    timeout=15_000)
    qtbot.wait(30)


def test_beta_is_swept_evenly_in_log_one_minus_beta(window, qtbot):
    sweep = momentum_sweep(window, qtbot)
    assert sweep.scale_box.isVisible() and sweep.scale_box.currentData() == "log1m"
    betas = np.unique(sweep.sweep.y)
    t = to_axis("log1m", betas)
    np.testing.assert_allclose(np.diff(t), np.diff(t)[0])  # equal steps of −log₁₀(1 − β)
    lo, hi = sweep.axis_range("beta1")
    assert betas[0] == pytest.approx(lo) and betas[-1] == pytest.approx(hi)
    axis = sweep.plot.getPlotItem().getAxis("left")
    labels = [text for level in axis._tickLevels for _, text in level]
    assert "0.9" in labels and "0.99" in labels and "log(1 − β) scale" in axis.labelText
    # the same grid on the linear axis: equal steps of β
    sweep.scale_box.setFocus()
    QTest.keyClick(sweep.scale_box, Qt.Key.Key_Down)
    assert sweep.scale_box.currentData() == "linear"
    qtbot.waitUntil(lambda: not sweep.busy() and sweep.sweep_scales.get("beta1") == "linear", timeout=15_000)
    np.testing.assert_allclose(np.diff(np.unique(sweep.sweep.y)), np.diff(np.unique(sweep.sweep.y))[0])
    assert axis._tickLevels is None


def test_random_search_draws_beta_uniformly_in_log_one_minus_beta(window, qtbot):
    sweep = momentum_sweep(window, qtbot, n=20, mode="random")
    t = to_axis("log1m", sweep.sweep.y)
    t0, t1 = to_axis("log1m", sweep.axis_range("beta1"))
    assert ((t >= t0 - 1e-12) & (t <= t1 + 1e-12)).all()
    assert np.mean(t > (t0 + t1) / 2) == pytest.approx(0.5, abs=0.07)  # half the draws in each half of the axis


def test_the_readout_counts_the_distinct_values_tried(window, qtbot):
    sweep = momentum_sweep(window, qtbot, n=6)
    assert "36 runs, 6 distinct lr and 6 distinct beta1" in sweep.readout.text()
    sweep.mode_box.setCurrentIndex(sweep.mode_box.findData("random"))
    wait(sweep, qtbot, 6, "random", "beta1")
    assert "36 runs, 36 distinct lr and 36 distinct beta1" in sweep.readout.text()


def test_a_hyperparameter_without_a_choice_of_scale_hides_it(window, qtbot):
    sweep = momentum_sweep(window, qtbot, y="noise")
    assert not sweep.scale_box.isVisible() and sweep.sweep_scales["noise"] == "linear"


def test_clicking_a_cell_on_the_log_one_minus_beta_axis_loads_its_beta(window, qtbot):
    sweep = momentum_sweep(window, qtbot, n=6)
    s, state = sweep.sweep, window.state
    k = 4 * 6 + 2  # row 4 (β), column 2 (α)
    tx, ty = float(np.log10(s.x[k])), float(to_axis("log1m", s.y[k]))
    px = sweep.plot.mapFromScene(sweep.vb.mapViewToScene(QPointF(tx, ty)))
    QTest.mouseClick(sweep.plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, px)
    qtbot.wait(20)
    r = state.racers[state.selected]
    assert r.hyper["beta1"] == pytest.approx(s.y[k], rel=1e-3) and r.hyper["lr"] == pytest.approx(s.x[k], rel=1e-3)


def test_beta_ticks_read_in_beta():
    whole, minor = beta_ticks(0.0, 2.0)
    assert [label for _, label in whole] == ["0", "0.9", "0.99"]
    assert [label for _, label in minor] == ["0.5", "0.8", "0.95", "0.98"]
