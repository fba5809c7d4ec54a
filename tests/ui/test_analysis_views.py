"""Analysis views driven through the window: basins, sweeps, ghost paths, α tuning, custom surfaces."""
import re
import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from landscape_app.ui.analysis import wait_for_jobs
from landscape_app.ui.analysis.basins import LEGEND_MINIMA, basin_colour
from landscape_app.ui.analysis.menu import GHOSTS
from landscape_app.ui.monkey import alive


@pytest.fixture(autouse=True)
def join_workers():
    yield
    wait_for_jobs()


def select_sgd(state):
    i = next(k for k, r in enumerate(state.racers) if r.optimizer == "sgd")
    state.select(i)
    return i


def show_local_minima_basins(state, menu, qtbot):
    """SGD's basin map of the local-minima surface at 64², computed and on show."""
    state.set_surface("local_minima")
    select_sgd(state)
    menu.resolution_actions[64].trigger()
    menu.basins_action.setChecked(True)
    overlay = menu.basins
    qtbot.waitUntil(lambda: overlay.result is not None and not overlay.busy(), timeout=15_000)
    return overlay


def test_basins_of_local_minima_are_coloured_by_their_minimum(window, qtbot):
    state, menu = window.state, window.analysis
    overlay = show_local_minima_basins(state, menu, qtbot)
    assert overlay.image.isVisible() and -20 < overlay.image.zValue() < -10
    img = overlay.image.image
    assert img.shape == (64, 64, 4)
    s = state.surface
    dx = 0.02 * (s.domain[1] - s.domain[0])
    for k, (mx, my, _) in enumerate(s.minima):
        for ox, oy in ((dx, 0), (-dx, 0), (0, dx), (0, -dx)):
            assert overlay.label_at(mx + ox, my + oy) == k
        # the pixel's hue is that minimum's colour (shaded: same direction in RGB)
        m = overlay.result[1]
        x0, x1, y0, y1 = m.extent
        i, j = int((mx - x0) / (x1 - x0) * 64), int((my - y0) / (y1 - y0) * 64)
        rgb = img[j, i, :3].astype(float)
        ref = np.array(basin_colour(k), float)
        assert np.dot(rgb, ref) / (np.linalg.norm(rgb) * np.linalg.norm(ref)) > 0.99
    assert "min 1" in overlay.summary()

    # a changed hyperparameter recomputes (stale maps dropped); toggling off hides the overlay
    gen = overlay.generation
    state.set_hyper(state.selected, "lr", state.racers[state.selected].hyper["lr"] / 2)
    assert overlay.generation > gen
    qtbot.waitUntil(lambda: not overlay.busy() and overlay.result[0][2] ==
                    tuple(sorted(state.racers[state.selected].hyper.items())), timeout=15_000)
    menu.basins_action.setChecked(False)
    assert not overlay.image.isVisible()


def test_clicks_pass_through_the_basin_overlay(window, qtbot):
    state, menu, view = window.state, window.analysis, window.view
    menu.resolution_actions[64].trigger()
    menu.basins_action.setChecked(True)
    qtbot.waitUntil(lambda: menu.basins.result is not None and not menu.basins.busy(), timeout=15_000)
    x0, x1, y0, y1 = view.visible_extent()
    target = (x0 + 0.3 * (x1 - x0), y0 + 0.7 * (y1 - y0))
    px = view.mapFromScene(view.vb.mapViewToScene(QPointF(*target)))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, px)
    qtbot.wait(20)
    np.testing.assert_allclose(state.start, target, atol=0.03 * (x1 - x0))


def open_sweep(window, qtbot, n=10, mode="grid", y="noise"):
    sweep = window.analysis.open_sweep()
    sweep.n_box.setValue(n)
    sweep.y_box.setCurrentIndex(sweep.y_box.findData(y))
    sweep.mode_box.setCurrentIndex(sweep.mode_box.findData(mode))
    qtbot.waitUntil(lambda: sweep.sweep is not None and not sweep.busy() and sweep.sweep.y_name == y
                    and (sweep.sweep.shape is None) == (mode == "random") and len(sweep.sweep.x) ==
                    n * n, timeout=15_000)
    qtbot.wait(30)
    return sweep


