"""Mini-batch data surfaces in the window (seeds 000–004): choose a data set, and measure what
the batch size does (seed 000's assignment: time per epoch and loss after k epochs).

Making a data set (its minimum, its condition number) and the study run in worker threads; the
dialog says why a choice cannot be used (e.g. separable logistic data has no minimum).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QLabel, QProgressBar, QPushButton, QSpinBox, QVBoxLayout)

from ...core.analysis import batch_size_study, study_work
from ...core.datasets import DataSurface, condition_number, data_surface
from ..compute import LatestWorker
from ..plot_style import plot_finite, tidy_axes

STUDY_BUDGET = 3e8  # example evaluations per batch size the live study may spend (~10 s)
BIG_N = 20_000  # from here on every step is slow: say so


class DataSurfaceDialog(QDialog):
    """Model, data set size, seed, feature scale, standardization and batch norm → a data surface."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setWindowTitle("Mini-batch data surface")
        form = QFormLayout(self)
        self.model = QComboBox()
        self.model.addItem("least-squares regression", "least_squares")
        self.model.addItem("logistic regression", "logistic")
        self.model.addItem("one Gaussian bump fitted to two (a deep and a shallow minimum)", "bump")
        self.model.setToolTip("The model with two weights (w₀, w₁) whose loss is the landscape")
        self.n = QSpinBox(minimum=4, maximum=100_000, value=200)
        self.n.setKeyboardTracking(False)
        self.n.setToolTip("Examples in the data set (4 … 100000); every full-batch step looks at all of them")
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.seed.setKeyboardTracking(False)
        self.seed.setToolTip("Which random data set (0 … 2³¹ − 1)")
        self.scale = QDoubleSpinBox(minimum=0.01, maximum=100.0, value=1.0, decimals=2, singleStep=1.0)
        self.scale.setKeyboardTracking(False)
        self.scale.setToolTip("How much larger the second feature is (0.01 … 100): >1 stretches the bowl into a "
                              "ravine")
        self.standardize = QCheckBox("standardize inputs (zero mean, unit variance)")
        self.bn = QCheckBox("batch-normalize the output z = w·x (the loss depends on w's direction only)")
        self.info = QLabel()
        self.info.setWordWrap(True)
        for label, w in (("model", self.model), ("examples N", self.n), ("data seed", self.seed),
                         ("second feature ×", self.scale), ("", self.standardize), ("", self.bn), ("", self.info)):
            form.addRow(label, w)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.worker = LatestWorker("data set", self)
        self.worker.finished.connect(self._ready)
        self.worker.failed.connect(self._refused)
        self._request = 0
        self._made: DataSurface | None = None  # the data set of the current choices
        self._accepting = False
        self._timer = QTimer(self, singleShot=True, interval=150)  # typing N digit by digit
        self._timer.timeout.connect(self._preview)
        for sig in (self.model.currentIndexChanged, self.n.valueChanged, self.seed.valueChanged,
                    self.scale.valueChanged, self.standardize.toggled, self.bn.toggled):
            sig.connect(self._changed)
        self._changed()
        self._preview()

    def choices(self) -> tuple:
        bump = self.model.currentData() == "bump"
        return (self.model.currentData(), self.n.value(), self.seed.value(),
                1.0 if bump else self.scale.value(), False if bump else self.standardize.isChecked(),
                False if bump else self.bn.isChecked())

    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def busy(self) -> bool:
        return self._request != 0 or self._timer.isActive()

    def _changed(self, *_) -> None:
        bump = self.model.currentData() == "bump"
        for w in (self.scale, self.standardize, self.bn):
            w.setEnabled(not bump)  # the bump has one input: nothing to scale or normalize
        self._made = None
        self.ok_button().setEnabled(False)
        self._timer.start()

    def _preview(self) -> None:
        choices = self.choices()
        self.info.setText("making the data set…")

        def work(progress, superseded):
            s = data_surface(*choices)
            return choices, s, condition_number(s)

        self._request = self.worker.submit(work)

    @Slot(int, object)
    def _ready(self, number: int, value) -> None:
        if number != self._request:
            return
        self._request = 0
        choices, s, kappa = value
        if choices != self.choices():
            return
        self._made = s
        shape = "a ray: isolines are rays from the origin" if s.bn else \
            "∞ (a valley with a flat floor)" if not np.isfinite(kappa) else f"<b>{kappa:.3g}</b> (1 = a round bowl)"
        slow = f" <b>With N = {s.n:,} every full-batch step looks at {s.n:,} examples: expect slow racers.</b>" \
            if s.n >= BIG_N else ""
        self.info.setText(f"Hessian condition number at the minimum: {shape}. "
                          f"Plain GD's stable rate ≈ {2 * s.lr:.3g}.{slow}")
        self.ok_button().setEnabled(True)
        if self._accepting:
            self._switch()

    @Slot(int, str)
    def _refused(self, number: int, text: str) -> None:
        if number == self._request:
            self._request = 0
            self._accepting = False
            self.info.setText(f"<span style='color:#c00000'>✗ {text}</span>")
            self.ok_button().setEnabled(False)

    def accept(self) -> None:
        if self._made is None:  # still making it: switch as soon as it is ready
            self._accepting = True
            if not self._request:
                self._timer.stop()
                self._preview()
            return
        self._switch()

    def _switch(self) -> None:
        self._accepting = False
        if self.window.state.attempt(self.window.state.set_surface, self._made.name):
            super().accept()


