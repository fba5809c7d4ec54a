"""The lesson views driven as a teacher would: a demo's claims checked on the race under its
explanation, the learning-rate plot beside the loss plot, and the exponentially weighted averages
panel (the notes' temperature year, and the selected racer's averages of its gradients)."""
import itertools

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from landscape_app.core import claims
from landscape_app.core.averages import ewa, temperatures
from landscape_app.core.averages import window as ewa_window
from landscape_app.core.inspect import history


def open_demo(window, stem: str):
    from landscape_app.core.presets import preset_files, title_of

    title = title_of(next(p for p in preset_files() if p.stem == stem))
    action = next(a for a in window.file_actions.demo_actions if a.text() == title)
    action.trigger()  # what Demos → <title> does


def lessons_action(window, text: str):
    return next(a for a in window.lessons_menu.actions() if a.text().startswith(text))


# --------------------------------------------------------------------------- claims

def test_a_demos_claims_are_shown_checked_with_their_numbers(window, qtbot, settle):
    open_demo(window, "01_momentum_vs_nesterov")
    settle(window.state)
    view = window.claims_view
    view.flush()
    state = window.state
    expected = claims.check(state.scenario, state.runs)
    assert view.isVisible() and [r.text for r in view.results] == [r.text for r in expected]
    text = view.text()
    assert f"{len(expected)} of {len(expected)} hold" in text and text.count("✓") == len(expected)
    for r in expected:
        assert r.evidence.replace("&", "&amp;") in text


def test_a_change_that_breaks_the_lesson_shows_a_cross(window, qtbot, settle):
    open_demo(window, "01_momentum_vs_nesterov")
    state = window.state
    nesterov = next(i for i, r in enumerate(state.racers) if r.name == "Nesterov")
    rl = window.racer_list.list
    QTest.mouseClick(rl.viewport(), Qt.MouseButton.LeftButton, pos=rl.visualItemRect(rl.item(nesterov)).center())
    field = window.hyper_form.editors["lr"].field
    field.selectAll()
    QTest.keyClicks(field, "0.0001")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert state.racers[nesterov].hyper["lr"] == 0.0001
    settle(state)
    qtbot.waitUntil(lambda: "✗" in window.claims_view.text(), timeout=1000)  # throttled to 5 checks a second
    text = window.claims_view.text()
    assert "Nesterov converges before Momentum" in text and "not by step" in text
    held = sum(r.passed for r in window.claims_view.results)
    assert held < len(window.claims_view.results) and f"{held} of" in text


def test_claims_are_checked_at_most_five_times_a_second_during_a_drag(window, qtbot, monkeypatch):
    import time

    import landscape_app.ui.claims_view as cv

    open_demo(window, "01_momentum_vs_nesterov")
    calls = []
    real = cv.check
    monkeypatch.setattr(cv, "check", lambda sc, runs: calls.append(1) or real(sc, runs))
    state = window.state
    t0 = time.perf_counter()
    x, y = state.start
    for k in range(40):  # a drag of the start: 40 mouse moves, ~16 ms apart
        state.set_start(x + 0.01 * k, y)
        qtbot.wait(16)
    elapsed = time.perf_counter() - t0
    qtbot.wait(250)
    assert 2 <= len(calls) <= elapsed / 0.2 + 2
    # …and the last check is of the race on screen now
    assert [r.text for r in window.claims_view.results] == [r.text for r in claims.check(state.scenario, state.runs)]


def test_no_claims_no_view_and_the_menu_hides_them(window, qtbot, settle):
    view = window.claims_view
    assert not view.isVisible()  # the default race claims nothing
    open_demo(window, "10_adagrad_vs_rmsprop")
    settle(window.state)
    view.flush()
    assert view.isVisible()
    lessons_action(window, "The demo's claims").trigger()
    assert not view.isVisible()
    lessons_action(window, "The demo's claims").trigger()
    assert view.isVisible()
    window.surface_box.setCurrentIndex(window.surface_box.findData("quadratic"))  # another surface: claims dropped
    view.flush()
    assert not view.isVisible()


def test_claims_wait_greyed_while_the_runs_compute(window, qtbot, settle):
    open_demo(window, "01_momentum_vs_nesterov")
    settle(window.state)
    state = window.state
    box = window.steps_box
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), "100000")  # 10⁵ steps per racer: computed in the background
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert state.busy
    window.claims_view.flush()
    assert window.claims_view.stale and "recomputing" in window.claims_view.text()
    settle(state)
    qtbot.waitUntil(lambda: not window.claims_view.stale, timeout=2000)
    assert "recomputing" not in window.claims_view.text()


