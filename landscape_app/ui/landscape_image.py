"""The picture of a surface: colour values and isolines on a grid (pure NumPy + contourpy).

Colours show a compressed height, never f itself: a linear map paints a bowl's whole floor
one colour and a plateau one flat sheet.  Two steps:
1. compress: log₁₀(f − f_min + δ) on ``log_color`` surfaces (plateaus, banana valleys),
   √(f − f_min) on the others (a quadratic bowl's isolines come out evenly spaced);
2. half-equalize: the colour position is the mean of the compressed height's place in its
   range and its rank among the grid's values, so a plain covering most of the view (which
   the compression alone leaves one colour) gets its share of colours and isolines.
The colour bar is labelled in f − f_min throughout, so the numbers stay readable.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import contourpy
import numpy as np

from ..core.surfaces import Surface

GRID = 240  # samples per side: smooth at any window size, ~1 ms to evaluate
LEVELS = 14
INK_BUDGET = 45.0  # total isoline length, in view widths, before the picture turns to hatching
MIN_LEVELS = 4


@dataclass(frozen=True)
class LandscapeImage:
    extent: tuple[float, float, float, float]
    colour: np.ndarray  # (ny, nx) colour position in [0, 1] (see the module docstring)
    levels: np.ndarray  # isoline levels, in colour units
    lines_x: np.ndarray  # all isolines in one array, NaN-separated (one draw call)
    lines_y: np.ndarray
    colour_range: tuple[float, float]
    label: str  # what the colour bar measures
    ticks: list[tuple[float, str]]  # colour-bar ticks: position in colour units, label in f − f_min
    nonfinite: float  # share of the grid where f is not finite
    gap: np.ndarray | None = None  # (ny, nx) f − f_min, NaN where f is not finite (the 3-D view's heights)


def superscript(n: int) -> str:
    return str(n).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def label_of(g: float) -> str:
    if g == 0 or 1e-3 <= g < 1e4:
        return f"{g:g}"
    mantissa, exponent = f"{g:.0e}".split("e")
    power = f"10{superscript(int(exponent))}"
    return power if mantissa == "1" else f"{mantissa}·{power}"


def round_values(g_lo: float, g_hi: float) -> list[float]:
    """1, 2 and 5 times powers of ten between g_lo and g_hi (and 0 when the range starts there)."""
    top = max(g_hi, 1e-300)
    bottom = max(g_lo, top * 1e-30)
    values = [0.0] if g_lo <= 0 else []
    for k in range(math.floor(math.log10(bottom)), math.ceil(math.log10(top)) + 1):
        values += [m * 10.0 ** k for m in (1, 2, 5) if bottom <= m * 10.0 ** k <= top]
    return values


def spread(candidates: list[tuple[float, str, bool]], lo: float, hi: float, count: int = 8):
    """Keep ticks at least (hi − lo)/count apart, preferring the ``preferred`` ones (decades)."""
    gap = (hi - lo) / count
    chosen: list[tuple[float, str]] = []
    for pos, text, _ in sorted(candidates, key=lambda c: not c[2]):
        if all(abs(pos - p) >= gap for p, _ in chosen):
            chosen.append((pos, text))
    return sorted(chosen)


class ColourScale:
    """f − f_min → colour position in [0, 1] (see the module docstring)."""

    def __init__(self, gap: np.ndarray, log: bool):
        self.log = log
        finite = gap[np.isfinite(gap)]
        positive = finite[finite > 0]
        self.delta = max(np.percentile(positive, 1) if positive.size else 1.0, 1e-12) * 0.5 if log else 0.0
        c = self.compress(finite)
        ranks = np.linspace(0.0, 1.0, 257)
        # one sort for all of them: a percentile call each sorted the grid again (~3 ms a picture)
        *knots, self.lo, self.hi = np.percentile(c, [*(ranks * 100), 0.5, 98])
        knots = np.array(knots)
        if not self.hi > self.lo:
            self.hi = self.lo + 1.0
        keep = np.concatenate(([True], np.diff(knots) > 0))  # np.interp needs increasing knots
        self.knots, self.ranks = knots[keep], ranks[keep]

    def compress(self, gap):
        return np.log10(gap + self.delta) if self.log else np.sqrt(gap)

    def position(self, gap):
        c = self.compress(np.asarray(gap, dtype=float))
        place = np.clip((c - self.lo) / (self.hi - self.lo), 0.0, 1.0)
        rank = np.interp(c, self.knots, self.ranks) if len(self.knots) > 1 else place
        return 0.5 * place + 0.5 * rank

    def g_range(self) -> tuple[float, float]:
        expand = (lambda c: 10.0 ** c - self.delta) if self.log else (lambda c: max(c, 0.0) ** 2)
        return expand(self.knots[0]), expand(self.knots[-1])

    def ticks(self) -> list[tuple[float, str]]:
        """Colour-bar ticks at round values of f − f_min, decades first."""
        candidates = []
        for g in round_values(*self.g_range()):
            pos = float(self.position(g))
            # the grid's smallest value is an accident of sampling; a label at the very top is clipped
            if 0.05 <= pos <= 0.97:
                candidates.append((pos, label_of(g), g == 0 or math.log10(g).is_integer()))
        return spread(candidates, 0.0, 1.0)


def isolines(gen, levels) -> tuple[np.ndarray, np.ndarray, float]:
    """Every line of every level in one NaN-separated array (one draw call), and their total
    Manhattan length.  contourpy hands each level over as one such array (ChunkCombinedNan): a
    Python loop over the lines cost 3–10 ms a picture (Rastrigin draws hundreds of rings)."""
    parts = [points for level in levels for points in gen.lines(level)[0] if points is not None and len(points)]
    if not parts:
        return np.empty(0), np.empty(0), 0.0
    gap = np.full((1, 2), np.nan)
    lines = np.concatenate([piece for points in parts for piece in (points, gap)])
    ink = float(np.nansum(np.abs(np.diff(lines, axis=0))))  # a step across a separator is NaN: not counted
    return lines[:, 0], lines[:, 1], ink


def preview_grid(surface: Surface, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """f on the grid from a built-in surface's formula in plain Python (~20–60 ms for 240²): the
    first picture while the compiled grid evaluator is still compiling.  Python raises where the
    kernels return inf or nan; both are drawn as holes."""
    f = surface.kernel.py_func
    z = np.empty((len(ys), len(xs)))
    for j, y in enumerate(ys.tolist()):
        for i, x in enumerate(xs.tolist()):
            try:
                z[j, i] = f(x, y)[0]
            except (ArithmeticError, ValueError):
                z[j, i] = np.nan
    return z


def colour_label(surface: Surface) -> str:
    """What the colour bar measures on ``surface``."""
    return "f − f_min (log scale)" if surface.log_color else "f − f_min (√ scale)"


def render(surface: Surface, extent, n: int = GRID, n_levels: int = LEVELS, compiled: bool = True) -> LandscapeImage:
    x0, x1, y0, y1 = extent
    xs = np.linspace(x0, x1, n)
    ys = np.linspace(y0, y1, n)
    z = surface.grid(xs, ys) if compiled else preview_grid(surface, xs, ys)
    finite = np.isfinite(z)
    nonfinite = 1.0 - finite.mean()
    if not finite.any():
        z = np.zeros_like(z)
        finite[:] = True
    gap = np.where(finite, np.maximum(z - surface.f_min, 0.0), np.nan)
    scale = ColourScale(gap, surface.log_color)
    filled = np.where(finite, scale.position(np.where(finite, gap, 0.0)), 1.0)  # holes: the top colour
    label = colour_label(surface)
    gen = contourpy.contour_generator(xs, ys, filled, line_type=contourpy.LineType.ChunkCombinedNan)
    # Manhattan length in view units, so the budget means the same at every zoom and aspect
    levels = np.linspace(0.0, 1.0, n_levels + 2)[1:-1]
    lines_x, lines_y, ink = isolines(gen, levels)
    view_ink = ink / max((x1 - x0 + y1 - y0) / 2, 1e-300)
    if view_ink > INK_BUDGET:  # egg-crate surfaces (Rastrigin) draw hundreds of rings per level
        fewer = max(MIN_LEVELS, int(n_levels * INK_BUDGET / view_ink))
        levels = np.linspace(0.0, 1.0, fewer + 2)[1:-1]
        lines_x, lines_y, _ = isolines(gen, levels)
    return LandscapeImage(tuple(map(float, extent)), filled, levels, lines_x, lines_y, (0.0, 1.0),
                          label, scale.ticks(), float(nonfinite), gap)
