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
import threading
import types
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numba
from numba import njit
from numba.core.dispatcher import Dispatcher


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
COMPLETE = "complete"  # in the cache folder once every kernel the app warms up has been compiled into it


def cache_complete() -> bool:
    """Whether an earlier start compiled every kernel into this cache (this one only loads them)."""
    return (Path(numba.config.CACHE_DIR) / COMPLETE).exists()


def mark_cache_complete() -> None:
    try:
        (Path(numba.config.CACHE_DIR) / COMPLETE).touch()
    except OSError:  # a read-only cache: the next start compiles again, as this one did
        pass

# nogil: the window computes trajectories and landscapes in worker threads and keeps drawing.
kernel = partial(njit, cache=True, error_model="numpy", nogil=True)
inline_kernel = partial(njit, cache=True, error_model="numpy", nogil=True, inline="always")
dispatch_kernel = partial(njit, cache=True, error_model="numpy", nogil=True, forceinline=True)


# A first start's warm-up compiles the kernels on a thread of its own; meanwhile the other threads
# run a kernel that is not compiled yet by the interpreter instead of compiling it themselves.
_WARMING_UP: set[int] = set()  # threads compiling a first start's kernels (see ``warming_up``)
_warm_ups = 0  # warm-ups started and not yet over
_warm_lock = threading.Lock()


def warm_up_starts() -> None:
    """Called before a warm-up thread starts: from now on, until it is over, the threads that are
    not warming up take the interpreter instead of compiling a kernel themselves."""
    global _warm_ups
    with _warm_lock:
        _warm_ups += 1


@contextmanager
def warming_up():
    """This thread compiles (or loads) the kernels of the warm-up announced by ``warm_up_starts``;
    meanwhile other threads that call ``compiled_or_interpreted`` get the interpreter."""
    global _warm_ups
    _WARMING_UP.add(threading.get_ident())
    try:
        yield
    finally:
        _WARMING_UP.discard(threading.get_ident())
        with _warm_lock:
            _warm_ups -= 1


def compiled_or_interpreted(kernel):
    """``kernel``, or its interpreted self while a warm-up is still compiling it on another thread:
    compiled on the calling thread (the GUI thread of a first start), it held the GIL and froze the
    window for seconds.  With no warm-up running, the kernel compiles on first use as usual."""
    if kernel.overloads or not _warm_ups or threading.get_ident() in _WARMING_UP:
        return kernel
    return interpreted(kernel)


# A kernel run by the Python interpreter (its ``py_func``, its compiled callees swapped for their
# interpreted selves): a cold first start's stand-in until the kernel is compiled (core.interpreted).
_MEMO: dict = {}
_OVERRIDES: dict[str, dict] = {}  # module → {global: Python stand-in} (numba overloads have no Python body)


def interpret_with(module: str, overrides: dict) -> None:
    """Python stand-ins for the globals of ``module``'s kernels that only exist compiled."""
    _OVERRIDES[module] = overrides


def interpreted(kernel):
    """``kernel``'s Python function with every compiled function it calls interpreted too."""
    if kernel in _MEMO:
        return _MEMO[kernel]
    py = kernel.py_func
    scope: dict = {}
    function = types.FunctionType(py.__code__, scope, py.__name__, py.__defaults__, py.__closure__)
    _MEMO[kernel] = function  # before the callees: they may call back
    for name, value in py.__globals__.items():
        scope[name] = _interpreted_value(value)
    scope.update(_OVERRIDES.get(py.__module__, {}))
    return function


def _interpreted_value(value):
    if isinstance(value, Dispatcher):
        return interpreted(value)
    if isinstance(value, types.ModuleType) and value.__name__.startswith(__package__ + "."):
        return _Module(value)  # gradient.modify(…) in the loop: the module's kernels interpreted too
    return value


class _Module:
    def __init__(self, module: types.ModuleType):
        self._module = module

    def __getattr__(self, name: str):
        return _interpreted_value(getattr(self._module, name))
