"""A seeded GUI monkey: drives the real window through the widgets a user touches (combo boxes,
fields, buttons, keys, menus, mouse drags on the landscape, the dialogs with good and bad input)
and checks after every action that the window is still whole.

Used by the test suite (tests/ui/test_monkey.py) and by ``landscape-app bench`` (slowest action).
File dialogs are bypassed by calling what they call (``open_file``, ``save_to``); the "save your
changes?" question by the methods that take its answer (``open_file(…, answer=…)``, ``new_scenario``).
"""
from __future__ import annotations

import math
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QEventLoop, QObject, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QCheckBox, QComboBox, QDialog, QDoubleSpinBox,
                               QLineEdit, QSpinBox)

from ..core.claims import check
from ..core.engine import resolve_racer
from ..core.presets import preset_files
from .analysis.data_dialog import DataSurfaceDialog
from .analysis.menu import closed_deletes
from .panels.float_editor import FloatEditor
from .panels.hyper_form import IntEditor
from .throttle import Later

FORMULAS = ("x**2 + 10*y**2", "log(x) + y**2", "sin(3*x)*cos(2*y) + 0.1*(x**2 + y**2)", "sqrt(x) + y",
            "exp(exp(10**64))+x", "__import__('os')", "x**", "1/(x**2 + y**2)", "abs(x) + sign(y)*y", "")
NAMES = ("Fast", "très lent 🐢", "\ud83d", "", "x" * 200, "  padded  ", "<b>bold</b>", "Adam")
GARBAGE = ("", "abc", "-1", "1e999", "nan", "inf", "0", "1e-300", "99999999999999999999999", "2**64", "0x10", "1 2",
           " 0.5", "r", "v3")  # spaces and letters are window shortcuts elsewhere: here they must be typed
ANSWERS = ("discard", "discard", "cancel")  # to "save your changes?" (saving would open a file dialog)
HEARTBEAT_MS = 2
CANCEL_AFTER_S = 4.0  # a user stops waiting for trajectories after a few seconds and presses Cancel
SETTLE_S = 60.0  # the longest a background computation may take before the monkey calls it frozen
POLL_S = 0.005  # how often the monkey asks whether the background work is done
PAINT_EVERY = 20  # actions between checks that the window still repaints (a frozen picture passed every other check)



def alive(widget) -> bool:
    """Whether the Qt object behind ``widget`` still exists (a dialog closed with WA_DeleteOnClose)."""
    try:
        widget.objectName()
    except RuntimeError:
        return False
    return True

class MonkeyFailure(AssertionError):
    pass


class PaintCounter(QObject):
    """Counts the paint events a widget gets."""

    def __init__(self, widget):
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


