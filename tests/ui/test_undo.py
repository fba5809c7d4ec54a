"""Undo and redo through the keys a user presses, for every kind of setup change, bursts merged."""
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest


def press(window, key, modifiers=Qt.KeyboardModifier.ControlModifier):
    window.view.setFocus()
    QTest.keyClick(window.view, key, modifiers)


def undo(window):
    press(window, Qt.Key.Key_Z)


def redo(window):
    press(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def pixel(view, x, y) -> QPoint:
    return view.mapFromScene(view.vb.mapViewToScene(QPointF(x, y)))


def change_surface(w):
    w.surface_box.setCurrentIndex(w.surface_box.findData("quadratic"))


def add_racer(w):
    next(a for a in w.racer_list.add_button.menu().actions() if a.text() == "AdamW").trigger()


def remove_racer(w):
    QTest.mouseClick(w.racer_list.remove_button, Qt.MouseButton.LeftButton)


def rename_racer(w):
    w.racer_list.list.item(0).setText("Plain GD")  # what the list's editor commits


def type_alpha(w):
    field = w.hyper_form.editors["lr"].field
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "0.05")
    QTest.keyClick(field, Qt.Key.Key_Return)


def max_steps(w):
    box = w.steps_box
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), "300")
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def click_start(w):
    x0, x1, y0, y1 = w.view.visible_extent()
    QTest.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     pixel(w.view, x0 + 0.3 * (x1 - x0), y0 + 0.6 * (y1 - y0)))


def hide_racer(w):
    w.racer_list.list.item(1).setCheckState(Qt.CheckState.Unchecked)


def choose_schedule(w):
    box = w.hyper_form.editors["schedule"]
    box.setCurrentIndex(box.findData("exponential"))


@pytest.mark.parametrize("change,name", [
    (change_surface, "surface Quadratic bowl"), (add_racer, "add AdamW"), (remove_racer, "remove SGD"),
    (rename_racer, "rename SGD"), (type_alpha, "change lr of SGD"), (max_steps, "max steps 300"),
    (click_start, "move the start"), (hide_racer, "hide Momentum"), (choose_schedule, "change schedule of SGD"),
])
def test_every_setup_change_is_undone_and_redone_by_the_keys_with_its_name_in_the_edit_menu(window, qtbot, change,
                                                                                            name, settle):
    state, edit = window.state, window.edit_menu
    before = state.scenario.to_dict()
    assert not edit.undo_action.isEnabled()
    change(window)
    settle(state)
    after = state.scenario.to_dict()
    assert after != before
    assert edit.undo_action.isEnabled() and edit.undo_action.text() == f"&Undo {name}"
    undo(window)
    settle(state)
    assert state.scenario.to_dict() == before
    assert edit.redo_action.text() == f"&Redo {name}" and not edit.undo_action.isEnabled()
    redo(window)
    settle(state)
    assert state.scenario.to_dict() == after
    assert [r.name for r in state.racers] == [item.text() for item in
                                              (window.racer_list.list.item(k) for k in
                                               range(window.racer_list.list.count()))]


def test_a_start_drag_is_one_undo_step(window, qtbot, settle):
    view, state = window.view, window.state
    before = tuple(state.start)
    vp = view.viewport()
    a = pixel(view, *state.start)
    b = pixel(view, before[0] + 1.0, before[1] + 0.8)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for k in range(1, 9):
        QTest.mouseMove(vp, a + (b - a) * (k / 8))
        qtbot.wait(15)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    settle(state)
    assert window.undo.index == 1 and tuple(state.start) != before
    undo(window)
    settle(state)
    assert tuple(state.start) == before


def test_a_slider_drag_is_one_undo_step_and_separate_gestures_are_two(window, qtbot, settle, monkeypatch):
    from landscape_app.ui import undo as undo_module

    state = window.state
    slider = window.hyper_form.editors["lr"].slider
    before = state.racers[0].hyper["lr"]
    slider.setFocus()
    for _ in range(6):
        QTest.keyClick(slider, Qt.Key.Key_Left)  # a burst of lr changes, as a drag sends them
    settle(state)
    assert window.undo.index == 1 and state.racers[0].hyper["lr"] < before
    monkeypatch.setattr(undo_module, "MERGE_S", 0.0)  # a pause: the next change is a gesture of its own
    QTest.keyClick(slider, Qt.Key.Key_Left)
    settle(state)
    assert window.undo.index == 2
    undo(window)
    undo(window)
    settle(state)
    assert state.racers[0].hyper["lr"] == before


def test_undo_after_opening_a_demo_brings_the_race_back_and_a_new_change_drops_the_redo(window, settle):
    from landscape_app.core.presets import preset_files

    state = window.state
    state.add_racer("adam")
    mine = state.scenario.to_dict()
    assert window.file_actions.open_file(preset_files()[2], remember=False, answer="discard")
    undo(window)
    settle(state)
    assert state.scenario.to_dict() == mine
    state.set_max_steps(123)
    assert not window.undo.can_redo()


def test_undo_in_a_text_field_is_the_fields_own(window, qtbot):
    field = window.hyper_form.editors["lr"].field
    stack_before = window.undo.index
    field.setFocus()
    QTest.keyClicks(field, "9")
    QTest.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.undo.index == stack_before and "9" not in field.text()


def test_the_title_marks_unsaved_changes_and_undoing_back_to_the_saved_setup_clears_it(window, tmp_path, settle):
    state = window.state
    assert window.file_actions.save_to(tmp_path / "race.json") and not window.isWindowModified()
    state.set_max_steps(250)
    assert window.isWindowModified() and window.windowTitle().startswith("race.json")
    undo(window)
    settle(state)
    assert not window.isWindowModified()
