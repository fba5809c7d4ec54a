"""What an optimizer "sees" at one step: the numbers behind the step-vector picture."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .engine import _pack, simulate
from .jit import compiled_or_interpreted, kernel
from .optimizers import get_optimizer, step
from .resolver import get_surface


@dataclass(frozen=True)
class StepDetail:
    step: int  # the racer sits at θ_k and is about to take step k + 1
    theta: np.ndarray
    next_theta: np.ndarray | None  # None after the last step or when step k + 1 diverged
    lr: float | None  # α of step k + 1, after decay
    eval_point: np.ndarray  # where the gradient is taken (Nesterov: the look-ahead point)
    raw_grad: np.ndarray  # ∇f at eval_point, before noise and clipping
    used_grad: np.ndarray | None  # after noise and clipping
    velocity_step: np.ndarray | None  # the momentum part of the step (−αβ₁v or β₁u)
    quantities: dict = field(default_factory=dict)  # name → (x, y) pair for the readout


def inspect_step(surface: str, optimizer: str, start, k: int, *, seed: int = 0, **hyper) -> StepDetail:
    """Run k + 1 steps and report the state after k and what step k + 1 does."""
    return step_detail(simulate(surface, optimizer, start, k + 1, seed=seed, **hyper), k)


def step_detail(run, k: int, states: np.ndarray | None = None) -> StepDetail:
    """The state of the recorded ``run`` after step k and what its step k + 1 did, read from what
    the run recorded (nothing is simulated again: on a data surface that cost ~0.3 s per 50,000
    steps).  ``states`` is ``replay(run)[0]``, for a caller that asks about many steps of one run."""
    k = min(max(int(k), 0), run.steps)  # a diverged run stops early
    if states is None:
        states = replay(run)[0]
    s = get_surface(run.surface)
    h = run.hyper
    theta = run.path[k]
    st = states[k]  # rows after k steps
    took = k < run.steps
    lr = float(run.lr[k]) if took else None
    a = lr if lr is not None else h["lr"]
    eval_point = theta.copy()
    velocity_step = None
    q: dict = {}
    optimizer = run.optimizer
    if optimizer in ("momentum", "nesterov"):
        b1 = h["beta1"]
        v = st[0]
        velocity_step = b1 * v if h["form"] == "lr_inside" else -a * b1 * v
        q["u (velocity)" if h["form"] == "lr_inside" else "v (velocity)"] = v
        if optimizer == "nesterov":
            eval_point = theta + velocity_step
    elif optimizer == "adagrad":
        q["G (Σ g²)"] = st[0]
        q["α / (√G + ε)"] = a / (np.sqrt(st[0]) + h["eps"])
    elif optimizer == "rmsprop":
        q["S (mean g²)"] = st[0]
        q["α / (√S + ε)"] = a / (np.sqrt(st[0]) + h["eps"])
    elif optimizer == "adadelta":
        q["E (mean g²)"], q["U (mean Δ²)"] = st[0], st[1]
        q["√(U+ε)/√(E+ε)"] = np.sqrt(st[1] + h["eps"]) / np.sqrt(st[0] + h["eps"])
    elif optimizer in ("adam", "adamw", "amsgrad", "nadam"):
        m, v = st[0], (st[2] if optimizer == "amsgrad" else st[1])
        c1 = 1 - h["beta1"] ** k if h["bias_correction"] and k else 1.0
        c2 = 1 - h["beta2"] ** k if h["bias_correction"] and k else 1.0
        q["m"], q["v_max" if optimizer == "amsgrad" else "v"] = m, v
        if k:
            q["m̂"], q["v̂"] = m / c1, v / c2
            q["α / (√v̂ + ε)"] = a / (np.sqrt(v / c2) + h["eps"])
    elif optimizer == "rprop":
        q["Δ (step sizes)"], q["previous g"] = st[0], st[1]
    _, gx, gy = s.value_and_grad(*eval_point)
    used = run.grad[k] if took else None
    return StepDetail(k, theta, run.path[k + 1] if took else None, lr, eval_point, np.array([gx, gy]),
                      used, velocity_step, {name: np.asarray(val, float) for name, val in q.items()})


def format_pair(p) -> str:
    return "(" + ", ".join(f"{v:.4g}" if math.isfinite(v) else str(v) for v in p) + ")"


# --------------------------------------------------------------------------- the state over a whole run
# A Trajectory keeps only the final optimizer state.  The state after every step is recovered by
# replaying the recorded steps through the engine's own update rule (``optimizers.step``), fed with
# what each step used: the point, the gradient after noise and clipping, and α after decay.  No rule
# is written twice, and the replayed points must equal the recorded path bit for bit (tested).

@kernel
def _replay(oid, hp, path, grad, lrs, states, points):
    """Row t of ``states`` (8 floats) and ``points`` (θ) after step t; row 0 is the start."""
    s = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    points[0, 0] = path[0, 0]
    points[0, 1] = path[0, 1]
    for t in range(1, grad.shape[0] + 1):
        th, s = step(oid, (path[t - 1, 0], path[t - 1, 1]), s, (grad[t - 1, 0], grad[t - 1, 1]), t, lrs[t - 1], hp)
        states[t, 0], states[t, 1], states[t, 2], states[t, 3] = s[0], s[1], s[2], s[3]
        states[t, 4], states[t, 5], states[t, 6], states[t, 7] = s[4], s[5], s[6], s[7]
        points[t, 0] = th[0]
        points[t, 1] = th[1]


def replay(run) -> tuple[np.ndarray, np.ndarray]:
    """(states, points) of a run: ``states[t]`` is the optimizer's state (four (x, y) rows, as in
    ``Trajectory.state``) after step t, shape (n + 1, 4, 2); ``points[t]`` is θ after step t as the
    update rule computes it from the recorded inputs (equal to ``run.path``)."""
    n = run.steps
    states = np.zeros((n + 1, 8))
    points = np.empty((n + 1, 2))
    run_replay = compiled_or_interpreted(_replay)
    run_replay(get_optimizer(run.optimizer).oid, _pack(run.optimizer, run.hyper), np.ascontiguousarray(run.path),
               np.ascontiguousarray(run.grad), np.ascontiguousarray(run.lr), states, points)
    return states.reshape(n + 1, 4, 2), points


@dataclass(frozen=True)
class Series:
    """One quantity an optimizer keeps, per coordinate, over the steps of a run."""

    name: str  # as printed: "m̂", "(1 − β₁)v"
    values: np.ndarray  # (n + 1, 2): row t after step t (row 0: before the first step)
    averages: str  # what it averages and so is drawn against: "g", "g²" or "Δ²"
    note: str  # how it is made, e.g. "EWA of g with β₁ = 0.9: window ≈ 10 steps"


@dataclass(frozen=True)
class History:
    """What an optimizer kept and how large a step it allowed, step by step (see :func:`history`)."""

    optimizer: str
    series: list  # of Series: the running averages (and sums) the rule keeps
    rate: np.ndarray | None  # (n, 2): row t − 1 is the per-coordinate multiplier step t applied
    rate_name: str  # what ``rate`` is, e.g. "α / (√v̂ + ε)"; "" for optimizers without one
    remark: str  # said when there is nothing to draw ("SGD keeps no average …")


def _window(beta: float) -> str:
    if beta >= 1:
        return "no forgetting"
    w = 1 / (1 - beta)
    return f"window ≈ {w:.3g} steps" if w < 100 else f"window ≈ {w:,.0f} steps"


def history(run) -> History:
    """The state of ``run``'s optimizer after every step, named as the update rule names it, and the
    effective per-coordinate step size: the factor each coordinate's gradient (Adam: m̂) is
    multiplied by in that step (Rprop: the step length Δ itself).

    Momentum's velocity is shown as the exponentially weighted average it is: the classical form
    keeps v = Σβ₁ᵗ⁻ᵏgₖ, so (1 − β₁)v is the EWA of g; the lr_inside form keeps u = −Σβ₁ᵗ⁻ᵏαₖgₖ, so
    −(1 − β₁)u/α₀ is the EWA of (α/α₀)g (of g itself while α is constant)."""
    opt, h = run.optimizer, run.hyper
    states, _ = replay(run)
    n = run.steps
    a = run.lr[:, None]  # α of step t in row t − 1
    eps = h.get("eps")
    series: list[Series] = []
    rate, rate_name, remark = None, "", ""
    if opt in ("momentum", "nesterov"):
        b1 = h["beta1"]
        v = states[:, 0]
        if h["form"] == "classical":
            series.append(Series("(1 − β₁)v", (1 - b1) * v, "g", f"v ← β₁v + g, so (1 − β₁)v is the EWA of g "
                                                                 f"with β₁ = {b1:g}: {_window(b1)}"))
        elif h["form"] == "ema":
            series.append(Series("v", v, "g", f"v ← β₁v + (1 − β₁)g: the EWA of g with β₁ = {b1:g}, {_window(b1)}"))
        else:
            series.append(Series("−(1 − β₁)u/α₀", -(1 - b1) * v / h["lr"], "g",
                                 f"u ← β₁u − αg: −(1 − β₁)u/α₀ is the EWA of (α/α₀)g with β₁ = {b1:g}, {_window(b1)}"))
        remark = "momentum's step size is α for both coordinates (the α(t) curve)"
    elif opt == "adagrad":
        G = states[:, 0]
        series.append(Series("G", G, "g²", "G ← G + g²: a plain sum of every g² so far, never forgetting"))
        rate, rate_name = a / (np.sqrt(G[1:]) + eps), "α / (√G + ε)"
    elif opt == "rmsprop":
        b2 = h["beta2"]
        S = states[:, 0]
        series.append(Series("S", S, "g²", f"S ← β₂S + (1 − β₂)g²: the EWA of g² with β₂ = {b2:g}, {_window(b2)}"))
        rate, rate_name = a / (np.sqrt(S[1:]) + eps), "α / (√S + ε)"
    elif opt == "adadelta":
        rho = h["beta2"]
        E, U = states[:, 0], states[:, 1]
        series.append(Series("E", E, "g²", f"E ← ρE + (1 − ρ)g²: the EWA of g² with ρ = {rho:g}, {_window(rho)}"))
        series.append(Series("U", U, "Δ²", f"U ← ρU + (1 − ρ)Δ²: the EWA of the squared steps Δ², {_window(rho)}"))
        rate, rate_name = a * np.sqrt(U[:-1] + eps) / np.sqrt(E[1:] + eps), "α √(U + ε) / √(E + ε)"
    elif opt in ("adam", "adamw", "amsgrad", "nadam"):
        b1, b2 = h["beta1"], h["beta2"]
        m, v, vmax = states[:, 0], states[:, 1], states[:, 2]
        t = np.arange(n + 1, dtype=float)[:, None]
        corrected = h["bias_correction"]
        with np.errstate(divide="ignore", invalid="ignore"):  # row 0 (t = 0) has nothing to correct
            c1 = np.where(t > 0, 1 - b1 ** t, 1.0) if corrected else np.ones_like(t)
            c2 = np.where(t > 0, 1 - b2 ** t, 1.0) if corrected else np.ones_like(t)
        second = vmax if opt == "amsgrad" else v
        series.append(Series("m", m, "g", f"m ← β₁m + (1 − β₁)g: the EWA of g with β₁ = {b1:g}, {_window(b1)}"))
        if corrected:
            series.append(Series("m̂", m / c1, "g", "m̂ = m/(1 − β₁ᵗ): m without its start at 0"))
        series.append(Series("v", v, "g²", f"v ← β₂v + (1 − β₂)g²: the EWA of g² with β₂ = {b2:g}, {_window(b2)}"))
        if opt == "amsgrad":
            series.append(Series("v_max", vmax, "g²", "v_max ← max(v_max, v): never shrinks"))
        if corrected:
            series.append(Series("v̂", second / c2, "g²",
                                 ("v̂ = v_max/(1 − β₂ᵗ)" if opt == "amsgrad" else "v̂ = v/(1 − β₂ᵗ)")
                                 + ": without its start at 0"))
        v_hat = second / c2
        rate = a / (np.sqrt(v_hat[1:]) + eps)
        rate_name = "α / (√v̂ + ε)" if corrected else "α / (√v + ε)"
    elif opt == "rprop":
        rate, rate_name = states[1:, 0], "Δ (step length)"
        remark = "Rprop keeps a step length Δ per coordinate, not an average"
    else:
        remark = {"sgd": "SGD keeps no average: each step uses this step's g alone",
                  "random_search": "random search keeps no average: each step uses one random probe",
                  "coordinate_descent": "coordinate descent keeps no average: each step uses one partial "
                                        "derivative"}.get(opt, "")
    return History(opt, series, rate, rate_name, remark)