# --------------------------------------------------------------------------- learning rate

def test_the_learning_rate_plot_shows_alpha_after_decay_for_every_racer(window, qtbot, settle):
    open_demo(window, "07_decay_schedules")
    settle(window.state)
    plot, state = window.lr_plot, window.state
    assert plot.isVisible() and plot.parentWidget() is window.loss_plot.parentWidget()  # beside the loss plot
    for r, run, curve in zip(state.racers, state.runs, plot.alphas):
        x, y = curve.xData, curve.yData  # as given (getData() is the drawn, log-scaled data)
        np.testing.assert_array_equal(y, np.maximum(run.lr, 1e-30))
        np.testing.assert_array_equal(x, np.arange(1, run.steps + 1))
    decaying = [run for r, run in zip(state.racers, state.runs) if r.hyper["schedule"] != "constant"]
    assert decaying and all(run.lr[-1] < run.lr[0] for run in decaying)


def test_the_learning_rate_curves_follow_a_schedule_chosen_in_the_form_and_a_new_racer(window, qtbot, settle):
    """A racer whose run did not change keeps its curve (redrawing 10⁵ steps cost ~4 ms a curve);
    the one whose schedule was chosen in the combo, and a racer added into a reused curve, show theirs."""
    plot, state = window.lr_plot, window.state
    settle(state)

    def shown():
        qtbot.waitUntil(lambda: len(plot.alphas) == len(state.runs) == len(state.racers), timeout=3000)
        qtbot.wait(250)  # the plot follows new runs within a throttle's 150 ms
        for run, curve in zip(state.runs, plot.alphas):
            np.testing.assert_array_equal(curve.yData, np.maximum(run.lr, 1e-30))

    shown()
    kept = plot.alphas[1].yData
    state.select(0)
    combo = window.hyper_form.editors["schedule"]
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)  # another schedule, chosen as a user does
    settle(state)
    assert state.racers[0].hyper["schedule"] != "constant"
    shown()
    assert plot.alphas[1].yData is kept  # not redrawn
    assert plot.alphas[0].yData[-1] < plot.alphas[0].yData[0]  # the decay shows
    n = len(state.racers)
    state.select(n - 1)
    window.racer_list.remove_button.click()  # its curves are kept hidden for the next racer
    settle(state)
    state.add_racer("adam")
    settle(state)
    shown()
    (y0, y1) = plot.plot.getPlotItem().getViewBox().viewRange()[1]
    lows = min(np.log10(np.maximum(run.lr, 1e-30)).min() for run in state.runs)
    highs = max(np.log10(np.maximum(run.lr, 1e-30)).max() for run in state.runs)
    assert y0 <= lows and highs <= y1  # the range covers every curve on show


def test_adaptive_racers_show_a_step_size_per_coordinate(window, qtbot, settle):
    open_demo(window, "10_adagrad_vs_rmsprop")
    plot, state = window.lr_plot, window.state
    qtbot.waitUntil(lambda: all(c.isVisible() for pair in plot.rates for c in pair), timeout=5000)
    for run, (cx, cy) in zip(state.runs, plot.rates):
        rate = history(run).rate
        np.testing.assert_allclose(cx.yData, rate[:, 0])
        np.testing.assert_allclose(cy.yData, rate[:, 1])
        assert not np.allclose(rate[:, 0], rate[:, 1])  # each coordinate its own rate
    assert "α / (√<i>G</i> + ε)" in plot.plot.toolTip() and "per coordinate" in plot.legend
    lessons_action(window, "Per-coordinate step sizes").trigger()
    assert not any(c.isVisible() for pair in plot.rates for c in pair)
    (y0, y1) = plot.plot.getPlotItem().getViewBox().viewRange()[1]
    assert y1 - y0 >= 2.0  # two decades at least: readable decade labels


def test_the_learning_rate_legend_fits_its_narrow_plot(window, qtbot, settle):
    """The one-line legend (its width a minimum of the plot's column) pushed the plot's right end,
    the last steps and the cursor, out of the widget at 1280×720."""
    open_demo(window, "10_adagrad_vs_rmsprop")
    window.resize(1280, 720)
    settle(window.state)
    plot = window.lr_plot.plot
    qtbot.waitUntil(lambda: "<br>" in plot.getPlotItem().titleLabel.text, timeout=5000)  # the rates' legend
    qtbot.wait(50)
    assert plot.getPlotItem().geometry().width() <= plot.width() + 0.5


