"""Loss surfaces: f(x, y) with its exact gradient, plus what each one teaches.

Every surface is one ``@njit`` function ``(x, y) -> (f, df/dx, df/dy)`` registered
with :func:`surface`.  The engine's single compiled loop reaches them through
:func:`evaluate`, which dispatches on a small integer id, so adding a surface
never adds a compiled specialization of the step loop.

To add a surface: write its kernel, decorate it with ``@surface(...)`` and add
one ``elif`` line to :func:`evaluate` (the test suite fails if you forget).
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from .jit import compiled_or_interpreted, dispatch_kernel, kernel

__all__ = ["Surface", "SURFACES", "remember", "recall", "evaluate", "evaluate_grid"]


@dataclass(frozen=True)
class Surface:
    name: str
    title: str
    story: str
    sid: int
    domain: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    minima: tuple[tuple[float, float, float], ...]  # (x, y, f) of each known minimum
    start: tuple[float, float]
    lr: float  # a plain-GD learning rate that makes the lesson visible
    log_color: bool  # colour by log(f - f_min) because the interesting part is nearly flat
    kernel: object = field(repr=False, compare=False, default=None)

    @property
    def f_min(self) -> float:
        """The global minimum value (the smallest listed minimum)."""
        return min(m[2] for m in self.minima)

    def distance_to_minimum(self, points, k: int) -> np.ndarray:
        """Distance of each point (an (n, 2) array, or one point) from listed minimum ``k``: shape (n,)."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        return np.hypot(points[:, 0] - self.minima[k][0], points[:, 1] - self.minima[k][1])

    def minimum_distances(self, points) -> np.ndarray:
        """Distance of each point from each listed minimum: shape (n, minima)."""
        return np.column_stack([self.distance_to_minimum(points, k) for k in range(len(self.minima))])

    def minimum_text(self, k: int) -> str:
        """Where a racer ends when it ends in listed minimum ``k`` ("… ends in the minimum at (1, 1)")."""
        x, y, _ = self.minima[k]
        return f"in the minimum at ({x:.3g}, {y:.3g})"

    def kernel_arg(self):
        """What the compiled loops take to evaluate this surface (custom surfaces differ)."""
        return self.sid

    def value_and_grad(self, x: float, y: float) -> tuple[float, float, float]:
        return compiled_or_interpreted(evaluate)(self.sid, float(x), float(y))

    def grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """f on the grid ``xs`` × ``ys``; result has shape (len(ys), len(xs))."""
        return evaluate_grid(self.sid, np.ascontiguousarray(xs, np.float64),
                             np.ascontiguousarray(ys, np.float64))


SURFACES: dict[str, Surface] = {}


def surface(name, *, title, story, domain, minima, start, lr, log_color=False):
    """Register an ``@njit`` kernel ``(x, y) -> (f, fx, fy)`` as a named surface."""

    def register(kernel):
        sid = len(SURFACES)
        SURFACES[name] = Surface(
            name=name, title=title, story=" ".join(story.split()), sid=sid,
            domain=tuple(float(v) for v in domain),
            minima=tuple(tuple(float(v) for v in m) for m in minima),
            start=(float(start[0]), float(start[1])), lr=float(lr),
            log_color=log_color, kernel=kernel)
        return kernel

    return register


# Surfaces made from a name at run time (custom formulas, data sets): kept by name, most recently
# used last, and the oldest dropped beyond MADE_LIMIT so a long session's memory stays bounded.
# Holders of a Surface object keep it alive themselves; a dropped name is simply made again.
MADE_LIMIT = 16
_made: OrderedDict[str, Surface] = OrderedDict()
_made_lock = threading.Lock()


def remember(surface: Surface) -> Surface:
    """Keep a surface made at run time so that its name finds it (see :mod:`.resolver`)."""
    with _made_lock:
        _made[surface.name] = surface
        _made.move_to_end(surface.name)
        while len(_made) > MADE_LIMIT:
            _made.popitem(last=False)
    return surface


