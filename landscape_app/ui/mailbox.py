"""How worker threads hand their results to the GUI thread without touching a Qt object.

A Qt signal emitted from a Python thread raced with the GUI thread: with owners made, connected and
deleted while their workers emitted, PySide read a half-built slot name ("Slot 'Owner::' not
found") and then crashed, with or without ``@Slot`` declarations (the monkey test segfaulted in a
worker's emit once in six CI runs).  So a worker calls :func:`post`, which only puts the news on a
queue and writes a byte to a socket; a ``QSocketNotifier`` on the GUI thread wakes up, and there
the news becomes an ordinary signal, emitted by the thread that owns its object.
"""
from __future__ import annotations

import queue
import socket
import threading

import shiboken6
from PySide6.QtCore import QObject, QSocketNotifier

_mailbox: Mailbox | None = None
_LATEST = object()  # stands in the queue for the arguments kept by post_latest


class Mailbox(QObject):
    def __init__(self):
        super().__init__()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._latest: dict[tuple[QObject, str], tuple] = {}  # see post_latest
        self._latest_lock = threading.Lock()
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._deliver)

    def post(self, sender: QObject, signal: str, args: tuple) -> None:  # any thread
        self._queue.put((sender, signal, args))
        self._wake()

    def post_latest(self, sender: QObject, signal: str, args: tuple) -> None:  # any thread
        with self._latest_lock:
            fresh = (sender, signal) not in self._latest
            self._latest[(sender, signal)] = args
        if fresh:  # else the news already waiting in the queue will carry these arguments
            self.post(sender, signal, _LATEST)

    def _wake(self) -> None:
        try:
            self._write.send(b"\0")
        except BlockingIOError:  # the socket is full of wake-ups already: the GUI thread will come
            pass

    def _deliver(self, *_) -> None:  # the GUI thread
        try:
            while self._read.recv(4096):
                pass
        except BlockingIOError:
            pass
        # What was posted before this turn; later news waits for the next one, so a worker that
        # posts progress faster than the window takes it cannot hold the event loop here.
        waiting = self._queue.qsize()
        try:
            for _ in range(waiting):
                sender, signal, args = self._queue.get_nowait()
                if args is _LATEST:
                    with self._latest_lock:
                        args = self._latest.pop((sender, signal))
                if shiboken6.isValid(sender):  # else its owner was deleted meanwhile: nobody listens
                    getattr(sender, signal).emit(*args)
        finally:  # also after a receiver raised (shown by the error hook): the rest comes next turn
            if not self._queue.empty():
                self._wake()


def open_mailbox() -> Mailbox:
    """The mailbox, made on the first call, which must come from the GUI thread."""
    global _mailbox
    if _mailbox is None:
        _mailbox = Mailbox()
    return _mailbox


def post(sender: QObject, signal: str, *args) -> None:
    """Emit ``sender``'s signal ``signal`` with ``args`` on the GUI thread (call from any thread,
    after :func:`open_mailbox` ran on the GUI thread); dropped if ``sender`` is deleted first."""
    _mailbox.post(sender, signal, args)


def post_latest(sender: QObject, signal: str, *args) -> None:
    """Like :func:`post`, for news that only matters as of its latest arguments (progress): posted
    again before the GUI thread took it, it is sent once, with the new arguments, where it was
    first queued.  A worker reporting progress faster than the window could take it otherwise
    queued without bound, and the window fell minutes behind."""
    _mailbox.post_latest(sender, signal, args)
