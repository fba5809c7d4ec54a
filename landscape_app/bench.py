"""`landscape-app bench`: speed and latency targets, measured in one run and printed as a table.

Benchmarks are not tests: the suite runs this with tiny sizes only to prove it works.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from .core.engine import simulate, simulate_many
from .core.optimizers import OPTIMIZERS
from .core.resolver import get_surface


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None

    def __str__(self):
        verdict = "" if self.ok is None else ("ok" if self.ok else "MISSED")
        return f"{self.name:<46} {self.value:>12.4g} {self.unit:<10} {self.target:<14} {verdict}"


# Learning rates that keep every optimizer on Rosenbrock for 10⁶ steps without diverging.
BENCH_HYPER = {"sgd": {"lr": 1e-4}, "momentum": {"lr": 1e-4}, "nesterov": {"lr": 1e-4},
               "adagrad": {"lr": 0.05}, "rmsprop": {"lr": 1e-3}, "adadelta": {}, "adam": {"lr": 1e-3},
               "adamw": {"lr": 1e-3}, "amsgrad": {"lr": 1e-3}, "nadam": {"lr": 1e-3},
               "rprop": {"lr": 1e-3}, "random_search": {"lr": 1e-4, "sigma": 0.1},
               "coordinate_descent": {"lr": 1e-4}}
START = (-1.5, 2.0)


def _best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def optimizer_rows(steps: int) -> tuple[list[Row], float]:
    rows, adam_ns = [], 0.0
    for name in OPTIMIZERS:
        simulate("rosenbrock", name, START, 10, **BENCH_HYPER[name])
        seconds, run = _best_of(lambda: simulate("rosenbrock", name, START, steps, **BENCH_HYPER[name]), 3)
        ns = seconds / max(run.steps, 1) * 1e9
        if name == "adam":
            adam_ns = ns
        target, ok = ("≤ 40", ns <= 40) if name == "adam" else ("", None)
        note = "" if run.steps == steps else f" (diverged at {run.diverged_at})"
        rows.append(Row(f"simulate {name}, Rosenbrock{note}", ns, "ns/step", target, ok))
    return rows, adam_ns


def numpy_adam_ns(steps: int) -> float:
    """The same Adam loop written the way one would in plain Python + NumPy."""
    s = get_surface("rosenbrock")
    kernel = s.kernel.py_func  # the same formula, uncompiled

    def run():
        th, m, v = np.array(START), np.zeros(2), np.zeros(2)
        b1, b2, lr, eps = 0.9, 0.999, 1e-3, 1e-8
        for t in range(1, steps + 1):
            _, gx, gy = kernel(th[0], th[1])
            g = np.array([gx, gy])
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            th = th - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        return th

    seconds, _ = _best_of(run, 2)
    return seconds / steps * 1e9


def torch_adam_ns(steps: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=1e-3)

    def run():
        for _ in range(steps):
            opt.zero_grad()
            loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
            loss.backward()
            opt.step()

    seconds, _ = _best_of(run, 2)
    return seconds / steps * 1e9


def many_rows(n_starts: int, steps: int) -> list[Row]:
    s = get_surface("rosenbrock")
    rng = np.random.default_rng(0)
    starts = np.column_stack([rng.uniform(*s.domain[:2], n_starts), rng.uniform(*s.domain[2:], n_starts)])
    simulate_many("rosenbrock", "adam", starts[:8], 5, lr=1e-3)
    seconds, _ = _best_of(lambda: simulate_many("rosenbrock", "adam", starts, steps, lr=1e-3), 3)
    rate = n_starts * steps / seconds / 1e6
    return [Row(f"simulate_many adam {n_starts}×{steps}", seconds * 1e3, "ms"),
            Row("simulate_many throughput", rate, "M steps/s", "≥ 50", rate >= 50)]


def basin_row(n: int, steps: int) -> Row:
    """A basin map of the local-minima surface (target: 256² starts × 500 steps ≤ 3 s)."""
    from .core.analysis import basin_map

    basin_map("local_minima", "momentum", n=4, steps=5, lr=0.05)
    t0 = time.perf_counter()
    basin_map("local_minima", "momentum", n=n, steps=steps, lr=0.05)
    seconds = time.perf_counter() - t0
    target, ok = ("≤ 3", seconds <= 3) if (n, steps) == (256, 500) else ("", None)
    return Row(f"basin map {n}×{n} starts × {steps} steps", seconds, "s", target, ok)


def call_overhead_row(steps: int = 1000, repeats: int = 300) -> Row:
    simulate("rosenbrock", "adam", START, steps, lr=1e-3)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        simulate("rosenbrock", "adam", START, steps, lr=1e-3)
        times.append(time.perf_counter() - t0)
    ms = statistics.median(times) * 1e3
    return Row(f"one {steps}-step simulate call (median)", ms, "ms", "≤ 0.3", ms <= 0.3)


_WARM = ("import time; t0 = time.perf_counter(); import numpy as np;"
         "from landscape_app.core.engine import simulate, simulate_many;"
         "from landscape_app.core.surfaces import SURFACES; from landscape_app.core.optimizers import OPTIMIZERS;"
         "[simulate(s, o, SURFACES[s].start, 3) for s in list(SURFACES)[:1] for o in OPTIMIZERS];"
         "simulate_many('quadratic', 'adam', np.zeros((4, 2)), 3);"
         "from landscape_app.core.engine import simulate_settings;"
         "simulate_settings('quadratic', 'adam', (1, 1), 3, [{}]); SURFACES['quadratic'].grid(np.zeros(2), np.zeros(2));"
         "print(time.perf_counter() - t0)")


def compile_rows() -> list[Row]:
    """Cold (empty cache) and cached start-up, each in a fresh interpreter."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        cold, cached = (float(subprocess.run([sys.executable, "-c", _WARM], env=env, check=True,
                                             capture_output=True, text=True).stdout.split()[-1])
                        for _ in range(2))
    return [Row("compile every kernel, cold cache", cold, "s", "≤ 20", cold <= 20),
            Row("start with cached kernels", cached, "s", "≤ 1", cached <= 1)]


