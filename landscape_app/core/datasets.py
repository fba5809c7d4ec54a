"""Surfaces defined by data: a two-weight model on a synthetic data set, trained with true
mini-batches (seeds 000–003).

The contour shows the full-batch loss L(w) = mean over examples; a racer with ``batch_size`` B
steps with the mean gradient of B examples, reshuffled every epoch, and one epoch is
ceil(N / B) steps, so epoch-based learning-rate decay means what the lecture notes say.
``batch_size = N`` is full-batch gradient descent, bit for bit.

Registered by name ``data:<model>?n=200&seed=0&scale=1&standardize=0`` (see :func:`data_surface`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import numpy as np

from .gradient import _splitmix, _uniform
from .jit import kernel
from .surfaces import Surface, recall, remember

PREFIX = "data:"
MODELS = {"least_squares": 0, "logistic": 1}
TRUE_W = (1.5, -0.8)
LEAST_SQUARES, LOGISTIC = 0, 1


@dataclass(frozen=True)
class DataSurface(Surface):
    model: str = "least_squares"
    X: np.ndarray = field(default=None, repr=False, compare=False)
    y: np.ndarray = field(default=None, repr=False, compare=False)
    standardized: bool = False

    @property
    def n(self) -> int:
        return len(self.y)

    def kernel_arg(self, batch: int | None = None):
        batch = self.n if batch is None else batch
        return self.X, self.y, MODELS[self.model], int(batch), np.arange(self.n, dtype=np.int64)

    def value_and_grad(self, x, y):
        return _full(self.X, self.y, MODELS[self.model], float(x), float(y))

    def grid(self, xs, ys):
        return _grid(self.X, self.y, MODELS[self.model], np.ascontiguousarray(xs, np.float64),
                     np.ascontiguousarray(ys, np.float64))

    def hessian(self, w) -> np.ndarray:
        X = self.X
        if self.model == "least_squares":
            return X.T @ X / self.n
        m = self.y * (X @ np.asarray(w))
        s = 1.0 / (1.0 + np.exp(-m))
        return (X * (s * (1 - s))[:, None]).T @ X / self.n


@kernel
def _example(X, y, model, i, w0, w1):
    """(loss, dloss/dw0, dloss/dw1) of example i."""
    x0 = X[i, 0]
    x1 = X[i, 1]
    z = w0 * x0 + w1 * x1
    if model == LEAST_SQUARES:
        r = z - y[i]
        return 0.5 * r * r, r * x0, r * x1
    m = y[i] * z  # logistic loss log(1 + e^(−m)), computed without overflow
    if m > 0:
        e = math.exp(-m)
        loss = math.log1p(e)
        d = -e / (1.0 + e)
    else:
        e = math.exp(m)
        loss = -m + math.log1p(e)
        d = -1.0 / (1.0 + e)
    return loss, d * y[i] * x0, d * y[i] * x1


@kernel
def _full(X, y, model, w0, w1):
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
    g0 = 0.0
    g1 = 0.0
    for i in range(lo, hi):
        _, b, c = _example(X, y, model, perm[i], w0, w1)
        g0 += b
        g1 += c
    return g0 / (hi - lo), g1 / (hi - lo)


def make_data(model: str, n: int, seed: int, scale: float, standardize: bool):
    """Two features (the second ×scale), targets from the true weights (1.5, −0.8) with noise."""
    rng = np.random.default_rng(seed)
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


def canonical_name(model: str, n: int = 200, seed: int = 0, scale: float = 1.0, standardize: bool = False) -> str:
    return PREFIX + model + "?" + urlencode({"n": n, "seed": seed, "scale": f"{scale:g}",
                                             "standardize": int(bool(standardize))})


def parse_name(name: str) -> dict:
    body = name[len(PREFIX):]
    model, _, query = body.partition("?")
    params = dict(parse_qsl(query))
    unknown = set(params) - {"n", "seed", "scale", "standardize"}
    if unknown:
        raise ValueError(f"data surface settings are n, seed, scale, standardize; not {', '.join(sorted(unknown))}")
    try:
        return {"model": model, "n": int(params.get("n", 200)), "seed": int(params.get("seed", 0)),
                "scale": float(params.get("scale", 1.0)), "standardize": params.get("standardize", "0") in ("1", "true")}
    except ValueError:
        raise ValueError(f"cannot read the data surface settings in {name!r}") from None


def data_surface(model: str = "least_squares", n: int = 200, seed: int = 0, scale: float = 1.0,
                 standardize: bool = False) -> DataSurface:
    """Build (or fetch) and register a data surface; raises ValueError with a reason."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of: {', '.join(MODELS)}")
    if not (isinstance(n, int) and 4 <= n <= 100_000):
        raise ValueError(f"the data set size n must be a whole number from 4 to 100000, got {n!r}")
    if not (math.isfinite(scale) and 0.01 <= scale <= 100):
        raise ValueError(f"the feature scale must be between 0.01 and 100, got {scale!r}")
    name = canonical_name(model, n, seed, scale, standardize)
    if recall(name) is not None:
        return recall(name)
    X, y = make_data(model, n, seed, scale, standardize)
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
             + f". The Hessian's condition number is {eig.max() / eig.min():.3g}: "
             + ("normalizing the inputs rounds the bowl. " if not standardize else "")
             + "Set a racer's batch size to 1 for SGD, to N for full-batch gradient descent.")
    surface = DataSurface(
        name=name, title=f"{what}, N = {n}" + (f", scale {scale:g}" if scale != 1 else "")
        + (", standardized" if standardize else ""), story=story, sid=-1,
        domain=(w0 - half, w0 + half, w1 - half, w1 + half), minima=((w0, w1, f),),
        start=(w0 - 0.8 * half, w1 + 0.8 * half), lr=float(f"{1.0 / eig.max():.3g}"), log_color=True,
        model=model, X=X, y=y, standardized=standardize)
    return remember(surface)


def condition_number(surface: DataSurface) -> float:
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
