"""Run optimizers on surfaces: the public API (`simulate`, `simulate_many`, `simulate_settings`).

The public functions validate everything and raise ``ValueError`` with a message a
student understands; the compiled loop below trusts its inputs.  Divergence is data:
a run that goes non-finite or far outside the surface stops and says at which step.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import numpy as np
from numba import prange, types
from numba.extending import overload

from . import checks, datasets, gradient, program
from .gradient import PROBE_X, PROBE_Y, gauss
from .hyper import (C_BETA1, C_BETA2, C_BIAS, C_CLIP_NORM, C_CLIP_VALUE, C_EPS, C_FORM, C_LR,
                    C_NOISE, C_SCHED, C_SIGMA, C_SP0, C_SPE, C_WD, COMMON, CONFIG_SIZE)
from .jit import kernel
from .optimizers import MOMENTUM_FORMS, NESTEROV, RANDOM_SEARCH, get_optimizer, lookahead, step
from .schedules import BOLD_DRIVER, CONSTANT, PLATEAU, end_of_epoch, get_schedule, lr_at
from .resolver import get_surface
from .surfaces import Surface, evaluate

__all__ = ["Trajectory", "Batch", "simulate", "simulate_many", "simulate_settings", "resolve_hyper",
           "resolve_racer", "check_work", "DEFAULT_TOL", "MAX_STEPS", "MAX_WORK"]

DEFAULT_TOL = 1e-4  # a racer has converged when f − f_min ≤ tol
BOUND_FACTOR = 50.0  # a run that leaves the domain grown by this many widths per side has diverged
MAX_STEPS = 10_000_000
# Runs × steps that one simulate_many / simulate_settings call may do: about 10 s of Adam on two
# cores.  More is refused (split the work into batches) rather than freezing the caller.
MAX_WORK = 500_000_000

# Numba's default threading layer (workqueue) is not safe for two parallel kernels running at
# once from different threads (e.g. a basin map and a sweep in two GUI workers): take turns.
_PARALLEL = threading.Lock()

_SLOTS = {"lr": C_LR, "beta1": C_BETA1, "beta2": C_BETA2, "eps": C_EPS, "weight_decay": C_WD,
          "sigma": C_SIGMA, "noise": C_NOISE, "clip_value": C_CLIP_VALUE, "clip_norm": C_CLIP_NORM,
          "steps_per_epoch": C_SPE}


# --------------------------------------------------------------------------- compiled loop

def _f(surface, x, y):
    """(f, fx, fy) of a registered surface (an integer id), a custom formula (a packed program)
    or a data surface (a tuple)."""


@overload(_f)
def _f_impl(surface, x, y):
    # One specialization of each loop per kind of surface, chosen by the argument's type and
    # compiled when first used: registered surfaces pay nothing for custom and data ones.
    if isinstance(surface, types.Integer):
        return lambda surface, x, y: evaluate(surface, x, y)
    if isinstance(surface, types.Array):
        return lambda surface, x, y: program.run_packed(surface, x, y)
    return lambda surface, x, y: datasets._full(surface[0], surface[1], surface[2], x, y)


def _step_grad(surface, x, y, gx, gy, t, seed):
    """The gradient step t uses: the full one, or a data surface's mini-batch gradient."""


@overload(_step_grad)
def _step_grad_impl(surface, x, y, gx, gy, t, seed):
    if isinstance(surface, types.BaseTuple) and len(surface) == 5:
        return lambda surface, x, y, gx, gy, t, seed: datasets.batch_gradient(surface, x, y, t, seed)
    return lambda surface, x, y, gx, gy, t, seed: (gx, gy)


STOP_EVERY = 64  # steps between two looks at a run's stop flag: ~1 µs on a formula, ~40 ms on 20,000 examples


@kernel
def stopped(stop):
    return stop[0] != 0


