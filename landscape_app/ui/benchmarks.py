"""GUI numbers for `landscape-app bench`: drag-to-repaint latency, play frame rate, cold start.

Runs offscreen; each function returns rows (dicts with name, value, unit, target, ok).
"""
from __future__ import annotations

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
             presenting: bool = False) -> dict:
    """Frames per second of steady play: step advanced, trails redrawn, loss plot and table updated."""
    app, w = _window(racers, steps, surface, presenting)
    state = w.state
    state.set_speed(1000)
    frames = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        state.set_step((state.step + 17) % steps)  # ~1000 steps/s at 60 fps
        app.processEvents()  # paints what changed, as the play clock's event loop does
        frames += 1
    fps = frames / (time.perf_counter() - t0)
    _dispose(app, w)
    where = (f" on {surface}" if surface else "") + (", presentation mode" if presenting else "")
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

    from .monkey import Monkey

    app, w = _window(5, 500)
    with tempfile.TemporaryDirectory() as folder:
        monkey = Monkey(w, seed=seed, folder=folder)
        monkey.run(actions)
    _dispose(app, w)
    name, worst = monkey.slowest()
    ms = worst * 1e3
    return {"name": f"slowest GUI action of a {actions}-action monkey run (seed {seed}): {name}", "value": ms,
            "unit": "ms", "target": "≤ 100", "ok": ms <= 100}


def run(quick: bool = False) -> list[dict]:
    if quick:
        return [drag_latency(racers=2, steps=50, moves=5), play_fps(racers=2, steps=100, seconds=0.2),
                monkey_block(actions=20)]
    # the default race (ravine), then a surface where no racer settles (Rosenbrock: long, unthinned trails)
    return [drag_latency(), drag_latency(surface="rosenbrock"), play_fps(), play_fps(surface="rosenbrock"),
            play_fps(presenting=True), monkey_block(), cold_start()]
