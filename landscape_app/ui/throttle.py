"""Coalesce bursts of updates (e.g. 60 play frames per second) into at most one call per interval."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    def __init__(self, fn, interval_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True, interval=interval_ms)
        self._timer.timeout.connect(fn)

    def request(self, *_) -> None:
        if not self._timer.isActive():
            self._timer.start()
