"""The optimizer state over whole runs (``core.inspect.history``), computed off the GUI thread and
kept while its run is on show.  A run of 10⁵ steps takes ~30 ms to replay: too long for the GUI
thread during a drag of the start, so the views ask for histories and redraw when they arrive."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from ..core.inspect import History, history
from .compute import LatestWorker
from .throttle import Later


class Histories(QObject):
    updated = Signal()  # some asked-for histories arrived: redraw

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self._cache: dict[int, tuple[object, History]] = {}  # id(run) → (run, its history): the run keeps its id
        self._request = 0
        self.failed_text = ""  # why the last request failed, for a message or a test
        self._worker = LatestWorker(name, self)
        self._worker.finished.connect(self._arrived)
        self._worker.failed.connect(self._failed)
        # on a turn of its own: a history arriving with the new runs would add its view's redraw
        # (10⁵ steps: 20–40 ms) to the landscape's in one block
        self._announce = Later(self.updated.emit, self)

    def get(self, run) -> History | None:
        hit = self._cache.get(id(run))
        return hit[1] if hit is not None and hit[0] is run else None

    def want(self, runs: list) -> None:
        """Keep the histories of ``runs`` (drop the others) and compute the missing ones."""
        runs = list(runs)
        self._cache = {id(r): self._cache[id(r)] for r in runs if self.get(r) is not None}
        todo = [r for r in runs if id(r) not in self._cache]
        if not todo:
            self._worker.cancel()
            self._request = 0
            return

        def work(progress, superseded):
            done = []
            for r in todo:
                if superseded():
                    break
                done.append((r, history(r)))
            return done

        self.failed_text = ""
        self._request = self._worker.submit(work)

    def busy(self) -> bool:
        return self._request != 0 or self._announce.pending()

    @Slot(int, str)
    def _failed(self, number: int, text: str) -> None:
        """A history that cannot be made leaves its curves out (the race itself is unaffected); the
        view must not wait for it for ever."""
        if number == self._request:
            self._request = 0
            self.failed_text = text
            self._announce.request()

    @Slot(int, object)
    def _arrived(self, number: int, done: list) -> None:
        if number != self._request:
            return
        self._request = 0
        for run, h in done:
            self._cache[id(run)] = (run, h)
        self._announce.request()
