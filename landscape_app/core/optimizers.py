"""Update rules.  Each optimizer is one ``@njit`` function next to its formula.

Notation: θ the point, g the gradient after noise and clipping, α the learning rate
of this step (after decay), t the step number counted from 1.  Every rule has the
signature ``(th, st, g, t, lr, cfg)`` and updates the point ``th`` (2,) and its state
``st`` (3, 2) in place; ``cfg`` is the packed hyperparameter vector (see ``hyper``).
The engine reaches them through :func:`step`, which dispatches on a small integer id.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from numba import njit

from .hyper import C_BETA1, C_BETA2, C_BIAS, C_EPS, C_FORM, C_WD, Hyper

__all__ = ["Optimizer", "OPTIMIZERS", "get_optimizer", "step", "MOMENTUM_FORMS"]

MOMENTUM_FORMS = ("classical", "ema", "lr_inside")
CLASSICAL, EMA, LR_INSIDE = 0, 1, 2
STATE_ROWS = 3


@dataclass(frozen=True)
class Optimizer:
    name: str
    oid: int
    title: str
    rule: str  # the update rule as shown to users
    hypers: tuple[Hyper, ...]
    uses_gradient: bool = True
    kernel: object = field(repr=False, compare=False, default=None)

    @property
    def defaults(self) -> dict:
        return {h.name: h.default for h in self.hypers}

    def hyper(self, name: str) -> Hyper:
        return next(h for h in self.hypers if h.name == name)


OPTIMIZERS: dict[str, Optimizer] = {}


def optimizer(name, *, title, hypers, uses_gradient=True):
    """Register an ``@njit`` update rule; its docstring is the formula users see."""

    def register(kernel):
        OPTIMIZERS[name] = Optimizer(name, len(OPTIMIZERS), title, " ".join(kernel.__doc__.split()),
                                     tuple(hypers), uses_gradient, kernel)
        return kernel

    return register


def get_optimizer(name: str) -> Optimizer:
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}") from None


def lr(default, help="Learning rate: the size of each step."):
    return Hyper("lr", "α", default, 1e-7, 1e4, log=True, help=help)


BETA1 = Hyper("beta1", "β₁", 0.9, 0.0, 0.9999, help="Momentum: how much of the last velocity is kept.")
BETA1_ADAM = Hyper("beta1", "β₁", 0.9, 0.0, 0.9999, help="Decay of the first-moment (mean) estimate m.")
BETA2 = Hyper("beta2", "β₂", 0.999, 0.0, 0.999999, help="Decay of the second-moment (mean square) estimate v.")
EPS = Hyper("eps", "ε", 1e-8, 1e-12, 1.0, log=True, help="Added to the denominator to avoid division by zero.")
FORM = Hyper("form", "form", "classical", kind="choice", choices=MOMENTUM_FORMS,
             help="classical: v←β₁v+g, θ←θ−αv · ema: v←β₁v+(1−β₁)g · lr_inside: u←β₁u−αg, θ←θ+u")
BIAS = Hyper("bias_correction", "bias corr.", True, kind="bool",
             help="Divide m and v by (1−βᵗ) so the first steps are not biased toward zero.")


# --------------------------------------------------------------------------- plain and momentum

@optimizer("sgd", title="SGD", hypers=[lr(0.01)])
@njit(cache=True)
def _sgd(th, st, g, t, lr, cfg):
    """θ ← θ − α g"""
    for i in range(2):
        th[i] -= lr * g[i]


@njit(cache=True)
def _momentum_update(th, st, g, lr, cfg):
    b1 = cfg[C_BETA1]
    form = int(cfg[C_FORM])
    for i in range(2):
        if form == CLASSICAL:
            st[0, i] = b1 * st[0, i] + g[i]
            th[i] -= lr * st[0, i]
        elif form == EMA:
            st[0, i] = b1 * st[0, i] + (1.0 - b1) * g[i]
            th[i] -= lr * st[0, i]
        else:
            st[0, i] = b1 * st[0, i] - lr * g[i]
            th[i] += st[0, i]


@optimizer("momentum", title="Momentum", hypers=[lr(0.01), BETA1, FORM])
@njit(cache=True)
def _momentum(th, st, g, t, lr, cfg):
    """classical: v ← β₁v + g; θ ← θ − αv · ema: v ← β₁v + (1 − β₁)g; θ ← θ − αv ·
    lr_inside: u ← β₁u − αg; θ ← θ + u"""
    _momentum_update(th, st, g, lr, cfg)


@optimizer("nesterov", title="Nesterov", hypers=[lr(0.01), BETA1, FORM])
@njit(cache=True)
def _nesterov(th, st, g, t, lr, cfg):
    """g taken at the look-ahead point: classical g = ∇f(θ − αβ₁v); v ← β₁v + g; θ ← θ − αv ·
    ema: g = ∇f(θ − αβ₁v); v ← β₁v + (1 − β₁)g; θ ← θ − αv · lr_inside: g = ∇f(θ + β₁u);
    u ← β₁u − αg; θ ← θ + u"""
    _momentum_update(th, st, g, lr, cfg)


@njit(cache=True)
def lookahead(th, st, lr, cfg, out):
    """Nesterov's look-ahead point, where its gradient is evaluated."""
    b1 = cfg[C_BETA1]
    for i in range(2):
        if int(cfg[C_FORM]) == LR_INSIDE:
            out[i] = th[i] + b1 * st[0, i]
        else:
            out[i] = th[i] - lr * b1 * st[0, i]


