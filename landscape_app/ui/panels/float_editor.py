"""A number field with a slider (log-scaled where the spec says so), for one Hyper spec."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QSlider, QWidget

from ...core.hyper import Hyper

TICKS = 1000
SLIDER_SPAN = 1e6  # a linear slider over an unbounded range would be useless: cap its travel


class FloatEditor(QWidget):
    committed = Signal(object)  # the new value (float, or None for an optional spec switched off)

    def __init__(self, spec: Hyper, value, parent=None):
        super().__init__(parent)
        self.spec = spec
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.enabled_box = None
        if spec.optional:
            self.enabled_box = QCheckBox()
            self.enabled_box.setToolTip(f"switch {spec.name} on or off")
            self.enabled_box.toggled.connect(self._toggled)
            lay.addWidget(self.enabled_box)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, TICKS)
        self.slider.valueChanged.connect(self._slid)
        self.field = QLineEdit()
        self.field.setMaximumWidth(90)
        self.field.editingFinished.connect(self._typed)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.field)
        self._lo, self._hi = self._slider_range()
        self._last = None
        self.set_value(value)

    def _slider_range(self):
        s = self.spec
        if s.log:
            lo, hi = max(s.lo, 1e-12), s.hi
            if s.name == "lr":  # keep the useful decades within reach of the slider
                lo, hi = max(lo, 1e-6), min(hi, 10.0)
            return math.log10(lo), math.log10(hi)
        return s.lo, min(s.hi, s.lo + SLIDER_SPAN) if math.isfinite(s.hi) else s.lo + 10.0

    def _to_ticks(self, v: float) -> int:
        x = math.log10(v) if self.spec.log else v
        return round((x - self._lo) / (self._hi - self._lo) * TICKS)

    def _from_ticks(self, t: int) -> float:
        x = self._lo + t / TICKS * (self._hi - self._lo)
        return float(f"{10 ** x if self.spec.log else x:.3g}")

    def set_value(self, value) -> None:
        """Show ``value`` without emitting ``committed`` (no echo back into the state)."""
        self._last = value
        for w in (self.slider, self.field, self.enabled_box):
            if w is not None:
                w.blockSignals(True)
        on = value is not None
        if self.enabled_box is not None:
            self.enabled_box.setChecked(on)
        self.slider.setEnabled(on)
        self.field.setEnabled(on)
        if on:
            self.slider.setValue(max(0, min(TICKS, self._to_ticks(value))) if value > 0 or not self.spec.log else 0)
            self.field.setText(f"{value:.6g}")
        else:
            self.field.setText("off")
        self.field.setStyleSheet("")
        for w in (self.slider, self.field, self.enabled_box):
            if w is not None:
                w.blockSignals(False)

    def value(self):
        """The value on show (None when an optional spec is switched off)."""
        return self._last

    def show_error(self) -> None:
        self.field.setStyleSheet("border: 2px solid #d32f2f;")

    def clear_error(self) -> None:
        self.field.setStyleSheet("")

    def _slid(self, ticks: int) -> None:
        value = self._from_ticks(ticks)
        self.field.setText(f"{value:.6g}")
        self.field.setStyleSheet("")
        self.committed.emit(value)

    def _typed(self) -> None:
        text = self.field.text().strip()
        try:
            value = float(text)
        except ValueError:
            value = text  # let the spec explain what is wrong
        if value == self._last:
            return
        self.committed.emit(value)

    def _toggled(self, on: bool) -> None:
        default = self.spec.default if self.spec.default is not None else 1.0
        self.committed.emit(float(default) if on else None)