def test_sweep_heatmap_has_the_requested_shape_and_a_log_alpha_axis(window, qtbot):
    state = window.state
    i = select_sgd(state)
    sweep = open_sweep(window, qtbot, n=12, y="noise")
    assert sweep.image.image.shape == (12, 12)
    assert sweep.sweep.shape == (12, 12)
    plot = sweep.plot.getPlotItem()
    assert plot.getAxis("bottom").logMode and not plot.getAxis("left").logMode
    xs = np.unique(sweep.sweep.x)
    np.testing.assert_allclose(np.diff(np.log10(xs)), np.diff(np.log10(xs))[0])  # log-spaced α
    lr = state.racers[i].hyper["lr"]
    np.testing.assert_allclose([xs[0], xs[-1]], [lr / 100, lr * 100], rtol=1e-9)
    assert sweep.colorbar.levels()[0] < sweep.colorbar.levels()[1]
    # diverged cells (the grey behind them) are told apart from the map's worst losses, and the hint says how
    from landscape_app.ui.analysis.sweep import DIVERGED_BG
    from landscape_app.ui.palette import delta_e

    colours = sweep.cmap.getLookupTable(nPts=64, alpha=False)
    assert min(delta_e(tuple(int(v) for v in c), DIVERGED_BG) for c in colours) > 30
    assert "grey = diverged" in sweep.hint.text() and "purple = the highest final loss" in sweep.hint.text()


def test_random_mode_draws_the_requested_count_inside_the_bounds(window, qtbot):
    state = window.state
    i = next(k for k, r in enumerate(state.racers) if r.optimizer == "momentum")
    state.select(i)
    sweep = open_sweep(window, qtbot, n=9, mode="random", y="beta1")
    s = sweep.sweep
    (x0, x1), (y0, y1) = sweep.axis_range("lr"), sweep.axis_range("beta1")
    assert len(s.x) == 81 and len(sweep.points.data) == 81 and not sweep.image.isVisible()
    assert ((s.x >= x0) & (s.x <= x1) & (s.y >= y0) & (s.y <= y1)).all()
    assert len(np.unique(s.x)) == 81  # every sample a distinct α: random search's advantage


def test_clicking_a_sweep_cell_loads_it_into_the_racer(window, qtbot):
    state = window.state
    i = select_sgd(state)
    sweep = open_sweep(window, qtbot, n=8, y="noise")
    s = sweep.sweep
    k = 3 * 8 + 5  # row 3 (noise), column 5 (α)
    tx, ty = float(np.log10(s.x[k])), float(s.y[k])
    px = sweep.plot.mapFromScene(sweep.vb.mapViewToScene(QPointF(tx, ty)))
    QTest.mouseClick(sweep.plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, px)
    qtbot.wait(20)
    assert state.racers[i].hyper["lr"] == pytest.approx(s.x[k], rel=1e-3)
    assert state.racers[i].hyper["noise"] == pytest.approx(s.y[k], rel=1e-3, abs=1e-9)


def test_a_sweep_cell_of_a_map_from_before_a_change_is_not_loaded(window, qtbot):
    """The start moved: until the new map arrives, the old one (another race's losses) stays on
    show, and a click on it must not load its values as if they were this race's."""
    state = window.state
    i = select_sgd(state)
    sweep = open_sweep(window, qtbot, n=8, y="noise")
    s = sweep.sweep
    k = 3 * 8 + 5
    px = sweep.plot.mapFromScene(sweep.vb.mapViewToScene(QPointF(float(np.log10(s.x[k])), float(s.y[k]))))
    before = dict(state.racers[i].hyper)
    state.set_start(*(np.array(state.start) * 0.9))
    QTest.mouseClick(sweep.plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, px)
    assert state.racers[i].hyper == before and "before the last change" in sweep.readout.text()
    qtbot.waitUntil(lambda: sweep.sweep is not s and not sweep.busy(), timeout=15_000)
    s = sweep.sweep
    px = sweep.plot.mapFromScene(sweep.vb.mapViewToScene(QPointF(float(np.log10(s.x[k])), float(s.y[k]))))
    QTest.mouseClick(sweep.plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, px)
    assert state.racers[i].hyper["lr"] == pytest.approx(s.x[k], rel=1e-3)  # the new map's cells load