class Monkey:
    """``run(n)`` performs n random actions and checks the window after each.

    ``timings[action]`` holds, per action, the longest time the GUI thread was blocked while it and
    its consequences ran (results arriving from worker threads included): a heartbeat timer ticks
    every few milliseconds whenever the event loop runs, and the longest gap between ticks is the
    longest freeze a user would have seen.
    """

    def __init__(self, window, seed: int = 0, folder: Path | None = None):
        self.window = window
        self.state = window.state
        self.rng = random.Random(seed)
        self.folder = Path(folder or tempfile.mkdtemp(prefix="landscape-monkey-"))
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.log: list[str] = []
        self.escaped: list[str] = []
        self.counts = {"actions": 0, "cancelled": 0}
        self._block, self._last_beat = 0.0, time.perf_counter()
        corrupt = self.folder / "corrupt.json"
        corrupt.write_bytes(bytes(self.rng.randrange(256) for _ in range(300)))
        not_finite = self.folder / "not_finite.json"
        not_finite.write_text('{"schema_version": 1, "surface": "custom:log(x) + y**2", "start": [-1, 0],'
                              ' "racers": [{"optimizer": "sgd"}]}', encoding="utf-8")
        self.files = [corrupt, not_finite, *preset_files()[:3]]
        self.actions = [  # (weight, action)
            (8, self.surface_combo), (10, self.optimizer_combo), (5, self.schedule_combo),
            (14, self.type_float), (6, self.slide_float), (6, self.toggle_or_choose), (5, self.type_int),
            (6, self.racer_buttons), (5, self.select_racer), (3, self.rename_racer), (3, self.show_hide_racer),
            (10, self.keys), (4, self.max_steps), (3, self.speed), (8, self.drag_start), (4, self.click_landscape),
            (2, self.zoom), (3, self.demo), (2, self.file), (2, self.basins), (2, self.ghosts), (1, self.tune),
            (1, self.sweep), (1, self.custom_surface), (1, self.data_surface), (1, self.presentation),
            (4, self.undo_redo), (1, self.new_race), (2, self.timeline), (1, self.panels), (1, self.help),
            (1, self.basin_opacity),
            (2, self.lessons_menu), (2, self.averages_panel), (1, self.rates_toggle),
        ]
        self._weights = [w for w, _ in self.actions]
        self._laters = window.findChildren(Later)  # views that follow a change on the next turn
        self._paints = PaintCounter(window.view.viewport())

    # ------------------------------------------------------------------ running
    def run(self, n: int, progress=None) -> None:
        previous = sys.excepthook, threading.excepthook
        sys.excepthook = self._excepthook(previous[0])
        threading.excepthook = self._thread_excepthook(previous[1])
        heartbeat = QTimer(interval=HEARTBEAT_MS)
        heartbeat.timeout.connect(self._beat)
        heartbeat.start()
        try:
            for k in range(n):
                action = self.rng.choices(self.actions, self._weights)[0][1]
                self._block, self._last_beat = 0.0, time.perf_counter()
                what = action() or action.__name__
                QApplication.processEvents()
                self.log.append(what)
                self.counts["actions"] += 1
                self.settle()
                self._beat()
                self.timings[action.__name__].append(self._block)
                self.check(what)
                if progress is not None:
                    progress(k + 1)
            self.settle(everything=True)
            self.check("the last action, everything computed")
        finally:
            heartbeat.stop()
            sys.excepthook, threading.excepthook = previous
            for d in self._dialogs():
                d.close()
            if self.window.help.dialog is not None:
                self.window.help.dialog.close()

    def _beat(self) -> None:
        now = time.perf_counter()
        self._block = max(self._block, now - self._last_beat)
        self._last_beat = now

    def _excepthook(self, previous):
        def hook(kind, value, tb):
            self.escaped.append(f"{kind.__name__}: {value}")
            previous(kind, value, tb)
        return hook

    def _thread_excepthook(self, previous):
        def hook(args):
            self.escaped.append(f"{args.exc_type.__name__} in a thread: {args.exc_value}")
            previous(args)
        return hook

    def busy(self, everything: bool = False) -> bool:
        return bool(self._busy_parts(everything))

    def _busy_parts(self, everything: bool = False) -> list[str]:
        """What is still computing: by default only what the checks are about.  Ghost paths and
        the analysis windows (a sweep of 400 races) are overlays a user does not wait for: the
        next action lands while they compute, as it does in class (their stale results must be
        dropped), and ``run`` waits for them all at the end (a computation that never ends fails)."""
        w = self.window
        parts = {"trajectories": self.state.busy, "landscape": w.view.busy(), "tuning": w.analysis.tuning(),
                 "learning-rate plot": w.lr_plot.busy(), "averages panel": w.ewa_panel.busy(),
                 "plots following": any(x.pending() for x in self._laters)}
        if everything:
            parts.update({"ghost paths": w.analysis.ghosts.busy(),
                          "a dialog": any(d.isVisible() and d.busy() for d in self._dialogs())})
        return [name for name, busy in parts.items() if busy]

    def settle(self, everything: bool = False) -> None:
        """Let background work finish (the checks are about the settled window); runs that take
        longer than a user would wait (a big data set × 10⁵ steps) are cancelled with the button."""
        start = time.perf_counter()
        deadline = start + SETTLE_S
        while self.busy(everything):
            if self.state.busy and time.perf_counter() - start > CANCEL_AFTER_S and self.window.cancel_button.isVisible():
                QTest.mouseClick(self.window.cancel_button, Qt.MouseButton.LeftButton)
                self.counts["cancelled"] += 1
                self.log.append("click Cancel")
                continue
            if time.perf_counter() > deadline:
                busy = ", ".join(self._busy_parts(everything))
                raise MonkeyFailure(f"still computing ({busy}) {SETTLE_S:g} s after action "
                                    f"{len(self.log)}: {self.log[-1]}\nlast actions: {self.log[-8:]}")
            self._spin(POLL_S)
        QApplication.processEvents()

    @staticmethod
    def _spin(seconds: float) -> None:
        """Run the event loop for ``seconds``, asleep between events.  Not a loop of
        ``processEvents(flags, ms)``: that overload never waits, and the busy loop took a core and
        the GIL from the worker threads it was waiting for (5.9 million calls in 600 actions)."""
        loop = QEventLoop()
        QTimer.singleShot(max(1, round(seconds * 1000)), loop.quit)
        loop.exec()

    def _dialogs(self) -> list:
        """The analysis dialogs still alive (closed ones delete themselves)."""
        direct = Qt.FindChildOption.FindDirectChildrenOnly  # a recursive search cost 0.2 ms per poll
        return [d for d in self.window.findChildren(QDialog, options=direct) if hasattr(d, "busy")]

    def _wait(self, dialog) -> None:
        deadline = time.perf_counter() + SETTLE_S
        while alive(dialog) and dialog.busy():
            if time.perf_counter() > deadline:
                raise MonkeyFailure(f"a dialog still working {SETTLE_S:g} s after: {self.log[-1:]}")
            self._spin(POLL_S)
        self.settle()

    def check(self, what: str) -> None:
        w, st = self.window, self.state

        def fail(problem: str):
            raise MonkeyFailure(f"after action {len(self.log)} ({what}): {problem}\nlast actions: {self.log[-8:]}")

        if self.escaped:
            fail(f"an exception escaped into Qt: {self.escaped[0]}")
        if not w.isVisible():
            fail("the window is gone")
        n = len(st.racers)
        counts = {"runs": len(st.runs), "trails": len(w.view.curves), "list rows": w.racer_list.list.count()}
        if any(c != n for c in counts.values()):
            fail(f"{n} racers but {counts}")
        if not (-1 <= st.selected < n) or (n and st.selected < 0):
            fail(f"selection {st.selected} with {n} racers")
        for r, run in zip(st.racers, st.runs):
            if not (np.isfinite(run.path).all() and np.isfinite(run.loss).all()):
                fail(f"{r.name}'s trajectory is not finite")
            if resolve_racer(st.surface, r.optimizer, r.hyper) != r.hyper:
                fail(f"{r.name}'s settings are not valid: {r.hyper}")
            if run.optimizer != r.optimizer:
                fail(f"{r.name} is a {r.optimizer} but its run is a {run.optimizer}")
        if not 0 <= st.step <= st.max_steps:
            fail(f"play head {st.step} outside 0 … {st.max_steps}")
        if w.timeline.slider.value() != st.step or w.timeline.slider.maximum() != st.max_steps:
            fail(f"the timeline shows {w.timeline.slider.value()} of {w.timeline.slider.maximum()}, "
                 f"the play head is {st.step} of {st.max_steps}")
        if w.isWindowModified() != w.undo.modified():
            fail(f"the title says modified={w.isWindowModified()}, the setup is modified={w.undo.modified()}")
        if n and st.racers[st.selected].name not in w.hyper_form.title.text().replace("&amp;", "&") \
                and "<" not in st.racers[st.selected].name:
            fail(f"the settings show {w.hyper_form.title.text()!r}, not {st.racers[st.selected].name!r}")
        if len(w.lr_plot.alphas) != n:
            fail(f"{n} racers but {len(w.lr_plot.alphas)} learning-rate curves")
        w.claims_view.flush()
        shown = [r.text for r in w.claims_view.results] if w.claims_view.isVisible() else []
        if st.ready and w.claims_view.enabled and len(st.runs) == n:
            expected = [r.text for r in check(st.scenario, st.runs)]
            if shown != expected:
                fail(f"the claims view shows {shown} but the race gives {expected}")
        if (len(self.log) % PAINT_EVERY == 0 or what.startswith("the last action")) and not self._still_paints():
            fail("the landscape no longer repaints: a requested repaint drew nothing within a second")
        if not w.view.stretched and min(w.view.vb.width(), w.view.vb.height()) > 20 \
                and abs(w.view.pixel_aspect() - 1) > 0.01:
            fail(f"x and y are drawn at different scales ({w.view.pixel_aspect():.3f}) without Stretch")

    def _still_paints(self) -> bool:
        viewport = self.window.view.viewport()
        if not viewport.isVisible() or viewport.width() <= 0 or viewport.height() <= 0:
            return True  # nothing on show to paint (the 3-D view in its place)
        before = self._paints.count
        viewport.update()
        deadline = time.perf_counter() + 1.0
        while self._paints.count == before and time.perf_counter() < deadline:
            self._spin(0.01)
        return self._paints.count > before

    def report(self, top: int = 8) -> str:
        rows = sorted(((max(t), name, len(t), float(np.median(t))) for name, t in self.timings.items()), reverse=True)
        over, p99 = self.spread()
        lines = [f"{self.counts['actions']} actions ({self.counts['cancelled']} long computations cancelled); "
                 f"{over:.2%} of actions blocked the GUI thread over 100 ms, 99th percentile {1000 * p99:.0f} ms; "
                 "longest GUI-thread block per action (count, median ms, max ms):"]
        lines += [f"  {name:<18} {count:>5}  {1000 * med:7.1f}  {1000 * worst:7.1f}" for worst, name, count, med in
                  rows[:top]]
        return "\n".join(lines)

    def spread(self) -> tuple[float, float]:
        """The share of actions whose longest block was over 100 ms, and the 99th percentile (s)."""
        blocks = np.concatenate([np.asarray(t) for t in self.timings.values()])
        return float(np.mean(blocks > 0.1)), float(np.percentile(blocks, 99))

    def slowest(self) -> tuple[str, float]:
        worst, name = max((max(t), name) for name, t in self.timings.items())
        return name, worst

    # ------------------------------------------------------------------ helpers
    def _pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def _selected(self) -> bool:
        return 0 <= self.state.selected < len(self.state.racers)

    def _combo_key(self, combo: QComboBox) -> None:
        combo.setFocus()
        QTest.keyClick(combo, self._pick((Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_End,
                                          Qt.Key.Key_Home)))

    def _type(self, field: QLineEdit, text: str) -> None:
        playing, vectors = self.window.timer.isActive(), self.window.vectors_action.isChecked()
        field.setFocus()
        field.selectAll()
        QTest.keyClick(field, Qt.Key.Key_Backspace)
        QTest.keyClicks(field, text)
        typed = field.text()
        QTest.keyClick(field, Qt.Key.Key_Return)
        free = not isinstance(field.parent(), QAbstractSpinBox)  # a spin box refuses what it cannot hold
        if free and field.isVisible() and typed != text:
            raise MonkeyFailure(f"typed {text!r} into a field, it holds {typed!r}")
        if (self.window.timer.isActive(), self.window.vectors_action.isChecked()) != (playing, vectors):
            raise MonkeyFailure(f"typing {text!r} into a field set off a window shortcut")

    def _editors(self, kind):
        return [(n, e) for n, e in self.window.hyper_form.editors.items() if isinstance(e, kind) and e.isEnabled()]

    def _pixel(self, x: float, y: float) -> QPoint:
        view = self.window.view
        return view.mapFromScene(view.vb.mapViewToScene(QPointF(x, y)))

    def _random_point(self, margin: float = 0.0):
        x0, x1, y0, y1 = self.window.view.visible_extent()
        return (self.rng.uniform(x0 - margin * (x1 - x0), x1 + margin * (x1 - x0)),
                self.rng.uniform(y0 - margin * (y1 - y0), y1 + margin * (y1 - y0)))

    # ------------------------------------------------------------------ actions
    def surface_combo(self):
        self._combo_key(self.window.surface_box)

    def optimizer_combo(self):
        if self._selected():
            self._combo_key(self.window.hyper_form.editors["optimizer"])

    def schedule_combo(self):
        if self._selected():
            self._combo_key(self.window.hyper_form.editors["schedule"])

    def type_float(self):
        editors = self._editors(FloatEditor)
        if not editors:
            return None
        name, editor = self._pick(editors)
        if editor.enabled_box is not None and not editor.field.isEnabled():
            QTest.mouseClick(editor.enabled_box, Qt.MouseButton.LeftButton)
            return f"switch on {name}"
        spec = editor.spec
        if self.rng.random() < 0.3:
            text = self._pick(GARBAGE)
        else:
            lo, hi = max(spec.lo, 1e-9), min(spec.hi, 1e3)
            value = math.exp(self.rng.uniform(math.log(lo), math.log(hi))) if spec.log else self.rng.uniform(
                max(spec.lo, -1e3), hi)
            text = f"{value:.4g}"
        self._type(editor.field, text)
        return f"type {text!r} into {name}"

    def slide_float(self):
        editors = [(n, e) for n, e in self._editors(FloatEditor) if e.slider.isEnabled()]
        if not editors:
            return None
        name, editor = self._pick(editors)
        editor.slider.setFocus()
        QTest.keyClick(editor.slider, self._pick((Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Left,
                                                  Qt.Key.Key_Right, Qt.Key.Key_End, Qt.Key.Key_Home)))
        return f"slide {name}"

    def toggle_or_choose(self):
        editors = self._editors(QCheckBox) + [(n, e) for n, e in self._editors(QComboBox)
                                              if n not in ("optimizer", "schedule")]
        editors += [(n, e.enabled_box) for n, e in self._editors(FloatEditor) if e.enabled_box is not None]
        if not editors:
            return None
        name, editor = self._pick(editors)
        if isinstance(editor, QCheckBox):
            QTest.mouseClick(editor, Qt.MouseButton.LeftButton, pos=QPoint(4, editor.height() // 2))
        else:
            self._combo_key(editor)
        return f"toggle/choose {name}"

    def type_int(self):
        editors = self._editors(IntEditor) + self._editors(QSpinBox)
        if not editors:
            return None
        name, editor = self._pick(editors)
        text = self._pick(("0", "1", "7", "2147483648", str(2**63 - 1), str(2**64), "-5", "x", "12345"))
        self._type(editor if isinstance(editor, IntEditor) else editor.lineEdit(), text)
        return f"type {text!r} into {name}"

    def racer_buttons(self):
        rl = self.window.racer_list
        choice = self.rng.random()
        if choice < 0.45 and len(self.state.racers) < 9:
            actions = rl.add_button.menu().actions()
            action = self._pick(actions)
            action.trigger()
            return f"add {action.text()}"
        button = rl.duplicate_button if choice < 0.65 and len(self.state.racers) < 9 else rl.remove_button
        if button.isEnabled():
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        return f"click {button.text()}"

    def select_racer(self):
        rl = self.window.racer_list.list
        if rl.count():
            row = self.rng.randrange(rl.count())
            rect = rl.visualItemRect(rl.item(row))
            QTest.mouseClick(rl.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return f"select racer {row}"
        return None

    def rename_racer(self):
        rl = self.window.racer_list.list
        if rl.count():
            item = rl.item(self.rng.randrange(rl.count()))
            name = self._pick(NAMES)
            item.setText(name)  # what the list's editor commits
            return f"rename to {name!r}"
        return None

    def show_hide_racer(self):
        rl = self.window.racer_list.list
        if rl.count():
            item = rl.item(self.rng.randrange(rl.count()))
            item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
                               else Qt.CheckState.Checked)
            return "show/hide a racer"
        return None

    def keys(self):
        key = self._pick((Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_R, Qt.Key.Key_V,
                          Qt.Key.Key_Right, Qt.Key.Key_B, Qt.Key.Key_G, Qt.Key.Key_3))
        self.window.view.setFocus()
        QTest.keyClick(self.window.view, key)
        if key == Qt.Key.Key_Space:  # play a little
            QTest.qWait(self.rng.choice((20, 60)))
        return f"key {key.name}"

    def max_steps(self):
        text = self._pick(("1", "50", "300", "500", "2000", "20000", "100000", "0", "-3", "999999"))
        self._type(self.window.steps_box.lineEdit(), text)
        return f"max steps {text}"

    def speed(self):
        slider = self.window.speed_slider
        slider.setFocus()
        QTest.keyClick(slider, self._pick((Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_End, Qt.Key.Key_Home)))

    def drag_start(self):
        view = self.window.view
        vp = view.viewport()
        start = self._pixel(*self.state.start)
        end = self._pixel(*self._random_point(margin=0.1))
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        for k in range(1, 4):
            QTest.mouseMove(vp, start + (end - start) * (k / 3))
            QTest.qWait(16)  # a mouse reports ~60 moves per second; the window draws in between
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)

    def click_landscape(self):
        QTest.mouseClick(self.window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         self._pixel(*self._random_point()))

    def zoom(self):
        if self.rng.random() < 0.3:
            self.window.view_action.trigger()
            return "reset view"
        view = self.window.view
        at = QPointF(self._pixel(*self._random_point()))
        notches = self.rng.choice((-3, -1, 1, 3))  # the mouse wheel, as a user zooms (in: positive)
        turn = QPoint(0, 120 if notches > 0 else -120)
        for _ in range(abs(notches)):
            QApplication.sendEvent(view.viewport(), QWheelEvent(
                at, QPointF(view.viewport().mapToGlobal(at.toPoint())), QPoint(0, 0), turn,
                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))
        return f"zoom {notches:+d} wheel notches"

    def demo(self):
        k = self.rng.randrange(len(self.window.file_actions.demo_actions))
        answer = self._pick(ANSWERS)
        self.window.file_actions.open_file(preset_files()[k], remember=False, answer=answer)
        return f"demo {preset_files()[k].stem} ({answer} changes)"

    def file(self):
        fa = self.window.file_actions
        if self.rng.random() < 0.4:
            path = self.folder / self._pick(("race.json", "nested/none.json", "race.txt"))
            fa.save_to(path)
            return f"save to {path.name}"
        path = self._pick(self.files + [self.folder / "race.json"])
        answer = self._pick(ANSWERS)
        fa.open_file(path, answer=answer)
        return f"open {path.name} ({answer} changes)"

    def basins(self):
        self.window.analysis.basins_action.toggle()

    def ghosts(self):
        self.window.analysis.ghosts_action.toggle()

    def tune(self):
        self.window.analysis.tune_action.trigger()

    def sweep(self):
        menu = self.window.analysis
        if menu.sweep is not None and menu.sweep.isVisible() and menu.sweep.scale_box.isVisible() \
                and self.rng.random() < 0.3:
            self._combo_key(menu.sweep.scale_box)
            return "sweep axis scale"
        if menu.sweep is not None and menu.sweep.isVisible() and self.rng.random() < 0.5:
            menu.sweep.close()
            return "close the sweep"
        menu.open_sweep()
        return "open the sweep"

    def custom_surface(self):
        dialog = self.window.analysis.open_custom()
        formula = self._pick(FORMULAS)
        dialog.formula.setText(formula)
        dialog.validate()
        self._wait(dialog)
        if self.rng.random() < 0.8:
            QTest.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
            self._wait(dialog)
        if alive(dialog):
            dialog.close()
        return f"custom surface {formula!r}"

    def data_surface(self):
        dialog = closed_deletes(DataSurfaceDialog(self.window))
        dialog.model.setCurrentIndex(self.rng.randrange(dialog.model.count()))
        dialog.n.setValue(self._pick((4, 30, 200, 1000)))
        dialog.seed.setValue(self.rng.randrange(5))
        dialog.scale.setValue(self._pick((1.0, 10.0, 0.1)))
        dialog.standardize.setChecked(self.rng.random() < 0.5)
        dialog.bn.setChecked(self.rng.random() < 0.3)
        dialog.open()
        self._wait(dialog)
        dialog.accept()
        self._wait(dialog)
        if alive(dialog):
            dialog.close()
        return "data surface"

    def presentation(self):
        self.window.present_action.toggle()
        return "presentation mode"

    def undo_redo(self):
        """Ctrl+Z a few times, then maybe Ctrl+Shift+Z as many: the setup must be back as it was."""
        w, st = self.window, self.state
        before = st.scenario.to_dict()
        w.view.setFocus()  # not a text field: there Ctrl+Z is the field's own undo
        undone = 0
        for _ in range(self.rng.randint(1, 3)):
            if not w.undo.can_undo():
                break
            QTest.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
            self.settle()
            undone += 1
        if undone and self.rng.random() < 0.6:
            for _ in range(undone):
                QTest.keyClick(w.view, Qt.Key.Key_Z,
                               Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
                self.settle()
            if st.scenario.to_dict() != before:
                raise MonkeyFailure(f"undo ×{undone} then redo ×{undone} did not give the setup back")
            return f"undo ×{undone}, redo ×{undone}"
        return f"undo ×{undone}"

    def new_race(self):
        answer = self._pick(ANSWERS)
        self.window.file_actions.new_scenario(answer=answer)
        return f"new race ({answer} changes)"

    def timeline(self):
        slider = self.window.timeline.slider
        x = self.rng.randrange(max(slider.width(), 1))
        QTest.mouseClick(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(x, slider.height() // 2))
        return "click the timeline"

    def panels(self):
        w = self.window
        action = self._pick((w.panels_action, w.bottom_action, w.route_action))
        w.view.setFocus()
        QTest.keyClick(w.view, action.shortcut()[0].key())
        return f"key for {action.text()}"

    def help(self):
        menu = self.window.help
        dialog = menu.show(self.rng.randrange(2))  # not modal: the monkey goes on with it open
        if self.rng.random() < 0.5:
            dialog.close()
        return "help"

    def basin_opacity(self):
        legend = self.window.analysis.basins.legend
        if legend.slider is not None and legend.isVisible():
            legend.slider.setValue(self.rng.randrange(10, 101))
            return "basin opacity"
        return None

    def lessons_menu(self):
        action = self._pick([a for a in self.window.lessons_menu.actions() if not a.isSeparator()])
        action.trigger()
        return f"Lessons: {action.text()}"

    def averages_panel(self):
        panel = self.window.ewa_panel
        if not panel.isVisible():
            return None
        choice = self.rng.random()
        if choice < 0.4:
            box: QDoubleSpinBox = self._pick(panel.beta_boxes)
            text = self._pick(("0", "0.5", "0.9", "0.98", "0.999", "1", "-1", "abc", "0.123456"))
            self._type(box.lineEdit(), text)
            return f"type β {text!r}"
        if choice < 0.6:
            QTest.mouseClick(panel.uncorrected_box, Qt.MouseButton.LeftButton,
                             pos=QPoint(4, panel.uncorrected_box.height() // 2))
            return "toggle the uncorrected averages"
        if choice < 0.8:
            self._combo_key(panel.coordinate_box)
            return "averages of the other coordinate"
        vb = panel.year.getPlotItem().getViewBox()
        (_, _), (y0, y1) = vb.viewRange()
        vp = panel.year.viewport()

        def px(day):
            return panel.year.mapFromScene(vb.mapViewToScene(QPointF(day, (y0 + y1) / 2)))

        start, end = px(panel.day_line.value()), px(self.rng.uniform(-50, 420))
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        for k in range(1, 4):
            QTest.mouseMove(vp, start + (end - start) * (k / 3))
            QTest.qWait(16)
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
        return "drag the averaging day"

    def rates_toggle(self):
        self.window.lr_plot.rates_action.trigger()
        return "per-coordinate rates on/off"
