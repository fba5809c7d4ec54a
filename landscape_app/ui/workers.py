"""Work that must not run on the GUI thread."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numba
import numpy as np
from PySide6.QtCore import QThread, Signal

from ..core.analysis import batch_size_study
from ..core.engine import simulate, simulate_many, simulate_settings
from ..core.inspect import history
from ..core.jit import cache_complete, mark_cache_complete, warm_up_starts, warming_up
from ..core.resolver import get_surface
from .mailbox import open_mailbox, post
from .trail_decimation import compile_decimation


def _landscape() -> None:
    surface = get_surface("quadratic")  # one grid evaluator serves every built-in surface
    surface.value_and_grad(1.0, 1.0)
    surface.grid(np.zeros(2), np.zeros(2))


def _trails() -> None:
    """One compiled loop serves every optimizer and built-in surface; its replay (0.3 s more, cold)
    serves the step arrows, the readout and the learning-rate plot from the first compiled race:
    interpreted, a 10⁵-step run took 0.34 s to replay on the GUI thread."""
    history(simulate("quadratic", "adam", (1.0, 1.0), 2))


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


def compile_all() -> None:
    """Compile every stage into the disk cache, a line "done/all label" after each
    (``landscape-app compile-kernels``: the first start's child process, see KernelWarmup)."""
    for done, (label, compile_stage) in enumerate(STAGES, 1):
        compile_stage()
        print(f"{done}/{len(STAGES)} {label}", flush=True)
    mark_cache_complete()


def _compiler() -> subprocess.Popen | None:
    """A child process compiling the kernels into this process's cache folder (None if none starts)."""
    command = [sys.executable, "compile-kernels"] if getattr(sys, "frozen", False) else \
        [sys.executable, "-m", "landscape_app", "compile-kernels"]
    env = {**os.environ, "NUMBA_CACHE_DIR": str(Path(numba.config.CACHE_DIR).parent)}
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=env, text=True)
    except OSError:
        return None


class KernelWarmup(QThread):
    """Compile (or load from the disk cache) every kernel, off the GUI thread, in the order of STAGES.

    Cold, the single-run loop takes ~3 s; then ``ready`` fires and the race is usable (its landscape
    drawn in plain Python meanwhile), while the landscape's grid kernel (~1.5 s), the batch kernels
    and the formula and data-surface specializations (~10 s more) follow.  Cached, all of it loads
    in ~0.5 s.

    Cold, a child process compiles each stage into the cache and this thread loads it from there
    once the child has written it: compiled in this process, Numba's compiler held the GIL for
    long stretches and the window, waiting for it at every NumPy or Qt call, froze up to 660 ms
    per mouse move for the ~15 s of the first start.  Where no child can run, this thread compiles.
    """

    progress = Signal(int, int, str)  # stages done, all stages, the one being compiled now ("" at the end)
    landscape = Signal(float)  # seconds until the landscape's kernels were ready
    ready = Signal(float)  # seconds until the window's kernels (landscape and trails) were ready
    done = Signal(float)  # seconds until every kernel was ready
    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._child: subprocess.Popen | None = None
        open_mailbox()  # the signals are emitted on the GUI thread (see .mailbox)

    def start(self, *args) -> None:
        warm_up_starts()  # before the thread runs: no other thread compiles a kernel meanwhile
        super().start(*args)

    def stop(self) -> None:
        """Skip the stages not yet started (a compile in this thread cannot be cut short) and end
        the child; ``wait()`` then returns once the stage in hand is done."""
        self.requestInterruption()
        child = self._child
        if child is not None and child.poll() is None:
            child.kill()

    def run(self) -> None:
        t0 = time.perf_counter()
        self._child = None if cache_complete() else _compiler()
        try:
            with warming_up():
                complete = self._stages(t0)
        finally:  # before "done": the app may quit as soon as it hears it
            self._end_child()
        if complete is None:  # stopped, or the window's own kernels failed
            return
        if complete:
            mark_cache_complete()
        post(self, "progress", len(STAGES), len(STAGES), "")
        post(self, "done", time.perf_counter() - t0)

    def _wait_for_child(self, stages: int) -> None:
        """Until the child has compiled ``stages`` stages or has ended (failed, or killed by
        ``stop``): then this thread compiles what is left."""
        while self._child is not None:
            line = self._child.stdout.readline()
            if not line:
                self._end_child()
            elif line.split("/")[0] == str(stages):
                return

    def _end_child(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.kill()
            child.wait()
            child.stdout.close()

    def _stages(self, t0: float) -> bool | None:
        """Every stage in turn: whether all of them are ready (None: stopped or unusable)."""
        complete = True
        for done, (label, compile_stage) in enumerate(STAGES):
            if self.isInterruptionRequested():  # the window is closing
                return None
            post(self, "progress", done, len(STAGES), label)
            self._wait_for_child(done + 1)
            if self.isInterruptionRequested():
                return None
            try:
                compile_stage()  # loaded from the cache where the child compiled it
            except Exception as exc:  # surfaced in the status bar; the window stays usable
                post(self, "failed", f"{label}: {type(exc).__name__}: {exc}")
                if done + 1 <= max(TRAILS, LANDSCAPE):
                    return None
                complete = False
                continue
            if done + 1 == LANDSCAPE:
                post(self, "landscape", time.perf_counter() - t0)
            elif done + 1 == TRAILS:
                post(self, "ready", time.perf_counter() - t0)
        return complete
