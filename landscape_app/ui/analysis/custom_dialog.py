"""Analysis → Custom surface…: type f(x, y) and a domain; the formula is checked as you type."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QGridLayout, QLabel,
                               QLineEdit, QVBoxLayout)

from ...core import custom, program
from ...core.expressions import parse

EXAMPLE = "x**2 + 10*y**2 + 0.5*sin(3*x)"
_PREVIEW = 81  # grid side for the live "where is f finite" check


def describe(exact_gradient: bool, nonfinite: float) -> str:
    parts = ["gradient: exact (SymPy)" if exact_gradient else
             "<b style='color:#b35c00'>gradient: central differences</b> (SymPy's derivative uses functions "
             "the kernels cannot evaluate)"]
    if nonfinite > 0:
        parts.append(f"<b style='color:#b35c00'>f is not finite on {nonfinite:.1%} of the domain</b> "
                     "(reported in the view; a racer that steps there stops)")
    else:
        parts.append("f is finite on the whole domain")
    return " · ".join(parts)


class CustomSurfaceDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.state = window.state
        self.window_ = window
        self.surface = None  # the registered surface after OK
        self.setWindowTitle("Custom surface")
        self.formula = QLineEdit()
        self.formula.setPlaceholderText(EXAMPLE)
        self.formula.setMaxLength(2000)
        self.formula.setToolTip("Numbers, x, y, + − * / **, and sin cos tan exp log sqrt abs tanh …")
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
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.validate)
        self.formula.textChanged.connect(lambda *_: self._timer.start())
        self.validate()

    def domain_values(self) -> tuple[float, float, float, float]:
        return tuple(b.value() for b in self.domain)

    def validate(self) -> bool:
        """Parse (never evaluate Python) and preview where f is finite; says what is wrong."""
        text = self.formula.text().strip()
        ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if not text:
            self._say("Type a formula in x and y, e.g. <code>" + EXAMPLE + "</code>", error=False)
            ok_button.setEnabled(False)
            return False
        try:
            f = parse(text)
            x0, x1, y0, y1 = custom.check_domain(self.domain_values())
            xs, ys = np.linspace(x0, x1, _PREVIEW), np.linspace(y0, y1, _PREVIEW)
            Z = program.grid(f.program, xs, ys)
        except ValueError as exc:
            self._say(str(exc), error=True)
            ok_button.setEnabled(False)
            return False
        nonfinite = float(1 - np.isfinite(Z).mean())
        if nonfinite == 1.0:
            self._say("f has no finite value anywhere on this domain", error=True)
            ok_button.setEnabled(False)
            return False
        self._say("✓ " + describe(f.exact_gradient, nonfinite), error=False)
        ok_button.setEnabled(True)
        return True

    def _say(self, text: str, error: bool) -> None:
        import html

        if error:
            text = "<span style='color:#c00000'>✗ " + html.escape(text).replace("\n", "<br>") + "</span>"
        self.message.setText(text)
        self.message.setProperty("error", error)

    def accept(self) -> None:
        """Register and switch to the surface; a refused formula leaves everything as it was."""
        self._timer.stop()
        try:
            surface = custom.custom_surface(self.formula.text().strip(), self.domain_values())
        except ValueError as exc:
            self._say(str(exc), error=True)
            return
        self.surface = surface
        if surface.name == self.state.scenario.surface:  # same formula, new domain: redraw it
            self.state.surfaceChanged.emit()
        else:
            self.state.set_surface(surface.name)
        self.state.message.emit(f"custom surface {surface.formula}: "
                                + describe(surface.exact_gradient, surface.nonfinite_fraction)
                                .replace("<b style='color:#b35c00'>", "").replace("</b>", ""))
        super().accept()