def recall(name: str) -> Surface | None:
    """A built-in surface or a remembered one by name; None when neither."""
    if name in SURFACES:
        return SURFACES[name]
    with _made_lock:
        found = _made.get(name)
        if found is not None:
            _made.move_to_end(name)
        return found


# --------------------------------------------------------------------------- classics

@surface(
    "quadratic", title="Quadratic bowl",
    story="""f = ½(x² + 4y²). The simplest convex bowl: every sensible optimizer reaches the
    centre, and plain gradient descent follows a closed-form recurrence.""",
    domain=(-3, 3, -3, 3), minima=[(0, 0, 0)], start=(-2.5, 1.5), lr=0.1)
@kernel
def _quadratic(x, y):
    return 0.5 * (x * x + 4.0 * y * y), x, 4.0 * y


@surface(
    "rosenbrock", title="Rosenbrock",
    story="""The banana valley f = (1 − x)² + 100(y − x²)². Finding the curved valley is
    easy; following its nearly flat floor to (1, 1) is what separates optimizers.""",
    domain=(-2, 2, -1, 3), minima=[(1, 1, 0)], start=(-1.5, 2.0), lr=1e-3, log_color=True)
@kernel
def _rosenbrock(x, y):
    a = 1.0 - x
    b = y - x * x
    return a * a + 100.0 * b * b, -2.0 * a - 400.0 * x * b, 200.0 * b


# --------------------------------------------------------------------------- teaching surfaces

_C20, _S20 = math.cos(math.radians(20.0)), math.sin(math.radians(20.0))


@surface(
    "ravine", title="Ravine",
    story="""A long, narrow valley tilted by 20°: f = ½(0.2u² + 12v²) along and across it, a
    condition number of 60. Plain gradient descent at a rate near its limit (2/12) zig-zags from
    wall to wall, step after step, while it crawls along the floor. Momentum adds up its
    gradients: along the floor they agree, so it speeds up and arrives sooner; across, they
    alternate and partly cancel, so the zig-zag becomes a few wide swings from wall to wall that
    die down. Nesterov looks ahead before it steps and brakes those swings.""",
    domain=(-5.5, 5.5, -3.5, 3.5), minima=[(0, 0, 0)], start=(-4.5, -0.8), lr=0.16)
@kernel
def _ravine(x, y):
    u = _C20 * x + _S20 * y
    v = -_S20 * x + _C20 * y
    fu = 0.2 * u
    fv = 12.0 * v
    return 0.5 * (0.2 * u * u + 12.0 * v * v), fu * _C20 - fv * _S20, fu * _S20 + fv * _C20


@surface(
    "plateau", title="Plateau",
    story="""f = 1 − exp(−(x² + 2y²)/2): a basin in the middle of a wide, almost flat plain where
    the gradient is a thousandth of its size near the minimum. SGD crawls across the plain;
    adaptive methods (RMSProp, Adam) divide by the gradient's own size and stride across it
    (at a constant α, RMSProp's steps then stay that long, and it hops around the minimum).""",
    domain=(-5, 5, -4, 4), minima=[(0, 0, 0)], start=(-3.5, 1.5), lr=0.8, log_color=True)
@kernel
def _plateau(x, y):
    e = math.exp(-0.5 * (x * x + 2.0 * y * y))
    return 1.0 - e, x * e, 2.0 * y * e


@surface(
    "saddle", title="Saddle",
    story="""f = x²/2 + y⁴/4 − y²/2 has a saddle at the origin between two minima at y = ±1.
    Starting almost on the saddle's ridge, gradient descent slides into it and lingers where
    the gradient vanishes before it escapes; momentum and adaptive methods escape sooner.""",
    domain=(-3, 3, -2, 2), minima=[(0, 1, -0.25), (0, -1, -0.25)], start=(-2.5, 1e-5), lr=0.1)
@kernel
def _saddle(x, y):
    return 0.5 * x * x + 0.25 * y ** 4 - 0.5 * y * y, x, y ** 3 - y


