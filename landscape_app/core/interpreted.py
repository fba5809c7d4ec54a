"""The compiled loop's own source, run by the Python interpreter: the first race of a cold start.

With an empty kernel cache the single-run loop takes ~5 s to compile (every optimizer and built-in
surface in one kernel).  Meanwhile the window shows the first race computed from the very same
Python functions (each kernel's ``py_func``, its compiled callees swapped for their interpreted
selves), ~4 µs a step instead of ~30 ns: a few thousand steps are instant.  Nothing is written
twice, so the preview follows the same formulas; Python's power and libm differ from LLVM's in the
last bit now and then, so the window computes the race again with the kernels once they are
ready.  Built-in surfaces only (formulas and data sets have their own compiled evaluators).
"""
from __future__ import annotations

import numpy as np

from . import engine, surfaces
from .jit import interpret_with, interpreted
from .resolver import get_surface


def _evaluate(surface, x, y):
    return interpreted(surfaces.evaluate)(surface, x, y)


# engine's type-dispatched helpers (numba overloads have no Python body): built-in surfaces only
interpret_with(engine.__name__, {"_f": _evaluate, "_step_grad": lambda surface, x, y, gx, gy, t, seed: (gx, gy)})


def simulate(surface, optimizer: str, start, steps: int = 500, *, seed: int = 0,
             tol: float = engine.DEFAULT_TOL, **hyper) -> engine.Trajectory | None:
    """:func:`engine.simulate` by the interpreter: the same validation and the same result, or None
    where the interpreter cannot follow the kernel: a formula or data surface, or arithmetic that
    the kernel turns into inf or NaN and Python refuses (a division by zero, log(0))."""
    s = surface if isinstance(surface, surfaces.Surface) else get_surface(surface)
    if not isinstance(s.kernel_arg(), int):
        return None
    try:
        with np.errstate(all="ignore"):  # the noise generator's uint64 arithmetic wraps on purpose
            return engine.run_with(interpreted(engine._run), s, optimizer, start, steps, seed, tol, hyper)
    except (ArithmeticError, ValueError) as exc:
        if isinstance(exc, ValueError) and not _inside_the_loop(exc):
            raise  # the engine's own refusal of a setting: the same as compiled
        return None


def _inside_the_loop(exc: BaseException) -> bool:
    """Whether the error came from inside the loop (math.sqrt(−1)), not from the validation before it."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is engine._run.py_func.__code__:
            return True
        tb = tb.tb_next
    return False
