"""Update rules.  Each optimizer is one ``@njit`` function next to its formula.

Notation: θ the point, g the gradient after noise and clipping, α the learning rate
of this step (after decay), t the step number counted from 1.

Every rule is a pure function ``(th, s, g, t, lr, hp) -> (th, s)`` of tuples of floats:
the point θ = (x, y), the optimizer state s (eight floats: four rows of an (x, y) pair,
laid out per optimizer as documented below), the gradient g = (gx, gy), and the packed
hyperparameters ``hp`` (see ``hyper``).  Tuples, not arrays, so the compiled loop does no
reference counting per step (that alone cost ~40 ns/step).  The engine reaches the rules
through :func:`step`, which dispatches on a small integer id.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .jit import dispatch_kernel, inline_kernel
from .notation import html

from .hyper import C_BETA1, C_BETA2, C_BIAS, C_EPS, C_FORM, C_WD, Hyper

__all__ = ["Optimizer", "OPTIMIZERS", "get_optimizer", "step", "lookahead", "MOMENTUM_FORMS", "STATE_SIZE"]

MOMENTUM_FORMS = ("classical", "ema", "lr_inside")
CLASSICAL, EMA, LR_INSIDE = 0, 1, 2
STATE_SIZE = 8  # four (x, y) rows


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
    def rule_html(self) -> str:
        """The rule as Qt rich text (m̂ and v̂ keep their hats on every font): for labels and tooltips."""
        return html(self.rule)

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
# State rows (pairs s[0:2], s[2:4], s[4:6], s[6:8]); unused entries stay 0.

@optimizer("sgd", title="SGD", hypers=[lr(0.01)])
@inline_kernel
def _sgd(th, s, g, t, lr, hp):
    """θ ← θ − α g"""
    return (th[0] - lr * g[0], th[1] - lr * g[1]), s


@inline_kernel
def _momentum_coord(x, v, g, lr, b1, form):
    if form == CLASSICAL:
        v = b1 * v + g
        return x - lr * v, v
    elif form == EMA:
        v = b1 * v + (1.0 - b1) * g
        return x - lr * v, v
    v = b1 * v - lr * g
    return x + v, v


@inline_kernel
def _momentum_step(th, s, g, lr, hp):
    """State: velocity v (u for lr_inside)."""
    b1 = hp[C_BETA1]
    form = int(hp[C_FORM])
    x, vx = _momentum_coord(th[0], s[0], g[0], lr, b1, form)
    y, vy = _momentum_coord(th[1], s[1], g[1], lr, b1, form)
    return (x, y), (vx, vy, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@optimizer("momentum", title="Momentum", hypers=[lr(0.01), BETA1, FORM])
@inline_kernel
def _momentum(th, s, g, t, lr, hp):
    """classical: v ← β₁v + g; θ ← θ − αv · ema: v ← β₁v + (1 − β₁)g; θ ← θ − αv ·
    lr_inside: u ← β₁u − αg; θ ← θ + u"""
    return _momentum_step(th, s, g, lr, hp)


@optimizer("nesterov", title="Nesterov", hypers=[lr(0.01), BETA1, FORM])
@inline_kernel
def _nesterov(th, s, g, t, lr, hp):
    """g taken at the look-ahead point: classical g = ∇f(θ − αβ₁v); v ← β₁v + g; θ ← θ − αv ·
    ema: g = ∇f(θ − αβ₁v); v ← β₁v + (1 − β₁)g; θ ← θ − αv · lr_inside: g = ∇f(θ + β₁u);
    u ← β₁u − αg; θ ← θ + u"""
    return _momentum_step(th, s, g, lr, hp)


@inline_kernel
def lookahead(th, s, lr, hp):
    """Nesterov's look-ahead point, where its gradient is evaluated."""
    b1 = hp[C_BETA1]
    if int(hp[C_FORM]) == LR_INSIDE:
        return th[0] + b1 * s[0], th[1] + b1 * s[1]
    return th[0] - lr * b1 * s[0], th[1] - lr * b1 * s[1]


# --------------------------------------------------------------------------- adaptive