@surface(
    "cliff", title="Cliff",
    story="""A gentle bowl below a high plateau that ends in a steep cliff. Where the racer
    steps over the edge the gradient is a hundred times larger than on the plain, and one
    unclipped step throws it far across the valley; clipping the gradient norm (e.g. to 1)
    keeps the step sensible.""",
    domain=(-4, 3, -3, 3), minima=[(0.0717505791524739, 0.0215251737457422, 0.00117761711237302)],
    start=(-3.5, 1.5), lr=0.5)
@kernel
def _cliff(x, y):
    th = math.tanh(4.0 * (x + 1.0 + 0.3 * y))
    sech2 = 1.0 - th * th
    return 0.05 * (x * x + y * y) + 2.5 * (1.0 - th), 0.1 * x - 10.0 * sech2, 0.1 * y - 3.0 * sech2


_WELLS = ((2.0, 1.0, 2.0, 1.0), (-2.0, -1.5, 1.4, 0.8), (-1.5, 2.2, 0.9, 0.5), (1.8, -2.2, 0.6, 0.4))


@surface(
    "local_minima", title="Local minima",
    story="""Four wells of different depth on a shallow bowl. Where you start decides where you
    end: gradient descent rolls into the nearest well, deep or not; momentum may carry a racer
    past it into a better one. Drag the start and watch the ending change.""",
    domain=(-4, 4, -4, 4),
    minima=[(1.95107692586291, 0.975538462912449, -1.75610645103892),
            (-1.94411401187917, -1.45808550913699, -1.09620624415063),
            (-1.45903370902149, 2.13992337304326, -0.555133719682112),
            (1.74070402493935, -2.12728707081694, -0.20927524786292)],
    start=(-2.26, 0.89), lr=0.1)
@kernel
def _local_minima(x, y):
    f = 0.05 * (x * x + y * y)
    gx = 0.1 * x
    gy = 0.1 * y
    for cx, cy, depth, width in _WELLS:
        dx = x - cx
        dy = y - cy
        e = depth * math.exp(-(dx * dx + dy * dy) / width)
        f -= e
        gx += 2.0 * dx / width * e
        gy += 2.0 * dy / width * e
    return f, gx, gy


# --------------------------------------------------------------------------- more classics

@surface(
    "beale", title="Beale",
    story="""f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: flat arms and sharp
    corners whose gradients differ by orders of magnitude; the minimum (3, 0.5) sits at the end
    of a shallow arm that plain GD approaches very slowly.""",
    domain=(-4.5, 4.5, -4.5, 4.5), minima=[(3, 0.5, 0)], start=(1, 1.5), lr=3e-3, log_color=True)
@kernel
def _beale(x, y):
    a1 = 1.5 - x + x * y
    a2 = 2.25 - x + x * y * y
    a3 = 2.625 - x + x * y ** 3
    return (a1 * a1 + a2 * a2 + a3 * a3,
            2.0 * a1 * (y - 1.0) + 2.0 * a2 * (y * y - 1.0) + 2.0 * a3 * (y ** 3 - 1.0),
            2.0 * a1 * x + 4.0 * a2 * x * y + 6.0 * a3 * x * y * y)


@surface(
    "himmelblau", title="Himmelblau",
    story="""f = (x² + y − 11)² + (x + y² − 7)²: four minima of exactly equal depth. Every start
    point ends in one of them; which one is decided by the basin the start lies in.""",
    domain=(-5, 5, -5, 5),
    minima=[(3, 2, 0), (-2.80511808695274, 3.13131251825057, 0), (-3.77931025337775, -3.28318599128617, 0),
            (3.58442834033049, -1.8481265269644, 0)],
    start=(-0.3, -0.9), lr=0.005, log_color=True)
@kernel
def _himmelblau(x, y):
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return a * a + b * b, 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


_TAU = 2.0 * math.pi

