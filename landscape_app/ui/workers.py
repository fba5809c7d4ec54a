"""Work that must not run on the GUI thread."""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QThread, Signal

from ..core.analysis import batch_size_study
from ..core.engine import simulate, simulate_many, simulate_settings
from ..core.resolver import get_surface
from .mailbox import open_mailbox, post
from .trail_decimation import compile_decimation


def _landscape() -> None:
    surface = get_surface("quadratic")  # one grid evaluator serves every built-in surface
    surface.value_and_grad(1.0, 1.0)
    surface.grid(np.zeros(2), np.zeros(2))


def _trails() -> None:
    simulate("quadratic", "sgd", (1.0, 1.0), 2)  # one compiled loop serves every optimizer and built-in surface


def _batches(name: str = "quadratic") -> None:
    simulate_many(name, "sgd", np.zeros((2, 2)), 2)
    simulate_settings(name, "sgd", (1.0, 1.0), 2, [{}])


def _formulas() -> None:
    surface = get_surface("custom:x**2 + y**2")  # SymPy, the formula's grid and point evaluators
    simulate(surface.name, "sgd", (1.0, 1.0), 2)
    _batches(surface.name)


def _data_sets() -> None:
    surface = get_surface("data:least_squares?n=4")
    surface.grid(np.zeros(2), np.zeros(2))
    batch_size_study(surface.name, batch_sizes=[2], epochs=1, repeats=1)  # mini-batch loop and epochs kernel


# The trails come first: until the landscape's grid kernel is ready the window draws the landscape
# from the surface's plain-Python formula (landscape_image.preview_grid).  Each later stage is
# compiled before its first use would otherwise compile it on the GUI thread.
STAGES = (("trails", _trails), ("landscape", _landscape), ("batch kernels (basins, sweeps)", _batches),
          ("formula surfaces", _formulas), ("data surfaces", _data_sets),
          # last: NumPy decimates the trails meanwhile (see trail_decimation._moved_numpy), and
          # compiling earlier took the GIL from the window being built (a first start 0.25 s later)
          ("trail decimation", compile_decimation))
TRAILS, LANDSCAPE = 1, 2  # stages done when the trails / the compiled landscape can be computed


class KernelWarmup(QThread):
    """Compile (or load from the disk cache) every kernel, off the GUI thread, in the order of STAGES.

    Cold, the single-run loop takes ~3 s; then ``ready`` fires and the race is usable (its landscape
    drawn in plain Python meanwhile), while the landscape's grid kernel (~1.5 s), the batch kernels
    and the formula and data-surface specializations (~10 s more) follow.  Cached, all of it loads
    in ~0.5 s.
    """

    progress = Signal(int, int, str)  # stages done, all stages, the one being compiled now ("" at the end)
    landscape = Signal(float)  # seconds until the landscape's kernels were ready
    ready = Signal(float)  # seconds until the window's kernels (landscape and trails) were ready
    done = Signal(float)  # seconds until every kernel was ready
    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        open_mailbox()  # the signals are emitted on the GUI thread (see .mailbox)

    def run(self) -> None:
        t0 = time.perf_counter()
        for done, (label, compile_stage) in enumerate(STAGES):
            if self.isInterruptionRequested():  # the window is closing: a compile cannot be cut short
                return
            post(self, "progress", done, len(STAGES), label)
            try:
                compile_stage()
            except Exception as exc:  # surfaced in the status bar; the window stays usable
                post(self, "failed", f"{label}: {type(exc).__name__}: {exc}")
                if done + 1 <= max(TRAILS, LANDSCAPE):
                    return
                continue
            if done + 1 == LANDSCAPE:
                post(self, "landscape", time.perf_counter() - t0)
            elif done + 1 == TRAILS:
                post(self, "ready", time.perf_counter() - t0)
        post(self, "progress", len(STAGES), len(STAGES), "")
        post(self, "done", time.perf_counter() - t0)