@kernel
def _run(surface, oid, hp, x0, y0, steps, seed, fmin, tol, bound, path, loss, grad, lrs, stop):
    """Run up to ``steps`` steps from (x0, y0); record into the arrays when they are non-empty.

    Returns (steps done, diverged_at or -1, converged_at or -1, last finite point (x, y), its f,
    optimizer state).  Everything inside the loop is a float or a tuple of floats.  A non-empty
    ``stop`` is read every STOP_EVERY steps: once another thread set it, the run ends there (a
    cancelled computation frees its core at once instead of after its last step).
    """
    record = path.shape[0] > 0
    th = (x0, y0)
    s = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    f, gx, gy = _f(surface, x0, y0)
    if not math.isfinite(f):
        return 0, 0, -1, th, f, s
    if record:
        path[0, 0] = x0
        path[0, 1] = y0
        loss[0] = f
    converged = 0 if f - fmin <= tol else -1
    ss = (1.0, f, 0.0, f)  # schedule state, see schedules.py
    a = hp[C_LR]
    kind = int(hp[C_SCHED])
    per_epoch = int(hp[C_SPE])
    epoch = 0
    in_epoch = 0
    watch = stop.shape[0] > 0
    for t in range(1, steps + 1):
        if watch and t % STOP_EVERY == 0 and stopped(stop):
            return t - 1, -1, converged, th, f, s
        if kind != CONSTANT:
            a = lr_at(hp, epoch, ss[0])
        if oid == NESTEROV:
            px, py = lookahead(th, s, a, hp)
            _, gx, gy = _f(surface, px, py)
            gx, gy = _step_grad(surface, px, py, gx, gy, t, seed)
        elif oid == RANDOM_SEARCH:
            dx = hp[C_SIGMA] * gauss(seed, t, PROBE_X)
            dy = hp[C_SIGMA] * gauss(seed, t, PROBE_Y)
            df = _f(surface, th[0] + dx, th[1] + dy)[0] - _f(surface, th[0] - dx, th[1] - dy)[0]
            gx = df * dx
            gy = df * dy
        else:
            gx, gy = _step_grad(surface, th[0], th[1], gx, gy, t, seed)
        gx, gy = gradient.modify(gx, gy, hp, seed, t)
        new_th, new_s = step(oid, th, s, (gx, gy), t, a, hp)
        fnew, nx, ny = _f(surface, new_th[0], new_th[1])
        if not (math.isfinite(fnew) and bound[0] <= new_th[0] <= bound[1] and bound[2] <= new_th[1] <= bound[3]):
            return t - 1, t, converged, th, f, s
        th, s, f = new_th, new_s, fnew
        if record:
            path[t, 0] = th[0]
            path[t, 1] = th[1]
            loss[t] = f
            grad[t - 1, 0] = gx
            grad[t - 1, 1] = gy
            lrs[t - 1] = a
        gx, gy = nx, ny
        if converged < 0 and f - fmin <= tol:
            converged = t
        in_epoch += 1
        if in_epoch == per_epoch:
            in_epoch = 0
            epoch += 1
            if kind == PLATEAU or kind == BOLD_DRIVER:
                ss = end_of_epoch(hp, f, ss)
    return steps, -1, converged, th, f, s


@kernel(parallel=True)
def _run_many(surface, oid, hp, starts, steps, seed, fmin, tol, bound, final, final_loss, diverged, converged):
    none2 = np.empty((0, 2))
    none1 = np.empty(0)
    for i in prange(starts.shape[0]):
        _, d, c, th, f, _ = _run(surface, oid, hp, starts[i, 0], starts[i, 1], steps, seed, fmin, tol, bound,
                                 none2, none1, none2, none1, np.empty(0, np.int8))
        final[i, 0] = th[0]
        final[i, 1] = th[1]
        final_loss[i] = f
        diverged[i] = d
        converged[i] = c


@kernel(parallel=True)
def _run_settings(surface, oid, hps, x0, y0, steps, seed, fmin, tol, bound,
                  final, final_loss, diverged, converged):
    """One start, one row of packed hyperparameters per run (for sweeps and tuning)."""
    none2 = np.empty((0, 2))
    none1 = np.empty(0)
    for i in prange(hps.shape[0]):
        h = hps[i]
        hp = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15])
        _, d, c, th, f, _ = _run(surface, oid, hp, x0, y0, steps, seed, fmin, tol, bound, none2, none1, none2, none1,
                                 np.empty(0, np.int8))
        final[i, 0] = th[0]
        final[i, 1] = th[1]
        final_loss[i] = f
        diverged[i] = d
        converged[i] = c


