"""Scenario files, demos and exports from the window, including every kind of failure."""
import json

import imageio.v3 as iio
import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from landscape_app.core import files
from landscape_app.core import scenario as sc
from landscape_app.core.presets import load_preset, preset_files


def snapshot(window):
    return json.dumps(window.state.scenario.to_dict(), sort_keys=True)


def test_every_demo_opens_from_the_menu_and_explains_itself(window):
    actions = window.file_actions.demo_actions
    assert len(actions) == len(preset_files()) >= 9
    for action, path in zip(actions, preset_files()):
        action.trigger()
        expected = sc.load(path)
        assert window.state.scenario.surface == expected.surface
        assert [r.name for r in window.state.racers] == [r.name for r in expected.racers]
        assert expected.explanation[:40] in window.story.text()


def test_save_and_reopen_gives_identical_trajectories(window, tmp_path):
    fa = window.file_actions
    window.state.set_hyper(0, "lr", 0.0123)
    before = [r.path.copy() for r in window.state.runs]
    assert fa.save_to(tmp_path / "mine.json")
    window.state.set_surface("quadratic")
    assert fa.open_file(tmp_path / "mine.json")
    for a, b in zip(before, window.state.runs):
        np.testing.assert_array_equal(a, b.path)
    assert str((tmp_path / "mine.json").resolve()) == fa._recent[0]
    assert "mine.json" in window.windowTitle()


BAD = {
    "not_json.json": "this is not a scenario",
    "wrong_type.json": json.dumps({"schema_version": 1, "surface": "ravine", "start": "left", "racers": []}),
    "unknown_optimizer.json": json.dumps({"schema_version": 1, "surface": "ravine", "start": [0, 0],
                                          "racers": [{"optimizer": "adamm"}]}),
    "out_of_range.json": json.dumps({"schema_version": 1, "surface": "ravine", "start": [0, 0],
                                     "racers": [{"optimizer": "adam", "hyper": {"beta1": 3}}]}),
    "newer.json": json.dumps({"schema_version": 99, "surface": "ravine", "start": [0, 0], "racers": []}),
}
WORDS = {"not_json.json": "not valid JSON", "wrong_type.json": "start", "unknown_optimizer.json":
         "racers[0].optimizer", "out_of_range.json": "racers[0].hyper: beta1", "newer.json": "newer Landscape"}


@pytest.mark.parametrize("name", list(BAD) + ["truncated.json"])
def test_bad_files_are_refused_with_the_field_named_and_the_session_untouched(window, tmp_path, name):
    text = BAD.get(name) or sc.dumps(load_preset("01_momentum_vs_nesterov"))[:300]
    (tmp_path / name).write_text(text)
    before = snapshot(window)
    assert not window.file_actions.open_file(tmp_path / name)
    assert WORDS.get(name, "truncated") in window.file_actions.last_error
    assert snapshot(window) == before


def test_failed_save_keeps_the_previous_file(window, tmp_path, monkeypatch):
    target = tmp_path / "keep.json"
    assert window.file_actions.save_to(target)
    old = target.read_bytes()
    window.state.set_hyper(0, "lr", 0.02)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    assert not window.file_actions.save_to(target)
    assert "No space left" in window.file_actions.last_error
    assert target.read_bytes() == old