def test_a_recompute_keeps_the_sweep_windows_layout(window, qtbot):
    """The progress bar shows while a sweep computes: it once took its room from the readout beside
    it, which re-wrapped (624 ↔ 523 px) and relaid the window at every sweep."""
    select_sgd(window.state)
    sweep = open_sweep(window, qtbot, n=8, y="noise")
    sizes = {(sweep.readout.width(), sweep.plot.size().toTuple())}
    QTest.mouseClick(sweep.run_button, Qt.MouseButton.LeftButton)
    QApplication.sendPostedEvents()  # the layout follows on the next turn
    assert sweep.busy() and sweep.progress.isVisible()
    sizes.add((sweep.readout.width(), sweep.plot.size().toTuple()))
    qtbot.waitUntil(lambda: not sweep.busy(), timeout=15_000)
    qtbot.wait(20)
    sizes.add((sweep.readout.width(), sweep.plot.size().toTuple()))
    assert len(sizes) == 1, sizes


def test_surfaces_passed_through_quickly_start_one_sweep_after_the_window_followed(window, qtbot, monkeypatch):
    """A sweep's kernels take every core: one started at each surface of a quick pass through the
    combo box competed with the window's repaint; the map of the surface chosen last starts once."""
    from landscape_app.ui.analysis import sweep as sweep_module

    select_sgd(window.state)
    sweep = open_sweep(window, qtbot, n=8, y="noise")
    started = []
    job_class = sweep_module.Job

    class CountedJob(job_class):
        def start(self):
            started.append(window.state.surface.name)
            super().start()

    monkeypatch.setattr(sweep_module, "Job", CountedJob)
    box = window.surface_box
    box.setFocus()
    for _ in range(3):
        QTest.keyClick(box, Qt.Key.Key_Down)
        assert sweep.busy()  # a map is on its way: nothing waits on the old one
    assert started == []
    qtbot.waitUntil(lambda: not sweep.busy(), timeout=15_000)
    assert started == [window.state.surface.name]
    assert sweep._shown_context[2][0] == window.state.scenario.surface


def test_dragging_a_rectangle_zooms_in_and_resamples(window, qtbot):
    select_sgd(window.state)
    sweep = open_sweep(window, qtbot, n=8, y="noise")
    before = sweep.axis_range("lr")
    (vx0, vx1), (vy0, vy1) = sweep.vb.viewRange()
    a = sweep.plot.mapFromScene(sweep.vb.mapViewToScene(QPointF(vx0 + 0.3 * (vx1 - vx0), vy0 + 0.3 * (vy1 - vy0))))
    b = sweep.plot.mapFromScene(sweep.vb.mapViewToScene(QPointF(vx0 + 0.6 * (vx1 - vx0), vy0 + 0.6 * (vy1 - vy0))))
    vp = sweep.plot.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for t in np.linspace(0, 1, 8)[1:]:
        QTest.mouseMove(vp, a + QPoint(round((b - a).x() * t), round((b - a).y() * t)))
        qtbot.wait(15)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    qtbot.waitUntil(lambda: sweep.axis_range("lr") != before and not sweep.busy()
                    and sweep.sweep.x.min() >= sweep.axis_range("lr")[0] * (1 - 1e-9), timeout=10_000)
    lo, hi = sweep.axis_range("lr")
    assert before[0] < lo < hi < before[1]
    assert np.log10(hi / lo) < 0.5 * np.log10(before[1] / before[0])


