"""What happens to a gradient before the update rule sees it: seeded noise, then clipping.

Noise comes from a counter-based generator: the draw for (seed, step, stream) does not
depend on anything drawn before, so racers that share a seed see the very same noise and
a run can be replayed from any step.
"""
from __future__ import annotations

import math

import numpy as np
from .jit import inline_kernel

from .hyper import C_CLIP_NORM, C_CLIP_VALUE, C_NOISE

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)

# Noise streams: gradient noise uses 0 and 1, random search's probe δ uses 2 and 3.
NOISE_X, NOISE_Y, PROBE_X, PROBE_Y = 0, 1, 2, 3


@inline_kernel
def _splitmix(z):
    z = z + _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@inline_kernel
def _uniform(key):
    """A uniform draw in (0, 1] from a 64-bit key."""
    return ((_splitmix(key) >> _S11) + np.uint64(1)) * (1.0 / 9007199254740992.0)


@inline_kernel
def gauss(seed, t, stream):
    """Standard normal draw number ``stream`` of step ``t`` for ``seed`` (Box–Muller)."""
    key = _splitmix(_splitmix(np.uint64(seed)) ^ np.uint64(t)) ^ np.uint64(stream * 2)
    u1 = _uniform(key)
    u2 = _uniform(key ^ np.uint64(1))
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@inline_kernel
def modify(gx, gy, hp, seed, t):
    """Add noise N(0, σ²I), clamp each coordinate to [−c, c], then rescale to norm ≤ c.

    A clip threshold of 0 in ``hp`` means "off".
    """
    sigma = hp[C_NOISE]
    if sigma > 0.0:
        gx += sigma * gauss(seed, t, NOISE_X)
        gy += sigma * gauss(seed, t, NOISE_Y)
    c = hp[C_CLIP_VALUE]
    if c > 0.0:
        gx = min(max(gx, -c), c)
        gy = min(max(gy, -c), c)
    c = hp[C_CLIP_NORM]
    if c > 0.0:
        norm = math.sqrt(gx * gx + gy * gy)
        if norm > c:
            gx *= c / norm
            gy *= c / norm
    return gx, gy
