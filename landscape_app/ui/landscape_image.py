"""The picture of a surface: colour values and isolines on a grid (pure NumPy + contourpy)."""
from __future__ import annotations

from dataclasses import dataclass

import contourpy
import numpy as np

from ..core.surfaces import Surface


@dataclass(frozen=True)
class LandscapeImage:
    extent: tuple[float, float, float, float]
    colour: np.ndarray  # (ny, nx) values the colour map shows (log10 of f − f_min + δ where asked)
    levels: np.ndarray  # isoline levels in colour units
    lines_x: np.ndarray  # all isolines in one array, NaN-separated (one draw call)
    lines_y: np.ndarray
    colour_range: tuple[float, float]
    label: str  # what the colour bar measures
    nonfinite: float  # share of the grid where f is not finite


def render(surface: Surface, extent, n: int = 240, n_levels: int = 14) -> LandscapeImage:
    x0, x1, y0, y1 = extent
    xs = np.linspace(x0, x1, n)
    ys = np.linspace(y0, y1, n)
    z = surface.grid(xs, ys)
    finite = np.isfinite(z)
    nonfinite = 1.0 - finite.mean()
    if not finite.any():
        z = np.zeros_like(z)
        finite[:] = True
    gap = np.where(finite, z - surface.f_min, np.nan)
    if surface.log_color:
        positive = gap[finite & (gap > 0)]
        delta = max(np.percentile(positive, 1) if positive.size else 1.0, 1e-12) * 0.5
        colour = np.log10(np.maximum(gap, 0) + delta)
        label = "log₁₀(f − f_min)"
    else:
        colour = gap
        label = "f − f_min"
    lo, hi = np.nanpercentile(colour, 0.5), np.nanpercentile(colour, 98)
    if not hi > lo:
        hi = lo + 1.0
    levels = np.linspace(lo, hi, n_levels + 2)[1:-1]
    filled = np.where(np.isfinite(colour), colour, hi)  # holes are drawn at the top colour
    gen = contourpy.contour_generator(xs, ys, filled, line_type=contourpy.LineType.Separate)
    chunks_x, chunks_y = [], []
    for level in levels:
        for line in gen.lines(level):
            chunks_x.extend((line[:, 0], [np.nan]))
            chunks_y.extend((line[:, 1], [np.nan]))
    lines_x = np.concatenate(chunks_x) if chunks_x else np.empty(0)
    lines_y = np.concatenate(chunks_y) if chunks_y else np.empty(0)
    return LandscapeImage(tuple(map(float, extent)), filled, levels, lines_x, lines_y, (float(lo), float(hi)),
                          label, float(nonfinite))
