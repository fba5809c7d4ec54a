"""No exception passes unseen: one that escapes a slot or a worker thread is logged with its
traceback and told to the user (status bar and a non-modal note), and the window goes on.

The previous hooks are kept and still called, so a test runner (pytest-qt fails a test on an
escaped exception) or a debugger sees everything too.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from .mailbox import open_mailbox, post

log = logging.getLogger("landscape")


def log_path() -> Path:
    root = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(root) / "landscape-app" / "errors.log"


class ErrorReporter(QObject):
    """Installs the hooks; ``reported`` carries a one-line summary to the GUI thread."""

    reported = Signal(str)

    def __init__(self, window, path: Path | None = None):
        super().__init__(window)
        self.window = window
        self.path = path or log_path()
        self.count = 0
        self._box: QMessageBox | None = None
        self._previous = (sys.excepthook, threading.excepthook)
        self._handler = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handler = RotatingFileHandler(self.path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
            self._handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
            log.addHandler(self._handler)
        except OSError:  # a read-only home: the note in the window still tells
            self.path = None
        open_mailbox()
        self.reported.connect(self._show)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous
        if self._handler is not None:
            log.removeHandler(self._handler)
            self._handler.close()

    def _excepthook(self, kind, value, tb) -> None:
        self._record(kind, value, tb)
        self._previous[0](kind, value, tb)

    def _thread_excepthook(self, args) -> None:
        self._record(args.exc_type, args.exc_value, args.exc_traceback)
        self._previous[1](args)

    def _record(self, kind, value, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            return
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("unexpected error\n%s", text)
        summary = f"{kind.__name__}: {value}"
        if threading.current_thread() is threading.main_thread():
            self.reported.emit(summary)
        else:  # a worker thread emits nothing itself
            post(self, "reported", summary)

    def _show(self, summary: str) -> None:
        self.count += 1
        where = f" Details are in {self.path}." if self.path else ""
        self.window.statusBar().showMessage(f"Something went wrong: {summary}", 15000)
        if self._box is None:
            self._box = QMessageBox(QMessageBox.Icon.Warning, "Something went wrong", "", QMessageBox.StandardButton.Ok,
                                    self.window)
            self._box.setModal(False)
        self._box.setText(f"{summary}\n\nThe window keeps working.{where}")
        self._box.show()  # not open(): that makes it window-modal
