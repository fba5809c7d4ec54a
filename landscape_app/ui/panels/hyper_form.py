"""The selected racer's settings, generated from the optimizer's and schedule's Hyper specs."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget)

from ...core.datasets import DataSurface
from ...core.hyper import COMMON, Hyper
from ...core.optimizers import OPTIMIZERS
from ...core.schedules import SCHEDULES
from ..state import AppState
from .float_editor import FloatEditor


class HyperForm(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.editors: dict[str, QWidget] = {}
        self._schedule = None  # the schedule whose parameter fields are on show
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel()
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color: #444;")
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        for w in (self.title, self.rule, self.form_host, self.error):
            outer.addWidget(w)
        outer.addStretch(1)
        state.selectionChanged.connect(lambda _: self.rebuild())
        state.racersChanged.connect(self.rebuild)
        state.hyperChanged.connect(self._sync)
        self.rebuild()

    # ------------------------------------------------------------------ building
    def rebuild(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        self.error.clear()
        i = self.state.selected
        if not 0 <= i < len(self.state.racers):
            self.title.setText("Add a racer to tune it.")
            self.rule.clear()
            return
        r = self.state.racers[i]
        self._schedule = r.hyper["schedule"]
        opt = OPTIMIZERS[r.optimizer]
        self.title.setText(f"<b style='color:{r.color}'>{r.name}</b>")
        self.rule.setText(opt.rule)

        kind = QComboBox()
        for o in OPTIMIZERS.values():
            kind.addItem(o.title, o.name)
        kind.setCurrentIndex(list(OPTIMIZERS).index(r.optimizer))
        kind.currentIndexChanged.connect(lambda k: self.state.set_optimizer(i, kind.itemData(k)))
        self.form.addRow("optimizer", kind)
        for spec in opt.hypers:
            self._add(spec, r.hyper[spec.name])

        self.form.addRow(self._section("learning-rate schedule"))
        schedule = QComboBox()
        for k in SCHEDULES.values():
            schedule.addItem(k.title, k.name)
            schedule.setItemData(schedule.count() - 1, k.formula, 3)  # tooltip role
        schedule.setCurrentIndex(list(SCHEDULES).index(r.hyper["schedule"]))
        schedule.currentIndexChanged.connect(lambda k: self._commit("schedule", schedule.itemData(k), rebuild=True))
        schedule.setToolTip(SCHEDULES[r.hyper["schedule"]].formula)
        self.form.addRow("schedule", schedule)
        for spec in SCHEDULES[r.hyper["schedule"]].params:
            self._add(spec, r.hyper[spec.name])

        self.form.addRow(self._section("gradient noise and clipping"))
        for spec in COMMON:
            self._add(spec, r.hyper[spec.name])
        surface = self.state.surface
        if isinstance(surface, DataSurface):  # true mini-batches: one epoch is ceil(N / batch) steps
            self.form.addRow(self._section("mini-batches"))
            batch = QSpinBox()
            batch.setRange(1, surface.n)
            batch.setValue(int(r.hyper.get("batch_size", surface.n)))
            batch.setToolTip(f"1 = SGD on single examples, {surface.n} = full-batch gradient descent")
            batch.valueChanged.connect(lambda v: self._commit("batch_size", v))
            self.form.addRow("batch size", batch)
            self.editors["batch_size"] = batch
            if "steps_per_epoch" in self.editors:
                self.editors["steps_per_epoch"].setEnabled(False)
                self.editors["steps_per_epoch"].setToolTip("set by the batch size: ceil(N / batch size)")
        seed = QSpinBox()
        seed.setRange(0, 2**31 - 1)
        seed.setValue(r.seed)
        seed.setToolTip("Noise seed: the same seed gives the same noisy run")
        seed.valueChanged.connect(lambda v: self.state.set_seed(i, v))
        self.form.addRow("noise seed", seed)

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(f"<b>{text}</b>")
        label.setStyleSheet("margin-top: 6px;")
        return label

    def _add(self, spec: Hyper, value) -> None:
        if spec.kind == "choice":
            w = QComboBox()
            w.addItems(spec.choices)
            w.setCurrentText(value)
            w.currentTextChanged.connect(lambda v, n=spec.name: self._commit(n, v))
        elif spec.kind == "bool":
            w = QCheckBox()
            w.setChecked(bool(value))
            w.toggled.connect(lambda v, n=spec.name: self._commit(n, v))
        elif spec.kind == "int":
            w = QSpinBox()
            w.setRange(int(spec.lo), int(min(spec.hi, 1_000_000)))
            w.setValue(int(value))
            w.valueChanged.connect(lambda v, n=spec.name: self._commit(n, v))
        else:
            w = FloatEditor(spec, value)
            w.committed.connect(lambda v, n=spec.name: self._commit(n, v))
        w.setToolTip(f"{spec.help}\nrange {spec.lo:g} … {spec.hi:g}" if spec.kind in ("float", "int") else spec.help)
        label = QLabel(f"{spec.symbol}  <span style='color:#777'>{spec.name}</span>")
        label.setToolTip(spec.help)
        self.form.addRow(label, w)
        self.editors[spec.name] = w

    def _sync(self, index: int) -> None:
        """Show values changed elsewhere (a script, a loaded file, another view) without echoing."""
        if index != self.state.selected or index >= len(self.state.racers):
            return
        r = self.state.racers[index]
        if r.hyper["schedule"] != self._schedule:  # a different set of fields
            self.rebuild()
            return
        for name, editor in self.editors.items():
            value = r.hyper.get(name)
            if isinstance(editor, FloatEditor):
                if not editor.slider.isSliderDown() and value != editor.value():  # never fight the user's hand
                    editor.set_value(value)
                continue
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                editor.setCurrentText(value)
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value))
            editor.blockSignals(False)

    # ------------------------------------------------------------------ editing
    def _commit(self, name: str, value, rebuild: bool = False) -> None:
        i = self.state.selected
        try:
            self.state.set_hyper(i, name, value)
        except ValueError as exc:  # refused in the widget, with the reason, and the old value back
            self.error.setText(str(exc))
            editor = self.editors.get(name)
            if isinstance(editor, FloatEditor):
                editor.set_value(self.state.racers[i].hyper[name])
                editor.show_error()
            return
        self.error.clear()
        if rebuild:
            self.rebuild()
