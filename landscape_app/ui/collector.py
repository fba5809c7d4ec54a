"""Python's cyclic garbage collector, run on the GUI thread only, between events.

Left automatic, a collection runs wherever an allocation makes it due: in a worker thread
computing trajectories, in the warm-up thread compiling kernels while the window is built, or
in the middle of a Qt destructor that calls into Python.  The Qt objects in the garbage it finds
(a plot's menu, a closed dialog's widgets) are then destroyed right there: off the GUI thread, or
inside another object's destruction, whose lock they need.  Both deadlocked the process (a QMenu
destroyed on a Python thread while the GUI thread disconnected a signal; a QMenu collected inside
a QWidget's destructor).  So once the app has a window, automatic collection is off for good and
a timer on the GUI thread collects, by the thresholds Python uses (pyqtgraph's GarbageCollector
does the same).
"""
from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 100
FULL_EVERY_S = 30.0  # the oldest generation: its collections walk every object that is not frozen
_THRESHOLDS = gc.get_threshold()
_last_full = time.monotonic()


def collect_due() -> None:
    """Collect the generations Python would have collected by now (nothing, mostly)."""
    global _last_full
    young, middle, old = gc.get_count()
    if young <= _THRESHOLDS[0]:
        return
    if middle <= _THRESHOLDS[1]:
        gc.collect(0)
    elif old <= _THRESHOLDS[2] or time.monotonic() - _last_full < FULL_EVERY_S:
        gc.collect(1)
    else:
        gc.collect(2)
        _last_full = time.monotonic()


class GuiThreadCollector(QObject):
    """One per application, made before the first worker thread starts (see ``install``)."""

    def __init__(self, app: QCoreApplication):
        super().__init__(app)
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(collect_due)
        self._timer.start()
        gc.disable()

    @classmethod
    def install(cls) -> None:
        app = QCoreApplication.instance()
        if app.findChild(cls) is None:
            cls(app)
