"""What an optimizer "sees" at one step: the numbers behind the step-vector picture."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .engine import simulate
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
    """Replay k + 1 steps and report the state after k and what step k + 1 does."""
    before = simulate(surface, optimizer, start, k, seed=seed, **hyper)
    k = before.steps  # a diverged run stops early
    after = simulate(surface, optimizer, start, k + 1, seed=seed, **hyper)
    s = get_surface(surface)
    h = before.hyper
    theta = before.path[-1]
    st = before.state  # rows after k steps
    took = after.steps == k + 1
    lr = float(after.lr[k]) if took else None
    a = lr if lr is not None else h["lr"]
    eval_point = theta.copy()
    velocity_step = None
    q: dict = {}
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
    used = after.grad[k] if took else None
    return StepDetail(k, theta, after.path[k + 1] if took else None, lr, eval_point, np.array([gx, gy]),
                      used, velocity_step, {name: np.asarray(val, float) for name, val in q.items()})


def format_pair(p) -> str:
    return "(" + ", ".join(f"{v:.4g}" if math.isfinite(v) else str(v) for v in p) + ")"