def test_ghost_paths_appear_and_vanish(window, qtbot):
    state, menu, view = window.state, window.analysis, window.view
    select_sgd(state)
    menu.ghosts_action.setChecked(True)
    ghosts = menu.ghosts
    qtbot.waitUntil(lambda: not ghosts.busy(), timeout=5000)
    assert len(ghosts.curves) == GHOSTS
    assert all(c in view.getPlotItem().items for c in ghosts.curves)
    assert all(c.opts["pen"].color().alpha() == 255 for c in ghosts.curves)  # translucent zigzags painted 30 ms each
    lr = state.racers[state.selected].hyper["lr"]
    np.testing.assert_allclose([ghosts.rates[0], ghosts.rates[-1]], [lr / 10, lr * 10])
    first = ghosts.paths[0]
    state.rename_racer(state.selected, "Plain SGD")  # nothing the paths depend on: they stand
    qtbot.wait(60)
    assert not ghosts.busy() and ghosts.paths[0] is first
    pooled = list(ghosts.curves)
    state.set_start(*(np.array(state.start) * 0.9))
    qtbot.waitUntil(lambda: ghosts.paths and ghosts.paths[0] is not first and not ghosts.busy(), timeout=5000)
    assert len(ghosts.curves) == GHOSTS
    assert ghosts.curves == pooled  # the same items, shown again with the new paths
    np.testing.assert_array_equal(ghosts.curves[0].xData[[0, -1]], ghosts.paths[0][[0, -1], 0])
    on_view = [c for c in view.getPlotItem().items if c.zValue() == 8]
    assert len(on_view) <= 2 * GHOSTS  # a curve and at most one label per α: nothing left behind by the first fan
    first = ghosts.curves[0]
    menu.ghosts_action.setChecked(False)
    assert ghosts.curves == [] and not any(isinstance(c, type(first)) and c.zValue() == 8
                                           for c in view.getPlotItem().items)


def test_ghost_paths_of_long_runs_are_drawn_like_trails(window, qtbot):
    """Nine ghost paths of 10⁵ steps once went to the painter whole (seconds a frame on a noisy
    racer); they are thinned like the trails, and again after a zoom, ending where the run ends."""
    state, menu, view = window.state, window.analysis, window.view
    select_sgd(state)
    state.set_hyper(state.selected, "noise", 2.0)
    state.set_max_steps(100_000)
    qtbot.waitUntil(lambda: not state.busy, timeout=60_000)
    menu.ghosts_action.setChecked(True)
    ghosts = menu.ghosts
    qtbot.waitUntil(lambda: not ghosts.busy() and bool(ghosts.curves), timeout=60_000)
    assert sum(len(path) > 50_000 for path in ghosts.paths) >= 3  # the larger α diverge early
    for curve, path in zip(ghosts.curves, ghosts.paths):
        assert len(curve.xData) <= min(len(path), 1600)
        assert (curve.xData[-1], curve.yData[-1]) == tuple(path[-1])
    before = [len(c.xData) for c in ghosts.curves]
    (x0, x1), (y0, y1) = view.vb.viewRange()
    view.vb.setRange(xRange=(x0, x0 + (x1 - x0) / 50), yRange=(y0, y0 + (y1 - y0) / 50), padding=0)
    qtbot.waitUntil(lambda: [len(c.xData) for c in ghosts.curves] != before, timeout=5000)
    menu.ghosts_action.setChecked(False)


