"""Work that must not run on the GUI thread."""
from __future__ import annotations

import time

from PySide6.QtCore import QThread, Signal


class KernelWarmup(QThread):
    """Compile (or load from the disk cache) every kernel the window uses, off the GUI thread."""

    done = Signal(float)  # seconds it took
    failed = Signal(str)

    def run(self) -> None:
        t0 = time.perf_counter()
        try:
            import numpy as np

            from ..core.engine import simulate, simulate_many, simulate_settings
            from ..core.optimizers import OPTIMIZERS
            from ..core.surfaces import get_surface

            for name in OPTIMIZERS:
                simulate("quadratic", name, (1.0, 1.0), 2)
            get_surface("quadratic").grid(np.zeros(2), np.zeros(2))
            simulate_many("quadratic", "sgd", np.zeros((2, 2)), 2)
            simulate_settings("quadratic", "sgd", (1.0, 1.0), 2, [{}])
        except Exception as exc:  # surfaced in the status bar; the window stays usable
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.done.emit(time.perf_counter() - t0)
