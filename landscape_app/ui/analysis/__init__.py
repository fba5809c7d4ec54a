"""Analysis views: basins of attraction, hyperparameter sweeps, ghost paths, α tuning, custom formulas.

Long computations run in :class:`Job` threads.  A job that has been superseded is cancelled between
chunks and its result dropped (each owner keeps a generation counter).
"""
from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from ..mailbox import open_mailbox, post, post_latest

_ALIVE: set["Job"] = set()  # started and not yet finished: joined at quit and between tests


class Job(QObject):
    """Runs ``work(progress, cancelled)`` on a thread of its own; its signals are emitted on the GUI
    thread (a plain Python thread, like :class:`..compute.LatestWorker`'s, and for the same reasons).

    ``progress(fraction)`` may be called from the worker; ``cancelled()`` turns true after
    :meth:`cancel`.  ``result`` carries (generation, value) — ``value`` is None when cancelled —
    and ``failed`` (generation, message).
    """

    progressed = Signal(int, float)
    result = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, generation: int, work: Callable):
        super().__init__()
        open_mailbox()
        self.generation = generation
        self._work = work
        self._cancel = False
        self._thread = threading.Thread(target=self._run, name="landscape-job", daemon=True)

    def start(self) -> None:
        _ALIVE.add(self)
        self._thread.start()

    def wait(self, timeout_ms: int) -> None:
        self._thread.join(timeout_ms / 1000)

    def cancel(self) -> None:
        self._cancel = True

    def cancelled(self) -> bool:
        return self._cancel

    def _run(self) -> None:
        try:
            value = self._work(lambda f: post_latest(self, "progressed", self.generation, float(f)), self.cancelled)
        except Exception as exc:  # shown to the user; the window stays usable
            post(self, "failed", self.generation, f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValueError)
                 else str(exc))
        else:
            post(self, "result", self.generation, None if self._cancel else value)
        finally:
            _ALIVE.discard(self)


def wait_for_jobs(timeout_ms: int = 30_000) -> None:
    """Cancel and join every job (at exit, and between tests)."""
    for job in list(_ALIVE):
        job.cancel()
    for job in list(_ALIVE):
        job.wait(timeout_ms)
