"""Loss surfaces: f(x, y) with its exact gradient, plus what each one teaches.

Every surface is one ``@njit`` function ``(x, y) -> (f, df/dx, df/dy)`` registered
with :func:`surface`.  The engine's single compiled loop reaches them through
:func:`evaluate`, which dispatches on a small integer id, so adding a surface
never adds a compiled specialization of the step loop.

To add a surface: write its kernel, decorate it with ``@surface(...)`` and add
one ``elif`` line to :func:`evaluate` (the test suite fails if you forget).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from .jit import inline_kernel, kernel

__all__ = ["Surface", "SURFACES", "get_surface", "evaluate", "evaluate_grid"]


@dataclass(frozen=True)
class Surface:
    name: str
    title: str
    story: str
    sid: int
    domain: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    minima: tuple[tuple[float, float, float], ...]  # (x, y, f) of each known minimum
    start: tuple[float, float]
    lr: float  # a plain-GD learning rate that makes the lesson visible
    log_color: bool  # colour by log(f - f_min) because the interesting part is nearly flat
    kernel: object = field(repr=False, compare=False, default=None)

    @property
    def f_min(self) -> float:
        """The global minimum value (the smallest listed minimum)."""
        return min(m[2] for m in self.minima)

    def kernel_arg(self):
        """What the compiled loops take to evaluate this surface (custom surfaces differ)."""
        return self.sid

    def value_and_grad(self, x: float, y: float) -> tuple[float, float, float]:
        return evaluate(self.sid, float(x), float(y))

    def grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """f on the grid ``xs`` × ``ys``; result has shape (len(ys), len(xs))."""
        return evaluate_grid(self.sid, np.ascontiguousarray(xs, np.float64),
                             np.ascontiguousarray(ys, np.float64))


SURFACES: dict[str, Surface] = {}


def surface(name, *, title, story, domain, minima, start, lr, log_color=False):
    """Register an ``@njit`` kernel ``(x, y) -> (f, fx, fy)`` as a named surface."""

    def register(kernel):
        sid = len(SURFACES)
        SURFACES[name] = Surface(
            name=name, title=title, story=" ".join(story.split()), sid=sid,
            domain=tuple(float(v) for v in domain),
            minima=tuple(tuple(float(v) for v in m) for m in minima),
            start=(float(start[0]), float(start[1])), lr=float(lr),
            log_color=log_color, kernel=kernel)
        return kernel

    return register


def get_surface(name: str) -> Surface:
    """A registered surface, or ``custom:<formula>`` (parsed and registered on first use)."""
    if name not in SURFACES and isinstance(name, str) and name.startswith("custom:"):
        from .custom import custom_surface

        return custom_surface(name[len("custom:"):])
    try:
        return SURFACES[name]
    except (KeyError, TypeError):
        builtin = [n for n in SURFACES if not n.startswith("custom:")]
        raise ValueError(f"unknown surface {name!r}; choose one of: {', '.join(builtin)}, "
                         "or custom:<formula in x and y>") from None


# --------------------------------------------------------------------------- classics

@surface(
    "quadratic", title="Quadratic bowl",
    story="""f = ½(x² + 4y²). The simplest convex bowl: every sensible optimizer reaches the
    centre, and plain gradient descent follows a closed-form recurrence.""",
    domain=(-3, 3, -3, 3), minima=[(0, 0, 0)], start=(-2.5, 1.5), lr=0.1)
@kernel
def _quadratic(x, y):
    return 0.5 * (x * x + 4.0 * y * y), x, 4.0 * y


@surface(
    "rosenbrock", title="Rosenbrock",
    story="""The banana valley f = (1 − x)² + 100(y − x²)². Finding the curved valley is
    easy; following its nearly flat floor to (1, 1) is what separates optimizers.""",
    domain=(-2, 2, -1, 3), minima=[(1, 1, 0)], start=(-1.5, 2.0), lr=1e-3, log_color=True)
@kernel
def _rosenbrock(x, y):
    a = 1.0 - x
    b = y - x * x
    return a * a + 100.0 * b * b, -2.0 * a - 400.0 * x * b, 200.0 * b


# --------------------------------------------------------------------------- dispatch

QUADRATIC = SURFACES["quadratic"].sid
ROSENBROCK = SURFACES["rosenbrock"].sid


@inline_kernel
def evaluate(sid, x, y):
    """(f, df/dx, df/dy) of surface ``sid`` at (x, y)."""
    if sid == QUADRATIC:
        return _quadratic(x, y)
    elif sid == ROSENBROCK:
        return _rosenbrock(x, y)
    return math.nan, math.nan, math.nan


@kernel
def evaluate_grid(sid, xs, ys):
    out = np.empty((ys.shape[0], xs.shape[0]))
    for j in range(ys.shape[0]):
        for i in range(xs.shape[0]):
            out[j, i] = evaluate(sid, xs[i], ys[j])[0]
    return out
