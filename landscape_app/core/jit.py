"""The two ways the core compiles code.

``error_model="numpy"`` gives IEEE results (inf/nan) instead of raising on division by zero:
divergence is data, and it spares a zero test on every division in the step loop.
Rules that take arrays are inlined into the loop so no reference counting happens per step.
"""
from functools import partial

from numba import njit

kernel = partial(njit, cache=True, error_model="numpy")
inline_kernel = partial(njit, cache=True, error_model="numpy", inline="always")
