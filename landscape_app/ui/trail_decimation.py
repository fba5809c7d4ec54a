"""Which points of a trail are worth drawing at the current zoom.

A converging or oscillating racer piles hundreds of steps into one pixel; Qt's software
renderer pays per segment, so those steps cost frames without changing a single pixel.
"""
from __future__ import annotations

import numpy as np


BUDGET = 1500  # points per trail; a noisy racer wandering for 10⁵ steps would keep tens of thousands


def visible_steps(path: np.ndarray, pixel_w: float, pixel_h: float, view=None, budget: int = BUDGET) -> np.ndarray:
    """Indices of the points that land in a different pixel from the point before them.

    Points beyond ``view`` (xmin, xmax, ymin, ymax) grown by its own size on every side count as
    lying on that border: off-screen wandering costs nothing, and a segment that crosses the view
    is kept.  When the kept points still exceed ``budget`` (a noisy racer jumping about for many
    steps), every k-th of them is kept: a cloud of steps still reads as a cloud.  The first point
    is always kept; the caller adds the current head, so the drawn trail always ends exactly where
    the racer is.
    """
    if len(path) < 3 or not (pixel_w > 0 and pixel_h > 0):
        return np.arange(len(path))
    if view is not None:
        x0, x1, y0, y1 = view
        w, h = x1 - x0, y1 - y0
        path = np.column_stack([np.clip(path[:, 0], x0 - w, x1 + w), np.clip(path[:, 1], y0 - h, y1 + h)])
    cells = np.floor(path / (pixel_w, pixel_h))
    moved = np.flatnonzero((cells[1:, 0] != cells[:-1, 0]) | (cells[1:, 1] != cells[:-1, 1])) + 1
    if len(moved) >= budget:
        moved = moved[::-(-len(moved) // budget)]
    return np.concatenate(([0], moved))


def trail_upto(path: np.ndarray, keep: np.ndarray, last: int) -> tuple[np.ndarray, np.ndarray]:
    """x and y of the kept points up to step ``last``, ending at ``path[last]``."""
    idx = keep[:np.searchsorted(keep, last, side="right")]
    if not len(idx) or idx[-1] != last:
        idx = np.append(idx, last)
    pts = path[idx]
    return pts[:, 0], pts[:, 1]


def exit_point(path: np.ndarray, box) -> np.ndarray:
    """Where a trail leaves ``box`` (xmin, xmax, ymin, ymax) for good: the ✕ of a diverged racer
    belongs on the map, not at the last finite point 10⁵ widths away."""
    x0, x1, y0, y1 = box
    inside = (path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1)
    if inside[-1] or not inside.any():
        return path[-1]
    k = int(np.flatnonzero(inside)[-1])
    a, b = path[k], path[k + 1]
    d = b - a
    # the largest fraction t of the segment a → b that stays inside the box
    t = 1.0
    for axis, lo, hi in ((0, x0, x1), (1, y0, y1)):
        if d[axis] > 0:
            t = min(t, (hi - a[axis]) / d[axis])
        elif d[axis] < 0:
            t = min(t, (lo - a[axis]) / d[axis])
    return a + max(t, 0.0) * d