def _batch_arg(s: Surface):
    """The surface argument of the batch kernels: a registered id or a custom program."""
    if isinstance(s, datasets.DataSurface):
        raise ValueError("many-start analyses (basins, sweeps, tuning) work on formula surfaces, not on data "
                         "surfaces; run single racers there")
    return s.kernel_arg()


# --------------------------------------------------------------------------- public API

@dataclass(frozen=True)
class Trajectory:
    """One run.  ``path[k]`` is θ after k steps; ``grad[k]``/``lr[k]`` are what step k + 1 used."""

    surface: str
    optimizer: str
    hyper: dict
    seed: int
    path: np.ndarray  # (n + 1, 2), finite points only
    loss: np.ndarray  # (n + 1,)
    grad: np.ndarray  # (n, 2): the gradient after noise and clipping
    lr: np.ndarray  # (n,): the learning rate after decay
    diverged_at: int | None  # the step whose result was non-finite or out of bounds
    converged_at: int | None  # first step with f − f_min ≤ tol
    state: np.ndarray = field(repr=False)  # (4, 2) optimizer state after the last step (rows: see optimizers)

    @property
    def steps(self) -> int:
        return len(self.path) - 1


@dataclass(frozen=True)
class Batch:
    """Many runs of one setup from different starts (−1 in the step arrays means "never")."""

    final: np.ndarray  # (N, 2) last finite point
    final_loss: np.ndarray  # (N,)
    diverged_at: np.ndarray  # (N,) int
    converged_at: np.ndarray  # (N,) int


def _settings(hyper, what: str = "hyperparameters") -> dict:
    """A copy of a name → value mapping (None means none given)."""
    if hyper is None:
        return {}
    if not isinstance(hyper, dict) or not all(isinstance(k, str) for k in hyper):
        raise ValueError(f"{what} must be a dict of name: value pairs; got {checks.shown(hyper)}")
    return dict(hyper)


def _plain(spec, value):
    """The value in a form ``Hyper.validate`` judges with its own message: text for a choice, a bool
    for a switch, a finite real number otherwise (an int beyond float range, an array or a complex
    number would raise other errors there)."""
    if spec.kind == "choice":
        if not isinstance(value, str):
            raise ValueError(f"{spec.name} must be one of {', '.join(spec.choices)}; got {checks.shown(value)}")
        return value
    if spec.kind == "bool":
        if not isinstance(value, (bool, np.bool_, int, np.integer)):
            raise ValueError(f"{spec.name} must be true or false; got {checks.shown(value)}")
        return value if isinstance(value, bool) else int(value)
    if value is None and spec.optional:
        return None
    return checks.real(value, f"{spec.name} ({spec.symbol})", spec.lo, spec.hi)


def resolve_hyper(optimizer: str, hyper: dict | None = None) -> dict:
    """Fill defaults and validate: every name, every range.  Returns the complete setting."""
    opt = get_optimizer(checks.name(optimizer, "optimizer"))
    given = _settings(hyper)
    schedule = get_schedule(checks.name(given.pop("schedule", "constant"), "schedule"))
    specs = {h.name: h for h in (*opt.hypers, *COMMON, *schedule.params)}
    unknown = sorted(set(given) - set(specs))
    if unknown:
        where = opt.title if schedule.name == "constant" else f"{opt.title} with the {schedule.name} schedule"
        raise ValueError(f"{where} has no hyperparameter {', '.join(map(repr, unknown))}; "
                         f"valid names: {', '.join(specs)}, schedule")
    out = {name: spec.validate(_plain(spec, given[name]) if name in given else spec.default)
           for name, spec in specs.items()}
    out["schedule"] = schedule.name
    return out


def _pack(optimizer: str, hyper: dict) -> tuple:
    cfg = np.zeros(CONFIG_SIZE)
    for name, slot in _SLOTS.items():
        value = hyper.get(name)
        cfg[slot] = 0.0 if value is None else value
    cfg[C_FORM] = MOMENTUM_FORMS.index(hyper.get("form", "classical"))
    cfg[C_BIAS] = hyper.get("bias_correction", True)
    schedule = get_schedule(hyper["schedule"])
    cfg[C_SCHED] = schedule.kid
    for k, spec in enumerate(schedule.params):
        cfg[C_SP0 + k] = hyper[spec.name]
    return tuple(cfg.tolist())  # a tuple travels through the compiled loop without reference counting


