"""The window driven as a user would: mouse drags, typing, playing, adding and removing racers."""
from itertools import pairwise

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from landscape_app.core.surfaces import SURFACES
from landscape_app.ui.monkey import PaintCounter
from landscape_app.ui.panels.float_editor import FloatEditor


def to_pixel(view, x, y) -> QPoint:
    scene = view.vb.mapViewToScene(QPointF(x, y))
    return view.mapFromScene(scene)


def test_dragging_the_start_handle_moves_every_trajectory(window, qtbot):
    view, state = window.view, window.state
    before = [run.path[0].copy() for run in state.runs]
    x0, y0 = state.start
    start_px = to_pixel(view, x0, y0)
    target = (x0 + 0.4, y0 - 0.5)
    end_px = to_pixel(view, *target)
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start_px)
    seen = []
    for k in range(1, 11):
        p = start_px + (end_px - start_px) * (k / 10)
        QTest.mouseMove(vp, p)
        qtbot.wait(15)
        seen.append(tuple(state.runs[0].path[0]))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end_px)
    qtbot.wait(20)
    assert len(set(seen)) >= 5  # recomputed during the drag, not only on release
    for old, run in zip(before, state.runs):
        assert not np.allclose(old, run.path[0])
        np.testing.assert_allclose(run.path[0], target, atol=0.05)


def test_clicking_the_landscape_moves_the_start_there(window, qtbot):
    view, state = window.view, window.state
    x0, x1, y0, y1 = view.visible_extent()
    target = (x0 + 0.3 * (x1 - x0), y0 + 0.7 * (y1 - y0))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     to_pixel(view, *target))
    qtbot.wait(20)
    np.testing.assert_allclose(state.start, target, atol=0.03 * (x1 - x0))
    np.testing.assert_allclose(state.runs[0].path[0], state.start)


def test_typing_a_learning_rate_changes_only_that_racer(window, qtbot):
    state = window.state
    state.select(1)
    others = [run.path.copy() for run in state.runs]
    editor = window.hyper_form.editors["lr"]
    assert isinstance(editor, FloatEditor)
    editor.field.clear()
    qtbot.keyClicks(editor.field, "0.0005")
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)
    assert state.racers[1].hyper["lr"] == 0.0005
    assert not np.array_equal(state.runs[1].path, others[1])
    for i in (0, 2, 3):
        np.testing.assert_array_equal(state.runs[i].path, others[i])


def test_invalid_entry_is_refused_with_a_visible_reason(window, qtbot):
    state = window.state
    state.select(2)
    editor = window.hyper_form.editors["beta1"]
    editor.field.clear()
    qtbot.keyClicks(editor.field, "1.5")
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)
    assert state.racers[2].hyper["beta1"] == 0.9
    error = window.hyper_form.errors["beta1"]  # told next to the field, whole
    assert not error.isHidden() and "beta1" in error.text() and "between" in error.text()
    assert editor.field.text() == "0.9" and "d32f2f" in editor.field.styleSheet()


def test_play_advances_the_step_and_the_loss_plot(window, qtbot):
    state = window.state
    state.set_speed(300)
    assert state.step == 0
    window.play_action.trigger()
    qtbot.waitUntil(lambda: state.step >= 40, timeout=3000)
    window.play_action.trigger()
    assert not window.timer.isActive()
    n = state.step
    # the loss plot follows the play head at ~30 Hz: after a pause it catches up within a frame or two
    # (its data, not what is drawn: one bucket of steps per pixel column, see plot_style.long_curve)
    qtbot.waitUntil(lambda: len(window.loss_plot.curves[0].xData) == n + 1, timeout=500)
    assert window.timeline.label.text() == f"step {n} / {state.max_steps}" and window.timeline.slider.value() == n