def test_a_hidden_racer_leaves_the_learning_rate_plot(window, qtbot):
    item = window.racer_list.list.item(0)
    item.setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: not window.lr_plot.alphas[0].isVisible(), timeout=1000)  # it follows on the next turn
    assert window.lr_plot.alphas[1].isVisible()
    assert lessons_action(window, "Learning rate").isChecked() and window.lr_plot.isVisible()
    lessons_action(window, "Learning rate").trigger()
    assert not window.lr_plot.isVisible()


# --------------------------------------------------------------------------- averages panel

def open_averages(window, qtbot):
    lessons_action(window, "Exponentially weighted averages").trigger()
    qtbot.waitUntil(lambda: window.ewa_panel.isVisible(), timeout=1000)
    return window.ewa_panel


def test_the_temperature_year_and_its_averages(window, qtbot):
    panel = open_averages(window, qtbot)
    temps = temperatures()
    np.testing.assert_array_equal(panel.points.getData()[1], temps)
    for beta, solid, dashed, bar in zip((0.5, 0.9, 0.98), panel.corrected, panel.raw, panel.bars):
        np.testing.assert_allclose(solid.getData()[1], ewa(temps, beta, True))
        np.testing.assert_allclose(dashed.getData()[1], ewa(temps, beta))
        x, _ = bar.getData()
        assert x[1] == 200 and x[1] - x[0] + 1 == pytest.approx(ewa_window(beta))
    numbers = panel.numbers.text()
    assert "0.27 °C" in numbers and "13.35 °C" in numbers  # β = 0.98, day 1: uncorrected vs corrected
    # a β typed into the third box: the curve and its window follow
    box = panel.beta_boxes[2]
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), "0.99")
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    np.testing.assert_allclose(panel.corrected[2].getData()[1], ewa(temps, 0.99, True))
    x, _ = panel.bars[2].getData()
    assert x[1] - x[0] + 1 == pytest.approx(100)
    panel.uncorrected_box.click()
    assert not any(c.isVisible() for c in panel.raw)


def test_dragging_the_day_moves_the_windows(window, qtbot):
    panel = open_averages(window, qtbot)
    vb = panel.year.getPlotItem().getViewBox()
    qtbot.wait(50)
    (_, _), (y0, y1) = vb.viewRange()
    mid = (y0 + y1) / 2

    def px(day):
        return panel.year.mapFromScene(vb.mapViewToScene(QPointF(day, mid)))

    vp = panel.year.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, px(200))
    for k in range(1, 6):
        QTest.mouseMove(vp, px(200 - 20 * k))
        qtbot.wait(16)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, px(100))
    assert panel.day_line.value() == pytest.approx(100, abs=3)
    x, _ = panel.bars[1].getData()
    assert x[1] == pytest.approx(panel.day_line.value()) and x[1] - x[0] + 1 == pytest.approx(10)


def test_adam_reads_as_averages_of_its_gradients(window, qtbot):
    panel = open_averages(window, qtbot)
    state = window.state
    rl = window.racer_list.list
    adam = next(i for i, r in enumerate(state.racers) if r.optimizer == "adam")
    QTest.mouseClick(rl.viewport(), Qt.MouseButton.LeftButton, pos=rl.visualItemRect(rl.item(adam)).center())
    run = state.runs[adam]
    qtbot.waitUntil(lambda: panel.series_curves[0][0].isVisible(), timeout=5000)
    h = {s.name: s.values for s in history(run).series}
    first, second = panel.series_curves
    np.testing.assert_allclose(first[0].yData, h["m"][:, 0])
    np.testing.assert_allclose(first[1].yData, h["m̂"][:, 0])
    np.testing.assert_allclose(second[0].yData, h["v"][1:, 0])
    np.testing.assert_allclose(second[1].yData, h["v̂"][1:, 0])
    np.testing.assert_allclose(panel.g[0].yData, run.grad[:, 0])
    names = [label.text for _, label in panel.first_legend.items]
    assert names == ["<i>g</i>", "<i>m</i>", "<i>m̂</i>"]
    assert "EWA of" in panel.note.text()
    panel.coordinate_box.setCurrentIndex(1)  # the y coordinate
    np.testing.assert_allclose(first[0].yData, h["m"][:, 1])


