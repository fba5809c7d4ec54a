"""GUI numbers for `landscape-app bench`: drag-to-repaint latency, play frame rate, cold start,
and the 3-D view's frame rate, mesh rebuild and export.

The 2-D rows run offscreen; the 3-D rows need OpenGL, so they run in a child process on the
display (a private Xvfb when there is none: Mesa's software renderer, as on a bare server).
Each function returns rows (dicts with name, value, unit, target, ok).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time


def _app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _window(racers: int, steps: int, surface: str | None = None, presenting: bool = False):
    import pyqtgraph as pg

    from ..core.optimizers import OPTIMIZERS
    from .app import build

    app = _app()
    pg.setConfigOptions(mouseRateLimit=-1)
    w = build(None, ready=True)
    state = w.state
    if surface:
        state.set_surface(surface)
    names = list(OPTIMIZERS)
    while len(state.racers) < racers:
        state.add_racer(names[len(state.racers) % len(names)])
    while len(state.racers) > racers:
        state.remove_racer(len(state.racers) - 1)
    state.set_max_steps(steps)
    w.resize(1400, 900)
    w.show()
    if presenting:
        w.set_presentation(True)
    for _ in range(10):
        app.processEvents()
    return app, w


def _dispose(app, w) -> None:
    """Really delete a measured window: a merely closed one keeps its scene and slows the next run."""
    from PySide6.QtCore import QCoreApplication, QEvent

    w.file_actions.quit_answer = "discard"  # a measured window has nothing to save: no question
    w.close()
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def drag_latency(racers: int = 6, steps: int = 1000, moves: int = 60, surface: str | None = None) -> dict:
    """Mouse move on the handle → trajectories recomputed → view repainted, per move."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    app, w = _window(racers, steps, surface)
    view, state = w.view, w.state
    state.set_step(steps)  # full trails: the heaviest repaint
    vp = view.viewport()
    x0, y0 = state.start
    (ax, bx), (ay, by) = view.vb.viewRange()

    def pixel(x, y):
        return view.mapFromScene(view.vb.mapViewToScene(QPointF(x, y)))

    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pixel(x0, y0))
    times = []
    for k in range(1, moves + 1):
        target = pixel(x0 + 0.2 * (bx - ax) * k / moves, y0 - 0.2 * (by - ay) * k / moves)
        t0 = time.perf_counter()
        QTest.mouseMove(vp, target)
        app.processEvents()  # delivers the move, then the repaint it scheduled
        app.processEvents()
        times.append(time.perf_counter() - t0)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)
    moved = state.runs[0].path[0][0] != x0
    _dispose(app, w)
    ms = statistics.median(times) * 1e3
    where = f" on {surface}" if surface else ""
    return {"name": f"drag-to-repaint, {racers} racers × {steps} steps{where} (median)" + ("" if moved else " [NO MOVE]"),
            "value": ms, "unit": "ms", "target": "≤ 16", "ok": moved and ms <= 16}


