"""`landscape-app selftest`: does this installation work?  A headless check for users and bundles.

It imports every module, runs every optimizer, the parallel batch kernel, a formula surface and
a data surface, renders a frame offscreen and writes a short MP4 and GIF to a temporary folder.
One line per check with its time, then where the compiled kernels are cached and how many
were loaded from that cache (the second run of an installation should compile nothing).
Exit status 0 only if every check passed.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

FRAME_SIZE = (480, 320)
MOVIE_SIZE = (320, 240)
MOVIE_STEPS = 8  # frames: steps + 1
DEMO = "01_momentum_vs_nesterov"


def check_imports() -> str:
    import landscape_app

    names = [m.name for m in pkgutil.walk_packages(landscape_app.__path__, "landscape_app.")
             if not m.name.endswith("__main__")]  # that one runs the CLI
    for name in names:
        importlib.import_module(name)
    import numba
    import numpy
    import PySide6

    return (f"{len(names)} modules; Python {sys.version.split()[0]}, NumPy {numpy.__version__}, "
            f"Numba {numba.__version__}, PySide6 {PySide6.__version__}")


def check_package_data() -> str:
    from importlib import resources

    from .core.presets import load_preset, preset_files

    demos = preset_files()
    for path in demos:
        load_preset(path.stem)
    icons = [p for p in resources.files("landscape_app").joinpath("resources", "icons").iterdir()
             if p.name.endswith(".png")]
    if not demos or not icons:
        raise RuntimeError(f"package data missing: {len(demos)} demos, {len(icons)} icons")
    return f"{len(demos)} demos, {len(icons)} icon sizes"


def check_optimizers() -> str:
    from .core.engine import simulate
    from .core.optimizers import OPTIMIZERS
    from .core.resolver import get_surface

    surface = get_surface("quadratic")
    for name in OPTIMIZERS:
        run = simulate(surface.name, name, surface.start, 300)
        if run.diverged_at is not None or not run.loss[-1] < run.loss[0]:
            raise RuntimeError(f"{name} did not descend the bowl: f {run.loss[0]:g} → {run.loss[-1]:g}, "
                               f"diverged at {run.diverged_at}")
    return f"{len(OPTIMIZERS)} optimizers × 300 steps on the {surface.title.lower()}"


def check_batch() -> str:
    import numba
    import numpy as np

    from .core.engine import simulate_many

    starts = np.random.default_rng(0).uniform(-2.5, 2.5, (256, 2))
    batch = simulate_many("himmelblau", "momentum", starts, 300, lr=0.005)
    if not np.isfinite(batch.final_loss).all() or np.median(batch.final_loss) > 1e-3:
        raise RuntimeError("the batch of starts did not reach Himmelblau's minima")
    return f"256 starts × 300 steps in parallel ({numba.get_num_threads()} threads, {numba.threading_layer()})"


def check_formula_surface() -> str:
    from .core.engine import simulate

    run = simulate("custom:x**2 + 10*y**2 + 0.5*sin(3*x)", "adam", (2.0, 2.0), 400, lr=0.05)
    if run.diverged_at is not None or not run.loss[-1] < run.loss[0]:
        raise RuntimeError("adam did not descend a typed formula")
    return "custom:x**2 + 10*y**2 + 0.5*sin(3*x) (SymPy gradient, compiled interpreter)"


def check_data_surface() -> str:
    from .core.engine import simulate

    run = simulate("data:logistic?n=64", "sgd", (0.0, 0.0), 200, batch_size=8, lr=0.5)
    if run.diverged_at is not None or not run.loss[-1] < run.loss[0]:
        raise RuntimeError("mini-batch SGD did not descend the logistic loss")
    return "data:logistic?n=64, mini-batches of 8"


def check_frame() -> str:
    import numpy as np

    from .core.presets import load_preset
    from .ui.scene import Scene

    scene = Scene(load_preset(DEMO), FRAME_SIZE)
    try:
        pixels = scene.frame(scene.state.max_steps)
    finally:
        scene.close()
    colours = len(np.unique(pixels.reshape(-1, 3), axis=0))
    if pixels.shape != (FRAME_SIZE[1], FRAME_SIZE[0], 3) or colours < 50:
        raise RuntimeError(f"the frame looks empty: {pixels.shape}, {colours} colours")
    return f"{FRAME_SIZE[0]}×{FRAME_SIZE[1]}, {colours} colours"


def check_animation(folder: Path, suffix: str) -> str:
    from .core.presets import load_preset
    from .ui.scene import render_animation

    path = render_animation(load_preset(DEMO), folder / f"selftest{suffix}", size=MOVIE_SIZE, fps=10,
                            steps=MOVIE_STEPS, steps_per_frame=1)
    if suffix == ".gif":
        from PIL import Image

        with Image.open(path) as gif:
            frames = gif.n_frames
    else:
        import imageio_ffmpeg

        frames, _ = imageio_ffmpeg.count_frames_and_secs(str(path))  # ffmpeg decodes the whole file
    if frames != MOVIE_STEPS + 1:
        raise RuntimeError(f"{path.name} has {frames} frames, expected {MOVIE_STEPS + 1}")
    return f"{frames} frames, {path.stat().st_size / 1024:.0f} kB"


def kernel_cache() -> tuple[int, int]:
    """(kernels loaded from the disk cache, kernels compiled) in this process so far."""
    from numba.core.dispatcher import Dispatcher

    seen, loaded, compiled = set(), 0, 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("landscape_app.core"):
            continue
        for value in vars(module).values():
            if isinstance(value, Dispatcher) and id(value) not in seen:
                seen.add(id(value))
                loaded += sum(value.stats.cache_hits.values())
                compiled += sum(value.stats.cache_misses.values())
    return loaded, compiled


def _offscreen_qt() -> None:
    """Headless, even on a desktop; without the offscreen platform's notice that it cannot resize
    windows (harmless, and alarming in a test report)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler

    def show(mode, context, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(show)


def run(out: Callable[[str], None] = print) -> bool:
    """Every check, one line each; True when all passed."""
    _offscreen_qt()
    failures = 0
    t_start = time.perf_counter()

    def check(label: str, fn: Callable[[], str]) -> None:
        nonlocal failures
        t0 = time.perf_counter()
        try:
            detail, verdict = fn(), "ok  "
        except Exception as exc:  # one failing check must not hide the others
            failures += 1
            detail, verdict = f"{type(exc).__name__}: {exc}", "FAIL"
            if os.environ.get("LANDSCAPE_SELFTEST_TRACEBACK"):
                traceback.print_exc()
        out(f"{verdict} {time.perf_counter() - t0:6.2f} s  {label:<20} {detail}")

    with tempfile.TemporaryDirectory(prefix="landscape-selftest-") as tmp:
        folder = Path(tmp)
        check("imports", check_imports)
        check("package data", check_package_data)
        check("optimizers", check_optimizers)
        check("batch kernel", check_batch)
        check("formula surface", check_formula_surface)
        check("data surface", check_data_surface)
        check("render a frame", check_frame)
        check("MP4 animation", lambda: check_animation(folder, ".mp4"))
        check("GIF animation", lambda: check_animation(folder, ".gif"))
    import numba

    loaded, compiled = kernel_cache()
    out(f"kernel cache: {loaded} loaded, {compiled} compiled, in {numba.config.CACHE_DIR}")
    total = time.perf_counter() - t_start
    out(f"selftest passed in {total:.1f} s" if not failures else f"selftest FAILED: {failures} check(s) in {total:.1f} s")
    return failures == 0


def main() -> int:
    return 0 if run() else 1
