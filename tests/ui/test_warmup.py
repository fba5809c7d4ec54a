"""The first start's kernel warm-up: a child process compiles, the window's process only loads."""
import json
import os
import subprocess
import sys

import pytest

from landscape_app.ui import workers


def test_a_first_start_compiles_in_a_child_and_the_window_only_loads_from_its_cache(tmp_path):
    """With an empty cache, no kernel is compiled in the window's process (Numba's compiler held
    the GIL there and froze the window up to 660 ms per mouse move); the next start knows the
    cache is complete and starts no child."""
    code = """
import json, os, sys, threading
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from numba.core import event
compiled = []
class Count(event.Listener):
    def on_start(self, ev): compiled.append(ev.data["dispatcher"].py_func.__name__)
    def on_end(self, ev): pass
event.register("numba:compile", Count())
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from landscape_app.ui import workers
from landscape_app.ui.app import build
children = []
start = workers._compiler
workers._compiler = lambda: children.append(start()) or children[-1]
w = build(None)
failed = []
w.warmup.failed.connect(failed.append)
w.warmup.done.connect(lambda seconds: app.quit())
QTimer.singleShot(240_000, app.quit)
app.exec()
from landscape_app.core.inspect import _replay
from landscape_app.core.surfaces import evaluate
print(json.dumps({"children": len(children), "kernels": bool(evaluate.overloads and _replay.overloads),
                  "compiled": compiled, "ready": w.state.ready, "failed": failed,
                  "complete": workers.cache_complete()}))
"""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300,
                              check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    first, second = runs
    assert first["children"] == 1 and first["ready"] and not first["failed"] and first["complete"], first
    assert first["compiled"] == [], first  # every kernel loaded from what the child wrote
    assert first["kernels"], first  # the window's interpreted stand-ins gave way to the kernels
    assert second["children"] == 0 and second["compiled"] == [] and second["ready"], second


def test_kernels_compile_on_first_use_unless_a_warm_up_is_compiling_them():
    import threading

    import numba

    from landscape_app.core import jit

    alone, during = numba.njit(lambda x: x + 1.0), numba.njit(lambda x: x + 2.0)
    assert jit.compiled_or_interpreted(alone) is alone  # no warm-up: compiled here, as ever
    entered, leave, seen = threading.Event(), threading.Event(), []

    def warm_up():
        with jit.warming_up():
            seen.append(jit.compiled_or_interpreted(during) is during)  # the warm-up compiles it
            entered.set()
            leave.wait(10)

    thread = threading.Thread(target=warm_up)
    jit.warm_up_starts()
    thread.start()
    entered.wait(10)
    stand_in = jit.compiled_or_interpreted(during)
    assert stand_in is not during and stand_in(1.0) == 3.0 and not during.overloads
    leave.set()
    thread.join()
    assert seen == [True] and jit.compiled_or_interpreted(during) is during


@pytest.fixture
def cold(monkeypatch):
    """The warm-up believes the cache incomplete and starts the given command as its child."""
    children = []

    def use(code: str):
        def start():
            children.append(subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True))
            return children[-1]
        monkeypatch.setattr(workers, "_compiler", start)

    monkeypatch.setattr(workers, "cache_complete", lambda: False)
    monkeypatch.setattr(workers, "mark_cache_complete", lambda: None)
    use.children = children
    return use


def _run(qtbot, warmup):
    seen = {"ready": False, "done": False, "failed": []}
    warmup.ready.connect(lambda s: seen.update(ready=True))
    warmup.done.connect(lambda s: seen.update(done=True))
    warmup.failed.connect(seen["failed"].append)
    warmup.start()
    qtbot.waitUntil(lambda: seen["done"], timeout=120_000)
    assert warmup.wait(5000)
    return seen


@pytest.mark.parametrize("child", ["print('1/6 trails', flush=True)", "import sys; sys.exit(3)"])
def test_when_the_child_ends_early_the_warm_up_compiles_the_rest_itself(qtbot, cold, child):
    cold(child)
    seen = _run(qtbot, workers.KernelWarmup())
    assert seen["ready"] and not seen["failed"] and cold.children[0].poll() is not None


def test_when_no_child_can_start_the_warm_up_compiles_everything_itself(qtbot, monkeypatch):
    monkeypatch.setattr(workers, "cache_complete", lambda: False)
    monkeypatch.setattr(workers, "mark_cache_complete", lambda: None)
    monkeypatch.setattr(workers.subprocess, "Popen", lambda *a, **k: (_ for _ in ()).throw(OSError("no fork")))
    seen = _run(qtbot, workers.KernelWarmup())
    assert seen["ready"] and not seen["failed"]


def test_closing_during_the_first_start_ends_the_child_and_the_thread_at_once(qtbot, cold):
    cold("import time; time.sleep(120)")  # a compile that would take two minutes
    warmup = workers.KernelWarmup()
    warmup.start()
    qtbot.waitUntil(lambda: bool(cold.children), timeout=10_000)
    warmup.stop()
    assert warmup.wait(5000), "the window's close waited for the child"
    assert cold.children[0].wait(5) is not None


def test_compile_kernels_says_each_stage_as_it_is_done():
    """``landscape-app compile-kernels`` (the child's command; a teacher can run it before class),
    here on this machine's cache."""
    out = subprocess.run([sys.executable, "-m", "landscape_app", "compile-kernels"], capture_output=True, text=True,
                         timeout=300, check=True).stdout
    assert out.splitlines() == [f"{k}/{len(workers.STAGES)} {label}" for k, (label, _) in
                                enumerate(workers.STAGES, 1)]
    assert workers.cache_complete()


def test_the_plain_python_landscape_is_drawn_once_per_view_while_the_grid_kernel_compiles(qtbot, monkeypatch):
    """The trails' kernels, ready before the landscape's, once drew the stand-in picture again."""
    from landscape_app.ui import app, landscape_image

    class NoWarmup:  # the test says when kernels are ready
        def start(self):
            pass

    monkeypatch.setattr(app, "KernelWarmup", NoWarmup)
    monkeypatch.setattr(app, "_follow_warmup", lambda window, state, warmup: None)
    drawn = []
    render = landscape_image.render
    monkeypatch.setattr(landscape_image, "render", lambda *a, **k: drawn.append(k.get("compiled", True)) or render(*a, **k))
    w = app.build(None, ready=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(300)  # drawn again at the window's final size
    before = list(drawn)
    assert before and not before[-1]  # the stand-in is on show
    w.state.set_ready()  # the trails' kernels
    qtbot.wait(300)
    assert drawn == before
    w.state.set_landscape_ready()
    qtbot.waitUntil(lambda: True in drawn[len(before):], timeout=5000)


def test_the_trails_stage_readies_the_replay_the_step_arrows_use(monkeypatch):
    """From the first compiled race on, the arrows and the readout replay every run on show on the
    GUI thread: the replay kernel must be ready with the trails (interpreted: 0.34 s per 10⁵ steps)."""
    from landscape_app.core import inspect

    replayed = []
    real = inspect.replay
    monkeypatch.setattr(inspect, "replay", lambda run: (replayed.append(run.steps), real(run))[1])
    label, stage = workers.STAGES[workers.TRAILS - 1]
    stage()
    assert label == "trails" and replayed and inspect._replay.overloads