def test_the_averages_of_a_long_race_are_thinned_once_per_curve_and_renamed_in_place(window, qtbot):
    """10⁵ steps: each curve is thinned to the plot once per drawing (the range set first; the other
    way round every curve was thinned twice or more, ~40 ms a selection), and moving between two racers
    with as many averages renames the legend's rows instead of making them anew."""
    import pyqtgraph as pg

    panel = open_averages(window, qtbot)
    state = window.state
    for name in ("adam", "amsgrad"):
        state.add_racer(name)
    state.set_max_steps(100_000)
    qtbot.waitUntil(lambda: not state.busy, timeout=60_000)
    adam, amsgrad = len(state.racers) - 2, len(state.racers) - 1
    state.select(adam)
    qtbot.waitUntil(lambda: panel.g[0].yData is not None and len(panel.g[0].yData) == state.runs[adam].steps,
                    timeout=30_000)
    rows = [label for _, label in panel.first_legend.items]
    curves = {id(c) for c in (*panel.g, *panel.series_curves[0], *panel.series_curves[1])}
    thinned = []
    original = pg.PlotDataItem.updateItems

    def counted(curve, *args, **kwargs):
        if id(curve) in curves and curve.xData is not None and len(curve.xData):
            thinned.append(curve)
        return original(curve, *args, **kwargs)

    pg.PlotDataItem.updateItems = counted
    try:
        state.select(amsgrad)
        qtbot.waitUntil(lambda: np.array_equal(panel.g[0].yData, state.runs[amsgrad].grad[:, 0]), timeout=30_000)
    finally:
        pg.PlotDataItem.updateItems = original
    drawn = [c for c in (*panel.g, *panel.series_curves[0], *panel.series_curves[1]) if c.isVisible()]
    assert sorted(map(id, thinned)) == sorted(map(id, drawn))  # each drawn curve thinned once
    assert [label for _, label in panel.first_legend.items] == rows  # the same rows, renamed
    assert [label.text for label in rows] == ["<i>g</i>", "<i>m</i>", "<i>m̂</i>"]


def test_finite_range_skips_nan_and_infinity():
    from landscape_app.ui.panels.ewa import finite_range

    assert finite_range(np.array([])) is None
    assert finite_range(np.array([np.nan, np.inf, -np.inf])) is None
    assert finite_range(np.array([3.0, np.nan, -1.0])) == (-1.0, 3.0)
    assert finite_range(np.array([np.inf, 2.0, np.nan, -5.0, -np.inf])) == (-5.0, 2.0)


def test_sgd_says_it_keeps_no_average(window, qtbot):
    panel = open_averages(window, qtbot)
    window.state.select(0)  # SGD in the default race
    qtbot.waitUntil(lambda: "keeps no average" in panel.note.text(), timeout=5000)
    assert panel.g[0].isVisible() and not any(c.isVisible() for c in (*panel.series_curves[0], *panel.series_curves[1]))
    assert not [i for i in panel.first.getPlotItem().items if isinstance(i, pg.TextItem)]  # said once, under the plots


def test_a_history_that_cannot_be_made_does_not_leave_a_view_waiting(qtbot):
    from landscape_app.ui.histories import Histories

    class NotARun:  # history() raises on it, in the worker thread
        optimizer, steps = "adam", 3

    h = Histories("test")
    h.want([NotARun()])
    assert h.busy()
    qtbot.waitUntil(lambda: not h.busy(), timeout=5000)
    assert h.failed_text and h.get(NotARun()) is None


def test_presentation_mode_shows_the_claims_as_one_line_of_marks(window, qtbot, settle):
    """At 1.5× font the sentences took five lines above the landscape on a 720-px projector."""
    open_demo(window, "02_sgd_vs_adam_plateau")
    settle(window.state)
    view = window.claims_view
    view.flush()
    lines = view.text()
    window.set_presentation(True)
    try:
        qtbot.waitUntil(window.presentation_settled, timeout=2000)
        assert "8 of 8 hold" in view.text() and view.text().count("✓") == 8
        assert "Adam is ranked first" not in view.text() and "Adam is ranked first" in view.toolTip()
    finally:
        window.set_presentation(False)
    qtbot.waitUntil(lambda: view.text() == lines, timeout=2000)  # the plots' texts follow a turn after the font