@optimizer("adagrad", title="AdaGrad", hypers=[lr(0.1), replace(EPS, default=1e-10)])
@inline_kernel
def _adagrad(th, s, g, t, lr, hp):
    """G ← G + g²; θ ← θ − α g / (√G + ε)"""
    eps = hp[C_EPS]
    gx = s[0] + g[0] * g[0]
    gy = s[1] + g[1] * g[1]
    x = th[0] - lr * g[0] / (math.sqrt(gx) + eps)
    y = th[1] - lr * g[1] / (math.sqrt(gy) + eps)
    return (x, y), (gx, gy, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@optimizer("rmsprop", title="RMSProp", hypers=[lr(0.01), replace(
    BETA2, default=0.9, help="Decay of the running mean of squared gradients S."), EPS])
@inline_kernel
def _rmsprop(th, s, g, t, lr, hp):
    """S ← β₂S + (1 − β₂)g²; θ ← θ − α g / (√S + ε)"""
    b2 = hp[C_BETA2]
    eps = hp[C_EPS]
    sx = b2 * s[0] + (1.0 - b2) * g[0] * g[0]
    sy = b2 * s[1] + (1.0 - b2) * g[1] * g[1]
    x = th[0] - lr * g[0] / (math.sqrt(sx) + eps)
    y = th[1] - lr * g[1] / (math.sqrt(sy) + eps)
    return (x, y), (sx, sy, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@inline_kernel
def _adadelta_coord(x, E, U, g, lr, rho, eps):
    E = rho * E + (1.0 - rho) * g * g
    d = -math.sqrt(U + eps) / math.sqrt(E + eps) * g
    U = rho * U + (1.0 - rho) * d * d
    return x + lr * d, E, U


@optimizer("adadelta", title="Adadelta", hypers=[
    lr(1.0, "Scales Adadelta's self-sized step Δ (1 in the original paper)."),
    Hyper("beta2", "ρ", 0.9, 0.0, 0.999999, help="ρ: decay of the running means of g² and Δ²."),
    Hyper("eps", "ε", 1e-6, 1e-12, 1.0, log=True, help="Sets the size of the first steps: √ε / √(E + ε).")])
@inline_kernel
def _adadelta(th, s, g, t, lr, hp):
    """E ← ρE + (1 − ρ)g²; Δ = −√(U + ε) / √(E + ε) · g; U ← ρU + (1 − ρ)Δ²; θ ← θ + αΔ
    (state rows: E, U)"""
    x, ex, ux = _adadelta_coord(th[0], s[0], s[2], g[0], lr, hp[C_BETA2], hp[C_EPS])
    y, ey, uy = _adadelta_coord(th[1], s[1], s[3], g[1], lr, hp[C_BETA2], hp[C_EPS])
    return (x, y), (ex, ey, ux, uy, 0.0, 0.0, 0.0, 0.0)


@inline_kernel
def _adam_coord(x, m, v, vmax, g, lr, b1, b2, c1, c2, eps, amsgrad, nesterov):
    m = b1 * m + (1.0 - b1) * g
    v = b2 * v + (1.0 - b2) * g * g
    vmax = max(vmax, v)
    m_hat = m / c1
    if nesterov:
        m_hat = b1 * m_hat + (1.0 - b1) * g / c1
    v_hat = (vmax if amsgrad else v) / c2
    return x - lr * m_hat / (math.sqrt(v_hat) + eps), m, v, vmax


@inline_kernel
def _adam_family(th, s, g, t, lr, hp, amsgrad, nesterov):
    """State rows: m, v, running max of v, (β₁ᵗ, β₂ᵗ)."""
    b1 = hp[C_BETA1]
    b2 = hp[C_BETA2]
    # β₁ᵗ, β₂ᵗ as running products, flushed to 0 once 1 − βᵗ rounds to 1: keeps libm's pow and
    # denormal arithmetic out of the loop without changing a result beyond the last bit.
    p1 = b1 if t == 1 else (s[6] * b1 if s[6] > 1e-20 else 0.0)
    p2 = b2 if t == 1 else (s[7] * b2 if s[7] > 1e-20 else 0.0)
    bias = hp[C_BIAS] != 0.0
    c1 = 1.0 - p1 if bias else 1.0
    c2 = 1.0 - p2 if bias else 1.0
    x, mx, vx, wx = _adam_coord(th[0], s[0], s[2], s[4], g[0], lr, b1, b2, c1, c2, hp[C_EPS], amsgrad, nesterov)
    y, my, vy, wy = _adam_coord(th[1], s[1], s[3], s[5], g[1], lr, b1, b2, c1, c2, hp[C_EPS], amsgrad, nesterov)
    return (x, y), (mx, my, vx, vy, wx, wy, p1, p2)


ADAM_HYPERS = [lr(0.001), BETA1_ADAM, BETA2, EPS, BIAS]


@optimizer("adam", title="Adam", hypers=ADAM_HYPERS)
@inline_kernel
def _adam(th, s, g, t, lr, hp):
    """m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ);
    θ ← θ − α m̂ / (√v̂ + ε)"""
    return _adam_family(th, s, g, t, lr, hp, False, False)


@optimizer("adamw", title="AdamW", hypers=ADAM_HYPERS + [
    Hyper("weight_decay", "λ", 0.01, 0.0, 10.0, help="Decoupled weight decay: θ shrinks by αλ each step.")])
@inline_kernel
def _adamw(th, s, g, t, lr, hp):
    """θ ← θ(1 − αλ), then the Adam step"""
    shrink = 1.0 - lr * hp[C_WD]
    return _adam_family((th[0] * shrink, th[1] * shrink), s, g, t, lr, hp, False, False)


@optimizer("amsgrad", title="AMSGrad", hypers=ADAM_HYPERS)
@inline_kernel
def _amsgrad(th, s, g, t, lr, hp):
    """Adam moments; v_max ← max(v_max, v); θ ← θ − α m̂ / (√(v_max/(1 − β₂ᵗ)) + ε)"""
    return _adam_family(th, s, g, t, lr, hp, True, False)


@optimizer("nadam", title="NAdam", hypers=ADAM_HYPERS)
@inline_kernel
def _nadam(th, s, g, t, lr, hp):
    """Adam moments; θ ← θ − α (β₁m̂ + (1 − β₁)g/(1 − β₁ᵗ)) / (√v̂ + ε)"""
    return _adam_family(th, s, g, t, lr, hp, False, True)


# --------------------------------------------------------------------------- sign, search, coordinates

@inline_kernel
def _rprop_coord(x, delta, g_prev, g, t, lr):
    if t == 1:
        delta = lr
    p = g * g_prev
    if p > 0.0:
        delta = min(1.2 * delta, 50.0)
    elif p < 0.0:
        delta = max(0.5 * delta, 1e-6)
        g = 0.0
    if g > 0.0:
        x -= delta
    elif g < 0.0:
        x += delta
    return x, delta, g


@optimizer("rprop", title="Rprop", hypers=[
    lr(0.01, "Initial per-coordinate step size Δ₀ (Rprop ignores the gradient's size).")])
@inline_kernel
def _rprop(th, s, g, t, lr, hp):
    """iRprop−, per coordinate (Δ starts at α): if gₜ·gₜ₋₁ > 0, Δ ← min(1.2Δ, 50);
    if < 0, Δ ← max(0.5Δ, 10⁻⁶) and gₜ ← 0; θ ← θ − sign(gₜ)Δ  (state rows: Δ, gₜ₋₁)"""
    x, dx, gx = _rprop_coord(th[0], s[0], s[2], g[0], t, lr)
    y, dy, gy = _rprop_coord(th[1], s[1], s[3], g[1], t, lr)
    return (x, y), (dx, dy, gx, gy, 0.0, 0.0, 0.0, 0.0)


@optimizer("random_search", title="Random search", uses_gradient=False, hypers=[
    lr(0.5), Hyper("sigma", "σ", 0.5, 1e-6, 1e3, log=True,
                   help="Std. dev. of the random probe δ; the step is, on average, 2σ²∇f.")])
@inline_kernel
def _random_search(th, s, g, t, lr, hp):
    """δ ~ N(0, σ²I); g = (f(θ + δ) − f(θ − δ)) δ; θ ← θ − α g  (uses f only)"""
    return (th[0] - lr * g[0], th[1] - lr * g[1]), s


@optimizer("coordinate_descent", title="Coordinate descent", hypers=[lr(0.01)])
@inline_kernel
def _coordinate_descent(th, s, g, t, lr, hp):
    """step t moves only coordinate i = (t − 1) mod 2: θᵢ ← θᵢ − α ∂f/∂θᵢ"""
    if (t - 1) % 2 == 0:
        return (th[0] - lr * g[0], th[1]), s
    return (th[0], th[1] - lr * g[1]), s


# --------------------------------------------------------------------------- dispatch

SGD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADADELTA, ADAM, ADAMW, AMSGRAD, NADAM, RPROP, \
    RANDOM_SEARCH, COORDINATE_DESCENT = (OPTIMIZERS[n].oid for n in (
        "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "amsgrad",
        "nadam", "rprop", "random_search", "coordinate_descent"))


@dispatch_kernel
def step(oid, th, s, g, t, lr, hp):
    """One step of optimizer ``oid``: returns the new point and state."""
    if oid == SGD:
        return _sgd(th, s, g, t, lr, hp)
    elif oid == MOMENTUM:
        return _momentum(th, s, g, t, lr, hp)
    elif oid == NESTEROV:
        return _nesterov(th, s, g, t, lr, hp)
    elif oid == ADAGRAD:
        return _adagrad(th, s, g, t, lr, hp)
    elif oid == RMSPROP:
        return _rmsprop(th, s, g, t, lr, hp)
    elif oid == ADADELTA:
        return _adadelta(th, s, g, t, lr, hp)
    elif oid == ADAM:
        return _adam(th, s, g, t, lr, hp)
    elif oid == ADAMW:
        return _adamw(th, s, g, t, lr, hp)
    elif oid == AMSGRAD:
        return _amsgrad(th, s, g, t, lr, hp)
    elif oid == NADAM:
        return _nadam(th, s, g, t, lr, hp)
    elif oid == RPROP:
        return _rprop(th, s, g, t, lr, hp)
    elif oid == RANDOM_SEARCH:
        return _random_search(th, s, g, t, lr, hp)
    elif oid == COORDINATE_DESCENT:
        return _coordinate_descent(th, s, g, t, lr, hp)
    return th, s
