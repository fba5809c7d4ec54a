"""Work too slow for the GUI thread, latest request wins.

A :class:`LatestWorker` owns one Python thread.  ``submit(work)`` replaces any request still
waiting; ``work(progress, superseded)`` runs in the thread and may call ``progress(done, total)``
and poll ``superseded()`` (true once a newer request arrived) to stop early.  Results come back
to the GUI thread as the ``finished``/``failed`` signals, tagged with the request's number, so
the owner can drop stale ones; the thread itself emits nothing (see :mod:`.mailbox`).  The
compiled kernels release the GIL (``nogil``), so the window keeps drawing while they run.

A plain daemon thread, not a ``QThread``: destroying a running ``QThread`` aborts the
interpreter, while this one is joined in :meth:`stop` at quit and never holds up the exit.

``superseded.flag`` is the same news for a compiled kernel (``engine.simulate(stop=...)``): a
one-element array raised when a newer request arrives or the request is cancelled, so a run of
many seconds ends within milliseconds instead of keeping a core until its last step.
"""
from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal

from .mailbox import open_mailbox, post, post_latest

_WORKERS: "set[LatestWorker]" = set()
WORKER_NICE = 10  # see yield_to_the_window


class LatestWorker(QObject):
    """Runs the latest request on a thread of its own; its signals are emitted on the GUI thread."""

    finished = Signal(int, object)  # request number, value
    failed = Signal(int, str)  # request number, message
    progressed = Signal(int, int, int)  # request number, done, total

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self._lock = threading.Condition()
        self._request: tuple[int, Callable] | None = None
        self._latest = 0
        self._running: int | None = None  # the request being worked on
        self._running_flag: np.ndarray | None = None  # its kernels' stop flag (see Superseded)
        self._thread: threading.Thread | None = None
        self._stopping = False
        open_mailbox()
        _WORKERS.add(self)
        # a closed dialog's worker must not keep a thread waiting for requests that never come
        self.destroyed.connect(lambda *_, worker=self: worker.stop(join=False))

    def submit(self, work: Callable) -> int:
        """Queue ``work`` (replacing a queued request); returns its number."""
        with self._lock:
            self._latest += 1
            self._raise_flag()
            self._request = (self._latest, work)
            if self._thread is None:
                self._stopping = False
                self._thread = threading.Thread(target=self._loop, name=f"landscape-{self.name}", daemon=True)
                self._thread.start()
            self._lock.notify()
            return self._latest

    def cancel(self) -> None:
        """Drop the queued request and mark the running one superseded."""
        with self._lock:
            self._latest += 1
            self._raise_flag()
            self._request = None

    def _raise_flag(self) -> None:  # with the lock held
        if self._running_flag is not None:
            self._running_flag[0] = 1

    def busy(self) -> bool:
        with self._lock:
            return self._request is not None or self._running is not None

    def stop(self, join: bool = True) -> None:
        """End the thread once the current request is done (kernels cannot be interrupted); wait
        for it unless ``join`` is false."""
        with self._lock:
            self._stopping = True
            self._latest += 1
            self._raise_flag()
            self._request = None
            self._lock.notify()
            thread, self._thread = self._thread, None
        if join and thread is not None and thread is not threading.current_thread():
            thread.join()
        _WORKERS.discard(self)

    def _loop(self) -> None:
        yield_to_the_window()
        while True:
            with self._lock:
                while self._request is None and not self._stopping:
                    self._lock.wait()
                if self._stopping:
                    return
                number, work = self._request
                self._request = None
                self._running = number
                superseded = Superseded()
                self._running_flag = superseded.flag

            try:
                value = work(lambda done, total: post_latest(self, "progressed", number, done, total), superseded)
            except Exception as exc:  # shown by the owner; the thread serves the next request
                message = str(exc) if isinstance(exc, ValueError) else \
                    f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}"
                post(self, "failed", number, message)
            else:
                post(self, "finished", number, value)
            with self._lock:
                self._running = self._running_flag = None


def yield_to_the_window() -> None:
    """Give the calling thread a lower scheduling priority (Linux: a thread's own nice value), so
    the GUI thread wins a core shared with workers: on two cores with three workers busy, a
    redraw that takes 3 ms alone took 5–7 ms (median) and up to 26 ms.  Elsewhere nothing changes."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICE)
    except (AttributeError, OSError):  # no per-thread priority on this platform
        pass


class Superseded:
    """``superseded()``: true once a newer request arrived or this one was cancelled (the worker
    raised ``flag``); ``superseded.flag``: the same news for ``engine.simulate(stop=...)``."""

    def __init__(self):
        self.flag = np.zeros(1, np.int8)

    def __call__(self) -> bool:
        return bool(self.flag[0])


def stop_all() -> None:
    """Join every worker thread (at quit and between tests)."""
    for worker in list(_WORKERS):
        worker.stop()