def test_keyboard_step_and_reset(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.state.step == 2
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.state.step == 0


def test_add_duplicate_remove_racers(window, qtbot):
    state = window.state
    n = len(state.racers)
    state.add_racer("adamw")
    assert len(state.racers) == n + 1 == len(state.runs) == len(window.view.curves)
    assert state.selected == n
    state.set_hyper(n, "lr", 0.02)
    window.racer_list.duplicate_button.click()
    assert len(state.racers) == n + 2 and state.racers[n + 1].hyper == state.racers[n].hyper
    assert state.racers[n + 1].color != state.racers[n].color and state.racers[n + 1].name != state.racers[n].name
    state.set_hyper(n + 1, "lr", 0.001)  # two AdamWs with different α
    assert not np.array_equal(state.runs[n].path, state.runs[n + 1].path)
    window.racer_list.remove_button.click()
    assert len(state.racers) == n + 1 == window.leaderboard.rowCount()


def test_rename_recolour_and_hide(window, qtbot):
    state = window.state
    item = window.racer_list.list.item(0)
    item.setText("Plain GD")
    assert state.racers[0].name == "Plain GD"
    window.racer_list.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert not state.racers[0].visible and not window.view.curves[0].isVisible()
    state.recolor_racer(0, "#123456")
    assert window.view.curves[0].opts["pen"].color().name() == "#123456"


def test_switching_surface_resets_trajectories_to_the_new_domain(window, qtbot):
    state = window.state
    box = window.surface_box
    box.setCurrentIndex(box.findData("quadratic"))
    s = state.surface
    assert s.name == "quadratic" and state.start == s.start and state.step == 0
    for run in state.runs:
        np.testing.assert_array_equal(run.path[0], s.start)
    x0, x1, y0, y1 = window.view.visible_extent()  # the whole domain, at equal scales on x and y
    assert x0 <= s.domain[0] and x1 >= s.domain[1] and abs(y0 - s.domain[2]) < 0.1 and abs(y1 - s.domain[3]) < 0.1


def test_a_surface_is_drawn_once_and_seen_again_without_drawing(window, qtbot, monkeypatch):
    """One drawing per new surface, at the view's final size (an axis widening after the first
    drawing cost a second one), none for a surface seen again or a pan within the margin; a zoom
    draws anew."""
    from landscape_app.ui import contour_view, landscape_image

    drawn = []
    render = landscape_image.render
    monkeypatch.setattr(landscape_image, "render", lambda surface, *a, **k: drawn.append(surface.name) or
                        render(surface, *a, **k))
    box, view = window.surface_box, window.view

    def covered() -> bool:
        rect = view.image.mapRectToParent(view.image.boundingRect())
        x0, x1, y0, y1 = view.visible_extent()
        return rect.left() <= x0 and rect.right() >= x1 and rect.top() <= y0 and rect.bottom() >= y1

    for name in ("rosenbrock", "plateau", "rosenbrock"):
        box.setCurrentIndex(box.findData(name))
        assert covered()
        qtbot.wait(200)  # past the redraw after a resize
        assert covered()
    assert drawn == ["rosenbrock", "plateau"]
    surface, extent = view._shown
    np.testing.assert_array_equal(view.image.image, render(surface, extent).colour)
    x0, x1, y0, y1 = view.visible_extent()
    shift = 0.01 * (x1 - x0)
    view.vb.setRange(xRange=(x0 + shift, x1 + shift), yRange=(y0, y1), padding=0)
    view.vb.sigRangeChangedManually.emit([True, True])  # as a pan by mouse does
    qtbot.wait(200)
    assert drawn == ["rosenbrock", "plateau"] and covered()
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    centre = QPointF(view.viewport().rect().center())
    for _ in range(4):  # the mouse wheel zooms in
        QApplication.sendEvent(view.viewport(), QWheelEvent(
            centre, QPointF(view.viewport().mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120),
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))
    qtbot.wait(200)
    assert drawn == ["rosenbrock", "plateau", "rosenbrock"] and covered()
    for name in [box.itemData(k) for k in range(box.count()) if box.itemData(k) in SURFACES]:
        box.setCurrentIndex(box.findData(name))
    assert len(view._drawn) == contour_view.DRAWN_KEPT  # bounded: ~1 MB a picture


def test_a_diverging_racer_is_reported_not_crashed(window, qtbot):
    state = window.state
    state.select(0)
    state.set_hyper(0, "lr", 50.0)
    run = state.runs[0]
    assert run.diverged_at is not None
    state.set_step(state.max_steps)

    def texts():
        return [window.leaderboard.item(r, 4).text() for r in range(window.leaderboard.rowCount())]

    qtbot.waitUntil(lambda: f"diverged at step {run.diverged_at}" in texts(), timeout=500)  # table: 10 Hz
    assert window.view.crashed_racers() == [0]


def test_step_vectors_and_readout_for_nesterov(window, qtbot):
    state = window.state
    state.select(2)  # Nesterov in the default race
    state.set_step(20)
    window.vectors_action.setChecked(True)
    assert window.view.vectors.shafts[0].isVisible() and window.view.vectors.lookahead.isVisible()
    qtbot.waitUntil(lambda: "look-ahead" in window.readout.text(), timeout=500)  # the readout follows at 10 Hz
    assert "velocity" in window.readout.text() and "step</td><td>&nbsp;20" in window.readout.text()



def test_the_step_arrows_and_readout_read_the_run_on_show(window, qtbot, monkeypatch):
    """Stepping through a race drew the arrows and the readout by simulating the selected racer
    again up to the step, twice each, on the GUI thread: on a data surface at step 50,000, 1.2 s a
    frame.  They read the run on show: the arrows belong to the trail drawn, and nothing runs."""
    from landscape_app.core import engine

    state = window.state
    state.select(2)  # Nesterov: the arrows include a look-ahead
    window.vectors_action.setChecked(True)
    simulated = []
    real = engine.run_with
    monkeypatch.setattr(engine, "run_with", lambda *a, **kw: (simulated.append(a[2]), real(*a, **kw))[1])
    window.view.setFocus()
    for _ in range(4):
        qtbot.keyClick(window.view, Qt.Key.Key_Right)
    assert state.step == 4
    qtbot.waitUntil(lambda: "step</td><td>&nbsp;4<" in window.readout.text(), timeout=1000)
    assert simulated == []
    run, vectors = state.runs[2], window.view.vectors
    shafts = [s for s in vectors.shafts if s.isVisible()]
    xs, ys = shafts[-1].getData()  # the last arrow drawn is the actual step, at the view's fixed scale
    start, tip = np.array([xs[0], ys[0]]), np.array([xs[1], ys[1]])
    np.testing.assert_allclose(start, run.path[4], rtol=1e-12)
    np.testing.assert_allclose((tip - start) / vectors.scale, run.path[5] - run.path[4], rtol=1e-9)

def test_window_grab_is_not_blank(window, qtbot):
    window.state.set_step(200)
    image = window.grab().toImage()
    pixels = np.array([image.pixelColor(x, y).lightness() for x in range(0, image.width(), 17)
                       for y in range(0, image.height(), 17)])
    assert pixels.std() > 20


def test_setup_and_geometry_persist(qtbot, isolated_settings, tmp_path):
    from PySide6.QtCore import QSettings

    from landscape_app.ui.app import build

    settings = QSettings(str(isolated_settings / "app.ini"), QSettings.Format.IniFormat)
    w = build(settings, ready=True)
    qtbot.addWidget(w)
    w.state.set_surface("quadratic")
    w.state.add_racer("adamw")
    assert w.file_actions.save_to(tmp_path / "race.json")
    w.close()
    again = build(QSettings(str(isolated_settings / "app.ini"), QSettings.Format.IniFormat), ready=True)
    qtbot.addWidget(again)
    assert again.state.scenario.surface == "quadratic" and again.state.racers[-1].optimizer == "adamw"


def test_changes_discarded_at_quit_are_not_back_at_the_next_start(qtbot, isolated_settings, tmp_path,
                                                                  unsaved_answer):
    from PySide6.QtCore import QSettings

    from landscape_app.ui.app import build

    settings = QSettings(str(isolated_settings / "app.ini"), QSettings.Format.IniFormat)
    w = build(settings, ready=True)
    qtbot.addWidget(w)
    w.state.set_surface("quadratic")
    assert w.file_actions.save_to(tmp_path / "race.json")
    w.state.add_racer("adamw")
    unsaved_answer.answer = "cancel"
    assert not w.close() and w.state.racers[-1].optimizer == "adamw"  # cancelled: the window stays
    unsaved_answer.answer = "discard"
    assert w.close()
    assert unsaved_answer.asked == 2
    again = build(QSettings(str(isolated_settings / "app.ini"), QSettings.Format.IniFormat), ready=True)
    qtbot.addWidget(again)
    assert again.state.scenario.surface == "quadratic" and again.state.racers[-1].optimizer != "adamw"


def test_space_plays_and_pauses(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.timer.isActive()
    qtbot.waitUntil(lambda: window.state.step > 0, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.timer.isActive()


def test_presentation_mode_enlarges_fonts_and_trails_and_comes_back(window, qtbot):
    from PySide6.QtWidgets import QApplication

    view = window.view

    def head_widths():
        return [round(h.path().boundingRect().width()) for h in view.heads]

    normal, heads = QApplication.font().pointSizeF(), head_widths()
    window.present_action.setChecked(True)
    assert not window.racers_dock.isVisible()  # the panels go at once, the fonts grow on the next turn
    qtbot.waitUntil(lambda: QApplication.font().pointSizeF() == normal * 1.5, timeout=1000)
    # the plots on the turn after the font (together: 60–90 ms in one block)
    qtbot.waitUntil(lambda: view.curves[0].opts["pen"].width() == 2, timeout=1000)
    assert all(big > small for big, small in zip(head_widths(), heads))
    window.present_action.setChecked(False)
    assert QApplication.font().pointSizeF() == normal
    qtbot.waitUntil(lambda: view.curves[0].opts["pen"].width() <= 1 and head_widths() == heads, timeout=1000)


def test_presentation_fonts_change_one_part_of_the_window_per_turn(window, qtbot):
    """Set on the application at once, the font relaid out every window in one block (45–60 ms, past
    100 ms on a busy machine).  Each part of the window (central area, docks, bars) takes it on a turn
    of its own, with the event loop running between; back from presentation mode, no part keeps a
    font of its own."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    parts = [window.centralWidget(), window.settings_dock, window.racers_dock, window.toolbar, window.menuBar()]
    events = []

    class Spy(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.FontChange and obj in parts:
                events.append(parts.index(obj))
            return False

    spy = Spy()
    for part in parts:
        part.installEventFilter(spy)
    beat = QTimer(interval=1)
    beat.timeout.connect(lambda: events.append("beat"))
    beat.start()
    normal = QApplication.font().pointSizeF()
    for on, size in ((True, normal * 1.5), (False, normal)):
        events.clear()
        window.present_action.setChecked(on)
        qtbot.waitUntil(window.presentation_settled, timeout=3000)
        firsts = sorted(events.index(k) for k in range(len(parts)))  # each part got the new font …
        assert all("beat" in events[a:b] for a, b in pairwise(firsts)), events  # … on a turn of its own
        assert QApplication.font().pointSizeF() == size
        assert all(part.font().pointSizeF() == size for part in parts)
        assert all(label.font().pointSizeF() == size for label in window.hyper_form.findChildren(QLabel))
    beat.stop()
    assert not any(part.testAttribute(Qt.WidgetAttribute.WA_SetFont) for part in parts)
    window.present_action.setChecked(True)  # a dock floated while presenting gives its font back too
    qtbot.waitUntil(window.presentation_settled, timeout=3000)
    window.panels_action.setChecked(True)
    window.racers_dock.setFloating(True)
    window.present_action.setChecked(False)
    qtbot.waitUntil(window.presentation_settled, timeout=3000)
    assert window.racers_dock.font().pointSizeF() == normal
    assert not window.racers_dock.testAttribute(Qt.WidgetAttribute.WA_SetFont)


def test_the_settings_forms_refusals_are_red_and_grow_with_the_presentation_font(window, qtbot):
    """Every form's places for a refusal, the hidden ones kept for other optimizers too, follow the
    application font in presentation mode and back (coloured by palette: no style sheet to
    re-polish), in the form's red."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from landscape_app.ui.panels.hyper_form import ERROR_COLOUR

    state, form = window.state, window.hyper_form
    state.set_optimizer(state.selected, "adam")
    state.set_optimizer(state.selected, "rmsprop")  # Adam's form stays, hidden
    labels = [label for _, _, _, errors in form._forms.values() for label in errors.values()]
    assert len(labels) > len(form.errors)
    normal = QApplication.font().pointSizeF()
    for on, size in ((True, normal * 1.5), (False, normal)):
        window.present_action.setChecked(on)
        qtbot.waitUntil(lambda size=size: QApplication.font().pointSizeF() == size, timeout=1000)
        qtbot.waitUntil(lambda size=size: all(label.font().pointSizeF() == size for label in [*labels, form.error]),
                        timeout=1000)
    assert all(label.palette().color(QPalette.ColorRole.WindowText).name() == ERROR_COLOUR for label in labels)


def test_the_legend_names_every_racer_and_strikes_hidden_ones(window, qtbot):
    state = window.state
    title = window.view.getPlotItem().titleLabel.text
    assert all(r.name in title for r in state.racers)
    state.set_visible(1, False)
    assert f"<s>{state.racers[1].name}</s>" in window.view.getPlotItem().titleLabel.text


def test_window_appears_before_kernels_are_ready_and_says_so(qtbot):
    from landscape_app.ui.app import build

    w = build(None, ready=False)
    qtbot.addWidget(w)
    w.show()
    preview = list(w.state.runs)
    if not w.state.ready:  # (with a warm disk cache the kernels may load before this line)
        assert "preparing kernels" in w.status_label.text() and "interpreter" in w.status_label.text()
        # the first race is on screen already, run by the interpreter (core.interpreted)
        assert len(preview) == len(w.state.racers) and not w.view.preparing.isVisible()
        assert all(c.isVisible() and len(c.getData()[0]) for c in w.view.curves)
    qtbot.waitUntil(lambda: w.state.ready, timeout=60_000)
    assert len(w.state.runs) == len(w.state.racers) and not w.view.preparing.isVisible()
    assert "preparing" not in w.status_label.text()
    for before, after in zip(preview, w.state.runs):  # computed again by the kernels: the same race
        assert after is not before
        np.testing.assert_allclose(before.path, after.path, atol=1e-9)
    w.warmup.wait()


def test_the_form_shows_changes_made_outside_it(window, qtbot):
    state = window.state
    state.select(3)
    state.set_hyper(3, "lr", 0.0123)
    assert window.hyper_form.editors["lr"].field.text() == "0.0123"
    state.set_hyper(3, "schedule", "step")  # a schedule brings its own fields
    assert {"decay", "every"} <= set(window.hyper_form.editors)


def test_a_kept_form_shows_the_selected_racers_values_and_acts_on_that_racer(window, qtbot):
    """Racers of one kind share their rows (kept hidden between switches): the values on show and
    the racer a field changes are always the selected one's."""
    from landscape_app.ui.panels.hyper_form import KEPT_FORMS

    state, form = window.state, window.hyper_form
    state.set_optimizer(1, "sgd")
    state.set_hyper(0, "lr", 0.011)
    state.set_hyper(1, "lr", 0.022)
    state.select(0)
    host = form.host
    state.select(1)
    assert form.host is host and form.editors["lr"].field.text() == "0.022"
    assert "<b" in form.title.text() and state.racers[1].name in form.title.text()
    field = form.editors["lr"].field
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "0.033")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert state.racers[1].hyper["lr"] == 0.033 and state.racers[0].hyper["lr"] == 0.011
    combo = form.editors["optimizer"]  # by the kept form's own combo box: racer 1, not the first user of the form
    combo.setCurrentIndex(combo.findData("adam"))
    assert state.racers[1].optimizer == "adam" and state.racers[0].optimizer == "sgd"
    assert form.editors["optimizer"].currentData() == "adam" and form.host is not host
    state.select(0)
    assert form.host is host and form.editors["optimizer"].currentData() == "sgd"
    assert form.editors["lr"].field.text() == "0.011"
    for name in ("momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "rprop", "adamw", "amsgrad", "nadam", "sgd"):
        state.set_optimizer(0, name)
        qtbot.wait(1)
    hosts = [w for w in form.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
             if w.layout() is not None and w.layout().__class__.__name__ == "QFormLayout"]
    assert len(form._forms) <= KEPT_FORMS and len(hosts) <= KEPT_FORMS + 1  # one more may await deleteLater
    assert sum(h.isVisible() for h in hosts) == 1


def test_a_diverged_racer_is_crossed_out_where_it_left_the_map(window, qtbot):
    state = window.state
    state.set_surface("quadratic")
    state.set_hyper(0, "lr", 0.52)  # 1 − 4α < −1 across the bowl: the racer is flung out along y
    state.set_step(state.max_steps)
    assert state.runs[0].diverged_at is not None
    x0, x1, y0, y1 = state.surface.domain
    pos = window.view.crashes[0].pos()
    assert window.view.crashes[0].isVisible()
    assert x0 <= pos.x() <= x1 and y0 - 1e-9 <= pos.y() <= y1 + 1e-9


def test_the_window_opens_within_the_screen_on_a_projector_and_at_its_preferred_size_on_a_big_screen():
    from PySide6.QtCore import QRect

    from landscape_app.ui.main_window import PREFERRED_SIZE, initial_size

    w, h, maximized = initial_size(QRect(0, 0, 1280, 720), 0, 30)  # a 1280×720 projector
    assert maximized and w <= 1280 and h + 30 <= 720
    w, h, maximized = initial_size(QRect(0, 0, 1920, 1040), 0, 30)  # 1920×1080 less a panel
    assert (w, h) == PREFERRED_SIZE and not maximized


def test_the_window_fits_a_1280x720_screen(window):
    """Nothing in the window needs more room than a 1280×720 projector has (the toolbar, docks and
    panels can all shrink that far)."""
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720 - 30, hint
    window.resize(1280, 690)
    assert window.width() <= 1280 and window.height() <= 690


def landscape_share(window) -> tuple[float, float]:
    """(the landscape widget, its plot area) as shares of the window."""
    total = window.width() * window.height()
    view = window.view.width() * window.view.height()
    area = window.view.vb.sceneBoundingRect()
    return view / total, area.width() * area.height() / total


def test_presentation_mode_puts_the_landscape_first_on_a_1280x720_screen(window, qtbot):
    normal_share, _ = landscape_share(window)
    window.present_action.setChecked(True)
    qtbot.waitUntil(lambda: window.isFullScreen() and window.presentation_settled())  # over a few turns
    window.setWindowState(Qt.WindowState.WindowNoState)  # the offscreen screen is 800×800: measure at 1280×720
    window.resize(1280, 720)
    qtbot.wait(50)
    share, plot_area = landscape_share(window)
    # the plot area is what the issue measured (595×270 px, 17 %); the whole view with its axes is more
    assert plot_area >= 0.70 and share > normal_share + 0.3, (plot_area, share, normal_share)
    assert not window.statusBar().isVisible()  # until it has something to say
    window.state.message.emit("a refusal")
    assert window.statusBar().isVisible()
    window.statusBar().clearMessage()
    assert not window.statusBar().isVisible()
    assert all(r.name in window.story.text() for r in window.state.racers)  # the legend moved to the story line
    assert not any(d.isVisible() for d in window.docks()) and not window.bottom.isVisible()
    bar = window.toolbar
    assert bar.sizeHint().width() <= 1280 and all(bar.widgetForAction(a).isVisible() for a in window.views.group.actions())
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_P)  # the panels one key away
    assert window.racers_dock.isVisible()
    QTest.keyClick(window.view, Qt.Key.Key_L)
    board = window.leaderboard
    qtbot.wait(20)
    assert window.bottom.isVisible() and board.columnViewportPosition(4) + 60 <= board.viewport().width()
    window.present_action.setChecked(False)
    qtbot.waitUntil(lambda: window.racers_dock.isVisible() and window.bottom.isVisible())


def test_the_leaderboard_shows_every_column_in_a_narrow_table(window, qtbot):
    board = window.leaderboard
    board.resize(330, 200)
    board.fit_columns()
    widths = [board.columnWidth(j) for j in range(board.columnCount())]
    assert board.columnViewportPosition(4) + 60 <= board.viewport().width() and all(w > 20 for w in widths)
    name = board.item(0, 0)
    assert name.toolTip() == name.text()  # an elided name is whole in its tooltip


def test_the_timeline_moves_the_play_head_and_follows_it(window, qtbot):
    state, slider = window.state, window.timeline.slider
    QTest.mouseClick(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(slider.width() * 3 // 4, slider.height() // 2))
    assert 0 < state.step <= state.max_steps and slider.value() == state.step
    state.set_step(10)
    assert slider.value() == 10 and window.timeline.label.text() == f"step 10 / {state.max_steps}"
    window.play_action.trigger()
    slider.setValue(40)  # taking hold of the play head pauses the race
    assert not window.timer.isActive() and state.step == 40


def test_the_future_route_can_be_hidden(window):
    view = window.view
    assert all(p.isVisible() for p in view.previews)
    assert all(p.opts["pen"].color().alpha() == 255 for p in view.previews)  # faint, not translucent: see palette.faint
    window.route_action.trigger()
    assert not any(p.isVisible() for p in view.previews)
    window.state.add_racer("adam")  # new racers follow the choice
    assert not any(p.isVisible() for p in view.previews)
    window.route_action.trigger()
    assert all(p.isVisible() for p in view.previews)


def test_inside_the_step_follows_a_rename_at_once(window, qtbot):
    window.state.rename_racer(0, "Plain GD")
    qtbot.waitUntil(lambda: "Plain GD" in window.readout.text(), timeout=500)


def test_the_play_button_uses_icons_not_glyphs_that_fonts_lack(window):
    for a in (window.play_action, window.back_action, window.step_action, window.reset_action):
        assert not a.icon().isNull() and all(ord(c) < 0x2000 for c in a.text())
    window.play_action.trigger()
    assert window.play_action.text() == "Pause"
    window.play_action.trigger()


def test_a_refusal_is_shown_whole_next_to_its_field_and_cleared_when_the_text_is_valid_again(window, qtbot):
    form = window.hyper_form
    window.resize(1280, 690)
    qtbot.wait(30)
    seed = form.editors["seed"]  # the last field: at the bottom of the scrolling panel
    seed.setFocus()
    seed.selectAll()
    QTest.keyClicks(seed, "9" * 40)
    QTest.keyClick(seed, Qt.Key.Key_Return)
    error = form.errors["seed"]
    qtbot.waitUntil(lambda: error.isVisible())
    assert "seed" in error.toolTip() and "d32f2f" in seed.styleSheet()
    qtbot.waitUntil(lambda: error.heightForWidth(error.width()) <= error.height() + 1, timeout=1000)  # wrapped, not cut
    assert error.width() <= form.width()  # never wider than the panel
    scroll = next(area for area in window.findChildren(QScrollArea) if area.isAncestorOf(form))
    qtbot.waitUntil(lambda: scroll.viewport().rect().contains(
        error.geometry().translated(form.mapTo(scroll.viewport(), QPoint(0, 0)) + error.parentWidget().mapTo(form, QPoint(0, 0)))))
    seed.selectAll()
    QTest.keyClicks(seed, "12")  # a usable value again: the mark goes while typing
    assert not error.isVisible() and seed.styleSheet() == ""
    field = form.editors["beta1"].field if "beta1" in form.editors else form.editors["lr"].field
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "-5")
    QTest.keyClick(field, Qt.Key.Key_Return)
    name = "beta1" if "beta1" in form.editors else "lr"
    assert form.errors[name].isVisible() and "d32f2f" in field.styleSheet()
    field.selectAll()
    QTest.keyClicks(field, field.text())  # typing the kept value back (a revert) clears it too
    assert not form.errors[name].isVisible() and field.styleSheet() == ""



def test_a_first_start_on_a_small_screen_opens_within_it(qtbot, isolated_settings):
    """No saved geometry: the window is sized to the screen (offscreen: 800×800), not 1400×900."""
    from PySide6.QtCore import QSettings

    from landscape_app.ui.app import build

    w = build(QSettings(str(isolated_settings / "first.ini"), QSettings.Format.IniFormat), ready=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    screen = w.screen().availableGeometry()
    assert w.width() <= screen.width() and w.height() <= screen.height()


def test_showing_the_side_panels_does_not_open_a_closed_dock(window, qtbot):
    """P brought back every dock, the averages panel the teacher never opened among them (in
    presentation mode at 1280×720 that pushed the window past the screen's right edge)."""
    assert not window.ewa_dock.isVisible()
    window.panels_action.trigger()
    window.panels_action.trigger()
    qtbot.wait(20)
    assert window.racers_dock.isVisible() and window.readout_dock.isVisible()
    assert not window.ewa_dock.isVisible()
    window.ewa_dock.toggleViewAction().trigger()  # opened: hidden and shown back with the others
    window.panels_action.trigger()
    assert not window.ewa_dock.isVisible()
    window.panels_action.trigger()
    assert window.ewa_dock.isVisible()


def test_presentation_story_line_keeps_each_racers_sample_with_its_name(window, qtbot):
    """Qt's own wrapping broke a line between a racer's sample (an inline image) and its name."""
    from landscape_app.core.presets import load_preset

    window.state.apply(load_preset("09_ema_vs_classical_momentum"), "open demo 9")
    window.present_action.setChecked(True)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(1024, 720)
    qtbot.wait(60)
    lines = window.story.text().split("<br>")
    assert len(lines) >= 2  # five long names do not fit one line at 1024 px
    for line in lines:
        assert not line.rstrip().endswith("'middle'>")  # no line ends on a sample without its name
    for r in window.state.racers:
        assert any(f"&nbsp;{r.name}" in line and line.count("<img") >= 1 for line in lines)
    window.present_action.setChecked(False)


def test_a_short_window_keeps_the_landscape_and_scrolls_the_explanation(window, qtbot):
    """At 1024×640 demo 2's explanation and eight claims took 250 px and left the landscape 170."""
    from landscape_app.core.presets import load_preset

    state = window.state
    state.apply(load_preset("02_sgd_vs_adam_plateau"), "open demo 2")
    qtbot.waitUntil(lambda: not state.busy, timeout=10_000)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: window.claims_view.compact, timeout=2000)
    qtbot.wait(50)
    area, story = window.story_area, window.story
    assert area.height() <= 0.2 * window.height() + 1  # the rest of the explanation scrolls
    assert story.heightForWidth(area.viewport().width()) > area.height()
    assert area.verticalScrollBar().maximum() > 0
    assert window.view.height() >= 250
    assert "✓" in window.claims_view.text() and "Adam" in window.claims_view.toolTip()  # the sentences on hover
    window.resize(1300, 900)  # room again: the whole explanation and the claims in full
    qtbot.waitUntil(lambda: not window.claims_view.compact, timeout=2000)
    qtbot.wait(50)
    assert story.heightForWidth(area.viewport().width()) <= area.height()


def test_a_hidden_landscape_catches_up_when_shown(window, qtbot):
    """In the 3-D layout the 2-D view is hidden: it skips the trails on every play frame (the 3-D
    play rate) and draws the play head's step when shown again."""
    state, view = window.state, window.view
    state.set_step(5)
    before = len(view.curves[0].getData()[0])
    view.hide()
    state.set_step(200)
    assert len(view.curves[0].getData()[0]) == before
    view.show()
    qtbot.wait(10)
    assert len(view.curves[0].getData()[0]) > before


def test_a_window_deleted_right_after_a_resize_runs_no_late_call(qtbot):
    """A resize queues text fitting for the next turn of the event loop: a window deleted before
    then raised "Internal C++ object already deleted" (seen in the bench)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from landscape_app.ui.app import build

    w = build(None, ready=True)
    w.show()
    qtbot.waitExposed(w)
    w.file_actions.quit_answer = "discard"
    w.resize(900, 600)
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(20)  # pytest-qt fails the test on an exception in a Qt callback


def test_the_window_paints_again_after_every_whole_window_change(window, qtbot):
    """Whole-window changes hold the paint for a few ms (one paint instead of 2–4).  A paint request
    that Qt had posted before the hold was swallowed during it, and Qt, thinking one still pending,
    never posted another: under X11 the window stayed on its old picture for good after the first
    surface switch (seen under Xvfb), while every check of the state passed."""
    painted = PaintCounter(window.view.viewport())
    box = window.surface_box

    def still_paints(what):
        qtbot.wait(200)  # the hold is over
        before = painted.count
        window.view.viewport().update()  # what any change on screen does
        qtbot.wait(300)
        assert painted.count > before, f"the landscape no longer repaints after {what}"

    for k in range(3):
        window.view.viewport().update()  # a paint request posted just before the change
        box.setCurrentIndex((box.currentIndex() + 1) % box.count())
        still_paints(f"surface switch {k}")
    window.view.viewport().update()
    window.state.add_racer("adam")
    still_paints("a racer added")
    for on in (True, False):
        window.view.viewport().update()
        window.present_action.setChecked(on)
        still_paints(f"presentation {on}")


def test_inside_the_step_tells_the_current_step_when_the_panels_come_back(window, qtbot):
    """Hidden (P, or presentation mode), the readout was not kept up to date: shown again, it told of
    step 0 while the play head was at 120 (seen under Xvfb)."""
    state = window.state
    window.set_presentation(True)
    state.set_step(120)
    qtbot.wait(150)
    window.set_presentation(False)
    qtbot.waitUntil(window.readout_dock.isVisible, timeout=1000)
    assert ">&nbsp;120<" in window.readout.text()
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_P)  # the side panels away
    assert not window.readout_dock.isVisible()
    state.set_step(50)
    qtbot.wait(150)
    QTest.keyClick(window.view, Qt.Key.Key_P)
    assert window.readout_dock.isVisible() and ">&nbsp;50<" in window.readout.text()


def test_the_side_panels_come_back_at_their_size(window, qtbot):
    """Left to the layout, the racers' list grew and the settings shrank a little at every P or
    presentation toggle, until the settings showed two rows (seen under Xvfb: 152/328 px, then
    359/121 after three P, 435/89 after three presentation toggles more)."""
    docks = (window.racers_dock, window.settings_dock, window.readout_dock)

    def heights():
        qtbot.wait(100)
        return [d.height() for d in docks]

    before = heights()
    window.view.setFocus()
    for _ in range(3):
        QTest.keyClick(window.view, Qt.Key.Key_P)
        qtbot.wait(50)
        QTest.keyClick(window.view, Qt.Key.Key_P)
        assert all(abs(a - b) <= 2 for a, b in zip(heights(), before)), (before, heights())
    seen = []
    for _ in range(3):  # the offscreen window comes back from full screen at another size: compare the rounds
        window.present_action.trigger()
        qtbot.wait(100)
        window.present_action.trigger()
        seen.append(heights())
    assert all(abs(a - b) <= 2 for a, b in zip(seen[-1], seen[0])), seen


def test_the_sweep_window_fits_the_screen_in_presentation_and_comes_back_to_its_size(window, qtbot):
    """Its one-line hint and readout, at the presentation font, made it 1,286 px wide on a 1280-px
    screen (the Recompute button and the high-α side of the map off screen), and it stayed that
    wide after presentation mode (seen under Xvfb)."""
    window.analysis.open_sweep()
    sweep = window.analysis.sweep
    qtbot.waitUntil(sweep.isVisible, timeout=1000)
    qtbot.wait(100)
    size = sweep.size()
    window.present_action.trigger()
    qtbot.wait(300)
    screen = sweep.screen().availableGeometry()
    assert sweep.minimumSizeHint().width() <= screen.width() and sweep.width() <= screen.width()
    window.present_action.trigger()
    qtbot.wait(300)
    assert sweep.size() == size


def test_flipping_through_the_surfaces_keeps_the_landscape_in_place(window, qtbot, settle):
    """Each explanation took its own height: the landscape and every view below it moved and were
    resized at every switch (a relayout and their axes drawn again).  The box keeps the height of
    the longest explanation shown at this window size; each one is still read whole or scrolls."""
    box, area, story = window.surface_box, window.story_area, window.story
    box.setFocus()
    geometries = []
    for round_ in range(2):
        box.setCurrentIndex(0)
        for _ in range(box.count() - 1):
            QTest.keyClick(box, Qt.Key.Key_Down)
            settle(window.state)
            qtbot.wait(10)
            wanted = story.heightForWidth(area.viewport().width())
            assert wanted <= area.height() or area.verticalScrollBar().maximum() > 0
            if round_ == 1:
                geometries.append(window.view.geometry())
    rects = {g.getRect() for g in geometries}
    assert len(rects) == 1, rects
    window.resize(window.width() - 200, window.height())  # a new size: the box fits the story on show again

    def fitted() -> bool:
        cap = max(QFontMetrics(story.font()).height() * 3, round(0.2 * window.height()))
        return area.height() == min(story.heightForWidth(area.viewport().width()), cap)

    qtbot.waitUntil(fitted, timeout=2000)


def test_the_toolbar_stays_put_while_the_race_plays_and_the_speed_changes(window, qtbot):
    """"Pause" is wider than "Play", "1000 steps/s" than "60 steps/s": the toolbar grew when the
    race started and pushed the view buttons at its end into the overflow menu (at 1240 px)."""
    bar = window.toolbar
    button = bar.widgetForAction(window.play_action)
    views = [bar.widgetForAction(a) for a in window.views.group.actions()]
    for presenting in (False, True):
        window.present_action.setChecked(presenting)
        qtbot.waitUntil(window.presentation_settled, timeout=3000)
        qtbot.wait(20)
        places = set()
        for speed in (60, 1000, 1):
            window.state.set_speed(speed)
            for _ in range(2):
                QTest.mouseClick(button, Qt.MouseButton.LeftButton)
                qtbot.wait(10)
                places.add((button.width(), tuple(v.x() for v in views)))
                assert button.width() >= button.sizeHint().width()  # the label is not cut
                assert window.speed_label.width() >= window.speed_label.sizeHint().width()
        assert len(places) == 1, (presenting, places)
    window.present_action.setChecked(False)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(1240, 760)
    qtbot.wait(50)
    for _ in range(2):
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.wait(10)
        assert all(v.isVisible() for v in views), (bar.width(), bar.sizeHint().width())


def mark_thaw_turns(window, before=lambda: None) -> list[bool]:
    """Wrap the window's thaw turn (see MainWindow._thaw): the returned flag is true while one runs,
    ``before`` is called as each begins."""
    thawing = [False]
    thaw = window._thaw_turn._fn

    def one_turn():
        before()
        thawing[0] = True
        try:
            thaw()
        finally:
            thawing[0] = False

    window._thaw_turn._fn = one_turn
    return thawing


@pytest.mark.parametrize("action, plot", [("Exponentially weighted averages", "view"),
                                          ("Learning rate beside the loss", "loss_plot")])
def test_showing_and_hiding_a_panel_paints_the_resized_plots_once_they_have_settled(window, qtbot, settle, action,
                                                                                   plot):
    """A panel shown or hidden resizes the plots beside it: painted in the same pass as the relayout,
    opening the averages froze the window 60 ms (closing them 41 ms), the learning rates 78 ms; held,
    16, 16 and 52 ms."""
    from PySide6.QtCore import QEvent, QObject

    paints = []  # whether each paint of the plot came from a thaw turn

    class Painted(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                paints.append(thawing[0])
            return False

    thawing = mark_thaw_turns(window)
    watched = getattr(window, plot)
    spy = Painted(watched)
    watched.viewport().installEventFilter(spy)
    settle(window.state)
    toggle = next(a for a in window.lessons_menu.actions() if a.text() == action)
    for _ in range(2):
        qtbot.waitUntil(lambda: not window._frozen, timeout=3000)
        qtbot.wait(50)
        paints.clear()
        toggle.trigger()
        qtbot.waitUntil(lambda: bool(paints) and not window._frozen, timeout=3000)
        assert paints[0], (toggle.isChecked(), paints)  # painted first by the thaw, at its new size


def test_after_a_whole_window_change_each_plot_is_painted_on_a_turn_of_its_own(window, qtbot, settle):
    """The held window is painted part by part: each plot on a turn of its own, the landscape first.
    Painted with its part, the central area (landscape, loss plot, table) took 50–90 ms in one turn."""
    from PySide6.QtCore import QEvent, QObject

    from landscape_app.core.presets import preset_files

    painted: list[list[str]] = []  # per thaw turn, the plots it painted

    class Painted(QObject):
        def __init__(self, name, widget):
            super().__init__(widget)
            self.name = name
            widget.installEventFilter(self)

        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint and thawing[0]:
                painted[-1].append(self.name)
            return False

    window.ewa_dock.show()
    plots = {"landscape": window.view, "loss": window.loss_plot, "learning rates": window.lr_plot.plot,
             "temperatures": window.ewa_panel.year, "g": window.ewa_panel.first, "g²": window.ewa_panel.second}
    thawing = mark_thaw_turns(window, before=lambda: painted.append([]))
    for name, plot in plots.items():
        Painted(name, plot.viewport())  # kept by its widget
    settle(window.state)
    window.file_actions.open_file(preset_files()[1], remember=False, answer="discard")
    settle(window.state)
    qtbot.waitUntil(lambda: not window._frozen, timeout=3000)
    turns = [names for names in painted if names]
    assert turns and turns[0] == ["landscape"]
    assert all(len(names) == 1 for names in turns), turns
    assert {name for names in turns for name in names} == set(plots)  # every plot painted once it was let go


def test_runs_from_the_worker_are_painted_plot_by_plot(window, qtbot, settle):
    """Runs computed in the background change every view at once: they arrive under the paint hold
    (plots painted on turns of their own), not in one pass of 100–180 ms."""
    state = window.state
    state.set_max_steps(100_000)  # long: computed by the worker
    settle(state)
    held = []
    state.runsChanged.connect(lambda: held.append(bool(window._frozen)))
    state.set_start(*(np.array(state.start) * 0.9))
    assert state.busy
    qtbot.waitUntil(lambda: not state.busy and bool(held), timeout=30_000)
    assert held == [True]
    qtbot.waitUntil(lambda: not window._frozen, timeout=3000)
    assert window.centralWidget().updatesEnabled() and window.view.updatesEnabled()


def test_a_demo_is_not_painted_half_loaded(window, qtbot, settle):
    """After a whole-window change the plots beside the landscape follow on turns of their own; painted
    meanwhile, the window showed the new landscape over the old loss curves, and every plot was
    painted 2–3 times in one block (a demo load froze the window 90–190 ms).  Now no plot is painted
    before every view has followed the load."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from landscape_app.core.presets import preset_files
    from landscape_app.ui.throttle import Later

    class HalfPainted(QObject):
        def __init__(self, widget):
            super().__init__(widget)
            self.following: set = set()
            self.frames = 0
            widget.installEventFilter(self)

        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint and any(later.pending() for later in self.following):
                self.frames += 1
            return False

    window.analysis.open_sweep()
    plots = {"landscape": window.view, "loss": window.loss_plot, "learning rates": window.lr_plot.plot}
    watch = {name: HalfPainted(plot.viewport()) for name, plot in plots.items()}
    for demo in preset_files()[:4]:
        settle(window.state)
        qtbot.wait(200)
        window.file_actions.open_file(demo, remember=False, answer="discard")
        following = {later for w in QApplication.topLevelWidgets() for later in w.findChildren(Later) if later.pending()}
        assert following  # the views beside the landscape do follow on later turns
        for w in watch.values():
            w.following, w.frames = following, 0
        settle(window.state)
        qtbot.wait(100)
        assert {name: w.frames for name, w in watch.items()} == dict.fromkeys(plots, 0), demo.stem
        assert window.updatesEnabled()
