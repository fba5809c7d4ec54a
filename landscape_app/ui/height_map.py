"""The surface raised into 3-D: heights, colours, and where trails and rays meet it.

Pure NumPy (no Qt, no OpenGL), so it is tested without a display.

- **Colours** are the 2-D view's: the colour position that ``landscape_image.render`` computes
  for the heatmap, through the same colour map (passed in as a lookup table), with a little
  shading baked in (lighting in the shader costs ~0.6 s per 256² update in a software renderer).
- **Heights** are f − f_min, linear or, for surfaces whose range spans decades (Rosenbrock,
  Goldstein–Price), log₁₀(f − f_min + δ) with the 2-D colour scale's δ, so that a minimum of
  exactly 0 has a finite depth.  Axis ticks are given in f − f_min, never in logs.
- **World units**: the longer side of the domain spans [−1, 1] (true aspect, but no side thinner
  than ``MIN_SIDE``), heights run from 0 to ``HEIGHT`` × exaggeration.

The mesh is the grid triangulated as pyqtgraph's GLSurfacePlotItem does it (each cell split
along the diagonal from (i, j+1) to (i+1, j)); :meth:`HeightMap.z_at` interpolates on exactly
those triangles, so a trail lifted by ``LIFT`` of the height range is never inside the drawn
surface, whatever the grid misses between its points.
"""
from __future__ import annotations

import math

import numpy as np

from .landscape_image import ColourScale, LandscapeImage, label_of, round_values, spread

MESH = 256  # grid points per side of the 3-D mesh
HEIGHT = 0.8  # world height of the whole range at exaggeration 1 (the longer side is 2 wide)
LIFT = 0.01  # trails float this share of the height range above the mesh
MIN_SIDE = 0.5  # the shorter side spans at least [−0.5, 0.5]: a 10:1 domain stays readable
LIGHT = np.array([-0.45, -0.55, 1.0]) / np.linalg.norm([-0.45, -0.55, 1.0])  # from the front left, above