# --------------------------------------------------------------------------- adaptive

@optimizer("adagrad", title="AdaGrad", hypers=[lr(0.1), replace(EPS, default=1e-10)])
@njit(cache=True)
def _adagrad(th, st, g, t, lr, cfg):
    """G ← G + g²; θ ← θ − α g / (√G + ε)"""
    for i in range(2):
        st[0, i] += g[i] * g[i]
        th[i] -= lr * g[i] / (math.sqrt(st[0, i]) + cfg[C_EPS])


@optimizer("rmsprop", title="RMSProp", hypers=[lr(0.01), replace(
    BETA2, default=0.9, help="Decay of the running mean of squared gradients S."), EPS])
@njit(cache=True)
def _rmsprop(th, st, g, t, lr, cfg):
    """S ← β₂S + (1 − β₂)g²; θ ← θ − α g / (√S + ε)"""
    b2 = cfg[C_BETA2]
    for i in range(2):
        st[0, i] = b2 * st[0, i] + (1.0 - b2) * g[i] * g[i]
        th[i] -= lr * g[i] / (math.sqrt(st[0, i]) + cfg[C_EPS])


@optimizer("adadelta", title="Adadelta", hypers=[
    lr(1.0, "Scales Adadelta's self-sized step Δ (1 in the original paper)."),
    Hyper("beta2", "ρ", 0.9, 0.0, 0.999999, help="ρ: decay of the running means of g² and Δ²."),
    Hyper("eps", "ε", 1e-6, 1e-12, 1.0, log=True, help="Sets the size of the first steps: √ε / √(E + ε).")])
@njit(cache=True)
def _adadelta(th, st, g, t, lr, cfg):
    """E ← ρE + (1 − ρ)g²; Δ = −√(U + ε) / √(E + ε) · g; U ← ρU + (1 − ρ)Δ²; θ ← θ + αΔ"""
    rho = cfg[C_BETA2]
    eps = cfg[C_EPS]
    for i in range(2):
        st[0, i] = rho * st[0, i] + (1.0 - rho) * g[i] * g[i]
        d = -math.sqrt(st[1, i] + eps) / math.sqrt(st[0, i] + eps) * g[i]
        st[1, i] = rho * st[1, i] + (1.0 - rho) * d * d
        th[i] += lr * d


@njit(cache=True)
def _adam_family(th, st, g, t, lr, cfg, amsgrad, nesterov):
    """State rows: m, v, max v (AMSGrad)."""
    b1 = cfg[C_BETA1]
    b2 = cfg[C_BETA2]
    bias = cfg[C_BIAS] != 0.0
    c1 = 1.0 - b1 ** t if bias else 1.0
    c2 = 1.0 - b2 ** t if bias else 1.0
    for i in range(2):
        st[0, i] = b1 * st[0, i] + (1.0 - b1) * g[i]
        st[1, i] = b2 * st[1, i] + (1.0 - b2) * g[i] * g[i]
        v = st[1, i]
        if amsgrad:
            st[2, i] = max(st[2, i], st[1, i])
            v = st[2, i]
        m_hat = st[0, i] / c1
        if nesterov:
            m_hat = b1 * m_hat + (1.0 - b1) * g[i] / c1
        th[i] -= lr * m_hat / (math.sqrt(v / c2) + cfg[C_EPS])


ADAM_HYPERS = [lr(0.001), BETA1_ADAM, BETA2, EPS, BIAS]


@optimizer("adam", title="Adam", hypers=ADAM_HYPERS)
@njit(cache=True)
def _adam(th, st, g, t, lr, cfg):
    """m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ);
    θ ← θ − α m̂ / (√v̂ + ε)"""
    _adam_family(th, st, g, t, lr, cfg, False, False)


@optimizer("adamw", title="AdamW", hypers=ADAM_HYPERS + [
    Hyper("weight_decay", "λ", 0.01, 0.0, 10.0, help="Decoupled weight decay: θ shrinks by αλ each step.")])
