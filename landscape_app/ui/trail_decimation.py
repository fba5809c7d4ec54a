"""Which points of a trail are worth drawing at the current zoom.

A converging or oscillating racer piles hundreds of steps into one pixel; Qt's software
renderer pays per segment, so those steps cost frames without changing a single pixel.
"""
from __future__ import annotations

import numpy as np

from ..core.jit import kernel


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
    x0, x1, y0, y1 = map(float, view) if view is not None else (-np.inf, np.inf, -np.inf, np.inf)
    w, h = x1 - x0, y1 - y0
    moved = (_moved if _moved.signatures else _moved_numpy)(  # see _moved_numpy
        np.ascontiguousarray(path, dtype=np.float64), float(pixel_w), float(pixel_h), x0 - w, x1 + w, y0 - h, y1 + h)
    if len(moved) >= budget:
        moved = moved[::-(-len(moved) // budget)]
    return np.concatenate(([0], moved))


def _moved_numpy(path, pixel_w, pixel_h, x0, x1, y0, y1):
    """Indices k ≥ 1 whose point, clamped into [x0, x1] × [y0, y1], lies in another pixel than
    point k − 1, except a step that repeats the segment of two steps back (pixel for pixel): an
    oscillation between two points for 10⁵ steps kept 1,500 copies of one segment, and four such
    ghost paths took 70–180 ms each to paint.  Before the step that leaves such a cycle, the point
    it leaves from is kept, so the segment drawn is the one taken.  Points at rest (the same
    clamped point again) are skipped first.  The definition, and the stand-in until the warm-up
    thread has compiled (or loaded) ``_moved``: compiled at its first call, on the GUI thread, it
    froze a first start ~2 s."""
    clamped = np.column_stack([np.clip(path[:, 0], x0, x1), np.clip(path[:, 1], y0, y1)])
    if len(clamped) < 2:
        return np.zeros(0, np.int64)
    live = np.concatenate(([0], np.flatnonzero((clamped[1:] != clamped[:-1]).any(axis=1)) + 1))
    with np.errstate(over="ignore", invalid="ignore"):
        cells = np.floor(clamped[live] / (pixel_w, pixel_h))
    n = len(live)
    moved = np.zeros(n, bool)
    moved[1:] = (cells[1:] != cells[:-1]).any(axis=1)
    repeat = np.zeros(n, bool)
    repeat[3:] = moved[3:] & (cells[3:] == cells[1:-2]).all(axis=1) & (cells[2:-1] == cells[:-3]).all(axis=1)
    kept = moved & ~repeat
    # after each point: was the last point that moved a repeat (dropped)?
    last_moved = np.maximum.accumulate(np.where(moved, np.arange(n), -1))
    dropped_before = np.zeros(n, bool)
    dropped_before[1:] = (last_moved[:-1] >= 0) & repeat[np.maximum(last_moved[:-1], 0)]
    leaving = np.flatnonzero(kept & dropped_before) - 1
    return live[np.union1d(np.flatnonzero(kept), leaving)].astype(np.int64)


@kernel
def _moved(path, pixel_w, pixel_h, x0, x1, y0, y1):
    """``_moved_numpy`` in one pass: NumPy makes a dozen arrays of the path (2.2–3.9 ms at 10⁵
    steps, 0.35–0.6 ms here), and a surface switch with ghost paths on decimates some 25 paths."""
    n = path.shape[0]
    out = np.empty(max(n - 1, 0), np.int64)
    m = 0
    c1x = c1y = c2x = c2y = c3x = c3y = lx = ly = 0.0  # pixels of the last three live points; the last point
    live = 0  # points not at rest so far
    last = 0  # index of the last of them
    dropped = False  # the last point that moved repeated the segment of two steps back
    for k in range(n):
        x, y = path[k, 0], path[k, 1]
        x = x0 if x < x0 else (x1 if x > x1 else x)  # NaN stays NaN, as in np.clip
        y = y0 if y < y0 else (y1 if y > y1 else y)
        if k and x == lx and y == ly:  # a racer at rest
            continue
        # within a pixel of 0 the pixel is known without dividing: a racer creeping to 0 passes
        # through subnormal numbers, where a division costs ~100 times as much
        px = (0.0 if x >= 0 else -1.0) if abs(x) < pixel_w else np.floor(x / pixel_w)
        py = (0.0 if y >= 0 else -1.0) if abs(y) < pixel_h else np.floor(y / pixel_h)
        if live and (px != c1x or py != c1y):  # NaN differs from everything, itself included
            if live >= 3 and px == c2x and py == c2y and c1x == c3x and c1y == c3y:
                dropped = True
            else:
                if dropped:
                    out[m] = last
                    m += 1
                out[m] = k
                m += 1
                dropped = False
        c3x, c3y, c2x, c2y, c1x, c1y = c2x, c2y, c1x, c1y, px, py
        lx, ly, last = x, y, k
        live += 1
    return out[:m]


def compile_decimation() -> None:
    """Compile (or load from the disk cache) ``_moved``: from the warm-up thread, never the GUI's."""
    _moved(np.zeros((3, 2)), 1.0, 1.0, 0.0, 1.0, 0.0, 1.0)


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