def _bound(s: Surface) -> np.ndarray:
    x0, x1, y0, y1 = s.domain
    w, h = (x1 - x0) * BOUND_FACTOR, (y1 - y0) * BOUND_FACTOR
    return np.array([x0 - w, x1 + w, y0 - h, y1 + h])


def _surface(surface) -> Surface:
    return surface if isinstance(surface, Surface) else get_surface(checks.name(surface, "surface"))


def resolve_racer(surface, optimizer: str, hyper: dict | None = None) -> dict:
    """``resolve_hyper`` plus what the surface adds: on a data surface ``batch_size`` (1 … N, default
    N) and, from it, ``steps_per_epoch = ceil(N / batch_size)``."""
    s = _surface(surface)
    given = _settings(hyper)
    batch = given.pop("batch_size", None)
    if not isinstance(s, datasets.DataSurface):
        if batch is not None:
            raise ValueError("batch_size applies to data surfaces (data:…) only")
        return resolve_hyper(optimizer, given)
    batch = s.n if batch is None else checks.whole(batch, "batch_size", 1, s.n)
    given["steps_per_epoch"] = -(-s.n // batch)
    return {**resolve_hyper(optimizer, given), "batch_size": batch}


def _setup(surface, optimizer, steps, seed, tol, hyper):
    s = _surface(surface)
    opt = get_optimizer(checks.name(optimizer, "optimizer"))
    resolved = resolve_racer(s, optimizer, hyper)
    return (s, opt, resolved, _pack(optimizer, resolved), checks.whole(steps, "steps", 0, MAX_STEPS),
            checks.whole(seed, "seed", 0, 2**63 - 1), checks.real(tol, "tol", 0.0))


def check_work(runs: int, steps: int, what: str) -> None:
    """Refuse a batch beyond MAX_WORK step evaluations (a run of 0 steps still costs one evaluation)."""
    if runs * max(steps, 1) > MAX_WORK:
        raise ValueError(f"{runs:,} {what} × {steps:,} steps is more than the {MAX_WORK:,} step evaluations one "
                         "call may do; split the work into smaller batches or use fewer steps")


def _check_start(start):
    return checks.reals(start, "start", 2, "numbers (x, y)")


def simulate(surface: str, optimizer: str, start, steps: int = 500, *, seed: int = 0,
             tol: float = DEFAULT_TOL, stop: np.ndarray | None = None, **hyper) -> Trajectory:
    """Run ``optimizer`` on ``surface`` from ``start`` for ``steps`` steps.

    Hyperparameters are keyword arguments (``lr``, ``beta1``, ``beta2``, ``eps``, ``form``,
    ``bias_correction``, ``weight_decay``, ``sigma``, ``noise``, ``clip_value``, ``clip_norm``,
    ``steps_per_epoch``, ``schedule`` and the schedule's own parameters); anything not given
    takes the optimizer's default.

    ``stop`` (optional) is a flag another thread may raise to end a long run early: a NumPy
    ``int8`` array of one element, looked at every ``STOP_EVERY`` steps; once it is non-zero the
    trajectory ends where the run got to (shorter than asked, neither diverged nor finished).
    """
    return run_with(_run, surface, optimizer, start, steps, seed, tol, hyper, stop)


def _check_stop(stop) -> np.ndarray:
    if stop is None:
        return np.empty(0, np.int8)
    if not (isinstance(stop, np.ndarray) and stop.dtype == np.int8 and stop.shape == (1,)):
        raise ValueError("stop must be None or a NumPy int8 array of one element (a flag to end the run early)")
    return stop


def run_with(loop, surface, optimizer: str, start, steps: int, seed: int, tol: float, hyper: dict,
             stop: np.ndarray | None = None) -> Trajectory:
    """:func:`simulate` with ``loop`` as the single-run loop (``_run``, or ``interpreted``'s copy of it)."""
    s, opt, resolved, cfg, steps, seed, tol = _setup(surface, optimizer, steps, seed, tol, hyper)
    x0, y0 = _check_start(start)
    stop = _check_stop(stop)
    path = np.empty((steps + 1, 2))
    loss = np.empty(steps + 1)
    grad = np.empty((steps, 2))
    lrs = np.empty(steps)
    arg = s.kernel_arg(resolved["batch_size"]) if "batch_size" in resolved else s.kernel_arg()
    done, diverged, converged, _, _, state = loop(arg, opt.oid, cfg, x0, y0, steps, seed, s.f_min, tol,
                                                  _bound(s), path, loss, grad, lrs, stop)
    if diverged == 0:  # the start itself is not a finite point of the surface
        raise ValueError(f"the start point ({x0:g}, {y0:g}) is not a finite point of {s.title}")
    return Trajectory(s.name, opt.name, resolved, seed, path[:done + 1], loss[:done + 1], grad[:done],
                      lrs[:done], None if diverged < 0 else diverged, None if converged < 0 else converged,
                      np.array(state).reshape(4, 2))


def simulate_many(surface: str, optimizer: str, starts, steps: int = 500, *, seed: int = 0,
                  tol: float = DEFAULT_TOL, target: float | None = None, cancelled=None, **hyper) -> Batch | None:
    """Run one setup from every row of ``starts`` (N, 2) at once, on all cores.

    ``converged_at`` counts from f − target ≤ tol; the target defaults to the global minimum
    value (basin maps pass a local minimum's value).  ``starts`` holds real numbers; N × steps may
    be at most ``MAX_WORK`` (5·10⁸): split larger jobs into batches.

    ``cancelled()`` (optional) is asked when the batch's turn comes (parallel kernels take turns):
    a batch cancelled while it waited returns None at once instead of running.
    """
    s, opt, _, cfg, steps, seed, tol = _setup(surface, optimizer, steps, seed, tol, hyper)
    fmin = s.f_min if target is None else checks.real(target, "target")
    starts = checks.real_array(starts, "starts")
    if starts.ndim != 2 or starts.shape[1] != 2:
        raise ValueError(f"starts must be an (N, 2) array of (x, y) points; got shape {starts.shape}")
    starts = np.ascontiguousarray(starts)
    n = len(starts)
    check_work(n, steps, "starts")
    out = Batch(np.empty((n, 2)), np.empty(n), np.empty(n, np.int64), np.empty(n, np.int64))
    with _PARALLEL:
        if cancelled is not None and cancelled():
            return None
        _run_many(_batch_arg(s), opt.oid, cfg, starts, steps, seed, fmin, tol, _bound(s),
                  out.final, out.final_loss, out.diverged_at, out.converged_at)
    return out


def simulate_settings(surface: str, optimizer: str, start, steps: int, settings, *, seed: int = 0,
                      tol: float = DEFAULT_TOL, cancelled=None) -> Batch | None:
    """Run one start once per hyperparameter setting (a list of dicts), on all cores: the engine
    of sweeps and learning-rate tuning.  len(settings) × steps may be at most ``MAX_WORK``.
    ``cancelled`` as in :func:`simulate_many`."""
    s, opt, _, _, steps, seed, tol = _setup(surface, optimizer, steps, seed, tol, {})
    x0, y0 = _check_start(start)
    if not isinstance(settings, (list, tuple)):
        raise ValueError(f"settings must be a list of hyperparameter dicts; got {checks.shown(settings)}")
    check_work(len(settings), steps, "settings")
    hps = np.array([_pack(optimizer, resolve_hyper(optimizer, _settings(h, f"settings[{i}]")))
                    for i, h in enumerate(settings)], dtype=np.float64).reshape(-1, CONFIG_SIZE)
    n = len(hps)
    out = Batch(np.empty((n, 2)), np.empty(n), np.empty(n, np.int64), np.empty(n, np.int64))
    if n:
        with _PARALLEL:
            if cancelled is not None and cancelled():
                return None
            _run_settings(_batch_arg(s), opt.oid, hps, x0, y0, steps, seed, s.f_min, tol, _bound(s),
                          out.final, out.final_loss, out.diverged_at, out.converged_at)
    return out