def test_the_tune_plot_draws_its_grid_at_labelled_decades(window, qtbot):
    """pyqtgraph's log grid drew ~150 minor lines, ~30 ms whenever a tuning changed the range (the
    slowest paint of the app, up to 52 ms in the monkey): lines at the labelled decades only."""
    menu = window.analysis
    menu.tune_all_action.trigger()
    qtbot.waitUntil(lambda: not menu.tuning(), timeout=10_000)
    plot = menu.tune_dialog.plot.getPlotItem()
    for name, (lo, hi) in zip(("bottom", "left"), plot.getViewBox().viewRange()):
        major, minor = plot.getAxis(name)._tickLevels
        assert 2 <= len(major) <= 6 and minor == []
        assert all(lo <= v <= hi and v == int(v) for v, _ in major)


def test_a_tune_plot_within_one_decade_keeps_readable_labels(window, qtbot):
    """Final losses all between 0.2 and 0.5: no decade to label, so pyqtgraph's own ticks, read as
    plain numbers (its "(x0.001)" prefix over log ticks turned 0.5 into "5·10² (x0.001)")."""
    from landscape_app.core.analysis import LrTuning
    from landscape_app.ui.analysis.menu import TuneResult

    rates = np.logspace(-4, 0, 41)
    loss = 0.2 + 0.3 * np.abs(np.sin(np.arange(41) / 7))
    tuning = LrTuning(best=rates[20], rates=rates, loss=loss, converged_at=np.full(41, -1),
                      ok=np.ones(41, bool), margin=float("inf"), safe=True)
    dialog = TuneResult(window)
    qtbot.addWidget(dialog)
    dialog.show_results([(window.state.racers[0], tuning)])
    dialog.show()
    qtbot.waitExposed(dialog)
    lo, hi = np.log10(loss.min()), np.log10(loss.max())
    view = dialog.plot.getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: view.viewRange()[1][0] < lo and hi < view.viewRange()[1][1] < 0, timeout=2000)
    axis = dialog.plot.getPlotItem().getAxis("left")
    assert axis._tickLevels is None  # pyqtgraph's ticks: 0.2, 0.3, 0.4, 0.5
    assert "(x" not in axis.labelString() and axis.autoSIPrefixScale == 1.0

def test_tune_alpha_sets_the_tuned_value(window, qtbot):
    from landscape_app.core.analysis import tune_lr

    state, menu = window.state, window.analysis
    i = select_sgd(state)
    state.set_hyper(i, "lr", 1e-5)  # crawling
    r = state.racers[i]
    sc = state.scenario
    tuning = tune_lr(sc.surface, r.optimizer, sc.start, sc.steps, seed=r.seed, tol=sc.tol, **r.hyper)
    expected = tuning.best
    menu.tune_action.trigger()
    qtbot.waitUntil(lambda: not menu.tuning(), timeout=10_000)
    assert state.racers[i].hyper["lr"] == pytest.approx(expected)
    text = menu.tune_dialog.label.text()
    assert menu.tune_dialog.isVisible() and "α =" in text
    assert "safety margin" in text and (f"×{tuning.margin:.2g}" in text or "no rate failed" in text)
    menu.tune_all_action.trigger()
    qtbot.waitUntil(lambda: not menu.tuning(), timeout=10_000)

    def shown():
        items = [it for it in menu.tune_dialog.plot.getPlotItem().listDataItems() if it.isVisible()]
        return [it for it in items if it.opts["symbol"] is None], [it for it in items if it.opts["symbol"] == "star"]

    curves, stars = shown()
    assert len(curves) == len(stars) == len(state.racers)  # a loss-vs-α curve and its best rate per racer
    assert state.racers[i].hyper["lr"] == pytest.approx(expected)  # tuning again finds the same α
    legend = [label.text for _, label in menu.tune_dialog.legend.items]
    assert legend == [r.name for r in state.racers]
    verdicts = menu.tune_dialog.label  # every racer's verdict whole, above a plot tall enough for its legend
    qtbot.waitUntil(lambda: verdicts.height() >= verdicts.heightForWidth(verdicts.width()), timeout=1000)
    assert menu.tune_dialog.plot.height() >= 240
    menu.tune_action.trigger()  # one racer again: the others' curves, stars and legend rows go
    qtbot.waitUntil(lambda: not menu.tuning(), timeout=10_000)
    again, star = shown()
    assert again == curves[:1] and len(star) == 1  # reused (made anew: 36 ms for five racers)
    assert [label.text for _, label in menu.tune_dialog.legend.items] == [state.racers[i].name]
    assert again[0].opts["pen"].color().name() == star[0].opts["symbolBrush"].lower() == state.racers[i].color.lower()


