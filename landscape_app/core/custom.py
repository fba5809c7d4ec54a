"""Surfaces from a typed formula: ``custom_surface("x**2 + 10*y**2", domain)``.

The formula is parsed safely (see ``expressions``), its minima are found numerically on the
domain, and the surface is registered under the name ``custom:<formula>`` so that the API,
scenario files and the CLI all reach it by name like any built-in surface.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import checks
from . import program as vm
from .expressions import parse
from .surfaces import Surface, remember

PREFIX = "custom:"
DEFAULT_DOMAIN = (-3.0, 3.0, -3.0, 3.0)
_GRID = 161


@dataclass(frozen=True)
class CustomSurface(Surface):
    formula: str = ""
    program: np.ndarray = field(default=None, repr=False, compare=False)  # packed, see program.pack
    exact_gradient: bool = True
    nonfinite_fraction: float = 0.0  # share of the domain where f is not a finite number

    def kernel_arg(self):
        return self.program

    def value_and_grad(self, x, y):
        return vm.evaluate(self.program, float(x), float(y))

    def grid(self, xs, ys):
        return vm.grid(self.program, np.ascontiguousarray(xs, np.float64), np.ascontiguousarray(ys, np.float64))


def check_domain(domain) -> tuple[float, float, float, float]:
    x0, x1, y0, y1 = checks.reals(domain, "domain", 4, "numbers (xmin, xmax, ymin, ymax)")
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"domain must have xmin < xmax and ymin < ymax; got {[x0, x1, y0, y1]}")
    if max(abs(x0), abs(x1), abs(y0), abs(y1)) > 1e6:
        raise ValueError("domain must lie within ±10⁶")
    return x0, x1, y0, y1


def _minima(formula, domain, Z, xs, ys):
    """Local minima of the grid, refined by Newton steps on the exact (or FD) gradient."""
    found = []
    finite = np.where(np.isfinite(Z), Z, np.inf)
    inner = finite[1:-1, 1:-1]
    is_min = np.ones_like(inner, dtype=bool)
    for dj in (-1, 0, 1):
        for di in (-1, 0, 1):
            if dj or di:
                is_min &= inner <= finite[1 + dj:finite.shape[0] - 1 + dj, 1 + di:finite.shape[1] - 1 + di]
    candidates = [(xs[i + 1], ys[j + 1]) for j, i in zip(*np.nonzero(is_min & np.isfinite(inner)))]
    candidates.sort(key=lambda p: formula.evaluate(*p)[0])
    x0, x1, y0, y1 = domain
    scale = max(x1 - x0, y1 - y0)
    for p in candidates[:12]:
        p = np.array(p, float)
        for _ in range(60):  # damped Newton with a finite-difference Hessian of the gradient
            _, gx, gy = formula.evaluate(*p)
            h = 1e-6 * scale
            H = np.array([[formula.evaluate(p[0] + h, p[1])[1] - gx, formula.evaluate(p[0], p[1] + h)[1] - gx],
                          [formula.evaluate(p[0] + h, p[1])[2] - gy, formula.evaluate(p[0], p[1] + h)[2] - gy]]) / h
            try:
                step = np.linalg.solve(H, [gx, gy])
            except np.linalg.LinAlgError:
                break
            if not np.isfinite(step).all() or np.linalg.norm(step) > 0.1 * scale:
                break
            p = p - step
            if np.linalg.norm(step) < 1e-12 * scale:
                break
        f, gx, gy = formula.evaluate(*p)
        inside = x0 <= p[0] <= x1 and y0 <= p[1] <= y1
        if inside and math.isfinite(f) and math.hypot(gx, gy) < 1e-6 * max(1.0, abs(f)) \
                and np.isfinite(H).all() and np.linalg.eigvalsh((H + H.T) / 2).min() > 0 \
                and all(math.hypot(p[0] - q[0], p[1] - q[1]) > 1e-6 * scale for q in found):
            found.append((float(p[0]), float(p[1]), float(f)))
    if not found:  # no interior minimum: the lowest grid point stands in
        j, i = np.unravel_index(np.argmin(finite), finite.shape)
        found.append((float(xs[i]), float(ys[j]), float(finite[j, i])))
    return sorted(found, key=lambda m: m[2])


def _start(formula, domain, Z, xs, ys) -> tuple[float, float]:
    """Near the top-left corner (away from most minima); where f is not finite there, the closest
    grid point where it is (``log(x)`` has no value at x < 0)."""
    x0, x1, y0, y1 = domain
    px, py = x0 + 0.15 * (x1 - x0), y1 - 0.15 * (y1 - y0)
    if math.isfinite(formula.evaluate(px, py)[0]):
        return px, py
    rows, cols = np.nonzero(np.isfinite(Z))
    k = np.argmin(((xs[cols] - px) / (x1 - x0)) ** 2 + ((ys[rows] - py) / (y1 - y0)) ** 2)
    return float(xs[cols[k]]), float(ys[rows[k]])


def custom_surface(text: str, domain=None) -> CustomSurface:
    """Parse, analyse and register a formula; raises ``ValueError`` (``FormulaError``) saying why not."""
    formula = parse(text)
    domain = check_domain(DEFAULT_DOMAIN if domain is None else domain)
    xs = np.linspace(domain[0], domain[1], _GRID)
    ys = np.linspace(domain[2], domain[3], _GRID)
    Z = vm.grid(formula.program, xs, ys)
    finite = np.isfinite(Z)
    if not finite.any():
        raise ValueError(f"{formula.text} has no finite value anywhere on the domain")
    minima = _minima(formula, domain, Z, xs, ys)
    f_min = minima[0][2]
    spread = np.percentile(Z[finite], 90) - f_min
    log_color = spread > 0 and spread / max(np.median(Z[finite]) - f_min, 1e-300) > 20
    start = _start(formula, domain, Z, xs, ys)
    g = np.hypot(*formula.evaluate(*start)[1:])
    lr = 0.02 * max(domain[1] - domain[0], domain[3] - domain[2]) / g if g > 0 and math.isfinite(g) else 0.01
    name = PREFIX + formula.text
    surface = CustomSurface(
        name=name, title=formula.text, sid=-1, domain=domain, minima=tuple(minima), start=start,
        lr=float(min(max(lr, 1e-6), 10.0)), log_color=bool(log_color),
        story="A surface you typed. " + ("" if formula.exact_gradient else
                                         "Its gradient comes from central differences (sign() has "
                                         "no useful derivative)."),
        formula=formula.text, program=formula.program,
        exact_gradient=formula.exact_gradient, nonfinite_fraction=float(1 - finite.mean()))
    return remember(surface)