def test_the_averages_panel_never_widens_a_small_window(qtbot):
    """Its plots need ~900 px side by side: opened at 1024 px they once widened the window to
    1187 px, past a 1024-px screen; now they scroll inside the dock."""
    from landscape_app.ui.app import build

    w = build(None, ready=True)
    qtbot.addWidget(w)
    w.resize(1024, 640)
    w.show()
    qtbot.waitExposed(w)
    lessons_action(w, "Exponentially weighted averages").trigger()
    qtbot.waitUntil(lambda: w.ewa_panel.isVisible(), timeout=1000)
    qtbot.wait(50)
    assert w.width() <= 1024 and w.minimumSizeHint().width() <= 1024
    w.file_actions.quit_answer = "discard"


def test_the_averages_panel_keeps_its_curves_until_the_selected_racer_changes(window, qtbot, settle):
    """Setting 10⁵-step curves again after every change anywhere cost ~40 ms; another racer's change
    keeps them, the selected racer's change shows its new run."""
    panel = open_averages(window, qtbot)
    state = window.state
    state.select(0)
    settle(state)
    qtbot.waitUntil(lambda: panel.g[0].yData is not None and len(panel.g[0].yData) == state.runs[0].steps,
                    timeout=3000)
    kept = panel.g[0].yData
    state.set_hyper(1, "lr", state.racers[1].hyper["lr"] / 2)
    settle(state)
    qtbot.wait(300)  # the panel follows within a throttle's 150 ms
    assert panel.g[0].yData is kept
    state.set_hyper(0, "lr", state.racers[0].hyper["lr"] / 2)
    settle(state)
    qtbot.waitUntil(lambda: panel.g[0].yData is not kept, timeout=3000)
    j = panel.coordinate_box.currentData()
    np.testing.assert_array_equal(panel.g[0].yData, state.runs[0].grad[:, j])


def test_selecting_racers_neither_resizes_nor_repaints_the_averages_plots_over_and_over(window, qtbot, settle):
    """With 10⁵ steps a selection once repainted the panel's plots up to 25 times (auto-range
    re-measured the thinned curves at every paint and moved a little each time) and resized them
    (1499 ↔ 942 px: the label was as wide as a long racer name, the note one line or two)."""
    from landscape_app.ui.monkey import PaintCounter

    state = window.state
    panel = open_averages(window, qtbot)
    state.set_max_steps(100_000)
    state.rename_racer(1, "a racer with a rather long name, longer than the plots are wide")
    settle(state)
    rl = window.racer_list.list
    paints = [PaintCounter(plot.viewport()) for plot in (panel.first, panel.second)]
    widths = set()
    rows = (1, 2, 0, 1, 2, 0)
    for row in rows:
        QTest.mouseClick(rl.viewport(), Qt.MouseButton.LeftButton, pos=rl.visualItemRect(rl.item(row)).center())
        qtbot.waitUntil(lambda row=row: panel.g[0].yData is not None
                        and np.array_equal(panel.g[0].yData, state.runs[row].grad[:, 0], equal_nan=True),
                        timeout=5000)
        qtbot.wait(400)
        widths.add((panel.first.width(), panel.second.width()))
    # a paint for the new curves, one for the legend or the note, one when a history arrives later
    # (was 4–10 paints of each plot per selection)
    assert all(p.count <= 3 * len(rows) for p in paints), [p.count for p in paints]
    assert len(widths) == 1, widths
    for plot in (panel.first, panel.second):  # its curves whole, with the range measured once
        (x0, x1), _ = plot.getPlotItem().viewRange()
        assert x0 <= 0 and x1 >= state.runs[0].steps


