"""The timeline: a slider for the play head (drag to any step; the race pauses while you hold it)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from .state import AppState


class Timeline(QWidget):
    grabbed = Signal()  # the user took hold of the play head (the window pauses)

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 0, 6, 0)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Timeline: drag to show the race at any step (0 … max steps); "
                               "← / → step one at a time")
        self.slider.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.label = QLabel()
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("step 100000 / 100000"))
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.label)
        self.slider.valueChanged.connect(self._moved)
        self.slider.sliderPressed.connect(self.grabbed)
        state.stepChanged.connect(self._show)
        state.settingsChanged.connect(self._range)
        self._range()

    def _range(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, self.state.max_steps)
        self.slider.setPageStep(max(1, self.state.max_steps // 20))
        self.slider.blockSignals(False)
        self._show(self.state.step)

    def _show(self, step: int) -> None:
        if self.slider.value() != step:
            self.slider.blockSignals(True)  # the state moved the head: no echo back
            self.slider.setValue(step)
            self.slider.blockSignals(False)
        self.label.setText(f"step {step} / {self.state.max_steps}")

    def _moved(self, value: int) -> None:
        self.grabbed.emit()
        self.state.set_step(value)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # presentation mode: the label grows with the font
            self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("step 100000 / 100000"))