def play_fps(racers: int = 8, steps: int = 5000, seconds: float = 2.0, surface: str | None = None,
             presenting: bool = False, vectors: bool = False) -> dict:
    """Frames per second of steady play: step advanced, trails redrawn, loss plot and table updated
    (``vectors``: with the step arrows and the readout of the selected racer too)."""
    app, w = _window(racers, steps, surface, presenting)
    state = w.state
    w.vectors_action.setChecked(vectors)
    deadline = time.perf_counter() + 300
    while state.busy and time.perf_counter() < deadline:  # long races compute in the background first
        app.processEvents()
    state.set_speed(1000)
    if vectors:  # the arrows and the readout of a late step: the state after ~25,000 steps
        state.set_step(steps // 2)
    frames = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        state.set_step((state.step + 17) % steps)  # ~1000 steps/s at 60 fps
        app.processEvents()  # paints what changed, as the play clock's event loop does
        frames += 1
    fps = frames / (time.perf_counter() - t0)
    _dispose(app, w)
    where = (f" on {surface}" if surface else "") + (", presentation mode" if presenting else "") + \
        (", step arrows and readout" if vectors else "")
    return {"name": f"play: {racers} racers, trails up to {steps} steps{where}", "value": fps, "unit": "frames/s",
            "target": "≥ 60", "ok": fps >= 60}


_START = ("import time, os; t0 = time.perf_counter(); os.environ['QT_QPA_PLATFORM'] = 'offscreen';"
          "from PySide6.QtWidgets import QApplication; app = QApplication([]);"
          "from landscape_app.ui.app import build; w = build(None); w.show(); app.processEvents();"
          "print(time.perf_counter() - t0); w.warmup.wait()")


def cold_start() -> dict:
    """Interpreter start to a visible window, in a fresh process (kernels compile afterwards)."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _START], capture_output=True, text=True, check=True)
    inside = float(out.stdout.split()[0])
    del t0
    return {"name": "cold start to visible window (imports + window)", "value": inside, "unit": "s",
            "target": "≤ 2", "ok": inside <= 2}


def monkey_block(actions: int = 1000, seed: int = 0) -> dict:
    """The longest the GUI thread was blocked by any single action of a seeded monkey run (the default
    window; the monkey itself changes surfaces, steps, racers, demos …)."""
    import tempfile

    from .app import freeze_long_lived
    from .monkey import Monkey
    from .workers import STAGES

    for _, compile_stage in STAGES:  # as in the app after its warm-up thread: no first use compiles a kernel
        compile_stage()
    app, w = _window(5, 500)
    freeze_long_lived()  # as the app does once its kernels are ready
    with tempfile.TemporaryDirectory() as folder:
        monkey = Monkey(w, seed=seed, folder=folder)
        monkey.run(actions)
    _dispose(app, w)
    name, worst = monkey.slowest()
    ms = worst * 1e3
    over, p99 = monkey.spread()
    return {"name": f"slowest GUI action of a {actions}-action monkey run (seed {seed}): {name}; "
                    f"{over:.1%} of actions over 100 ms, 99th percentile {1000 * p99:.0f} ms", "value": ms,
            "unit": "ms", "target": "≤ 100", "ok": ms <= 100}


def _wait_frame(app, view, frames: int, timeout: float = 5.0) -> None:
    """Process events until the GL view has painted past ``frames``."""
    end = time.perf_counter() + timeout
    while view.frames <= frames and time.perf_counter() < end:
        app.processEvents()


def play_fps_3d(racers: int = 8, steps: int = 5000, seconds: float = 2.0, surface: str = "rosenbrock") -> dict:
    """Frames per second of steady play in the 3-D layout (real GL paints counted, not loop turns)."""
    app, w = _window(racers, steps, surface)
    w.views.set_layout("3d")
    view = w.views.view_3d.gl
    _wait_frame(app, view, view.frames)
    state = w.state
    frames0, t0 = view.frames, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        state.set_step((state.step + 17) % steps)
        app.processEvents()
    fps = (view.frames - frames0) / (time.perf_counter() - t0)
    size = view.size()
    _dispose(app, w)
    return {"name": f"3-D play: {racers} racers × {steps}-step trails, {view.map.nx}² mesh, {size.width()}×"
                    f"{size.height()} view", "value": fps, "unit": "frames/s", "target": "≥ 60", "ok": fps >= 60}


def mesh_rebuild_3d(surfaces=("rosenbrock", "himmelblau", "rastrigin", "goldstein_price", "ravine")) -> list[dict]:
    """A surface switch in the 3-D layout: the view's own rebuild (landscape, heights, colours, mesh,
    trails) to its next frame, and the whole switch (runs recomputed, every view) to that frame."""
    app, w = _window(8, 1000)
    w.views.set_layout("3d")
    view = w.views.view_3d.gl
    _wait_frame(app, view, view.frames)
    rebuild, switch = [], []
    for name in surfaces:
        t0 = time.perf_counter()
        w.state.set_surface(name)
        _wait_frame(app, view, view.frames)
        switch.append(time.perf_counter() - t0)
        frames = view.frames
        t0 = time.perf_counter()
        view._changed("surface")
        _wait_frame(app, view, frames)
        rebuild.append(time.perf_counter() - t0)
    n = view.map.nx
    _dispose(app, w)
    ms, total = statistics.median(rebuild) * 1e3, statistics.median(switch) * 1e3
    return [{"name": f"3-D mesh rebuild on a surface switch, {n}² (median)", "value": ms, "unit": "ms",
             "target": "≤ 150", "ok": ms <= 150},
            {"name": "  the whole switch in the 3-D layout, 8 racers (median)", "value": total, "unit": "ms"}]


def export_3d(frames: int = 20, size=(1280, 720)) -> list[dict]:
    """Milliseconds per frame of a 3-D and of a side-by-side export (drawing and grabbing, no encoding)."""
    from ..core.presets import load_preset
    from .scene import Scene

    rows = []
    for view in ("3d", "both"):
        s = Scene(load_preset("01_momentum_vs_nesterov"), size, view=view)
        s.frame(0)
        t0 = time.perf_counter()
        for i in range(1, frames + 1):
            s.frame(i, orbit_deg=0.4)
        ms = (time.perf_counter() - t0) / frames * 1e3
        s.close()
        rows.append({"name": f"3-D export frame, view {view}, {size[0]}×{size[1]}", "value": ms, "unit": "ms/frame"})
    return rows


def gl_child(quick: bool) -> list[dict]:
    """The 3-D rows, in this process (which must be on a display with OpenGL)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    _app()
    from .view3d import gl_unavailable

    reason = gl_unavailable()
    if reason:
        return [{"name": f"3-D benchmarks skipped: {reason}", "value": float("nan"), "unit": ""}]
    if quick:
        return [play_fps_3d(racers=2, steps=100, seconds=0.2), *mesh_rebuild_3d(("quadratic", "ravine")),
                *export_3d(frames=2, size=(320, 240))]
    return [play_fps_3d(), *mesh_rebuild_3d(), *export_3d()]