class BatchStudyWindow(QDialog):
    """Wall time per epoch and loss after k epochs against the batch size, measured in the background."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setWindowTitle("Batch size study")
        self.resize(900, 420)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.epochs = QSpinBox(minimum=1, maximum=100, value=5)
        self.epochs.setToolTip("Epochs of training behind each point (1 … 100)")
        self.run_button = QPushButton("Measure")
        self.run_button.setToolTip("Time an epoch of mini-batch steps and train for the epochs, per batch size")
        self.run_button.clicked.connect(self.measure)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(120)
        self.progress.hide()
        self.note = QLabel()
        self.note.setWordWrap(True)
        for w in (QLabel("epochs"), self.epochs, self.run_button, self.cancel_button, self.progress):
            row.addWidget(w)
        row.addWidget(self.note, 1)
        lay.addLayout(row)
        plots = QHBoxLayout()
        self.time_plot = pg.PlotWidget(background="w")
        self.loss_plot = pg.PlotWidget(background="w")
        for p, title, unit in ((self.time_plot, "time per epoch of mini-batch steps", "s"),
                               (self.loss_plot, "f − f_min after the epochs", "")):
            p.setLogMode(x=True, y=True)
            p.setLabel("bottom", "batch size")
            p.setLabel("left", title, units=unit)
            p.showGrid(x=True, y=True, alpha=0.2)
            tidy_axes(p.getPlotItem())  # batch sizes 1 … N: the log axis' labels ran into each other
            plots.addWidget(p)
        lay.addLayout(plots, 1)
        self.rows: list[dict] = []
        self.worker = LatestWorker("batch study", self)
        self.worker.finished.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.progressed.connect(lambda n, done, total: self.progress.setValue(done)
                                       if n == self._request else None)
        self._request = 0
        self._cancel = False

    def busy(self) -> bool:
        return self._request != 0

    def measure(self) -> None:
        state = self.window.state
        s = state.surface
        if not isinstance(s, DataSurface) or not 0 <= state.selected < len(state.racers):
            self.note.setText("Choose a data surface (Analysis → Mini-batch data surface…) and a racer first.")
            return
        r = state.racers[state.selected]
        epochs = self.epochs.value()
        sizes = sorted({1, 2, 4, 8, 16, 32, 64, 128, s.n} & set(range(1, s.n + 1)))
        kept = [b for b in sizes if study_work(s.n, b, epochs) <= STUDY_BUDGET]
        self._skipped = [b for b in sizes if b not in kept]
        if not kept:
            self.note.setText(f"N = {s.n:,} is too large for a live study; choose a smaller data set.")
            return
        hyper = {k: v for k, v in r.hyper.items() if k not in ("batch_size", "steps_per_epoch")}
        self._cancel = False
        self._racer = r
        self._surface = s

        def work(progress, superseded):
            return batch_size_study(s.name, r.optimizer, batch_sizes=kept, epochs=epochs, repeats=2, seed=r.seed,
                                    progress=lambda f: progress(round(100 * f), 100),
                                    cancelled=lambda: self._cancel or superseded(), **hyper)

        self._request = self.worker.submit(work)
        self.note.setText(f"measuring {len(kept)} batch sizes…")
        self.progress.setValue(0)
        for w in (self.progress, self.cancel_button):
            w.show()
        self.run_button.setEnabled(False)

    def cancel(self) -> None:
        self._cancel = True

    def _finish(self) -> None:
        self._request = 0
        for w in (self.progress, self.cancel_button):
            w.hide()
        self.run_button.setEnabled(True)

    @Slot(int, str)
    def _failed(self, number: int, text: str) -> None:
        if number == self._request:
            self._finish()
            self.note.setText(text)

    @Slot(int, object)
    def _done(self, number: int, rows) -> None:
        if number != self._request:
            return
        self._finish()
        if rows is None:
            self.note.setText("cancelled")
            return
        self.rows = rows
        r, s = self._racer, self._surface
        sizes = np.array([row["batch_size"] for row in rows], float)
        seconds = np.array([row["seconds_per_epoch"] for row in rows])
        loss = np.array([max(row["loss"], 1e-16) if row["diverged_at"] is None else np.nan for row in rows])
        for p, values in ((self.time_plot, seconds), (self.loss_plot, loss)):
            p.clear()
            plot_finite(p, sizes, values, pg.mkPen(r.color, width=2), symbol="o", symbolBrush=r.color)
        skipped = f" Batch sizes {', '.join(map(str, self._skipped))} left out: too slow to train live at " \
                  f"N = {s.n:,}." if self._skipped else ""
        self.note.setText(f"{r.name} on {s.title}, α = {r.hyper['lr']:g}: each point is measured with the "
                          f"compiled kernels (best of 2).{skipped}")