def test_the_averages_plots_fit_their_dock_and_keep_their_size_when_the_note_grows(window, qtbot, settle):
    """The word-wrapped labels made the scroll area size the panel by its preferred height: 603 px in
    a 300-px dock, the racer's plots cut at the bottom.  And a note a line longer than the last made
    the plots shorter, which thinned their 10⁵-step curves again and repainted them."""
    from PySide6.QtCore import QPoint

    state = window.state
    for k, name in enumerate(("sgd", "amsgrad", "adam")):  # notes of one, four and three lines here
        state.set_optimizer(k, name)
    panel = open_averages(window, qtbot)
    settle(state)
    viewport = window.ewa_dock.widget().viewport()
    rl = window.racer_list.list
    sizes = []
    for row in (0, 1, 0, 2, 1, 0):
        QTest.mouseClick(rl.viewport(), Qt.MouseButton.LeftButton, pos=rl.visualItemRect(rl.item(row)).center())
        qtbot.waitUntil(lambda row=row: panel.g[0].yData is not None
                        and np.array_equal(panel.g[0].yData, state.runs[row].grad[:, 0], equal_nan=True),
                        timeout=5000)
        qtbot.wait(200)
        sizes.append((panel.first.size().toTuple(), panel.second.size().toTuple()))
        for plot in (panel.year, panel.first, panel.second):  # whole height inside the dock (its width
            bottom = plot.mapTo(viewport, QPoint(0, plot.height())).y()  # scrolls below ~1000 px)
            assert 0 < bottom <= viewport.height(), (bottom, viewport.height())
    assert len(set(sizes[1:])) == 1, sizes  # once the longest note has been shown, nothing moves


def test_the_averages_panel_fits_beside_the_side_panels_of_a_small_screen(window, qtbot):
    """At 1240 × 760 (a 1,280 × 800 screen) the dock beside the side panels is ~850 px wide: with the
    bias-correction box beside the β boxes the panel needed 1,000 px and scrolled sideways, the g²
    plot out of sight."""
    from PySide6.QtCore import QPoint

    window.resize(1240, 760)
    panel = open_averages(window, qtbot)
    scroll = window.ewa_dock.widget()
    qtbot.waitUntil(lambda: scroll.viewport().width() > 0)
    qtbot.wait(100)
    assert panel.minimumSizeHint().width() <= scroll.viewport().width()
    assert not scroll.horizontalScrollBar().isVisible()
    right = panel.second.mapTo(scroll.viewport(), QPoint(panel.second.width(), 0)).x()
    assert right <= scroll.viewport().width()


def test_the_window_bars_and_their_labels_never_run_into_each_other(window, qtbot):
    """At a fixed 4.5 °C apart, the bars' labels of a 150-px plot overlapped each other and the
    lowest bar was cut at the axis: a label's height apart when there is room, else bars only."""
    panel = open_averages(window, qtbot)
    vb = panel.year.getPlotItem().getViewBox()
    for height in (260, 600):
        window.resizeDocks([window.ewa_dock], [height], Qt.Orientation.Vertical)
        qtbot.wait(100)
        (_, _), (low, high) = vb.viewRange()
        ys = [vb.mapViewToScene(QPointF(200, bar.getData()[1][0])).y() for bar in panel.bars]
        assert all(low < bar.getData()[1][0] < high for bar in panel.bars)
        assert all(b - a >= 6 for a, b in itertools.pairwise(ys)), ys  # 5-px bars, top to bottom
        shown = [label for label in panel.bar_labels if label.isVisible()]
        assert len(shown) in (0, 3)
        margins = [label.textItem.document().documentMargin() for label in shown]  # blank: may overlap
        boxes = [label.sceneBoundingRect().adjusted(m, m, -m, -m) for label, m in zip(shown, margins)]
        assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
        assert panel.numbers.text().count("days") >= 3  # the windows' lengths are in the table in any case
    assert shown, "a 600-px dock has room for the labels"


def test_a_history_that_fails_says_so_in_the_averages_panel(window, qtbot, monkeypatch):
    from landscape_app.ui import histories

    def fails(run):
        raise ValueError("no history today")

    monkeypatch.setattr(histories, "history", fails)
    panel = open_averages(window, qtbot)
    window.state.select(1)
    qtbot.waitUntil(lambda: "could not be replayed" in panel.racer_label.text(), timeout=5000)
    assert "no history today" in panel.racer_label.text()
    assert not any(c.isVisible() for c in (*panel.g, *panel.series_curves[0]))


def test_a_racer_that_diverges_at_its_first_step_shows_no_curves_and_no_error(window, qtbot, settle):
    """A run of 0 steps gives empty curves (pyqtgraph keeps no data for them): measuring them for
    the plot's range raised a TypeError in the 1000-action monkey."""
    panel = open_averages(window, qtbot)
    state = window.state
    state.select(4)  # Adam
    settle(state)
    state.set_hyper(4, "lr", 1e4)
    settle(state)
    assert state.runs[4].steps == 0
    qtbot.waitUntil(lambda: panel._drawn[0] is state.runs[4], timeout=5000)
    assert "what its optimizer keeps" in panel.racer_label.text()
