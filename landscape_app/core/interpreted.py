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

import types

import numpy as np
from numba.core.dispatcher import Dispatcher

from . import engine, surfaces
from .resolver import get_surface

_MEMO: dict = {}


def _evaluate(surface, x, y):
    return interpreted(surfaces.evaluate)(surface, x, y)


# engine's type-dispatched helpers (numba overloads have no Python body): built-in surfaces only
_OVERRIDES = {"_f": _evaluate, "_step_grad": lambda surface, x, y, gx, gy, t, seed: (gx, gy)}


def interpreted(kernel):
    """``kernel``'s Python function with every compiled function it calls interpreted too."""
    if kernel in _MEMO:
        return _MEMO[kernel]
    py = kernel.py_func
    scope: dict = {}
    function = types.FunctionType(py.__code__, scope, py.__name__, py.__defaults__, py.__closure__)
    _MEMO[kernel] = function  # before the callees: they may call back
    for name, value in py.__globals__.items():
        scope[name] = _interpreted_value(value)
    if py.__module__ == engine.__name__:
        scope.update(_OVERRIDES)
    return function


def _interpreted_value(value):
    if isinstance(value, Dispatcher):
        return interpreted(value)
    if isinstance(value, types.ModuleType) and value.__name__.startswith(__package__ + "."):
        return _Module(value)  # gradient.modify(…) in the loop: the module's kernels interpreted too
    return value


class _Module:
    def __init__(self, module: types.ModuleType):
        self._module = module

    def __getattr__(self, name: str):
        return _interpreted_value(getattr(self._module, name))


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
