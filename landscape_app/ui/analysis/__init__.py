"""Analysis views: basins of attraction, hyperparameter sweeps, ghost paths, α tuning, custom formulas.

Long computations run in :class:`Job` threads.  A job that has been superseded is cancelled between
chunks and its result dropped (each owner keeps a generation counter); a ``QThread`` destroyed
while running aborts the interpreter, so every job is kept alive here until it has finished.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QThread, Signal

_ALIVE: set["Job"] = set()


class Job(QThread):
    """Runs ``work(progress, cancelled)`` off the GUI thread.

    ``progress(fraction)`` may be called from the worker; ``cancelled()`` turns true after
    :meth:`cancel`.  ``result`` carries (generation, value) — ``value`` is None when cancelled —
    and ``failed`` (generation, message).
    """

    progressed = Signal(int, float)
    result = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, generation: int, work: Callable):
        super().__init__()
        self.generation = generation
        self._work = work
        self._cancel = False
        _ALIVE.add(self)
        self.finished.connect(lambda: _ALIVE.discard(self))

    def cancel(self) -> None:
        self._cancel = True

    def cancelled(self) -> bool:
        return self._cancel

    def run(self) -> None:
        try:
            value = self._work(lambda f: self.progressed.emit(self.generation, float(f)), self.cancelled)
        except Exception as exc:  # shown to the user; the window stays usable
            self.failed.emit(self.generation, f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValueError)
                             else str(exc))
            return
        self.result.emit(self.generation, None if self._cancel else value)


def running_jobs() -> list[Job]:
    return [j for j in _ALIVE if j.isRunning()]


def wait_for_jobs(timeout_ms: int = 30_000) -> None:
    """Cancel and join every job (at exit, and between tests)."""
    for job in list(_ALIVE):
        job.cancel()
    for job in list(_ALIVE):
        job.wait(timeout_ms)
