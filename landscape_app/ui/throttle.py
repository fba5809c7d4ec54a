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


class Later(QObject):
    """Call ``fn`` once on a later turn of the event loop, however often it is requested before.

    For secondary views after a whole-window change (a demo, a surface, racers added): the
    landscape is drawn first and the event loop runs input and timers before the plots beside it
    follow, instead of one long block.  A 1-ms timer, not a zero one: Qt runs zero timers in the
    same pass as the change that posted them."""

    def __init__(self, fn, parent: QObject | None = None):
        super().__init__(parent)
        self._fn = fn
        self._timer = QTimer(self, singleShot=True, interval=1)
        self._timer.timeout.connect(self._fn)

    def request(self, *_) -> None:
        self._timer.start()

    def pending(self) -> bool:
        return self._timer.isActive()

    def flush(self) -> None:
        """Run a pending call now (tests, offscreen rendering)."""
        if self._timer.isActive():
            self._timer.stop()
            self._fn()
