"""The two ways the core compiles code, and where compiled code is cached.

``error_model="numpy"`` gives IEEE results (inf/nan) instead of raising on division by zero:
divergence is data, and it spares a zero test on every division in the step loop.
Rules that take arrays are inlined into the loop so no reference counting happens per step.

Numba's disk cache only notices when a function's *own* file changes, not when a function it
inlines (a surface, an update rule) changes in another file — it would then replay stale
machine code.  So the cache lives in a folder named after a hash of every core source file:
any change to the core compiles afresh, and an unchanged core starts from the cache.  The
folder is under ``$NUMBA_CACHE_DIR`` when set (frozen bundles point it somewhere writable),
else the user's cache folder, so read-only installs cache too.
"""
import hashlib
import os
from functools import partial
from pathlib import Path

import numba
from numba import njit


def _cache_dir() -> str:
    digest = hashlib.sha1()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    root = os.environ.get("NUMBA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "landscape-app", "numba")
    return os.path.join(root, digest.hexdigest()[:16])


numba.config.CACHE_DIR = _cache_dir()

# nogil: the window computes trajectories and landscapes in worker threads and keeps drawing.
kernel = partial(njit, cache=True, error_model="numpy", nogil=True)
inline_kernel = partial(njit, cache=True, error_model="numpy", nogil=True, inline="always")