def test_dropping_a_scenario_file_opens_it(window, tmp_path, qtbot):
    sc.save(load_preset("03_escaping_the_saddle"), tmp_path / "drop.json")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "drop.json"))])
    # the window system delivers a drag to the window's QWindow; at (200, 200): on the landscape
    target = window.windowHandle()
    assert window.childAt(200, 200) is window.view.viewport()
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(QPoint(210, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, move)
    assert move.isAccepted()
    drop = QDropEvent(QPointF(210, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    qtbot.waitUntil(lambda: window.state.scenario.surface == "saddle")  # opened once the drop has returned


def test_exported_animation_has_the_requested_frames_and_size(window, tmp_path):
    window.state.set_max_steps(20)
    out = window.file_actions.export_animation(tmp_path / "race.mp4", size=(320, 240), fps=10, steps_per_frame=5,
                                               loss_plot=True, caption="test")
    frames = iio.imread(out, index=None)
    assert frames.shape == (5, 240, 320, 3)


def test_cancelling_an_export_leaves_no_file_and_the_window_works(window, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: calls.append(1) or len(calls) > 3)
    window.state.set_max_steps(60)
    assert window.file_actions.export_animation(tmp_path / "race.mp4", size=(320, 240), steps_per_frame=1) is None
    assert list(tmp_path.iterdir()) == []
    window.state.set_step(10)
    assert window.state.step == 10


def test_exports_to_bad_paths_report_and_do_not_crash(window, tmp_path):
    fa = window.file_actions
    assert fa.export_animation(tmp_path / "missing" / "race.mp4", size=(320, 240)) is None
    assert "does not exist" in fa.last_error
    assert fa.export_image(tmp_path / "view.bmp") is None and ".png or .svg" in fa.last_error
    assert fa.export_data(tmp_path / "runs.xlsx") is None and ".csv or .json" in fa.last_error


def test_image_and_data_exports(window, tmp_path):
    fa = window.file_actions
    window.state.set_step(100)
    png = fa.export_image(tmp_path / "view.png", scale=2.0)
    img = iio.imread(png)
    assert img.shape[1] == 2 * window.view.width() and img[..., :3].std() > 10
    assert fa.export_image(tmp_path / "view.svg").read_text().lstrip().startswith("<?xml")
    csv = fa.export_data(tmp_path / "runs.csv").read_text().splitlines()
    assert csv[0] == "racer,step,x,y,loss,lr,grad_x,grad_y"
    assert len(csv) == 1 + sum(len(r.path) for r in window.state.runs)


def test_unsaved_changes_are_asked_about_before_a_demo_a_file_or_new_replaces_them(window, tmp_path, unsaved_answer):
    fa, state = window.file_actions, window.state
    sc.save(load_preset("03_escaping_the_saddle"), tmp_path / "other.json")
    demo = fa.demo_actions[0]
    demo.trigger()  # nothing changed yet: no question
    assert unsaved_answer.asked == 0 and not window.isWindowModified()
    state.add_racer("adam")
    mine = state.scenario.to_dict()
    unsaved_answer.answer = "cancel"
    for replace in (lambda: fa.demo_actions[1].trigger(), lambda: fa.open_file(tmp_path / "other.json"),
                    lambda: fa.new_action.trigger()):
        replace()
        assert state.scenario.to_dict() == mine  # cancelled: the race stays, changes and all
    assert unsaved_answer.asked == 3
    unsaved_answer.answer = "discard"
    fa.new_action.trigger()
    assert unsaved_answer.asked == 4 and state.scenario.surface == "ravine" and len(state.racers) == 5
    assert not window.isWindowModified() and fa.current_path is None


def test_answering_save_saves_to_the_open_file_first(window, tmp_path, unsaved_answer):
    fa, state = window.file_actions, window.state
    assert fa.save_to(tmp_path / "mine.json")
    state.set_max_steps(321)
    unsaved_answer.answer = "save"
    assert fa.open_file(preset_files()[0], remember=False)
    assert sc.load(tmp_path / "mine.json").steps == 321


def test_the_replacing_methods_take_the_answer_so_nothing_modal_is_shown(window, unsaved_answer):
    fa, state = window.file_actions, window.state
    state.add_racer("adam")
    assert not fa.open_file(preset_files()[0], remember=False, answer="cancel")
    assert fa.new_scenario(answer="discard")
    assert unsaved_answer.asked == 0
    with pytest.raises(ValueError, match="answer"):
        state.add_racer("adam")
        fa.new_scenario(answer="maybe")


def test_an_image_of_a_picture_not_on_show_is_refused_with_a_reason(tmp_path, qtbot):
    """A widget of no size (the landscape with the 3-D view in its place) gave Qt's 'Paint device
    returned engine == 0' warnings, then 'could not write'."""
    from PySide6.QtWidgets import QWidget

    from landscape_app.ui.images import save_widget

    hidden = QWidget()
    qtbot.addWidget(hidden)
    hidden.resize(0, 0)
    with pytest.raises(ValueError, match="not on show"):
        save_widget(hidden, tmp_path / "view.png")
    assert list(tmp_path.iterdir()) == []


def test_errors_share_one_box_that_shows_the_latest(window, tmp_path):
    """Three bad files in a row: one error box on screen, saying what the last one said."""
    for name in ("not_json.json", "wrong_type.json", "newer.json"):
        (tmp_path / name).write_text(BAD[name])
        assert not window.file_actions.open_file(tmp_path / name)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and len(window.findChildren(QMessageBox)) == 1
    assert WORDS["newer.json"] in boxes[0].text() and "newer.json" in boxes[0].windowTitle()