# The window started as a user starts it, polled every 10 ms for what is on screen (seconds since the
# epoch); meanwhile the start is dragged in small moves, as a user trying the app at once does, and
# the longest time between two polls is the longest the window froze.
_FIRST_START = """
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from landscape_app.ui.app import build
w = build(None)
w.file_actions.quit_answer = "discard"  # the drags changed the race: nothing to ask when it quits
w.show()
marks, block, last = {}, [0.0], [None]
def poll():
    now = time.time()
    if last[0] is not None:
        block[0] = max(block[0], now - last[0])
    last[0] = now
    marks.setdefault("window", now)
    if "landscape" not in marks and w.view.image.image is not None:
        marks["landscape"] = now
    if "trails" not in marks and w.state.runs:
        marks["trails"] = now
def drag():
    x, y = w.state.start
    w.state.set_start(x + 0.01, y)
timer, mouse = QTimer(), QTimer()
timer.timeout.connect(poll)
timer.start(10)
mouse.timeout.connect(drag)
mouse.start(40)
w.warmup.ready.connect(lambda seconds: marks.setdefault("compiled", time.time()))
w.warmup.done.connect(lambda seconds: (poll(), marks.setdefault("every kernel", time.time()), app.quit()))
w.warmup.failed.connect(lambda text: print(text, file=sys.stderr))
QTimer.singleShot(300_000, app.quit)
app.exec()
print(json.dumps(marks))
print(block[0])
"""


# (mark, row title, target with an empty cache in seconds)
_FIRST_START_ROWS = (("window", "window on screen", None), ("landscape", "landscape on screen", 2.0),
                     ("trails", "first trails", 5.0), ("compiled", "trails by the compiled loop", None),
                     ("every kernel", "every kernel ready", None))


