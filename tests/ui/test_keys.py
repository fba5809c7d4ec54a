"""Single-key shortcuts never act while a text field has the focus, and what is typed stays typed;
the Help window lists the keys that work."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from landscape_app.ui.help import shortcut_rows

SHORTCUT_TEXT = "1 2 3 r v b g f l p"  # Space, 3, R, V, B, G, F, L, P are window shortcuts


def window_state(w):
    return (w.timer.isActive(), w.vectors_action.isChecked(), w.analysis.basins_action.isChecked(),
            w.analysis.ghosts_action.isChecked(), w.views.mode, w.route_action.isChecked(),
            w.panels_action.isChecked(), w.bottom_action.isChecked(), w.state.step)


def fields(w):
    form = w.hyper_form
    return {"α (a float field)": form.editors["lr"].field, "noise seed (an int field)": form.editors["seed"],
            "max steps (a spin box)": w.steps_box.lineEdit()}


@pytest.mark.parametrize("which", ["α (a float field)", "noise seed (an int field)", "max steps (a spin box)"])
def test_typing_shortcut_keys_into_a_field_types_them_and_sets_nothing_off(window, qtbot, which):
    field = fields(window)[which]
    before = window_state(window)
    field.setFocus()
    field.selectAll()
    QTest.keyClick(field, Qt.Key.Key_Backspace)
    QTest.keyClicks(field, "1 2")
    if which != "max steps (a spin box)":  # a spin box holds digits only; it must still not start the race
        assert field.text() == "1 2"
        QTest.keyClicks(field, " 3 r v b g f l p")
        assert field.text() == "1 2" + " 3 r v b g f l p"
    QTest.keyClick(field, Qt.Key.Key_Left)
    QTest.keyClick(field, Qt.Key.Key_Right)
    assert window_state(window) == before


def test_renaming_a_racer_in_the_list_takes_every_letter(window, qtbot):
    lst = window.racer_list.list
    item = lst.item(0)
    lst.editItem(item)  # what a double-click does
    qtbot.waitUntil(lambda: any(e.isVisible() for e in lst.findChildren(QLineEdit)))
    editor = next(e for e in lst.findChildren(QLineEdit) if e.isVisible())
    editor.setFocus()
    before = window_state(window)
    editor.selectAll()
    QTest.keyClicks(editor, "Big step 3")
    assert editor.text() == "Big step 3"
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.state.racers[0].name == "Big step 3", timeout=1000)
    assert window_state(window) == before


def test_the_same_keys_act_on_the_window_when_no_field_has_the_focus(window, qtbot):
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_V)
    QTest.keyClick(window.view, Qt.Key.Key_Right)
    assert window.vectors_action.isChecked() and window.state.step == 1
    QTest.keyClick(window.view, Qt.Key.Key_F)
    assert not window.route_action.isChecked() and not any(p.isVisible() for p in window.view.previews)
    QTest.keyClick(window.view, Qt.Key.Key_Space)
    assert window.timer.isActive()
    QTest.keyClick(window.view, Qt.Key.Key_Space)


def test_arrow_keys_on_a_slider_move_the_slider_not_the_play_head(window):
    slider = window.hyper_form.editors["lr"].slider
    slider.setFocus()
    value, step = slider.value(), window.state.step
    QTest.keyClick(slider, Qt.Key.Key_Right)
    assert slider.value() != value and window.state.step == step


def test_the_help_lists_every_shortcut_and_explains_every_view(window):
    keys = dict(shortcut_rows(window))
    for key in ("Space", "Right", "Left", "R", "V", "B", "G", "3", "F11", "P", "L", "F", "Ctrl+Z", "F1"):
        assert any(key in k.split(" / ") for k in keys), key
    assert any("Ctrl+Shift+Z" in k for k in keys)
    dialog = window.help.show(1)
    assert "Space" in dialog.keys.toPlainText() and "Shift+drag" in dialog.keys.toPlainText()
    dialog.show_tab(0)
    text = dialog.views.toPlainText()
    for view in ("landscape", "loss plot", "leaderboard", "Inside the step", "3-D", "Basins", "Ghost paths",
                 "sweep", "Tune α"):
        assert view.lower() in text.lower(), view
    assert dialog.isVisible() and not dialog.isModal()


def test_tooltips_explain_rather_than_repeat_the_label(window):
    bar = window.toolbar
    for action in bar.actions():
        widget = bar.widgetForAction(action)
        if action.isSeparator() or widget is None or widget.__class__.__name__ == "QLabel":
            continue
        tip = action.toolTip() if widget.__class__.__name__ == "QToolButton" else widget.toolTip()
        label = action.text().replace("&", "")
        assert tip and tip.replace("&", "") != label and len(tip) > len(label) + 8, (label, tip)
    for w in (window.steps_box, window.speed_slider, window.timeline.slider):
        assert "…" in w.toolTip()  # the range
    for b in (window.racer_list.add_button, window.racer_list.duplicate_button, window.racer_list.remove_button,
              window.racer_list.color_button):
        assert b.toolTip() and b.toolTip() != b.text() and len(b.toolTip()) > len(b.text()) + 8
