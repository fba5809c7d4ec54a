"""Mini-batch data surfaces in the window (seeds 000–003): choose a data set, and measure what
the batch size does (seed 000's assignment: time per epoch and loss after k epochs)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout)

from ...core.analysis import batch_size_study
from ...core.datasets import DataSurface, condition_number, data_surface


class DataSurfaceDialog(QDialog):
    """Model, data set size, seed, feature scale and standardization → a data surface."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setWindowTitle("Mini-batch data surface")
        form = QFormLayout(self)
        self.model = QComboBox()
        self.model.addItem("least-squares regression", "least_squares")
        self.model.addItem("logistic regression", "logistic")
        self.n = QSpinBox(minimum=4, maximum=100_000, value=200)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.scale = QDoubleSpinBox(minimum=0.01, maximum=100.0, value=1.0, decimals=2, singleStep=1.0)
        self.scale.setToolTip("How much larger the second feature is: >1 stretches the bowl into a ravine")
        self.standardize = QCheckBox("standardize inputs (zero mean, unit variance)")
        self.info = QLabel()
        self.info.setWordWrap(True)
        for label, w in (("model", self.model), ("examples N", self.n), ("data seed", self.seed),
                         ("second feature ×", self.scale), ("", self.standardize), ("", self.info)):
            form.addRow(label, w)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for sig in (self.model.currentIndexChanged, self.n.valueChanged, self.seed.valueChanged,
                    self.scale.valueChanged, self.standardize.toggled):
            sig.connect(self._preview)
        self._preview()

    def surface(self) -> DataSurface:
        return data_surface(self.model.currentData(), self.n.value(), self.seed.value(), self.scale.value(),
                            self.standardize.isChecked())

    def _preview(self) -> None:
        s = self.surface()
        self.info.setText(f"Hessian condition number at the minimum: <b>{condition_number(s):.3g}</b> "
                          f"(1 = a round bowl). Plain GD's stable rate ≈ {2 * s.lr:.3g}.")

    def accept(self) -> None:
        self.window.state.set_surface(self.surface().name)
        super().accept()


class BatchStudyWindow(QDialog):
    """Wall time per epoch and loss after k epochs against the batch size, measured live."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setWindowTitle("Batch size study")
        self.resize(900, 420)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.epochs = QSpinBox(minimum=1, maximum=100, value=5)
        self.run_button = QPushButton("Measure")
        self.run_button.clicked.connect(self.measure)
        self.note = QLabel()
        row.addWidget(QLabel("epochs"))
        row.addWidget(self.epochs)
        row.addWidget(self.run_button)
        row.addWidget(self.note, 1)
        lay.addLayout(row)
        plots = QHBoxLayout()
        self.time_plot = pg.PlotWidget(background="w")
        self.loss_plot = pg.PlotWidget(background="w")
        for p, title, unit in ((self.time_plot, "time per epoch of mini-batch steps", "s"), (self.loss_plot, "f − f_min after the epochs", "")):
            p.setLogMode(x=True, y=True)
            p.setLabel("bottom", "batch size")
            p.setLabel("left", title, units=unit)
            p.showGrid(x=True, y=True, alpha=0.2)
            plots.addWidget(p)
        lay.addLayout(plots, 1)
        self.rows: list[dict] = []

    def measure(self) -> None:
        state = self.window.state
        s = state.surface
        if not isinstance(s, DataSurface) or not 0 <= state.selected < len(state.racers):
            self.note.setText("Choose a data surface (Analysis → Mini-batch data surface…) and a racer first.")
            return
        r = state.racers[state.selected]
        hyper = {k: v for k, v in r.hyper.items() if k not in ("batch_size", "steps_per_epoch")}
        self.rows = batch_size_study(s.name, r.optimizer, epochs=self.epochs.value(), repeats=2, seed=r.seed,
                                     **hyper)
        sizes = np.array([row["batch_size"] for row in self.rows], float)
        seconds = np.array([row["seconds_per_epoch"] for row in self.rows])
        loss = np.array([max(row["loss"], 1e-16) if row["diverged_at"] is None else np.nan for row in self.rows])
        for p, values in ((self.time_plot, seconds), (self.loss_plot, loss)):
            p.clear()
            p.plot(sizes, values, pen=pg.mkPen(r.color, width=2), symbol="o", symbolBrush=r.color)
        self.note.setText(f"{r.name} on {s.title}, α = {r.hyper['lr']:g}: each point is measured with the "
                          "compiled kernels (best of 2)")
