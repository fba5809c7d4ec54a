"""Undo and redo of every setup change, and the Edit menu that offers them.

Every accepted change of the state emits ``changed(what)``; the stack keeps a snapshot of the
scenario before and after it.  Undo re-applies the snapshot before through ``state.apply`` (the
same all-or-nothing transaction as any other change), so the views follow as they always do.
A burst of changes with the same name (a slider drag, a start drag: dozens per second) is one step.

The stack also says whether the setup differs from the one last saved or opened ("modified"):
by content, so undoing back to the saved setup is not a change.
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from ..core.scenario import Scenario
from .state import AppState

MERGE_S = 1.0  # changes of one name closer together than this are one gesture
LIMIT = 200  # steps kept; the oldest are dropped


@dataclass
class Entry:
    what: str
    before: Scenario
    after: Scenario
    time: float


class UndoStack(QObject):
    stackChanged = Signal()  # what can be undone or redone changed, or whether the setup is modified

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.entries: list[Entry] = []
        self.index = 0  # entries[:index] are done, entries[index:] can be redone
        self._current = copy.deepcopy(state.scenario)
        self._clean = state.scenario.to_dict()
        self._replaying = False
        self._sealed = False  # the next change starts a new step even if it has the last one's name
        state.changed.connect(self._changed)

    # ------------------------------------------------------------------ recording
    def _changed(self, what: str) -> None:
        after = copy.deepcopy(self.state.scenario)
        before, self._current = self._current, after
        if self._replaying:
            return
        del self.entries[self.index:]
        now = time.monotonic()
        last = self.entries[-1] if self.entries else None
        if last is not None and not self._sealed and last.what == what and now - last.time < MERGE_S:
            last.after, last.time = after, now
        else:
            self.entries.append(Entry(what, before, after, now))
            del self.entries[:-LIMIT]
        self._sealed = False
        self.index = len(self.entries)
        self.stackChanged.emit()

    def seal(self) -> None:
        """End the current gesture: the next change is a step of its own."""
        self._sealed = True

    # ------------------------------------------------------------------ undoing
    def can_undo(self) -> bool:
        return self.index > 0

    def can_redo(self) -> bool:
        return self.index < len(self.entries)

    def undo_text(self) -> str:
        return self.entries[self.index - 1].what if self.can_undo() else ""

    def redo_text(self) -> str:
        return self.entries[self.index].what if self.can_redo() else ""

    def undo(self) -> bool:
        if not self.can_undo():
            return False
        entry = self.entries[self.index - 1]
        if self._replay(entry.before, f"undo {entry.what}"):
            self.index -= 1
        self.stackChanged.emit()
        return True

    def redo(self) -> bool:
        if not self.can_redo():
            return False
        entry = self.entries[self.index]
        if self._replay(entry.after, f"redo {entry.what}"):
            self.index += 1
        self.stackChanged.emit()
        return True

    def _replay(self, snapshot: Scenario, what: str) -> bool:
        self._replaying = True
        try:
            self.state.apply(copy.deepcopy(snapshot), what)
        except ValueError as exc:  # e.g. a formula surface that can no longer be made: say so, keep the stack
            self.state.message.emit(f"cannot {what}: {exc}")
            return False
        finally:
            self._replaying = False
            self._sealed = True
        return True

    # ------------------------------------------------------------------ saved or not
    def mark_clean(self) -> None:
        """The setup on show is saved (or freshly opened)."""
        self._clean = self.state.scenario.to_dict()
        self._sealed = True
        self.stackChanged.emit()

    def modified(self) -> bool:
        return self.state.scenario.to_dict() != self._clean

    def clean_scenario(self) -> Scenario:
        return Scenario.from_dict(copy.deepcopy(self._clean))


class EditMenu(QObject):
    """Edit → Undo <what> / Redo <what>, named after the step they take."""

    def __init__(self, window, stack: UndoStack):
        super().__init__(window)
        self.stack = stack
        self.undo_action = QAction("&Undo", window)
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.undo_action.triggered.connect(stack.undo)
        self.redo_action = QAction("&Redo", window)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(stack.redo)
        self.menu = window.menu("&Edit")
        self.menu.addAction(self.undo_action)
        self.menu.addAction(self.redo_action)
        for a in (self.undo_action, self.redo_action):
            window.addAction(a)
        stack.stackChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        s = self.stack
        self.undo_action.setEnabled(s.can_undo())
        self.redo_action.setEnabled(s.can_redo())
        self.undo_action.setText(f"&Undo {s.undo_text()}" if s.can_undo() else "&Undo")
        self.redo_action.setText(f"&Redo {s.redo_text()}" if s.can_redo() else "&Redo")
        self.undo_action.setToolTip(f"Undo the last change: {s.undo_text()} (Ctrl+Z)" if s.can_undo()
                                    else "Nothing to undo")
        self.redo_action.setToolTip(f"Redo: {s.redo_text()} (Ctrl+Shift+Z)" if s.can_redo() else "Nothing to redo")
