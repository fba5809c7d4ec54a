"""What happens to a gradient before the update rule sees it: seeded noise, then clipping.

Noise comes from a counter-based generator: the draw for (seed, step, stream) does not
depend on anything drawn before, so racers that share a seed see the very same noise and
a run can be replayed from any step.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .hyper import C_CLIP_NORM, C_CLIP_VALUE, C_NOISE

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)

# Noise streams: gradient noise uses 0 and 1, random search's probe δ uses 2 and 3.
NOISE_X, NOISE_Y, PROBE_X, PROBE_Y = 0, 1, 2, 3


@njit(cache=True)
def _splitmix(z):
    z = z + _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True)
def _uniform(key):
    """A uniform draw in (0, 1] from a 64-bit key."""
    return ((_splitmix(key) >> _S11) + np.uint64(1)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def gauss(seed, t, stream):
    """Standard normal draw number ``stream`` of step ``t`` for ``seed`` (Box–Muller)."""
    key = _splitmix(_splitmix(np.uint64(seed)) ^ np.uint64(t)) ^ np.uint64(stream * 2)
    u1 = _uniform(key)
    u2 = _uniform(key ^ np.uint64(1))
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True)
def modify(g, cfg, seed, t):
    """Add noise N(0, σ²I), clamp each coordinate to [−c, c], rescale to norm ≤ c (in place).

    A clip threshold of 0 in ``cfg`` means "off".
    """
    sigma = cfg[C_NOISE]
    if sigma > 0.0:
        g[0] += sigma * gauss(seed, t, NOISE_X)
        g[1] += sigma * gauss(seed, t, NOISE_Y)
    c = cfg[C_CLIP_VALUE]
    if c > 0.0:
        for i in range(2):
            g[i] = min(max(g[i], -c), c)
    c = cfg[C_CLIP_NORM]
    if c > 0.0:
        norm = math.sqrt(g[0] * g[0] + g[1] * g[1])
        if norm > c:
            g[0] *= c / norm
            g[1] *= c / norm