def test_a_tuning_for_a_race_that_changed_meanwhile_sets_nothing(window, qtbot):
    """A user switches the surface while α is being tuned: the α found for the old surface must not
    be set on the new one (it was, under the racer's unchanged name)."""
    state, menu = window.state, window.analysis
    messages = []
    state.message.connect(messages.append)
    i = select_sgd(state)
    window.surface_box.setCurrentIndex(window.surface_box.findData("rosenbrock"))
    before = dict(state.racers[i].hyper)
    menu.tune_action.trigger()
    window.surface_box.setCurrentIndex(window.surface_box.findData("plateau"))  # before the result arrives
    after_switch = dict(state.racers[i].hyper)
    qtbot.waitUntil(lambda: not menu.tuning(), timeout=10_000)
    assert state.racers[i].hyper == after_switch and after_switch != before
    assert any("dropped" in m for m in messages)
    menu.tune_action.trigger()  # tuned on the surface on show: set
    qtbot.waitUntil(lambda: not menu.tuning(), timeout=10_000)
    assert any(m.startswith("tuned α") for m in messages)


def test_tuning_every_racer_is_one_change_and_its_window_follows_on_the_next_turn(window, qtbot, monkeypatch):
    """Each racer's α was set on its own (a recompute of the runs and an undo step per racer), and
    the result window was built in the same turn: ~110 ms without a paint for five racers."""
    state, menu = window.state, window.analysis
    changes = []
    state.changed.connect(changes.append)
    calls = []
    show = getattr(type(menu), "_show_tuned", None)
    monkeypatch.setattr(type(menu), "_show_tuned", lambda self: (calls.append(list(changes)), show(self)), raising=False)
    before = window.undo.index
    menu.tune_all_action.trigger()
    qtbot.waitUntil(lambda: not menu.tuning(), timeout=20_000)
    assert len(changes) == 1 and changes[0].startswith("tune α of ")
    assert window.undo.index == before + 1
    assert calls == [changes]  # the window was built after the change, on a later turn
    stars = [it for it in menu.tune_dialog.plot.getPlotItem().listDataItems() if it.opts["symbol"] == "star"]
    assert len(stars) == len(state.racers)


def test_set_rates_keeps_the_alpha_of_a_racer_it_refuses(window):
    state = window.state
    before = [r.hyper["lr"] for r in state.racers]
    refused = state.set_rates({0: 0.05, 1: -1.0})
    assert list(refused) == [1] and "lr" in refused[1]
    assert state.racers[0].hyper["lr"] == 0.05 and state.racers[1].hyper["lr"] == before[1]
    assert state.set_rates({1: float("nan")}) and state.racers[1].hyper["lr"] == before[1]


def type_formula(qtbot, dialog, text):
    dialog.formula.clear()
    qtbot.keyClicks(dialog.formula, text)
    qtbot.waitUntil(lambda: not dialog._timer.isActive() and not dialog.busy(), timeout=5000)


def press_ok(qtbot, dialog):
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)


def test_custom_surface_dialog_accepts_a_formula_and_refuses_code(window, qtbot):
    state, menu = window.state, window.analysis
    dialog = menu.open_custom()
    type_formula(qtbot, dialog, "x**2 + 10*y**2")
    assert "✓" in dialog.message.text() and "exact" in dialog.message.text()
    press_ok(qtbot, dialog)
    assert state.scenario.surface == "custom:x**2 + 10*y**2" and not (alive(dialog) and dialog.isVisible())
    assert len(state.runs) == len(state.racers)

    dialog = menu.open_custom()
    type_formula(qtbot, dialog, "__import__('os')")
    message = dialog.message.text()
    assert "✗" in message and "__import__" in message
    assert not dialog.ok_button().isEnabled()
    dialog.accept()  # even if forced: refused, nothing changes
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=5000)
    assert dialog.isVisible() and "✗" in dialog.message.text()
    assert state.scenario.surface == "custom:x**2 + 10*y**2"