def gl_rows(quick: bool = False) -> list[dict]:
    """The 3-D rows, measured in a child process on this display or on a private Xvfb."""
    from . import display

    env, proc = dict(os.environ), None
    if not env.get("DISPLAY"):
        try:
            proc, env["DISPLAY"] = display.start_xvfb()
        except display.DisplayError as exc:
            return [{"name": f"3-D benchmarks skipped: {exc}", "value": float("nan"), "unit": ""}]
    env["QT_QPA_PLATFORM"] = "xcb"
    try:
        done = subprocess.run([sys.executable, "-m", "landscape_app.ui.benchmarks", "--gl",
                               *(["--quick"] if quick else [])], env=env, capture_output=True, text=True,
                              timeout=900)
    finally:
        if proc is not None:
            display.stop(proc)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [{"name": f"3-D benchmarks failed: {last}", "value": float("nan"), "unit": "", "ok": False}]
    return json.loads(done.stdout.strip().splitlines()[-1])


DATA_SURFACE = "data:logistic?n=200&seed=1"  # a costly gradient: what the GUI thread must never recompute


def run(quick: bool = False) -> list[dict]:
    if quick:
        return [drag_latency(racers=2, steps=50, moves=5), play_fps(racers=2, steps=100, seconds=0.2, vectors=True),
                monkey_block(actions=20), *gl_rows(quick=True)]
    # the default race (ravine), then a surface where no racer settles (Rosenbrock: long, unthinned trails)
    return [drag_latency(), drag_latency(surface="rosenbrock"), play_fps(), play_fps(surface="rosenbrock"),
            play_fps(presenting=True), play_fps(racers=5, steps=50_000, surface=DATA_SURFACE, vectors=True),
            monkey_block(), cold_start(), *gl_rows()]


if __name__ == "__main__":  # the 3-D rows' child process: one line of JSON
    print(json.dumps(gl_child(quick="--quick" in sys.argv)))
