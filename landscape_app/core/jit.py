"""How the core compiles code, and where compiled code is cached.

``error_model="numpy"`` gives IEEE results (inf/nan) instead of raising on division by zero:
divergence is data, and it spares a zero test on every division in the step loop.

Small rules (an update rule, a schedule, a formula interpreter) are inlined into the loops by
Numba (``inline_kernel``): they then need no compile of their own, and array arguments need no
reference counting per step.  The two dispatchers that pick one of many rules by an integer id
(``optimizers.step``, ``surfaces.evaluate``) are inlined by LLVM instead (``dispatch_kernel``):
Numba's IR inliner copies a callee at every call site, at a cost that grows with the square of
its size, and the loop calls ``evaluate`` five times.  Both give the same machine code — every
trajectory is bit for bit identical and the loop as fast — so the choice only moves compile
time: the single-run loop compiles in ~2.8 s cold instead of ~4.7 s.

Numba's disk cache only notices when a function's *own* file changes, not when a function it
inlines (a surface, an update rule) changes in another file — it would then replay stale
machine code.  So the cache lives in a folder named after a hash of Numba's version and of
every core source file: any change to the core (a new version) compiles afresh, an unchanged
core starts from the cache, and installs of different versions never overwrite each other's
entries.  The folder is under ``$NUMBA_CACHE_DIR`` when set, else the user's cache
folder, else the temporary folder — somewhere writable, so read-only installs and frozen
bundles cache too.  (A frozen bundle must ship the core as ``.py`` files: Numba only caches
functions whose source file exists, and ``NUMBA_CACHE_DIR`` is ignored otherwise.)
"""
import hashlib
import os
import sys
import tempfile
from functools import partial
from pathlib import Path

import numba
from numba import njit


def user_cache_root() -> Path:
    """Where this user's caches live on this platform."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def _sources_digest() -> str:
    digest = hashlib.sha1(numba.__version__.encode())
    sources = sorted(Path(__file__).parent.glob("*.py"))
    if not sources:
        raise RuntimeError(f"the core's source files are missing from {Path(__file__).parent}: Numba cannot "
                           "cache kernels without them (a frozen bundle must collect landscape_app.core as .py)")
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def cache_dir() -> str:
    """The first writable of ``$NUMBA_CACHE_DIR``, the user's cache and the temporary folder,
    each with the subfolder named after Numba's version and the core's sources."""
    name = _sources_digest()
    roots = [Path(os.environ["NUMBA_CACHE_DIR"])] if os.environ.get("NUMBA_CACHE_DIR") else []
    try:
        roots.append(user_cache_root() / "landscape-app" / "numba")
    except RuntimeError:  # no home folder at all
        pass
    user = f"landscape-app-{os.getuid()}" if hasattr(os, "getuid") else "landscape-app"  # /tmp is shared
    roots.append(Path(tempfile.gettempdir()) / user / "numba")
    for root in roots:
        if _writable(root / name):
            return str(root / name)
    return str(roots[-1] / name)  # nothing writable: Numba falls back to its own locations


numba.config.CACHE_DIR = cache_dir()

# nogil: the window computes trajectories and landscapes in worker threads and keeps drawing.
kernel = partial(njit, cache=True, error_model="numpy", nogil=True)
inline_kernel = partial(njit, cache=True, error_model="numpy", nogil=True, inline="always")
dispatch_kernel = partial(njit, cache=True, error_model="numpy", nogil=True, forceinline=True)