def test_custom_surface_reports_nonfinite_values_and_starts_where_f_is_defined(window, qtbot):
    """log(x) + y**2 once left the window half-changed: its corner start was not finite."""
    dialog = window.analysis.open_custom()
    type_formula(qtbot, dialog, "log(x) + y**2")
    assert "not finite on" in dialog.message.text()
    press_ok(qtbot, dialog)
    state = window.state
    assert state.scenario.surface == "custom:log(x) + y**2"
    assert state.start[0] > 0 and len(state.runs) == len(state.racers)
    assert all(np.isfinite(run.path).all() for run in state.runs)


@pytest.mark.parametrize("bomb", ["exp(exp(10**64))+x", "sin(exp(exp(100)))+x", "(((2**64)**64)**64)**64)**64+x",
                                  "x" + "**x" * 300, "sin(" * 100 + "x" + ")" * 100])
def test_formula_bombs_are_refused_without_freezing_the_window(window, qtbot, bomb):
    dialog = window.analysis.open_custom()
    t0 = time.perf_counter()
    dialog.formula.setText(bomb)
    dialog.validate()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=5000)
    assert time.perf_counter() - t0 < 2 and "✗" in dialog.message.text()
    assert window.state.scenario.surface == "ravine"


def test_a_formula_that_takes_too_long_is_given_up_with_a_message(window, qtbot, monkeypatch):
    from landscape_app.core import custom
    from landscape_app.ui.analysis import custom_dialog

    slow = custom.custom_surface
    monkeypatch.setattr(custom, "custom_surface", lambda *a: (time.sleep(0.6), slow(*a))[1])
    monkeypatch.setattr(custom_dialog, "TIME_LIMIT_S", 0.2)
    dialog = window.analysis.open_custom()
    dialog._watchdog.setInterval(200)
    type_formula(qtbot, dialog, "x**2 + y**2")
    press_ok(qtbot, dialog)
    assert "took longer" in dialog.message.text() and dialog.isVisible()
    qtbot.wait(700)  # the abandoned answer arrives and is ignored
    assert window.state.scenario.surface == "ravine"


def pixel_colour(view, x, y):
    image = view.grab().toImage()
    p = view.mapFromScene(view.vb.mapViewToScene(QPointF(x, y)))
    return image.pixelColor(p)


def test_the_basin_legend_names_each_minimum_and_its_slider_lets_the_landscape_and_trails_through(window, qtbot):
    from PySide6.QtWidgets import QLabel

    state, menu, view = window.state, window.analysis, window.view
    overlay = show_local_minima_basins(state, menu, qtbot)
    legend = overlay.legend
    assert legend.isVisible() and legend.parent() is window.overlay_legends
    texts = [w.text() for w in legend.findChildren(QLabel)]
    reached = sorted(k for k in overlay.result[1].counts() if k >= 0)
    for k in reached:
        x, y, f = state.surface.minima[k][:3]
        assert any(t.startswith(f"min {k + 1}") and f"({x:.3g}, {y:.3g})" in t and f"f = {f:.3g}" in t for t in texts)
    swatches = [w.pixmap().toImage().pixelColor(7, 7).getRgb()[:3] for w in legend.findChildren(QLabel)
                if not w.pixmap().isNull()]
    assert [tuple(basin_colour(k)) for k in reached] == swatches[:len(reached)]
    assert overlay.image.opacity() == pytest.approx(0.55) and overlay.image.zValue() < view.curves[0].zValue()
    # the legend sits under the landscape, never over the trails
    area = view.mapFromScene(view.vb.sceneBoundingRect()).boundingRect().translated(view.mapTo(window, QPoint(0, 0)))
    assert not area.intersects(legend.geometry().translated(legend.parentWidget().mapTo(window, QPoint(0, 0))))
    legend.slider.setValue(20)
    assert overlay.image.opacity() == pytest.approx(0.2)
    menu.basins_action.setChecked(False)
    assert not legend.isVisible()


