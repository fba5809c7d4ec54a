"""File, Demos and Export menus: scenario files (open, save atomically, recent, drag-and-drop),
the built-in demos, and exports (animation with progress and cancel, image, data).

Every action has a method that takes the path directly, so tests and scripts skip the dialogs.
A failure is shown with its reason and never touches the current session or an existing file.

Replacing a setup that has unsaved changes (open, a demo, new, quit) asks first: save, discard
or cancel.  The methods that replace take the answer (``answer="discard"``…), so scripts, tests
and the GUI monkey never meet the modal question.
"""
from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFileDialog, QFormLayout, QInputDialog, QLineEdit, QMessageBox, QProgressDialog, QSpinBox)

from ..core import presets
from ..core.scenario import Scenario, ScenarioError, load, save
from ..export import data
from ..export.animation import ExportCancelled
from .images import save_widget
from .scene import EXPORT_SIZES, parse_size, render_animation
from .state import default_scenario
from .view3d import LAYOUT_TITLES, LAYOUTS, gl_unavailable

MAX_RECENT = 8
SIZES = EXPORT_SIZES
ANSWERS = ("save", "discard", "cancel")


class ExportOptions(QDialog):
    """Size, frame rate, steps per frame, loss plot and caption of an animation."""

    def __init__(self, parent, scenario: Scenario):
        super().__init__(parent)
        self.setWindowTitle("Export animation")
        form = QFormLayout(self)
        self.size = QComboBox()
        self.size.addItems(SIZES)
        self.size.setCurrentText("1280x720")
        self.fps = QDoubleSpinBox(decimals=0, minimum=1, maximum=120, value=30)
        self.steps_per_frame = QSpinBox(minimum=1, maximum=1000, value=max(1, round(scenario.speed / 30)))
        self.loss_plot = QCheckBox("include the loss plot", checked=True)
        self.caption = QLineEdit(scenario.title)
        self.format = QComboBox()
        self.format.addItems(["MP4 (H.264)", "GIF"])
        self.view = QComboBox()  # the 3-D choices say why when OpenGL cannot be had
        reason = gl_unavailable()
        for mode in LAYOUTS:
            self.view.addItem(LAYOUT_TITLES[mode], mode)
            if mode != "2d" and reason:
                self.view.model().item(self.view.count() - 1).setEnabled(False)
                self.view.setItemData(self.view.count() - 1, f"unavailable: {reason}", Qt.ItemDataRole.ToolTipRole)
        self.orbit = QCheckBox("orbit the 3-D camera", checked=False)
        self.vectors = QCheckBox("step vectors of the selected racer", checked=False)
        self.vectors.setToolTip("Arrows on the landscape: gradient, clipped gradient, momentum part, actual step")
        self.size.setToolTip("Frame size in pixels; below 400×200 the loss plot is left out")
        for label, widget in (("format", self.format), ("view", self.view), ("", self.orbit), ("size", self.size),
                              ("frames per second", self.fps), ("steps per frame", self.steps_per_frame),
                              ("", self.loss_plot), ("", self.vectors), ("caption", self.caption)):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict:
        return {"size": parse_size(self.size.currentText()), "fps": self.fps.value(),
                "steps_per_frame": self.steps_per_frame.value(), "loss_plot": self.loss_plot.isChecked(),
                "caption": self.caption.text(), "view": self.view.currentData(),
                "orbit": self.orbit.isChecked() and self.view.currentData() != "2d",
                "vectors": self.vectors.isChecked()}

    def suffix(self) -> str:
        return ".gif" if self.format.currentIndex() == 1 else ".mp4"