# 1-D minima (t, g(t)) of g(t) = t² − 10 cos 2πt + 10 for t ≥ 0, roots of g'(t) = 2t + 20π sin 2πt
# (Newton-refined); Rastrigin is g(x) + g(y), so its minima are all pairs (±t₁, ±t₂): 121 here.
_RASTRIGIN_1D = ((0.0, 0.0), (0.9949586376523348, 0.9949590570932914),
                 (1.9899122337085495, 3.9798311905540875), (2.984855701039481, 8.95460124148701),
                 (3.9797838603007536, 15.91924379246153), (4.974691390895051, 24.873722934542226))


def _rastrigin_minima():
    ts = [(s * t, g) for t, g in _RASTRIGIN_1D for s in ((1.0,) if t == 0.0 else (1.0, -1.0))]
    return sorted(((x, y, gx + gy) for x, gx in ts for y, gy in ts), key=lambda m: m[2])


@surface(
    "rastrigin", title="Rastrigin",
    story="""f = 20 + Σ(x² − 10 cos 2πx): a bowl covered in a regular grid of local minima. A small
    step size gets trapped in the first dimple; only big, noisy or lucky steps find the centre.""",
    domain=(-5.12, 5.12, -5.12, 5.12), minima=_rastrigin_minima(), start=(-4.2, 3.7), lr=0.002)
@kernel
def _rastrigin(x, y):
    return (20.0 + x * x - 10.0 * math.cos(_TAU * x) + y * y - 10.0 * math.cos(_TAU * y),
            2.0 * x + 10.0 * _TAU * math.sin(_TAU * x), 2.0 * y + 10.0 * _TAU * math.sin(_TAU * y))


# Ackley's local minima with 0 ≤ x ≤ y (Newton-refined), one near each integer point; the others
# follow from the symmetries x ↔ y, x ↔ −x, y ↔ −y: 121 on the default domain.
_ACKLEY_OCTANT = (
    (0.0, 0.0, 0.0),
    (0.0, 0.9521665459501717, 2.579927557029872),
    (0.0, 1.9589197181217173, 4.884065258091154),
    (0.0, 2.964619443112052, 6.882582646801293),
    (0.0, 3.9694667433517576, 8.616250044048797),
    (0.0, 4.973611257996986, 10.120331273799984),
    (0.9684776587077244, 0.9684776587077244, 3.57445187725768),
    (0.9824160350791393, 1.9646166628629864, 5.381864187490192),
    (0.9891541864816626, 2.9672595287625643, 7.180951647715365),
    (0.9927672061700447, 3.9709183150642833, 8.813151774046892),
    (0.9949203738218393, 4.974497722176982, 10.257974372149421),
    (1.9744519864841166, 1.9744519864841166, 6.559645375627878),
    (1.9821399503814776, 2.973139419924383, 7.9617112746898275),
    (1.9873106146274968, 3.974540178468205, 9.353039239137804),
    (1.9907648757355256, 4.976843849330102, 10.645027483714344),
    (2.9792239546911445, 2.9792239546911445, 9.001093478292008),
    (2.9842137381272384, 3.978924750768195, 10.120350743632672),
    (2.987995058852837, 4.97995793948682, 11.217549480016737),
    (3.983067699689763, 3.983067699689763, 10.998262102599446),
    (3.986568097953945, 4.983198896760882, 11.901256635114166),
    (4.986180456997876, 4.986180456997876, 12.632268991516),
)


def _ackley_minima():
    found = {}
    for a, b, f in _ACKLEY_OCTANT:
        for x, y in ((a, b), (b, a)):
            for sx in (1.0, -1.0):
                for sy in (1.0, -1.0):
                    found[(sx * x + 0.0, sy * y + 0.0)] = f  # + 0.0 turns −0.0 into 0.0
    return sorted(((x, y, f) for (x, y), f in found.items()), key=lambda m: (m[2], m[1], m[0]))


@surface(
    "ackley", title="Ackley",
    story="""A nearly flat, egg-crate plain around one deep, sharp hole at the origin. Far from
    the centre the ripples dominate the gradient; near it the hole pulls everything in.""",
    domain=(-5, 5, -5, 5), minima=_ackley_minima(), start=(-3.6, 3.1), lr=0.02)