def test_legends_never_widen_a_small_window(window, qtbot):
    """Basins of a many-minima surface and the ghost ramp side by side once asked for 1,860 px
    (2,200 in presentation mode) and widened a 1024-px window past its screen: they scroll instead."""
    state, menu = window.state, window.analysis
    window.resize(1024, 640)
    state.set_surface("rastrigin")
    select_sgd(state)
    menu.resolution_actions[64].trigger()
    menu.basins_action.setChecked(True)
    menu.ghosts_action.setChecked(True)
    qtbot.waitUntil(lambda: menu.basins.result is not None and not menu.basins.busy() and not menu.ghosts.busy(),
                    timeout=15_000)
    qtbot.wait(50)
    strip = window.overlay_legends.parentWidget().parentWidget()
    legends = (menu.basins.legend, menu.ghosts.legend)
    assert all(legend.isVisible() for legend in legends)
    assert sum(legend.minimumSizeHint().width() for legend in legends) > 1024  # the case in point
    rows = menu.basins.legend_rows()  # 121 minima: the largest basins named, the rest in one row
    assert len(rows) <= LEGEND_MINIMA + 3 and "more minima" in rows[LEGEND_MINIMA][1]
    shares = [int(re.search(r"(\d+)%", text).group(1)) for _, text in rows]
    assert abs(sum(shares) - 100) <= len(rows) / 2
    from PySide6.QtWidgets import QApplication, QLabel

    label = menu.basins.legend.findChildren(QLabel)[-1]
    for presenting in (False, True):
        window.present_action.setChecked(presenting)
        qtbot.wait(50)
        assert label.font().pointSizeF() == QApplication.font().pointSizeF()  # large on a projector too
        assert window.minimumSizeHint().width() <= 1024
        assert presenting or window.width() == 1024
        assert strip.horizontalScrollBar().maximum() > 0  # the rest is a scroll away
        assert strip.height() >= window.overlay_legends.minimumSizeHint().height()  # not cut off at the bottom
    window.present_action.setChecked(False)
    menu.basins_action.setChecked(False)
    menu.ghosts_action.setChecked(False)
    qtbot.wait(20)
    assert strip.height() == 0  # no legend, no room taken


def test_ghost_paths_run_along_a_colour_ramp_labelled_by_alpha(window, qtbot):
    from landscape_app.ui.analysis.legend import Ramp
    from landscape_app.ui.analysis.menu import ramp_colour
    from landscape_app.ui.palette import contrast
    from landscape_app.ui.colormap import extremes

    state, menu = window.state, window.analysis
    select_sgd(state)
    menu.ghosts_action.setChecked(True)
    ghosts = menu.ghosts
    qtbot.waitUntil(lambda: not ghosts.busy() and bool(ghosts.curves), timeout=5000)
    colours = {c.opts["pen"].color().name() for c in ghosts.curves}
    assert len(colours) == GHOSTS  # one colour per α, not one hue
    ramp = ghosts.legend.findChild(Ramp)
    assert ghosts.legend.isVisible() and ramp.labels == [f"{a:.2g}" for a in ghosts.rates]
    assert ramp.colours[0].getRgb()[:3] == ramp_colour(0.0) and ramp.colours[-1].getRgb()[:3] == ramp_colour(1.0)
    for t in np.linspace(0, 1, 7):
        assert min(contrast(ramp_colour(t), e) for e in extremes()) >= 3.0
    menu.ghosts_action.setChecked(False)
    assert not ghosts.legend.isVisible()
