"""Surfaces defined by data: a two-weight model on a synthetic data set, trained with true
mini-batches (seeds 000–003).

The contour shows the full-batch loss L(w) = mean over examples; a racer with ``batch_size`` B
steps with the mean gradient of B examples, reshuffled every epoch, and one epoch is
ceil(N / B) steps, so epoch-based learning-rate decay means what the lecture notes say.
``batch_size = N`` is full-batch gradient descent, bit for bit.

Registered by name ``data:<model>?n=200&seed=0&scale=1&standardize=0`` (see :func:`data_surface`);
``&bn=1`` batch-normalizes the model's output (seeds 000, 003, 004).

Models: ``least_squares`` and ``logistic`` (linear in w, convex), and ``bump``: one Gaussian bump
of position w₀ and height w₁, ŷ = w₁·exp(−(x − w₀)²/(2s²)), fitted to data made of two bumps of
different heights (``data:bump?n=200&seed=0``).  Its loss has two minima, a deep one where the
model bump sits on the tall data bump and a shallow one on the short bump, separated by a low
ridge: the landscape where mini-batch noise can help (seed 000).

Batch normalization (``bn=1``): the pre-activation z = w·x is standardized over the mini-batch,
ẑ = (z − μ_B)/√(σ²_B + ε) with γ = 1, β = 0 fixed, and the loss is taken of ẑ; the contour (the
full loss) standardizes over the whole data set.  ε = 10⁻⁵ (PyTorch's default).  Because
z − μ_B = w·(x − x̄_B), scaling w scales the numerator and √σ²_B alike: away from w = 0 the loss
depends only on the direction of w (f(c·w) = f(w) for c > 0, up to a relative O(ε/σ²_B)), its
isolines are rays from the origin and ∇f(w)·w = 0.  At w = 0 every ẑ is 0 (σ_B = 0 and ε keeps the
division finite); within a radius of about √ε / std(x) of the origin the rays bend into a smooth
bump.  The minimum is not a point but a ray, the best direction: ``minima`` lists one point on it
(at distance ``BN_RADIUS`` from 0) with the infimum of the loss along it, the value approached as |w| grows,
so f − f_min ≥ 0 everywhere and convergence (f − f_min ≤ tol) means reaching the best direction at
any distance from the origin.  A mini-batch of one example has σ_B = 0: its gradient is 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

import numpy as np

from .gradient import _splitmix, _uniform
from .jit import kernel
from .surfaces import Surface, recall, remember

PREFIX = "data:"
MODELS = {"least_squares": 0, "logistic": 1, "bump": 2}
TRUE_W = (1.5, -0.8)
LEAST_SQUARES, LOGISTIC, BUMP = 0, 1, 2
BN = 4  # added to a model's id: the same loss of the batch-normalized output
BUMP_WIDTH = 0.4  # s, of the model's bump and of the data's two
BUMPS = ((0.8, 1.0), (-0.8, 0.5))  # (position, height) of the data's bumps
BUMP_SPAN = 3.0  # inputs x are uniform on [−span, span]
BN_EPS = 1e-5  # the ε of √(σ² + ε)
BN_HALF = 16.0  # half the width of a batch-normalized surface's domain, centred on w = 0: racers spiral out
BN_RADIUS = 8.0  # where the listed point of the minimizing ray lies
BN_START = 2.0  # the default start's distance from the origin, 135° away from the best direction
_ALL = np.zeros(0, np.int64)  # "no permutation": the examples in their own order


@dataclass(frozen=True)
class DataSurface(Surface):
    model: str = "least_squares"
    X: np.ndarray = field(default=None, repr=False, compare=False)
    y: np.ndarray = field(default=None, repr=False, compare=False)
    standardized: bool = False
    bn: bool = False  # batch-normalized output: the minimum is a ray (see the module docstring)

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def mid(self) -> int:
        """The model id the kernels take (BN added for a batch-normalized output)."""
        return MODELS[self.model] + (BN if self.bn else 0)

    def kernel_arg(self, batch: int | None = None):
        batch = self.n if batch is None else batch
        return self.X, self.y, self.mid, int(batch), np.arange(self.n, dtype=np.int64)

    def value_and_grad(self, x, y):
        return _full(self.X, self.y, self.mid, float(x), float(y))

    def grid(self, xs, ys):
        return _grid(self.X, self.y, self.mid, np.ascontiguousarray(xs, np.float64),
                     np.ascontiguousarray(ys, np.float64))

    def distance_to_minimum(self, points, k: int) -> np.ndarray:
        """For a batch-normalized surface, the distance from the minimizing ray {t·u: t ≥ 0}."""
        if not self.bn:
            return super().distance_to_minimum(points, k)
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        u = np.array(self.minima[k][:2]) / math.hypot(*self.minima[k][:2])
        along = points @ u
        across = np.abs(points[:, 0] * u[1] - points[:, 1] * u[0])
        return np.where(along >= 0, across, np.hypot(points[:, 0], points[:, 1]))

    def minimum_text(self, k: int) -> str:
        if not self.bn:
            return super().minimum_text(k)
        x, y, _ = self.minima[k]
        return f"on the minimizing ray through ({x:.3g}, {y:.3g})"

    def hessian(self, w) -> np.ndarray:
        X = self.X
        if self.bn or self.model == "bump":  # central differences of the exact gradient
            h = 1e-5 * max(1.0, math.hypot(*w))
            cols = [(np.array(self.value_and_grad(*(np.asarray(w) + h * e))[1:])
                     - np.array(self.value_and_grad(*(np.asarray(w) - h * e))[1:])) / (2 * h) for e in np.eye(2)]
            H = np.column_stack(cols)
            return (H + H.T) / 2
        if self.model == "least_squares":
            return X.T @ X / self.n
        m = self.y * (X @ np.asarray(w))
        s = 1.0 / (1.0 + np.exp(-m))
        return (X * (s * (1 - s))[:, None]).T @ X / self.n


@kernel
def _pointwise(model, z, target):
    """(loss, dloss/dz) of one prediction z."""
    if model == LEAST_SQUARES:
        r = z - target
        return 0.5 * r * r, r
    m = target * z  # logistic loss log(1 + e^(−m)), computed without overflow
    if m > 0:
        e = math.exp(-m)
        return math.log1p(e), -e / (1.0 + e) * target
    e = math.exp(m)
    return -m + math.log1p(e), -1.0 / (1.0 + e) * target


@kernel
def _example(X, y, model, i, w0, w1):
    """(loss, dloss/dw0, dloss/dw1) of example i."""
    x0 = X[i, 0]
    x1 = X[i, 1]
    if model == BUMP:  # ŷ = w1·e, e = exp(−(x − w0)²/(2s²)); squared error
        u = x0 - w0
        e = math.exp(-0.5 * u * u / (BUMP_WIDTH * BUMP_WIDTH))
        loss, d = _pointwise(LEAST_SQUARES, w1 * e, y[i])
        return loss, d * w1 * e * u / (BUMP_WIDTH * BUMP_WIDTH), d * e
    loss, d = _pointwise(model, w0 * x0 + w1 * x1, y[i])
    return loss, d * x0, d * x1


@kernel
def _bn(X, y, model, perm, lo, hi, w0, w1):
    """(loss, gradient) of the batch-normalized model on examples perm[lo:hi] (lo:hi when perm is
    empty), with mean and variance over those examples.

    With c = x − x̄, ẑ = w·c/s, s = √(wᵀCw + ε), C the examples' covariance and d = ∂loss/∂ẑ:
    ∇f = (mean(d·c) − mean(d·ẑ)·Cw/s) / s.
    """
    m = hi - lo
    a0 = 0.0
    a1 = 0.0
    for k in range(lo, hi):
        i = perm[k] if perm.shape[0] else k
        a0 += X[i, 0]
        a1 += X[i, 1]
    a0 /= m
    a1 /= m
    c00 = 0.0
    c01 = 0.0
    c11 = 0.0
    for k in range(lo, hi):
        i = perm[k] if perm.shape[0] else k
        u0 = X[i, 0] - a0
        u1 = X[i, 1] - a1
        c00 += u0 * u0
        c01 += u0 * u1
        c11 += u1 * u1
    c00 /= m
    c01 /= m
    c11 /= m
    s = math.sqrt(w0 * w0 * c00 + 2.0 * w0 * w1 * c01 + w1 * w1 * c11 + BN_EPS)
    f = 0.0
    dz = 0.0
    g0 = 0.0
    g1 = 0.0
    for k in range(lo, hi):
        i = perm[k] if perm.shape[0] else k
        u0 = X[i, 0] - a0
        u1 = X[i, 1] - a1
        zh = (w0 * u0 + w1 * u1) / s
        loss, d = _pointwise(model, zh, y[i])
        f += loss
        dz += d * zh
        g0 += d * u0
        g1 += d * u1
    f /= m
    dz /= m * s
    g0 /= m
    g1 /= m
    return f, (g0 - dz * (c00 * w0 + c01 * w1)) / s, (g1 - dz * (c01 * w0 + c11 * w1)) / s


@kernel
def _full(X, y, model, w0, w1):
    if model >= BN:
        return _bn(X, y, model - BN, _ALL, 0, y.shape[0], w0, w1)
    f = 0.0
    g0 = 0.0
    g1 = 0.0
    n = y.shape[0]
    for i in range(n):
        a, b, c = _example(X, y, model, i, w0, w1)
        f += a
        g0 += b
        g1 += c
    return f / n, g0 / n, g1 / n


@kernel
def _grid(X, y, model, xs, ys):
    out = np.empty((ys.shape[0], xs.shape[0]))
    for j in range(ys.shape[0]):
        for i in range(xs.shape[0]):
            out[j, i] = _full(X, y, model, xs[i], ys[j])[0]
    return out


@kernel
def shuffle(perm, seed, epoch):
    """Fisher–Yates with the counter-based generator: the order of epoch e depends on (seed, e) only."""
    key = _splitmix(np.uint64(seed) ^ (np.uint64(epoch) * np.uint64(0x9E3779B97F4A7C15)))
    for i in range(perm.shape[0]):
        perm[i] = i
    for i in range(perm.shape[0] - 1, 0, -1):
        j = int(_uniform(key ^ np.uint64(i)) * (i + 1))
        j = min(j, i)
        perm[i], perm[j] = perm[j], perm[i]


@kernel
def batch_gradient(data, w0, w1, t, seed):
    """Mean gradient of the examples in step t's mini-batch (t from 1)."""
    X, y, model, batch, perm = data
    n = y.shape[0]
    if batch >= n:  # full batch, in the same order as the full loss: exactly gradient descent
        _, g0, g1 = _full(X, y, model, w0, w1)
        return g0, g1
    per_epoch = (n + batch - 1) // batch
    k = (t - 1) % per_epoch
    if k == 0:
        shuffle(perm, seed, (t - 1) // per_epoch)
    lo = k * batch
    hi = min(lo + batch, n)
    if model >= BN:
        _, g0, g1 = _bn(X, y, model - BN, perm, lo, hi, w0, w1)
        return g0, g1
    g0 = 0.0
    g1 = 0.0
    for i in range(lo, hi):
        _, b, c = _example(X, y, model, perm[i], w0, w1)
        g0 += b
        g1 += c
    return g0 / (hi - lo), g1 / (hi - lo)


def bump(x, position, height):
    return height * np.exp(-0.5 * (x - position) ** 2 / BUMP_WIDTH ** 2)


def make_data(model: str, n: int, seed: int, scale: float, standardize: bool):
    """Two features (the second ×scale), targets from the true weights (1.5, −0.8) with noise;
    for ``bump``, one input x (the second column is 0) and the two data bumps, without noise."""
    rng = np.random.default_rng(seed)
    if model == "bump":
        x = rng.uniform(-BUMP_SPAN, BUMP_SPAN, n)
        y = sum(bump(x, c, h) for c, h in BUMPS)
        return np.ascontiguousarray(np.column_stack([x, np.zeros(n)])), np.ascontiguousarray(y)
    X = rng.normal(size=(n, 2)) * np.array([1.0, scale])
    w = np.array(TRUE_W) / np.array([1.0, scale])  # the same decision rule at any scale
    z = X @ w
    if model == "least_squares":
        y = z + 0.3 * rng.normal(size=n)
    else:
        y = np.where(z + 0.8 * rng.normal(size=n) > 0, 1.0, -1.0)  # noisy labels keep the minimum finite
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    return np.ascontiguousarray(X), np.ascontiguousarray(y)


def separable(X, y) -> bool:
    """True when a line through the origin has every example on its label's side (or on the line).

    Then the logistic loss keeps falling as the weights grow along that line's normal: it has no
    minimum, and Newton's method meets a singular Hessian.  Small data sets are often like this.
    In terms of v_i = y_i x_i: all v_i lie in one closed half-plane, i.e. some angular gap
    between neighbouring v_i is at least π.
    """
    v = (X * y[:, None])[np.any(X != 0, axis=1)]
    angles = np.sort(np.arctan2(v[:, 1], v[:, 0]))
    gaps = np.diff(np.concatenate([angles, angles[:1] + 2 * np.pi]))
    return len(v) == 0 or gaps.max() >= np.pi - 1e-9


def _minimum(model, X, y):
    if model == "least_squares":
        w = np.linalg.solve(X.T @ X, X.T @ y)
    else:
        if separable(X, y):
            raise ValueError(
                f"these {len(y)} examples can be split by a straight line through the origin, so the logistic "
                "loss has no minimum: it keeps falling while the weights grow forever. Choose more examples "
                "(a larger N) or another seed.")
        w = np.zeros(2)
        for _ in range(50):  # Newton on the convex logistic loss
            m = y * (X @ w)
            s = 1.0 / (1.0 + np.exp(-m))
            g = -(X * ((1 - s) * y)[:, None]).mean(axis=0)
            H = (X * (s * (1 - s))[:, None]).T @ X / len(y)
            step = np.linalg.solve(H, g)
            w -= step
            if np.abs(step).max() < 1e-15:
                break
    f = _full(X, y, MODELS[model], w[0], w[1])[0]
    return float(w[0]), float(w[1]), float(f)


def canonical_name(model: str, n: int = 200, seed: int = 0, scale: float = 1.0, standardize: bool = False,
                   bn: bool = False) -> str:
    return PREFIX + model + "?" + urlencode({"n": n, "seed": seed, "scale": f"{scale:g}",
                                             "standardize": int(bool(standardize))}) + ("&bn=1" if bn else "")


def parse_name(name: str) -> dict:
    body = name[len(PREFIX):]
    model, _, query = body.partition("?")
    params = dict(parse_qsl(query))
    unknown = set(params) - {"n", "seed", "scale", "standardize", "bn"}
    if unknown:
        raise ValueError(f"data surface settings are n, seed, scale, standardize, bn; not {', '.join(sorted(unknown))}")
    try:
        return {"model": model, "n": int(params.get("n", 200)), "seed": int(params.get("seed", 0)),
                "scale": float(params.get("scale", 1.0)),
                "standardize": params.get("standardize", "0") in ("1", "true"),
                "bn": params.get("bn", "0") in ("1", "true")}
    except ValueError:
        raise ValueError(f"cannot read the data surface settings in {name!r}") from None


def data_surface(model: str = "least_squares", n: int = 200, seed: int = 0, scale: float = 1.0,
                 standardize: bool = False, bn: bool = False) -> DataSurface:
    """Build (or fetch) and register a data surface; raises ValueError with a reason."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of: {', '.join(MODELS)}")
    if not (isinstance(n, int) and 4 <= n <= 100_000):
        raise ValueError(f"the data set size n must be a whole number from 4 to 100000, got {n!r}")
    if not (math.isfinite(scale) and 0.01 <= scale <= 100):
        raise ValueError(f"the feature scale must be between 0.01 and 100, got {scale!r}")
    if model == "bump" and (scale != 1 or standardize or bn):
        raise ValueError("the bump model has one input: its settings are n and seed only")
    name = canonical_name(model, n, seed, scale, standardize, bn)
    if recall(name) is not None:
        return recall(name)
    X, y = make_data(model, n, seed, scale, standardize)
    if bn:
        return remember(_bn_surface(name, model, X, y, scale, standardize))
    if model == "bump":
        return remember(_bump_surface(name, X, y))
    w0, w1, f = _minimum(model, X, y)
    H = (X.T @ X / n) if model == "least_squares" else None
    if H is None:
        m = y * (X @ np.array([w0, w1]))
        s = 1.0 / (1.0 + np.exp(-m))
        H = (X * (s * (1 - s))[:, None]).T @ X / n
    eig = np.linalg.eigvalsh(H)
    half = 3.0 * max(1.0, abs(w0), abs(w1))
    what = "least-squares regression" if model == "least_squares" else "logistic regression"
    story = (f"{what.capitalize()} with two weights on {n} synthetic examples"
             + (f", the second feature {scale:g}× larger than the first" if scale != 1 else "")
             + (", inputs standardized" if standardize else "")
             + f". The Hessian's condition number is {eig.max() / eig.min():.3g}"
             + (": normalizing the inputs rounds the bowl. " if not standardize else ". ")
             + "Set a racer's batch size to 1 for SGD, to N for full-batch gradient descent.")
    surface = DataSurface(
        name=name, title=f"{what}, N = {n}" + (f", scale {scale:g}" if scale != 1 else "")
        + (", standardized" if standardize else ""), story=story, sid=-1,
        domain=(w0 - half, w0 + half, w1 - half, w1 + half), minima=((w0, w1, f),),
        start=(w0 - 0.8 * half, w1 + 0.8 * half), lr=float(f"{1.0 / eig.max():.3g}"), log_color=True,
        model=model, X=X, y=y, standardized=standardize)
    return remember(surface)


def _bn_best_direction(mid: int, X, y) -> tuple[float, float]:
    """The angle of the best direction of w and the loss's infimum along it (the value as |w| → ∞,
    where ε/σ² vanishes): a scan of 720 directions refined by golden-section search."""
    far = 1e4  # ε/σ² ≈ 10⁻¹³ at this distance: the scale-invariant limit to rounding

    def value(a):
        return _full(X, y, mid, far * math.cos(a), far * math.sin(a))[0]

    step = 2 * math.pi / 720
    angles = np.arange(720) * step
    k = int(np.argmin([value(a) for a in angles]))
    lo, hi = angles[k] - step, angles[k] + step
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if value(a) < value(b):
            hi = b
        else:
            lo = a
    best = (lo + hi) / 2
    return best, value(best)


def _bn_surface(name, model, X, y, scale, standardize) -> DataSurface:
    mid = MODELS[model] + BN
    angle, f_inf = _bn_best_direction(mid, X, y)
    u = (math.cos(angle), math.sin(angle))
    radii = np.logspace(-6, 4, 101)
    along = min(_full(X, y, mid, r * u[0], r * u[1])[0] for r in radii)
    if along < f_inf - 1e-12:
        raise ValueError("with γ = 1 fixed, batch normalization cannot fit this data set: along the best "
                         "direction its loss is lowest at a tiny |w|, inside the ε disk, not along the ray")
    point = (BN_RADIUS * u[0], BN_RADIUS * u[1])
    start = (BN_START * math.cos(angle + 0.75 * math.pi), BN_START * math.sin(angle + 0.75 * math.pi))
    what = "least-squares regression" if model == "least_squares" else "logistic regression"
    story = (f"{what.capitalize()} with two weights on {len(y)} synthetic examples"
             + (f", the second feature {scale:g}× larger than the first" if scale != 1 else "")
             + (", inputs standardized" if standardize else "")
             + ", batch-normalized: the output z = w·x is standardized over the batch (γ = 1, β = 0, "
             "ε = 10⁻⁵). The loss depends only on the direction of w: the isolines are rays from the "
             "origin, scaling w changes nothing, and the gradient is perpendicular to w. So the minimum is "
             f"a ray, not a point (marked at |w| = {BN_RADIUS:g}): any w in the best direction is as good as "
             "any other. "
             "A step along the gradient turns w and also lengthens it, and the longer w is, the less a "
             "step of the same length turns it.")
    surface = DataSurface(
        name=name, title=f"{what}, N = {len(y)}" + (f", scale {scale:g}" if scale != 1 else "")
        + (", standardized" if standardize else "") + ", batch-normalized", story=story, sid=-1,
        domain=(-BN_HALF, BN_HALF, -BN_HALF, BN_HALF), minima=((point[0], point[1], f_inf),),
        start=start, lr=1.0, log_color=True, model=model, X=X, y=y, standardized=standardize, bn=True)
    eig = np.linalg.eigvalsh(surface.hessian((BN_START * u[0], BN_START * u[1])))  # the start's distance sets the pace
    return replace(surface, lr=float(f"{1.0 / eig.max():.3g}"))


def _bump_minima(X, y) -> list[tuple[float, float, float]]:
    """Every local minimum of the bump model's loss.  For a fixed position w₀ the best height is
    w₁ = e·y / e·e (the loss is quadratic in w₁), so the minima are those of this profile in w₀:
    found on a fine scan, refined by golden-section search."""
    x = X[:, 0]

    def best(w0):
        e = np.exp(-0.5 * (x - w0) ** 2 / BUMP_WIDTH ** 2)
        w1 = float(e @ y / (e @ e))
        return _full(X, y, BUMP, w0, w1)[0], w1

    grid = np.linspace(-BUMP_SPAN, BUMP_SPAN, 601)
    profile = np.array([best(w0)[0] for w0 in grid])
    found = []
    ratio = (math.sqrt(5) - 1) / 2
    for i in range(1, len(grid) - 1):
        if profile[i] < profile[i - 1] and profile[i] < profile[i + 1]:
            lo, hi = grid[i - 1], grid[i + 1]
            for _ in range(60):
                a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
                lo, hi = (lo, b) if best(a)[0] < best(b)[0] else (a, hi)
            w0 = (lo + hi) / 2
            f, w1 = best(w0)
            found.append((float(w0), w1, float(f)))
    return sorted(found, key=lambda m: m[2])


def _bump_surface(name, X, y) -> DataSurface:
    minima = _bump_minima(X, y)
    deep = minima[0]
    H = DataSurface(name=name, title="", story="", sid=-1, domain=(0, 1, 0, 1), minima=tuple(minima),
                    start=(0, 0), lr=1.0, log_color=False, model="bump", X=X, y=y).hessian(deep[:2])
    (c1, h1), (c2, h2) = BUMPS
    story = (f"Fit one bump, position w₀ and height w₁, to {len(y)} points sampled from two bumps: a tall one "
             f"(height {h1:g}) at x = {c1:g} and a short one (height {h2:g}) at x = {c2:g}. The loss has two "
             "minima: the deep one puts the model's bump on the tall bump, the shallow one on the short bump, "
             "and a low ridge lies between them. Full-batch gradient descent that starts on the short bump's "
             "side stays in the shallow minimum; with small mini-batches each step sees only a few points, and "
             "the noise can carry a racer over the ridge. Set a racer's batch size to try it.")
    return DataSurface(
        name=name, title=f"one bump fitted to two, N = {len(y)}", story=story, sid=-1,
        domain=(-2.5, 2.5, -0.5, 1.5), minima=tuple(minima), start=(-1.6, 0.2),
        lr=float(f"{1.0 / np.linalg.eigvalsh(H).max():.3g}"), log_color=True, model="bump", X=X, y=y)


def condition_number(surface: DataSurface) -> float:
    """Of the Hessian at the minimum; infinite for a batch-normalized surface (flat along the ray)."""
    if surface.bn:
        return math.inf
    eig = np.linalg.eigvalsh(surface.hessian(surface.minima[0][:2]))
    return float(eig.max() / eig.min())


@kernel
def sgd_epochs(data, w0, w1, lr, epochs, seed):
    """Plain mini-batch SGD for whole epochs, gradient work only: what an epoch costs in training."""
    n = data[1].shape[0]
    per_epoch = (n + data[3] - 1) // data[3]
    for t in range(1, epochs * per_epoch + 1):
        g0, g1 = batch_gradient(data, w0, w1, t, seed)
        w0 -= lr * g0
        w1 -= lr * g1
    return w0, w1