class HeightMap:
    """One surface over one extent, ready to draw: ``x``, ``y`` (world, per grid column/row),
    ``z`` (nx, ny) world heights and ``colours`` (nx·ny, 4) RGBA in [0, 1], x-major like
    GLSurfacePlotItem wants them."""

    def __init__(self, image: LandscapeImage, lut: np.ndarray, log: bool = False, exaggeration: float = 1.0):
        if image.gap is None:
            raise ValueError("the landscape image carries no heights")
        self.extent = x0, x1, y0, y1 = image.extent
        self.log = bool(log)
        self.exaggeration = float(exaggeration)
        gap = np.asarray(image.gap, dtype=float).T  # (nx, ny): x first, as the mesh is laid out
        self.nx, self.ny = gap.shape
        finite = np.isfinite(gap)
        if not finite.any():
            gap, finite = np.zeros_like(gap), np.ones_like(finite)
        # log₁₀(gap + δ): the 2-D colour scale's own compression and δ (half its 1st percentile)
        self.delta = ColourScale(np.where(finite, gap, np.nan), log=True).delta if self.log else 0.0
        h = self._compress(np.where(finite, gap, 0.0))
        self.lo, self.hi = float(h[finite].min()), float(h[finite].max())
        if not self.hi > self.lo:
            self.hi = self.lo + 1.0
        h = np.where(finite, h, self.hi)  # holes at the top, as the 2-D view paints them the top colour

        span = max(x1 - x0, y1 - y0)
        self.centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        self.scale = (2 / max(x1 - x0, span * MIN_SIDE), 2 / max(y1 - y0, span * MIN_SIDE))
        self.x = ((np.linspace(x0, x1, self.nx) - self.centre[0]) * self.scale[0]).astype(np.float32)
        self.y = ((np.linspace(y0, y1, self.ny) - self.centre[1]) * self.scale[1]).astype(np.float32)
        self.top = HEIGHT * self.exaggeration
        self.z = ((h - self.lo) / (self.hi - self.lo) * self.top).astype(np.float32)
        self.lift = LIFT * self.top
        self.colours = self._colours(np.asarray(image.colour, dtype=float).T, np.asarray(lut))
        self.image = image

    # ------------------------------------------------------------------ heights
    def _compress(self, gap):
        return np.log10(np.maximum(gap, 0.0) + self.delta) if self.log else gap

    def z_of_gap(self, gap):
        """World height of f − f_min = ``gap`` (clipped to the drawn range)."""
        h = self._compress(np.asarray(gap, dtype=float))
        return np.clip((h - self.lo) / (self.hi - self.lo), 0.0, 1.0) * self.top

    def gap_of_z(self, z):
        """f − f_min at world height ``z``: what the height axis reads."""
        h = self.lo + np.asarray(z, dtype=float) / self.top * (self.hi - self.lo)
        return 10.0 ** h - self.delta if self.log else h

    def ticks(self, count: int = 6) -> list[tuple[float, str]]:
        """Height-axis ticks in f − f_min: (world z, label); 1-2-5 × decades on a log axis
        (decades first), evenly spaced round values on a linear one."""
        g_lo, g_hi = float(self.gap_of_z(0.0)), float(self.gap_of_z(self.top))
        if not self.log:  # the grid's smallest gap is ~0 by sampling: start the axis at 0
            start = 0.0 if g_lo < 0.05 * (g_hi - g_lo) else g_lo
            return [(float(self.z_of_gap(g)), label_of(g)) for g in nice_ticks(start, g_hi, count - 1)]
        candidates = [(float(self.z_of_gap(g)), label_of(g), g == 0 or math.log10(g).is_integer())
                      for g in round_values(g_lo, g_hi) if g_lo <= g <= g_hi]
        return spread(candidates, 0.0, self.top, count)

    # ------------------------------------------------------------------ colours
    def _colours(self, position: np.ndarray, lut: np.ndarray) -> np.ndarray:
        """The 2-D colour of every grid point, darkened on slopes facing away from the light
        (a flat plain keeps exactly its 2-D colour)."""
        index = np.rint(np.clip(position, 0.0, 1.0) * (len(lut) - 1)).astype(np.intp)
        rgb = lut[index, :3].astype(np.float32) / 255.0
        gx, gy = np.gradient(self.z.astype(float), self.x.astype(float), self.y.astype(float))
        lit = (-gx * LIGHT[0] - gy * LIGHT[1] + LIGHT[2]) / np.sqrt(gx * gx + gy * gy + 1.0)
        shade = np.clip(0.4 + 0.6 * lit / LIGHT[2], 0.55, 1.1)
        out = np.ones((self.nx * self.ny, 4), np.float32)
        out[:, :3] = np.clip(rgb * shade[..., None], 0.0, 1.0).reshape(-1, 3)
        return out

    # ------------------------------------------------------------------ places
    def to_world(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return ((np.asarray(x, dtype=float) - self.centre[0]) * self.scale[0],
                (np.asarray(y, dtype=float) - self.centre[1]) * self.scale[1])

    def to_data(self, xw, yw) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(xw, dtype=float) / self.scale[0] + self.centre[0],
                np.asarray(yw, dtype=float) / self.scale[1] + self.centre[1])

    def z_at(self, xw, yw) -> np.ndarray:
        """Height of the drawn mesh at world (xw, yw), on its own triangles (clamped to its edge)."""
        u = (np.asarray(xw, dtype=float) - self.x[0]) / (self.x[-1] - self.x[0]) * (self.nx - 1)
        v = (np.asarray(yw, dtype=float) - self.y[0]) / (self.y[-1] - self.y[0]) * (self.ny - 1)
        u = np.clip(np.nan_to_num(u), 0.0, self.nx - 1)
        v = np.clip(np.nan_to_num(v), 0.0, self.ny - 1)
        i = np.minimum(u.astype(np.intp), self.nx - 2)
        j = np.minimum(v.astype(np.intp), self.ny - 2)
        fu, fv = u - i, v - j
        z = self.z
        z00, z10, z01, z11 = z[i, j], z[i + 1, j], z[i, j + 1], z[i + 1, j + 1]
        lower = z00 + fu * (z10 - z00) + fv * (z01 - z00)  # triangle (i, j), (i+1, j), (i, j+1)
        upper = z11 + (1 - fu) * (z01 - z11) + (1 - fv) * (z10 - z11)  # triangle (i+1, j), (i, j+1), (i+1, j+1)
        return np.where(fu + fv <= 1.0, lower, upper)

    def lifted(self, x, y, lift: float | None = None) -> np.ndarray:
        """(m, 3) float32 world points on the mesh, ``lift`` above it (default: ``self.lift``)."""
        xw, yw = self.to_world(x, y)
        pos = np.empty((np.size(xw), 3), np.float32)
        pos[:, 0], pos[:, 1] = xw, yw
        pos[:, 2] = self.z_at(xw, yw) + (self.lift if lift is None else lift)
        return pos

    def inside(self, x, y) -> np.ndarray:
        x0, x1, y0, y1 = self.extent
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)

    def isolines(self) -> np.ndarray:
        """The 2-D view's isolines as line pairs (2m, 3) lying on the mesh (half the trails' lift)."""
        lx, ly = self.image.lines_x, self.image.lines_y
        if len(lx) < 2:
            return np.zeros((0, 3), np.float32)
        a = np.column_stack((lx[:-1], ly[:-1]))
        b = np.column_stack((lx[1:], ly[1:]))
        ok = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
        pairs = np.stack((a[ok], b[ok]), axis=1).reshape(-1, 2)
        return self.lifted(pairs[:, 0], pairs[:, 1], lift=0.5 * self.lift)

    def ray_hit(self, origin, direction, samples: int = 768) -> tuple[float, float] | None:
        """Where the ray ``origin + t·direction`` (world units, t ≥ 0) first meets the mesh, in data
        coordinates; None when it misses.  Marches through the box the mesh fills, then bisects."""
        o = np.asarray(origin, dtype=float)
        d = np.asarray(direction, dtype=float)
        lo = np.array([self.x[0], self.y[0], -self.lift])
        hi = np.array([self.x[-1], self.y[-1], float(self.z.max()) + self.lift])
        t0, t1 = 0.0, np.inf
        for axis in range(3):
            if abs(d[axis]) < 1e-15:
                if not lo[axis] <= o[axis] <= hi[axis]:
                    return None
                continue
            a, b = (lo[axis] - o[axis]) / d[axis], (hi[axis] - o[axis]) / d[axis]
            t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
        if not (np.isfinite(t1) and t0 <= t1):
            return None

        def above(t):
            p = o + np.multiply.outer(t, d)
            return p[..., 2] - self.z_at(p[..., 0], p[..., 1])

        ts = np.linspace(t0, t1, samples)
        below = np.flatnonzero(above(ts) <= 0)
        if not below.size:
            return None
        k = int(below[0])
        if k == 0:  # entered through a side wall below the surface's edge: the edge is the hit
            t = t0
        else:
            a, b = ts[k - 1], ts[k]
            for _ in range(40):
                m = 0.5 * (a + b)
                a, b = (m, b) if above(m) > 0 else (a, m)
            t = 0.5 * (a + b)
        p = o + t * d
        x, y = self.to_data(p[0], p[1])
        x0, x1, y0, y1 = self.extent
        return float(np.clip(x, x0, x1)), float(np.clip(y, y0, y1))


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round values from lo to hi, about ``count`` steps apart (1, 2 or 5 times a power of ten)."""
    raw = (hi - lo) / max(count, 1)
    if not raw > 0:
        return [lo]
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 5, 10) if m * step >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    return [round(first + k * step, 12) for k in range(int((hi - first) / step + 1e-9) + 1)]


def clip_segments(path: np.ndarray, extent) -> tuple[np.ndarray, np.ndarray]:
    """The parts of a trail's segments inside ``extent`` (Liang–Barsky, all segments at once).

    Returns the kept segments' end points as pairs, (2m, 2), and each one's first step, (m,),
    increasing: the trail up to step k is the first ``searchsorted(steps, k)`` pairs.  A segment
    with a non-finite end (a diverged racer) is dropped.
    """
    path = np.asarray(path, dtype=float)
    if len(path) < 2:
        return np.zeros((0, 2)), np.zeros(0, np.intp)
    a, b = path[:-1], path[1:]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        d = b - a
        ok = np.isfinite(a).all(axis=1) & np.isfinite(d).all(axis=1)
        t0, t1 = np.zeros(len(a)), np.ones(len(a))
        x0, x1, y0, y1 = extent
        for p, q in ((-d[:, 0], a[:, 0] - x0), (d[:, 0], x1 - a[:, 0]),
                     (-d[:, 1], a[:, 1] - y0), (d[:, 1], y1 - a[:, 1])):
            parallel = p == 0
            ok &= ~(parallel & (q < 0))
            r = np.where(parallel, 0.0, q / np.where(parallel, 1.0, p))
            t0 = np.where(~parallel & (p < 0), np.maximum(t0, r), t0)
            t1 = np.where(~parallel & (p > 0), np.minimum(t1, r), t1)
        ok &= t0 <= t1
    steps = np.flatnonzero(ok)
    a, d = a[ok], d[ok]
    pairs = np.stack((a + t0[ok, None] * d, a + t1[ok, None] * d), axis=1).reshape(-1, 2)
    return pairs, steps
