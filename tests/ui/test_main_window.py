"""The window driven as a user would: mouse drags, typing, playing, adding and removing racers."""
import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

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
    qtbot.waitUntil(lambda: len(window.loss_plot.curves[0].getData()[0]) == n + 1, timeout=500)
    assert f"step {n}" in window.status_label.text()


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


def test_window_grab_is_not_blank(window, qtbot):
    window.state.set_step(200)
    image = window.grab().toImage()
    pixels = np.array([image.pixelColor(x, y).lightness() for x in range(0, image.width(), 17)
                       for y in range(0, image.height(), 17)])
    assert pixels.std() > 20


def test_setup_and_geometry_persist(qtbot, isolated_settings):
    from PySide6.QtCore import QSettings

    from landscape_app.ui.app import build

    settings = QSettings(str(isolated_settings / "app.ini"), QSettings.Format.IniFormat)
    w = build(settings, ready=True)
    qtbot.addWidget(w)
    w.state.set_surface("quadratic")
    w.state.add_racer("adamw")
    w.close()
    again = build(QSettings(str(isolated_settings / "app.ini"), QSettings.Format.IniFormat), ready=True)
    qtbot.addWidget(again)
    assert again.state.scenario.surface == "quadratic" and again.state.racers[-1].optimizer == "adamw"


def test_space_plays_and_pauses(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.timer.isActive()
    qtbot.waitUntil(lambda: window.state.step > 0, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.timer.isActive()


def test_presentation_mode_enlarges_fonts_and_trails_and_comes_back(window, qtbot):
    from PySide6.QtWidgets import QApplication

    normal = QApplication.font().pointSizeF()
    window.present_action.setChecked(True)
    assert QApplication.font().pointSizeF() == normal * 1.5
    assert window.view.curves[0].opts["pen"].width() == 2
    window.present_action.setChecked(False)
    assert QApplication.font().pointSizeF() == normal
    assert window.view.curves[0].opts["pen"].width() <= 1


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
    if not w.state.ready:  # (with a warm disk cache the kernels may load before this line)
        assert "preparing kernels" in w.status_label.text() and w.view.preparing.isVisible()
    qtbot.waitUntil(lambda: w.state.ready, timeout=60_000)
    assert len(w.state.runs) == len(w.state.racers) and not w.view.preparing.isVisible()
    w.warmup.wait()


def test_the_form_shows_changes_made_outside_it(window, qtbot):
    state = window.state
    state.select(3)
    state.set_hyper(3, "lr", 0.0123)
    assert window.hyper_form.editors["lr"].field.text() == "0.0123"
    state.set_hyper(3, "schedule", "step")  # a schedule brings its own fields
    assert {"decay", "every"} <= set(window.hyper_form.editors)


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
