"""Work that must not run on the GUI thread."""
from __future__ import annotations

import time

from PySide6.QtCore import QThread, Signal


class KernelWarmup(QThread):
    """Compile (or load from the disk cache) every kernel, off the GUI thread.

    The window's own kernels come first (a single run, the grid, one point: ~15 s cold, ~0.2 s
    cached) and ``ready`` fires as soon as they are; the batch kernels of the analysis tools
    (parallel, another ~15 s cold) follow in the same thread, after the race is already usable.
    """

    ready = Signal(float)  # seconds until the window's kernels were ready
    done = Signal(float)  # seconds until every kernel was ready
    failed = Signal(str)

    def run(self) -> None:
        t0 = time.perf_counter()
        try:
            import numpy as np

            from ..core.engine import simulate, simulate_many, simulate_settings
            from ..core.resolver import get_surface

            surface = get_surface("quadratic")
            simulate(surface.name, "sgd", (1.0, 1.0), 2)  # one compiled loop serves every optimizer
            surface.grid(np.zeros(2), np.zeros(2))
            surface.value_and_grad(1.0, 1.0)
            self.ready.emit(time.perf_counter() - t0)
            simulate_many(surface.name, "sgd", np.zeros((2, 2)), 2)
            simulate_settings(surface.name, "sgd", (1.0, 1.0), 2, [{}])
        except Exception as exc:  # surfaced in the status bar; the window stays usable
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.done.emit(time.perf_counter() - t0)