@kernel
def _ackley(x, y):
    r = math.sqrt(0.5 * (x * x + y * y))
    e1 = math.exp(-0.2 * r)
    e2 = math.exp(0.5 * (math.cos(_TAU * x) + math.cos(_TAU * y)))
    gx = math.pi * math.sin(_TAU * x) * e2
    gy = math.pi * math.sin(_TAU * y) * e2
    if r > 0.0:  # the cone's tip: the gradient of −20e^{−0.2r} has no limit at r = 0, take 0
        gx += 2.0 * e1 * x / r
        gy += 2.0 * e1 * y / r
    return -20.0 * e1 - e2 + math.e + 20.0, gx, gy


@surface(
    "booth", title="Booth",
    story="""f = (x + 2y − 7)² + (2x + y − 5)²: a tilted quadratic bowl with minimum (1, 3). The
    valley's slant couples the coordinates, which coordinate descent feels at once.""",
    domain=(-10, 10, -10, 10), minima=[(1, 3, 0)], start=(-8, -7), lr=0.02)
@kernel
def _booth(x, y):
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return a * a + b * b, 2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b


@surface(
    "six_hump_camel", title="Six-hump camel",
    story="""Two equally deep global minima, two shallower ones and two more higher up: six
    humps in all. Small changes of the start or the learning rate send a racer to a different
    minimum.""",
    domain=(-2, 2, -1, 1),
    minima=[(0.0898420131003181, -0.71265640302074, -1.03162845348988),
            (-0.0898420131003181, 0.71265640302074, -1.03162845348988),
            (-1.70360671496998, 0.796083568672625, -0.215463824383718),
            (1.70360671496998, -0.796083568672625, -0.215463824383718),
            (-1.6071047529202, -0.568651454884131, 2.10425031031126),
            (1.6071047529202, 0.568651454884131, 2.10425031031126)],
    start=(-1.9, 0.9), lr=0.01)