@njit(cache=True)
def _adamw(th, st, g, t, lr, cfg):
    """θ ← θ(1 − αλ), then the Adam step"""
    for i in range(2):
        th[i] *= 1.0 - lr * cfg[C_WD]
    _adam_family(th, st, g, t, lr, cfg, False, False)


@optimizer("amsgrad", title="AMSGrad", hypers=ADAM_HYPERS)
@njit(cache=True)
def _amsgrad(th, st, g, t, lr, cfg):
    """Adam moments; v_max ← max(v_max, v); θ ← θ − α m̂ / (√(v_max/(1 − β₂ᵗ)) + ε)"""
    _adam_family(th, st, g, t, lr, cfg, True, False)


@optimizer("nadam", title="NAdam", hypers=ADAM_HYPERS)
@njit(cache=True)
def _nadam(th, st, g, t, lr, cfg):
    """Adam moments; θ ← θ − α (β₁m̂ + (1 − β₁)g/(1 − β₁ᵗ)) / (√v̂ + ε)"""
    _adam_family(th, st, g, t, lr, cfg, False, True)


# --------------------------------------------------------------------------- sign, search, coordinates

@optimizer("rprop", title="Rprop", hypers=[
    lr(0.01, "Initial per-coordinate step size Δ₀ (Rprop ignores the gradient's size).")])
@njit(cache=True)
def _rprop(th, st, g, t, lr, cfg):
    """iRprop−, per coordinate (Δ starts at α): if gₜ·gₜ₋₁ > 0, Δ ← min(1.2Δ, 50);
    if < 0, Δ ← max(0.5Δ, 10⁻⁶) and gₜ ← 0; θ ← θ − sign(gₜ)Δ"""
    for i in range(2):
        if t == 1:
            st[0, i] = lr
        gi = g[i]
        p = gi * st[1, i]
        if p > 0.0:
            st[0, i] = min(1.2 * st[0, i], 50.0)
        elif p < 0.0:
            st[0, i] = max(0.5 * st[0, i], 1e-6)
            gi = 0.0
        if gi > 0.0:
            th[i] -= st[0, i]
        elif gi < 0.0:
            th[i] += st[0, i]
        st[1, i] = gi


@optimizer("random_search", title="Random search", uses_gradient=False, hypers=[
    lr(0.5), Hyper("sigma", "σ", 0.5, 1e-6, 1e3, log=True,
                   help="Std. dev. of the random probe δ; the step is, on average, 2σ²∇f.")])
@njit(cache=True)
def _random_search(th, st, g, t, lr, cfg):
    """δ ~ N(0, σ²I); g = (f(θ + δ) − f(θ − δ)) δ; θ ← θ − α g  (uses f only)"""
    for i in range(2):
        th[i] -= lr * g[i]


@optimizer("coordinate_descent", title="Coordinate descent", hypers=[lr(0.01)])
@njit(cache=True)
def _coordinate_descent(th, st, g, t, lr, cfg):
    """step t moves only coordinate i = (t − 1) mod 2: θᵢ ← θᵢ − α ∂f/∂θᵢ"""
    i = (t - 1) % 2
    th[i] -= lr * g[i]


# --------------------------------------------------------------------------- dispatch

SGD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADADELTA, ADAM, ADAMW, AMSGRAD, NADAM, RPROP, \
    RANDOM_SEARCH, COORDINATE_DESCENT = (OPTIMIZERS[n].oid for n in (
        "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "amsgrad",
        "nadam", "rprop", "random_search", "coordinate_descent"))


@njit(cache=True)
def step(oid, th, st, g, t, lr, cfg):
    if oid == SGD:
        _sgd(th, st, g, t, lr, cfg)
    elif oid == MOMENTUM:
        _momentum(th, st, g, t, lr, cfg)
    elif oid == NESTEROV:
        _nesterov(th, st, g, t, lr, cfg)
    elif oid == ADAGRAD:
        _adagrad(th, st, g, t, lr, cfg)
    elif oid == RMSPROP:
        _rmsprop(th, st, g, t, lr, cfg)
    elif oid == ADADELTA:
        _adadelta(th, st, g, t, lr, cfg)
    elif oid == ADAM:
        _adam(th, st, g, t, lr, cfg)
    elif oid == ADAMW:
        _adamw(th, st, g, t, lr, cfg)
    elif oid == AMSGRAD:
        _amsgrad(th, st, g, t, lr, cfg)
    elif oid == NADAM:
        _nadam(th, st, g, t, lr, cfg)
    elif oid == RPROP:
        _rprop(th, st, g, t, lr, cfg)
    elif oid == RANDOM_SEARCH:
        _random_search(th, st, g, t, lr, cfg)
    elif oid == COORDINATE_DESCENT:
        _coordinate_descent(th, st, g, t, lr, cfg)
