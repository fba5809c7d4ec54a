"""Coalesce bursts of updates (60 play frames or mouse moves per second) into at most one call
per interval.  The first request of a quiet period runs at once, so a single edit shows
immediately; requests during the interval collapse into one call at its end, so the last
state is always shown."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    def __init__(self, fn, interval_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self._fn = fn
        self._pending = False
        self._timer = QTimer(self, singleShot=True, interval=interval_ms)
        self._timer.timeout.connect(self._interval_over)

    def request(self, *_) -> None:
        if self._timer.isActive():
            self._pending = True
            return
        self._fn()
        self._timer.start()

    def _interval_over(self) -> None:
        if self._pending:
            self._pending = False
            self._fn()
            self._timer.start()

    def flush(self) -> None:
        """Run a pending call now (offscreen rendering needs every view up to date per frame)."""
        if self._pending or not self._timer.isActive():
            self._pending = False
            self._timer.stop()
            self._fn()