@kernel
def _six_hump_camel(x, y):
    x2 = x * x
    y2 = y * y
    return ((4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2,
            8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y, x - 8.0 * y + 16.0 * y2 * y)


@surface(
    "goldstein_price", title="Goldstein–Price",
    story="""Values from 3 to a million on a small square: only a logarithmic colour scale shows
    its structure. Four minima; the global one at (0, −1) has f = 3.""",
    domain=(-2, 2, -2, 2),
    minima=[(0, -1, 3), (-0.6, -0.4, 30), (1.8, 0.2, 84), (1.2, 0.8, 840)],
    start=(-1.0, 1.0), lr=1e-5, log_color=True)
@kernel
def _goldstein_price(x, y):
    u = x + y + 1.0
    p = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y
    w = 2.0 * x - 3.0 * y
    q = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y
    a = 1.0 + u * u * p
    b = 30.0 + w * w * q
    a_xy = 2.0 * u * p + u * u * (-14.0 + 6.0 * x + 6.0 * y)  # ∂a/∂x = ∂a/∂y
    b_x = 4.0 * w * q + w * w * (-32.0 + 24.0 * x - 36.0 * y)
    b_y = -6.0 * w * q + w * w * (48.0 - 36.0 * x + 54.0 * y)
    return a * b, a_xy * b + a * b_x, a_xy * b + a * b_y


_ST_LOW, _ST_HIGH = -2.90353402777118, 2.74680277099084
_ST_F = (_ST_LOW ** 4 - 16 * _ST_LOW ** 2 + 5 * _ST_LOW) / 2, (_ST_HIGH ** 4 - 16 * _ST_HIGH ** 2 + 5 * _ST_HIGH) / 2


@surface(
    "styblinski_tang", title="Styblinski–Tang",
    story="""f = ½Σ(x⁴ − 16x² + 5x): four minima at the corners of a square, one clearly deepest.
    A racer started in the wrong quadrant settles for a worse corner.""",
    domain=(-5, 5, -5, 5),
    minima=[(_ST_LOW, _ST_LOW, 2 * _ST_F[0]), (_ST_HIGH, _ST_LOW, _ST_F[0] + _ST_F[1]),
            (_ST_LOW, _ST_HIGH, _ST_F[0] + _ST_F[1]), (_ST_HIGH, _ST_HIGH, 2 * _ST_F[1])],
    start=(0.3, 4.6), lr=0.01)
@kernel
def _styblinski_tang(x, y):
    return (0.5 * (x ** 4 - 16.0 * x * x + 5.0 * x + y ** 4 - 16.0 * y * y + 5.0 * y),
            2.0 * x ** 3 - 16.0 * x + 2.5, 2.0 * y ** 3 - 16.0 * y + 2.5)


@surface(
    "matyas", title="Matyas",
    story="""f = 0.26(x² + y²) − 0.48xy: a flat, stretched bowl along the diagonal (condition number
    25) whose gentle slope makes plain gradient descent slow near the end.""",
    domain=(-10, 10, -10, 10), minima=[(0, 0, 0)], start=(-8, 9), lr=0.5)
@kernel
def _matyas(x, y):
    return 0.26 * (x * x + y * y) - 0.48 * x * y, 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x


# --------------------------------------------------------------------------- dispatch

QUADRATIC = SURFACES["quadratic"].sid
ROSENBROCK = SURFACES["rosenbrock"].sid
RAVINE = SURFACES["ravine"].sid
PLATEAU = SURFACES["plateau"].sid
SADDLE = SURFACES["saddle"].sid
CLIFF = SURFACES["cliff"].sid
LOCAL_MINIMA = SURFACES["local_minima"].sid
BEALE = SURFACES["beale"].sid
HIMMELBLAU = SURFACES["himmelblau"].sid
RASTRIGIN = SURFACES["rastrigin"].sid
ACKLEY = SURFACES["ackley"].sid
BOOTH = SURFACES["booth"].sid
SIX_HUMP_CAMEL = SURFACES["six_hump_camel"].sid
GOLDSTEIN_PRICE = SURFACES["goldstein_price"].sid
STYBLINSKI_TANG = SURFACES["styblinski_tang"].sid
MATYAS = SURFACES["matyas"].sid


@dispatch_kernel
def evaluate(sid, x, y):
    """(f, df/dx, df/dy) of surface ``sid`` at (x, y)."""
    if sid == QUADRATIC:
        return _quadratic(x, y)
    elif sid == ROSENBROCK:
        return _rosenbrock(x, y)
    elif sid == RAVINE:
        return _ravine(x, y)
    elif sid == PLATEAU:
        return _plateau(x, y)
    elif sid == SADDLE:
        return _saddle(x, y)
    elif sid == CLIFF:
        return _cliff(x, y)
    elif sid == LOCAL_MINIMA:
        return _local_minima(x, y)
    elif sid == BEALE:
        return _beale(x, y)
    elif sid == HIMMELBLAU:
        return _himmelblau(x, y)
    elif sid == RASTRIGIN:
        return _rastrigin(x, y)
    elif sid == ACKLEY:
        return _ackley(x, y)
    elif sid == BOOTH:
        return _booth(x, y)
    elif sid == SIX_HUMP_CAMEL:
        return _six_hump_camel(x, y)
    elif sid == GOLDSTEIN_PRICE:
        return _goldstein_price(x, y)
    elif sid == STYBLINSKI_TANG:
        return _styblinski_tang(x, y)
    elif sid == MATYAS:
        return _matyas(x, y)
    return math.nan, math.nan, math.nan


@kernel
def evaluate_grid(sid, xs, ys):
    out = np.empty((ys.shape[0], xs.shape[0]))
    for j in range(ys.shape[0]):
        for i in range(xs.shape[0]):
            out[j, i] = evaluate(sid, xs[i], ys[j])[0]
    return out
