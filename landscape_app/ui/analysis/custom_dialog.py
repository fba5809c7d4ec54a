"""Analysis → Custom surface…: type f(x, y) and a domain; the formula is checked as you type.

Checking (parse, differentiate, preview where f is finite) and making the surface (its minima are
searched numerically) run in a worker thread, so the dialog and the window stay responsive; a
result that takes longer than ``TIME_LIMIT_S`` is given up with a message.
"""
from __future__ import annotations

import html
import time

import numpy as np
from PySide6.QtCore import QTimer, Qt, Slot
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QGridLayout, QLabel,
                               QLineEdit, QVBoxLayout)

from ...core import custom, program
from ...core.expressions import MAX_LENGTH, parse
from ..compute import LatestWorker

EXAMPLE = "x**2 + 10*y**2 + 0.5*sin(3*x)"
_PREVIEW = 81  # grid side for the live "where is f finite" check
TIME_LIMIT_S = 10.0


def describe(exact_gradient: bool, nonfinite: float) -> str:
    parts = ["gradient: exact (chain rule)" if exact_gradient else
             "<b style='color:#b35c00'>gradient: central differences</b> (sign() has no useful derivative)"]
    if nonfinite > 0:
        parts.append(f"<b style='color:#b35c00'>f is not finite on {nonfinite:.1%} of the domain</b> "
                     "(reported in the view; a racer that steps there stops)")
    else:
        parts.append("f is finite on the whole domain")
    return " · ".join(parts)


def _check(text: str, domain) -> tuple[bool, float]:
    """(exact gradient?, share of the domain where f is not finite); raises ValueError saying why not."""
    f = parse(text)
    x0, x1, y0, y1 = custom.check_domain(domain)
    Z = program.grid(f.program, np.linspace(x0, x1, _PREVIEW), np.linspace(y0, y1, _PREVIEW))
    nonfinite = float(1 - np.isfinite(Z).mean())
    if nonfinite == 1.0:
        raise ValueError("f has no finite value anywhere on this domain")
    return f.exact_gradient, nonfinite


class CustomSurfaceDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.state = window.state
        self.window_ = window
        self.surface = None  # the surface after OK
        self.setWindowTitle("Custom surface")
        self.formula = QLineEdit()
        self.formula.setPlaceholderText(EXAMPLE)
        self.formula.setMaxLength(MAX_LENGTH)
        self.formula.setToolTip("f(x, y) from numbers, x, y, pi, e, + − * / ** and sin cos tan exp log sqrt "
                                f"tanh abs atan sinh cosh sign; at most {MAX_LENGTH} characters")
        current = self.state.surface
        if getattr(current, "formula", ""):
            self.formula.setText(current.formula)
        self.domain = []
        grid = QGridLayout()
        for k, (label, value) in enumerate(zip(("x min", "x max", "y min", "y max"),
                                               getattr(current, "formula", "") and current.domain
                                               or custom.DEFAULT_DOMAIN)):
            box = QDoubleSpinBox()
            box.setRange(-1e6, 1e6)
            box.setDecimals(3)
            box.setValue(value)
            box.setKeyboardTracking(False)
            box.setToolTip("The area drawn and searched for minima (±10⁶ at most)")
            box.valueChanged.connect(lambda *_: self._timer.start())
            grid.addWidget(QLabel(label), k // 2, 2 * (k % 2))
            grid.addWidget(box, k // 2, 2 * (k % 2) + 1)
            self.domain.append(box)
        self.message = QLabel(" ")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setMinimumHeight(48)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("f(x, y) =", self.formula)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(grid)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.resize(520, 220)

        self.worker = LatestWorker("formula", self)
        self.worker.finished.connect(self._done)
        self.worker.failed.connect(self._failed)
        self._request = 0  # the worker request we wait for
        self._making = False  # the request makes the surface (OK was pressed), not a preview
        self._started = 0.0
        self._watchdog = QTimer(self, singleShot=True, interval=int(TIME_LIMIT_S * 1000))
        self._watchdog.timeout.connect(self._too_slow)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.validate)
        self.formula.textChanged.connect(lambda *_: self._timer.start())
        self.validate()

    def domain_values(self) -> tuple[float, float, float, float]:
        return tuple(b.value() for b in self.domain)

    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def busy(self) -> bool:
        return self._request != 0

    # ------------------------------------------------------------------ checking
    def validate(self) -> None:
        """Check the formula in the background (never evaluating Python); the answer comes to _done."""
        text = self.formula.text().strip()
        self.ok_button().setEnabled(False)
        if not text:
            self._say("Type a formula in x and y, e.g. <code>" + EXAMPLE + "</code>", error=False)
            self._request = 0
            return
        self._say("checking…", error=False)
        domain = self.domain_values()
        self._submit(lambda progress, superseded: _check(text, domain), making=False)

    def accept(self) -> None:
        """Make the surface in the background, then switch to it; a refusal leaves everything as it was."""
        self._timer.stop()
        text, domain = self.formula.text().strip(), self.domain_values()
        self.ok_button().setEnabled(False)
        self._say("finding the minima…", error=False)
        self._submit(lambda progress, superseded: custom.custom_surface(text, domain), making=True)

    def _submit(self, work, making: bool) -> None:
        self._making = making
        self._started = time.perf_counter()
        self._request = self.worker.submit(work)
        self._watchdog.start()

    @Slot(int, object)
    def _done(self, number: int, value) -> None:
        if number != self._request:
            return
        self._request = 0
        self._watchdog.stop()
        if not self._making:
            exact, nonfinite = value
            self._say("✓ " + describe(exact, nonfinite), error=False)
            self.ok_button().setEnabled(True)
            return
        self._switch_to(value)

    @Slot(int, str)
    def _failed(self, number: int, text: str) -> None:
        if number == self._request:
            self._request = 0
            self._watchdog.stop()
            self._say(text, error=True)

    def _too_slow(self) -> None:
        """The worker cannot be interrupted: drop its answer and hand later checks to a fresh thread."""
        if not self._request:
            return
        self._request = 0
        self.worker.cancel()
        self.worker.finished.disconnect(self._done)
        self.worker.failed.disconnect(self._failed)
        self.worker.stop(join=False)  # its thread ends when the slow analysis does
        self.worker = LatestWorker("formula", self)
        self.worker.finished.connect(self._done)
        self.worker.failed.connect(self._failed)
        self._say(f"this formula took longer than {TIME_LIMIT_S:g} s to analyse; simplify it or shrink the domain",
                  error=True)

    def _switch_to(self, surface) -> None:
        try:
            self.state.set_surface(surface.name, surface.domain)
        except ValueError as exc:
            self._say(str(exc), error=True)
            return
        self.surface = surface
        self.state.message.emit(f"custom surface {surface.formula}: "
                                + describe(surface.exact_gradient, surface.nonfinite_fraction)
                                .replace("<b style='color:#b35c00'>", "").replace("</b>", ""))
        super().accept()

    def _say(self, text: str, error: bool) -> None:
        if error:  # the user's own text may be in it: shown as text, never as markup
            text = "<span style='color:#c00000'>✗ " + html.escape(text).replace("\n", "<br>") + "</span>"
        self.message.setText(text)
        self.message.setProperty("error", error)
