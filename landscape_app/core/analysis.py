"""Analyses built on the engine: basins of attraction, hyperparameter sweeps, α tuning, and the
batch-size study of data surfaces."""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import checks, datasets
from .engine import DEFAULT_TOL, MAX_STEPS, check_work, resolve_hyper, simulate, simulate_many, simulate_settings
from .hyper import COMMON
from .optimizers import get_optimizer
from .resolver import get_surface

NOT_CONVERGED = -1
DIVERGED = -2
MAX_SAMPLES = 10_000  # values along one axis of a sweep or a tuning fan


@dataclass(frozen=True)
class BasinMap:
    extent: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax of the start grid
    label: np.ndarray  # (n, n) index into surface.minima, NOT_CONVERGED or DIVERGED; row j is y_j
    steps: np.ndarray  # (n, n) steps until within tol of that minimum's value (−1 when unknown)

    def counts(self) -> dict[int, int]:
        values, counts = np.unique(self.label, return_counts=True)
        return dict(zip(values.tolist(), counts.tolist()))


def grid_starts(extent, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pixel-centre start points of an n × n grid (row-major, y outer)."""
    x0, x1, y0, y1 = extent
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def basin_map(surface: str, optimizer: str, n: int = 128, steps: int = 500, *, extent=None, seed: int = 0,
              tol: float = DEFAULT_TOL, radius: float | None = None, chunk: int = 16384,
              progress: Callable[[float], None] | None = None, cancelled: Callable[[], bool] | None = None,
              **hyper) -> BasinMap | None:
    """Run ``optimizer`` from every point of an n × n grid and say which minimum each start reaches.

    A start belongs to the listed minimum its final point lies within ``radius`` of (default 3 % of
    the domain's diagonal).  Returns None when ``cancelled()`` turns true between chunks.
    """
    s = get_surface(checks.name(surface, "surface"))
    n = checks.whole(n, "n (the basin grid size)", 2, 1024)
    extent = s.domain if extent is None else _box(extent, "extent")
    chunk = checks.whole(chunk, "chunk", 1, 1 << 20)
    checks.callable_or_none(progress, "progress")
    checks.callable_or_none(cancelled, "cancelled")
    if radius is None:
        radius = 0.03 * math.hypot(s.domain[1] - s.domain[0], s.domain[3] - s.domain[2])
    elif checks.real(radius, "radius", 0.0) == 0:
        raise ValueError("radius must be greater than 0")
    _, _, starts = grid_starts(extent, n)
    minima = np.array([m[:2] for m in s.minima])
    final = np.empty((len(starts), 2))
    diverged = np.empty(len(starts), np.int64)
    for lo in range(0, len(starts), chunk):
        if cancelled is not None and cancelled():
            return None
        batch = simulate_many(surface, optimizer, starts[lo:lo + chunk], steps, seed=seed, tol=tol,
                              cancelled=cancelled, **hyper)
        if batch is None:  # cancelled while it waited for its turn
            return None
        final[lo:lo + chunk] = batch.final
        diverged[lo:lo + chunk] = batch.diverged_at
        if progress is not None:
            progress(0.8 * min(1.0, (lo + chunk) / len(starts)))
    distance = np.linalg.norm(final[:, None, :] - minima[None, :, :], axis=2)
    label = np.where(distance.min(axis=1) <= radius, distance.argmin(axis=1), NOT_CONVERGED)
    label[diverged >= 0] = DIVERGED
    steps_to = np.full(len(starts), -1, np.int64)
    for k, m in enumerate(s.minima):  # a second, cheaper pass: convergence to each start's own minimum
        if cancelled is not None and cancelled():
            return None
        mine = np.flatnonzero(label == k)
        if len(mine):
            batch = simulate_many(surface, optimizer, starts[mine], steps, seed=seed, tol=tol, target=m[2],
                                  cancelled=cancelled, **hyper)
            if batch is None:
                return None
            steps_to[mine] = batch.converged_at
    if progress is not None:
        progress(1.0)
    return BasinMap(extent, label.reshape(n, n), steps_to.reshape(n, n))


@dataclass(frozen=True)
class Sweep:
    x_name: str
    y_name: str
    x: np.ndarray  # the x hyperparameter of every run
    y: np.ndarray
    final_loss: np.ndarray  # f − f_min at the end (inf when diverged)
    converged_at: np.ndarray  # −1 = never
    diverged_at: np.ndarray  # −1 = never
    shape: tuple[int, ...] | None  # (ny, nx) for a grid, None for random samples

    def distinct(self) -> tuple[int, int]:
        """How many different values of each hyperparameter were tried (seed 001: a grid of n × n
        settings tries n values of each, n² random settings try n² of each)."""
        return len(np.unique(self.x)), len(np.unique(self.y))


def _box(value, what: str) -> tuple[float, float, float, float]:
    x0, x1, y0, y1 = checks.reals(value, what, 4, "numbers (xmin, xmax, ymin, ymax)")
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"{what} must have xmin < xmax and ymin < ymax; got {[x0, x1, y0, y1]}")
    return x0, x1, y0, y1


def _interval(optimizer, name, lo, hi) -> tuple:
    """(spec, lo, hi) of a range of the float hyperparameter ``name``: lo < hi, both in its range."""
    spec = hyper_spec(optimizer, name)
    lo = checks.real(lo, f"the lower end of {name}", spec.lo, spec.hi)
    hi = checks.real(hi, f"the upper end of {name}", spec.lo, spec.hi)
    if not lo < hi:
        raise ValueError(f"the range of {name} must go from low to high; got {lo:g} to {hi:g}")
    if spec.log and lo <= 0:
        raise ValueError(f"{name} is sampled on a log scale: its range must be above 0; got {lo:g}")
    return spec, lo, hi


# --------------------------------------------------------------------------- axis scales
# A sweep samples evenly along an axis coordinate.  α matters by ratios: a log axis.  A decay rate
# β matters through 1 − β, the window 1/(1 − β) it averages over, and by ratios too (seed 001):
# β = 0.9 → 0.99 → 0.999 are equal steps of −log₁₀(1 − β), while an even β axis would spend nine in
# ten samples below 0.99.
SCALES = {"linear": "linear", "log": "log", "log1m": "log(1 − β)"}  # name → as shown
BETA_LIKE = ("beta1", "beta2")  # decay rates of running averages (β₁, β₂, Adadelta's ρ)


def scales_for(optimizer: str, name: str) -> tuple[str, ...]:
    """The scales ``name`` can be swept on, the default first."""
    spec = hyper_spec(optimizer, name)
    if spec.log:
        return ("log",)
    return ("log1m", "linear") if name in BETA_LIKE else ("linear",)


def _scale(optimizer: str, name: str, scale: str | None) -> str:
    if scale is None:
        return scales_for(optimizer, name)[0]
    if scale not in scales_for(optimizer, name):
        raise ValueError(f"{name} cannot be swept on a {SCALES.get(scale, scale)!s} axis; "
                         f"choose one of: {', '.join(scales_for(optimizer, name))}")
    return scale


def to_axis(scale: str, values):
    """Hyperparameter values → the axis coordinate (log₁₀ v; −log₁₀(1 − β), growing with β)."""
    v = np.asarray(values, dtype=float)
    if scale == "log":
        return np.log10(v)
    if scale == "log1m":
        return -np.log10(1.0 - v)
    return v


def from_axis(scale: str, t):
    """The inverse of :func:`to_axis`."""
    t = np.asarray(t, dtype=float)
    if scale == "log":
        return 10.0 ** t
    if scale == "log1m":
        return 1.0 - 10.0 ** -t
    return t


def axis_values(optimizer: str, name: str, lo: float, hi: float, n: int, scale: str | None = None) -> np.ndarray:
    """n values from lo to hi, evenly spaced along the axis ``scale`` (default: log where the spec
    says log, log(1 − β) for decay rates, else linear)."""
    spec, lo, hi = _interval(optimizer, name, lo, hi)
    scale = _scale(optimizer, name, scale)
    n = checks.whole(n, "n", 1, MAX_SAMPLES)
    values = from_axis(scale, np.linspace(*to_axis(scale, [lo, hi]), n))
    values[[0, -1]] = lo, hi  # exactly the ends, whatever the rounding of the round trip
    return values if n > 1 else values[:1]


def sample_values(optimizer: str, name: str, lo: float, hi: float, n: int, rng: np.random.Generator,
                  scale: str | None = None) -> np.ndarray:
    """n values drawn uniformly along the axis ``scale`` between lo and hi: log-uniform on a log axis,
    1 − β log-uniform on a log(1 − β) axis."""
    spec, lo, hi = _interval(optimizer, name, lo, hi)
    scale = _scale(optimizer, name, scale)
    if scale == "log":  # the draws of earlier versions, so a seed still gives the same samples
        return np.exp(rng.uniform(math.log(lo), math.log(hi), n))
    if scale == "log1m":
        return from_axis(scale, rng.uniform(*to_axis(scale, [lo, hi]), n))
    return rng.uniform(lo, hi, n)


def _axis(pair, what: str) -> tuple[str, np.ndarray]:
    """(name, values) of one sweep axis; the values' range is checked per run by the engine."""
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise ValueError(f"{what} must be a pair (hyperparameter name, values); got {checks.shown(pair)}")
    values = checks.real_array(pair[1], f"the values of {what}")
    if values.ndim != 1 or not 1 <= len(values) <= MAX_SAMPLES:
        raise ValueError(f"the values of {what} must be a list of 1 to {MAX_SAMPLES} numbers")
    return checks.name(pair[0], f"the name of {what}"), values


def sweep_grid(surface, optimizer, start, steps, x: tuple[str, np.ndarray], y: tuple[str, np.ndarray], *,
               seed=0, tol=DEFAULT_TOL, cancelled=None, **hyper) -> Sweep | None:
    """Every combination of the x and y values (a heatmap: row j is y[j]); None when ``cancelled()``
    turns true before the runs' turn comes (see ``engine.simulate_settings``)."""
    (xn, xv), (yn, yv) = _axis(x, "x"), _axis(y, "y")
    check_work(len(xv) * len(yv), checks.whole(steps, "steps", 0, MAX_STEPS), "settings")
    gx, gy = np.meshgrid(xv, yv)
    return _sweep(surface, optimizer, start, steps, xn, gx.ravel(), yn, gy.ravel(), gx.shape, seed, tol, hyper,
                  cancelled)


def sweep_random(surface, optimizer, start, steps, x: tuple, y: tuple, n: int, *, seed=0, tol=DEFAULT_TOL,
                 cancelled=None, **hyper) -> Sweep | None:
    """n random settings inside the box, drawn uniformly along each axis: ``x`` and ``y`` are
    (hyperparameter name, low, high) or (name, low, high, scale) with a scale of :data:`SCALES`
    (default: log-uniform along log-scaled hyperparameters, uniform in log(1 − β) for β₁ and β₂)."""
    n = checks.whole(n, "n", 1, MAX_SAMPLES**2)
    check_work(n, checks.whole(steps, "steps", 0, MAX_STEPS), "settings")
    rng = np.random.default_rng(checks.whole(seed, "seed", 0, 2**63 - 1))
    values = []
    for axis, what in ((x, "x"), (y, "y")):
        if not isinstance(axis, (tuple, list)) or len(axis) not in (3, 4):
            raise ValueError(f"{what} must be (hyperparameter name, low, high[, scale]); got {checks.shown(axis)}")
        values.append(sample_values(optimizer, *axis[:3], n, rng, axis[3] if len(axis) == 4 else None))
    return _sweep(surface, optimizer, start, steps, x[0], values[0], y[0], values[1], None, seed, tol, hyper,
                  cancelled)


def hyper_spec(optimizer, name):
    """The float Hyper spec of ``name`` for this optimizer (sweepable); ValueError otherwise."""
    opt = get_optimizer(checks.name(optimizer, "optimizer"))
    specs = {h.name: h for h in (*opt.hypers, *COMMON) if h.kind == "float"}
    if not isinstance(name, str) or name not in specs:
        raise ValueError(f"{opt.title} cannot sweep {checks.shown(name)}; choose one of: {', '.join(specs)}")
    return specs[name]


def _sweep(surface, optimizer, start, steps, xn, xv, yn, yv, shape, seed, tol, hyper, cancelled=None) -> Sweep | None:
    if xn == yn:
        raise ValueError("choose two different hyperparameters to sweep")
    settings = [{**hyper, xn: float(a), yn: float(b)} for a, b in zip(xv, yv)]
    batch = simulate_settings(surface, optimizer, start, steps, settings, seed=seed, tol=tol, cancelled=cancelled)
    if batch is None:
        return None
    return Sweep(xn, yn, np.asarray(xv), np.asarray(yv), _gap(surface, batch), batch.converged_at,
                 batch.diverged_at, shape)


def _gap(surface, batch) -> np.ndarray:
    """Final f − f_min per run; inf for a diverged run."""
    gap = batch.final_loss - get_surface(surface).f_min
    gap[batch.diverged_at >= 0] = np.inf
    return gap


@dataclass(frozen=True)
class LrTuning:
    """What :func:`tune_lr` found."""

    best: float  # the chosen α
    rates: np.ndarray  # the αs tried (log-spaced)
    loss: np.ndarray  # final f − f_min of each (inf when diverged)
    converged_at: np.ndarray  # −1 = never
    ok: np.ndarray  # bool: converged (or, when no rate converges, did not diverge)
    margin: float  # next failing α above the chosen one ÷ the chosen α (inf: none failed on the grid)
    safe: bool  # the chosen α's neighbours on the grid are ok too (False: no such rate, the raw best)

    @property
    def failing_above(self) -> float | None:
        """The smallest tried α above the chosen one that is not ok (None if there is none)."""
        return None if math.isinf(self.margin) else self.best * self.margin


def tune_lr(surface, optimizer, start, steps, *, lo=None, hi=None, n=41, seed=0, tol=DEFAULT_TOL,
            neighbours: int = 1, **hyper) -> LrTuning:
    """Try n log-spaced learning rates and choose one with a safety margin.

    The lowest final f − f_min wins (ties go to the rate that converged first), but only among
    rates whose ``neighbours`` grid neighbours on each side are ok too (converged, or when no rate
    converges at all, not diverged): the raw best is often the last rate before divergence, and a
    race tuned there blows up when the start moves a little.  A rate at the end of the grid has
    no neighbour there and does not qualify.  When no rate qualifies, the raw best is returned
    with ``safe=False``.  ``margin`` is how far α could grow before the first failing rate.
    """
    spec = hyper_spec(optimizer, "lr")
    _, lo, hi = _interval(optimizer, "lr", max(spec.lo, 1e-6) if lo is None else lo,
                          min(spec.hi, 10.0) if hi is None else hi)
    rates = np.geomspace(lo, hi, checks.whole(n, "n", 2, MAX_SAMPLES))
    neighbours = checks.whole(neighbours, "neighbours", 0, 100)
    batch = simulate_settings(surface, optimizer, start, steps, [{**hyper, "lr": float(a)} for a in rates],
                              seed=seed, tol=tol)
    loss = _gap(surface, batch)
    converged_at = batch.converged_at
    ok = converged_at >= 0 if (converged_at >= 0).any() else np.isfinite(loss)
    safe = np.array([k - neighbours >= 0 and k + neighbours < len(rates) and ok[k - neighbours:k + neighbours + 1].all()
                     for k in range(len(rates))])
    converged = np.where(converged_at >= 0, converged_at, steps + 1)
    order = np.lexsort((converged, np.round(loss, 12)))  # best first
    chosen = next((int(k) for k in order if safe[k]), int(order[0]))
    failing = np.flatnonzero(~ok[chosen + 1:])
    margin = float(rates[chosen + 1 + failing[0]] / rates[chosen]) if len(failing) else math.inf
    return LrTuning(float(rates[chosen]), rates, loss, converged_at, ok, margin, bool(safe[chosen]))


def study_work(n: int, batch: int, epochs: int) -> int:
    """Example evaluations the study spends on one batch size: each step's batch, and the full loss
    the racer records after it."""
    return epochs * -(-n // batch) * (batch + n)


def batch_size_study(surface: str, optimizer: str = "sgd", batch_sizes=None, epochs: int = 5, repeats: int = 3,
                     seed: int = 0, progress: Callable[[float], None] | None = None,
                     cancelled: Callable[[], bool] | None = None, **hyper) -> list[dict] | None:
    """Seed 000's assignment, measured: for each batch size, the wall time of one epoch of mini-batch
    gradient steps (the gradient work only, as in training) and the full-batch loss after ``epochs``
    epochs of ``optimizer`` (same α for all sizes).  Returns None when ``cancelled()`` turns true
    between batch sizes."""
    s = get_surface(checks.name(surface, "surface"))
    if not isinstance(s, datasets.DataSurface):
        raise ValueError("the batch size study needs a data surface (data:least_squares or data:logistic)")
    if batch_sizes is None:
        sizes = sorted({1, 2, 4, 8, 16, 32, 64, 128, s.n} & set(range(1, s.n + 1)))
    elif isinstance(batch_sizes, (list, tuple)) and batch_sizes:
        sizes = [checks.whole(b, f"batch_sizes[{i}]", 1, s.n) for i, b in enumerate(batch_sizes)]
    else:
        raise ValueError(f"batch_sizes must be a list of whole numbers from 1 to {s.n}; got {checks.shown(batch_sizes)}")
    epochs = checks.whole(epochs, "epochs", 1, 10_000)
    repeats = checks.whole(repeats, "repeats", 1, 100)
    seed = checks.whole(seed, "seed", 0, 2**63 - 1)
    lr = resolve_hyper("sgd", {"lr": hyper.get("lr", s.lr)})["lr"]  # the timed epochs are plain SGD
    rows = []
    for k, b in enumerate(sizes):
        if cancelled is not None and cancelled():
            return None
        if progress is not None:
            progress(k / len(sizes))
        data = s.kernel_arg(b)
        datasets.sgd_epochs(data, s.start[0], s.start[1], lr, 1, seed)  # compiled before timing
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            datasets.sgd_epochs(data, s.start[0], s.start[1], lr, epochs, seed)
            best = min(best, time.perf_counter() - t0)
        steps = epochs * -(-s.n // b)
        run = simulate(s.name, optimizer, s.start, steps, batch_size=b, seed=seed, **hyper)
        rows.append({"batch_size": b, "steps": steps, "seconds_per_epoch": best / epochs,
                     "loss": float(run.loss[-1] - s.f_min), "diverged_at": run.diverged_at})
    return rows