class FileActions(QObject):
    def __init__(self, window, settings: QSettings | None = None):
        super().__init__(window)
        self.window = window
        self.state = window.state
        self.settings = settings
        self.current_path: Path | None = None
        self.last_error = ""
        self._error_box: QMessageBox | None = None  # one box, its text replaced: never a stack of them
        self._drop_target = None  # the window's QWindow, once it exists
        self._recent: list[str] = list(settings.value("recent_files", []) or []) if settings else []
        self.undo = window.undo  # the undo stack also knows whether the setup is saved
        self.quit_answer: str | None = None  # a script closing the window answers here (None: ask the user)
        self._build_menus()
        window.setAcceptDrops(True)
        # The window's Close passes here (unsaved changes?); so do drags, on the window's QWindow,
        # which gets them before the widget under the cursor: a file dropped on any part of the
        # window opens, even on a plot or a field that accepts drops itself.  (Not application-wide:
        # a Python filter there is called for every event of every widget.)
        window.installEventFilter(self)
        self._watch_drops()
        self.undo.stackChanged.connect(self._update_title)
        self._update_title()

    # ------------------------------------------------------------------ menus
    def _action(self, text, slot, shortcut=None) -> QAction:
        a = QAction(text, self.window)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(slot)
        return a

    def _build_menus(self) -> None:
        file_menu = self.window.menu("&File")
        self.new_action = self._action("&New", lambda: self.new_scenario(), QKeySequence.StandardKey.New)
        self.new_action.setToolTip("Start again from the default race (asks first if there are unsaved changes)")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self._action("&Open…", self._ask_open, QKeySequence.StandardKey.Open))
        file_menu.addAction(self._action("&Save", self._save, QKeySequence.StandardKey.Save))
        file_menu.addAction(self._action("Save &As…", self._ask_save_as, QKeySequence.StandardKey.SaveAs))
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addAction(self._action("Export &animation (MP4/GIF)…", self._ask_export_animation))
        file_menu.addAction(self._action("Export &image (PNG/SVG)…", self._ask_export_image))
        file_menu.addAction(self._action("Export &data (CSV/JSON)…", self._ask_export_data))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.window.close, QKeySequence.StandardKey.Quit))
        demos = self.window.menu("&Demos")
        self.demo_actions = []
        for path in presets.preset_files():
            action = self._action(presets.title_of(path), lambda _=False, p=path: self.open_file(p, remember=False))
            demos.addAction(action)
            self.demo_actions.append(action)
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for p in self._recent:
            self.recent_menu.addAction(self._action(Path(p).name, lambda _=False, p=p: self.open_file(p)))
        self.recent_menu.setEnabled(bool(self._recent))

    def _remember(self, path: Path) -> None:
        text = str(path.resolve())
        self._recent = [text] + [p for p in self._recent if p != text][: MAX_RECENT - 1]
        if self.settings is not None:
            self.settings.setValue("recent_files", self._recent)
        self._refresh_recent()

    def _update_title(self) -> None:
        name = self.current_path.name if self.current_path else (self.state.scenario.title or "untitled")
        self.window.setWindowTitle(f"{name}[*] — Landscape")  # [*]: Qt shows "*" while modified
        self.window.setWindowModified(self.undo.modified())

    # ------------------------------------------------------------------ unsaved changes
    def ask_unsaved(self) -> str:
        """Ask whether to save the changes about to be replaced: "save", "discard" or "cancel"."""
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          "The race has changes that are not saved. Save them first?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self.window)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setInformativeText("Discarded changes can still be undone (Ctrl+Z) until you quit.")
        button = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(button), "cancel")

    def may_replace(self, answer: str | None = None) -> bool:
        """True when the setup on show may be replaced: nothing unsaved, or the answer (asked when
        not given) is to save (and saving worked) or to discard."""
        if not self.undo.modified():
            return True
        answer = answer or self.ask_unsaved()
        if answer not in ANSWERS:
            raise ValueError(f"answer must be one of {', '.join(ANSWERS)}, not {answer!r}")
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new_scenario(self, answer: str | None = None) -> bool:
        """File → New: the default race (asks first about unsaved changes; undoable)."""
        if not self.may_replace(answer):
            return False
        self.window.set_playing(False)
        self.state.apply(default_scenario(), "new race", select=0)
        self.current_path = None
        self.undo.mark_clean()
        self._update_title()
        return True

    def may_close(self, answer: str | None = None) -> bool:
        """Quit: unsaved changes are saved, or discarded (the saved setup is what the next start
        shows), or the quit is cancelled."""
        if not self.undo.modified():
            return True
        answer = answer or self.ask_unsaved()
        if answer == "discard":  # the saved setup back, so that the window keeps that one for next time
            self.window.set_playing(False)
            self.state.attempt(self.state.apply, self.undo.clean_scenario(), "discard changes")
            return True
        return self.may_replace(answer)

    def report_error(self, title: str, text: str) -> None:
        """Say what went wrong without blocking (a modal dialog would freeze demos and tests).  One
        box, its text replaced: a new box per error left a stack of them to close, each kept alive
        by the window (and painted with it) for the rest of the session."""
        self.last_error = text
        self.window.statusBar().showMessage(f"{title}: {text}", 10000)
        if self._error_box is None:
            self._error_box = QMessageBox(QMessageBox.Icon.Warning, "", "", QMessageBox.StandardButton.Ok, self.window)
            self._error_box.setModal(False)
        self._error_box.setWindowTitle(title)
        self._error_box.setText(text)
        self._error_box.show()  # not open(): that makes it window-modal
        self._error_box.raise_()

    # ------------------------------------------------------------------ scenarios
    def open_file(self, path, remember: bool = True, answer: str | None = None) -> bool:
        """Open a scenario file (a demo with ``remember=False``); unsaved changes are asked about
        first, or settled by ``answer``."""
        path = Path(path)
        try:
            scenario = load(path)
        except ScenarioError as exc:  # the current session stays exactly as it was
            self.report_error(f"Cannot open {path.name}", str(exc))
            return False
        if not self.may_replace(answer):
            return False
        self.window.set_playing(False) if hasattr(self.window, "set_playing") else None
        try:  # one undo step, named after what was opened
            self.state.apply(copy.deepcopy(scenario), f"open {scenario.title or path.name}", select=0)
        except ValueError as exc:  # refused by the state's own checks: nothing changed
            self.report_error(f"Cannot open {path.name}", str(exc))
            return False
        self.current_path = path if remember else None
        if remember:
            self._remember(path)
        self.last_error = ""
        self.undo.mark_clean()
        self._update_title()
        self.window.statusBar().showMessage(f"opened {scenario.title or path.name}", 5000)
        return True

    def save_to(self, path) -> bool:
        path = Path(path)
        if path.suffix.lower() != ".json":
            path = path.with_suffix(".json")
        try:
            save(self.state.scenario, path)
        except ScenarioError as exc:
            self.report_error("Cannot save", str(exc))
            return False
        self.current_path = path
        self._remember(path)
        self.undo.mark_clean()
        self._update_title()
        self.window.statusBar().showMessage(f"saved {path}", 5000)
        return True

    def save(self) -> bool:
        """File → Save (Save As… when the race has no file yet); True when it was saved."""
        return self.save_to(self.current_path) if self.current_path else self._ask_save_as()

    def _save(self) -> None:
        self.save()

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open scenario", "", "Scenarios (*.json)")
        if path:
            self.open_file(path)

    def _ask_save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save scenario", str(self.current_path or "race.json"),
                                              "Scenarios (*.json)")
        return bool(path) and self.save_to(path)

    def _watch_drops(self) -> None:
        handle = self.window.windowHandle()  # None until the window is first shown
        if handle is not None and handle is not self._drop_target:
            handle.installEventFilter(self)
            self._drop_target = handle

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if obj is self.window:
            if kind == QEvent.Type.Show:
                self._watch_drops()
            elif kind == QEvent.Type.Close and not self.may_close(self.quit_answer):
                event.ignore()
                return True  # the window stays, with its changes
            return False
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and event.mimeData().hasUrls():
            if any(u.toLocalFile().lower().endswith(".json") for u in event.mimeData().urls()):
                event.acceptProposedAction()
                return True
        if kind == QEvent.Type.Drop and event.mimeData().hasUrls():
            files = [u.toLocalFile() for u in event.mimeData().urls() if u.toLocalFile().lower().endswith(".json")]
            if files:  # after the drop has returned: the unsaved-changes question is modal
                QTimer.singleShot(0, self, lambda f=files[0]: self.open_file(f))
                event.acceptProposedAction()
                return True
        return False

    # ------------------------------------------------------------------ exports
    def export_animation(self, path, **options) -> Path | None:
        """Render on the GUI thread frame by frame (Qt widgets live there), yielding to the event
        loop after each frame so the window and the progress dialog stay responsive."""
        dialog = QProgressDialog("Rendering frames…", "Cancel", 0, 100, self.window)
        dialog.setWindowTitle("Export animation")
        dialog.setMinimumDuration(300)
        self.progress_dialog = dialog

        def progress(done, total):
            dialog.setMaximum(total)
            dialog.setValue(done)
            QApplication.processEvents()

        try:
            options.setdefault("selected", max(self.state.selected, 0))  # its step vectors, if asked for
            out = render_animation(copy.deepcopy(self.state.scenario), path, progress=progress,
                                   cancelled=dialog.wasCanceled, **options)
        except ExportCancelled:
            self.window.statusBar().showMessage("export cancelled; nothing was written", 5000)
            return None
        except (ValueError, OSError) as exc:
            self.report_error("Cannot export the animation", str(exc))
            return None
        finally:
            dialog.close()
        self.window.statusBar().showMessage(f"wrote {out}", 8000)
        return out

    def export_image(self, path, scale: float = 1.0) -> Path | None:
        try:
            out = save_widget(self.window.view, path, scale)
        except ValueError as exc:
            self.report_error("Cannot export the image", str(exc))
            return None
        self.window.statusBar().showMessage(f"wrote {out}", 8000)
        return out

    def export_data(self, path) -> Path | None:
        try:
            out = data.export(self.state.scenario, path)
        except ValueError as exc:
            self.report_error("Cannot export the data", str(exc))
            return None
        self.window.statusBar().showMessage(f"wrote {out}", 8000)
        return out

    def _ask_export_animation(self) -> None:
        options = ExportOptions(self.window, self.state.scenario)
        if options.exec() != QDialog.DialogCode.Accepted:
            return
        suffix = options.suffix()
        path, _ = QFileDialog.getSaveFileName(self.window, "Export animation", f"race{suffix}",
                                              f"Animation (*{suffix})")
        if path:
            if not path.lower().endswith(suffix):
                path += suffix
            try:
                values = options.values()
            except ValueError as exc:
                self.report_error("Cannot export the animation", str(exc))
                return
            self.export_animation(path, **values)

    def _ask_export_image(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export image", "landscape.png",
                                              "PNG image (*.png);;SVG drawing (*.svg)")
        if not path:
            return
        scale = 1.0
        if not path.lower().endswith(".svg"):
            scale, ok = QInputDialog.getDouble(self.window, "PNG scale", "Scale (2 = twice the screen size):",
                                               2.0, 0.25, 8.0, 2)
            if not ok:
                return
        self.export_image(path, scale)

    def _ask_export_data(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export trajectories", "runs.csv",
                                              "CSV table (*.csv);;JSON (*.json)")
        if path:
            self.export_data(path)
