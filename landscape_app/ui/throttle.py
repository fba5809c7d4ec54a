"""Coalesce bursts of updates (60 play frames or mouse moves per second) into at most one call
per interval.  The first request of a quiet period runs on the next turn of the event loop, so a
single edit shows at once; requests during the interval collapse into one call at its end, so the
last state is always shown."""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer


class Throttle(QObject):
    def __init__(self, fn, interval_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self._fn = fn
        self._pending = False
        self._timer = QTimer(self, singleShot=True, interval=interval_ms)
        self._timer.timeout.connect(self._interval_over)
        self._first = Later(self._call, self)  # the next turn, not inside the change: see ``_Turns``

    def request(self, *_) -> None:
        if self._timer.isActive():
            self._pending = True
        else:
            self._first.request()

    def _call(self) -> None:
        self._fn()
        self._timer.start()

    def _interval_over(self) -> None:
        if self._pending:
            self._pending = False
            self._call()

    def flush(self) -> None:
        """Run a pending call now (offscreen rendering needs every view up to date per frame)."""
        if self._pending or not self._timer.isActive():
            self._pending = False
            self._timer.stop()
            self._first.cancel()
            self._fn()


class _Turns(QObject):
    """The calls requested through ``Later``, run one per turn of the event loop, oldest first.

    One call a turn, not every due call in one go: Qt fires all due timers in a single pass, so
    five views following a change on five timers of their own still froze the window for their
    sum (a surface switch with the averages, the ghost paths and the learning rates on: ~140 ms).
    Between two calls the event loop paints what the last one changed and takes input."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self._queue: dict[Later, None] = {}  # an ordered set: a call asked for again keeps its place
        self._timer = QTimer(self, singleShot=True, interval=1)
        self._timer.timeout.connect(self._run_one)

    def add(self, later: Later) -> None:
        self._queue[later] = None
        if not self._timer.isActive():
            self._timer.start()

    def discard(self, later: Later) -> None:
        self._queue.pop(later, None)

    def __contains__(self, later: Later) -> bool:
        return later in self._queue

    def _run_one(self) -> None:
        while self._queue:
            later = next(iter(self._queue))
            del self._queue[later]
            if shiboken6.isValid(later):  # its view may have been deleted while it waited
                try:
                    later.fire()
                finally:  # after the call, so what fell due meanwhile comes first; and after one that raised
                    if self._queue:
                        self._timer.start()
                return


def _turns() -> _Turns:
    app = QCoreApplication.instance()
    turns = app.findChild(_Turns)
    return turns if turns is not None else _Turns(app)


class Later(QObject):
    """Call ``fn`` once on a later turn of the event loop, however often it is requested before.

    For secondary views after a whole-window change (a demo, a surface, racers added): the
    landscape is drawn first and the event loop runs input and timers before the plots beside it
    follow, one view per turn (see ``_Turns``), instead of one long block.  A 1-ms timer, not a
    zero one: Qt runs zero timers in the same pass as the change that posted them."""

    def __init__(self, fn, parent: QObject | None = None):
        super().__init__(parent)
        self._fn = fn
        self._turns = _turns()

    def request(self, *_) -> None:
        self._turns.add(self)

    def pending(self) -> bool:
        return self in self._turns

    def fire(self) -> None:
        self._fn()

    def cancel(self) -> None:
        self._turns.discard(self)

    def flush(self) -> None:
        """Run a pending call now (tests, offscreen rendering)."""
        if self.pending():
            self._turns.discard(self)
            self._fn()