def first_start_rows() -> list[Row]:
    """Launch to window, landscape, first trails and every kernel: with an empty kernel cache, then cached."""
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for label in ("empty cache", "cached kernels"):
            launched = time.time()
            out = subprocess.run([sys.executable, "-c", _FIRST_START], env=env, check=True, capture_output=True,
                                 text=True).stdout
            marks = {k: v - launched for k, v in json.loads(out.splitlines()[-2]).items()}
            block = 1000 * float(out.splitlines()[-1])
            rows.append(Row(f"longest freeze while the start is dragged, {label}", block, "ms", "≤ 100",
                            block <= 100))
            for mark, title, target in _FIRST_START_ROWS:
                seconds = marks.get(mark, float("nan"))
                if label == "empty cache" and target is not None:
                    rows.append(Row(f"{title}, {label}", seconds, "s", f"≤ {target:g}", seconds <= target))
                else:
                    rows.append(Row(f"{title}, {label}", seconds, "s"))
    return rows


def export_rows(quick: bool) -> list[Row]:
    """300 frames of a demo at 1280×720 to MP4 (target ≤ 15 s) and to GIF, offscreen."""
    from .core.presets import load_preset
    from .ui.scene import render_animation

    frames, size = (6, (320, 240)) if quick else (300, (1280, 720))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".mp4", ".gif"):
            scenario = load_preset("01_momentum_vs_nesterov")
            t0 = time.perf_counter()
            render_animation(scenario, os.path.join(folder, "race" + suffix), size=size, steps=frames - 1,
                             steps_per_frame=1)
            seconds = time.perf_counter() - t0
            label = f"export {frames} frames {size[0]}×{size[1]} to {suffix[1:].upper()}"
            if suffix == ".mp4":
                rows.append(Row(label, seconds, "s", "≤ 15", seconds <= 15))
            else:
                rows.append(Row(label, seconds, "s"))
            rows.append(Row(f"  {suffix[1:].upper()} export speed", frames / seconds, "frames/s"))
    return rows


def run(quick: bool = False, gui: bool = True, out=print) -> list[Row]:
    steps = 2_000 if quick else 1_000_000
    rows: list[Row] = []
    out(f"{'benchmark':<46} {'value':>12} {'unit':<10} {'target':<14}")
    out("-" * 90)

    def emit(new):
        for r in new:
            rows.append(r)
            out(str(r))

    opt_rows, adam_ns = optimizer_rows(steps)
    emit(opt_rows)
    np_ns = numpy_adam_ns(200 if quick else 20_000)
    ratio = np_ns / adam_ns
    emit([Row("plain Python/NumPy Adam loop", np_ns, "ns/step"),
          Row("  speed-up of the kernel over it", ratio, "×", "≥ 150", ratio >= 150)])
    torch_ns = torch_adam_ns(200 if quick else 20_000)
    if torch_ns is not None:
        emit([Row("torch.optim.Adam + autograd", torch_ns, "ns/step"),
              Row("  speed-up of the kernel over it", torch_ns / adam_ns, "×")])
    emit(many_rows(256 if quick else 65_536, 50 if quick else 500))
    emit([call_overhead_row(repeats=20 if quick else 300)])
    emit([basin_row(16 if quick else 256, 50 if quick else 500)])
    if not quick:
        emit(compile_rows())
    if gui:
        emit(_gui_rows(quick))
        emit(export_rows(quick))
        if not quick:
            emit(first_start_rows())
    return rows


def _gui_rows(quick: bool) -> list[Row]:
    try:
        from .ui import benchmarks
    except ImportError as exc:  # the GUI layer is optional for library users
        return [Row(f"GUI benchmarks skipped: {exc}", float("nan"), "")]
    return [Row(**r) for r in benchmarks.run(quick=quick)]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="landscape-app bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that everything runs")
    parser.add_argument("--no-gui", action="store_true", help="core benchmarks only")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    rows = run(quick=args.quick, gui=not args.no_gui)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump([r.__dict__ for r in rows], fh, indent=1)
    return 0
