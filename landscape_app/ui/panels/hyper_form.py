"""The selected racer's settings, generated from the optimizer's and schedule's Hyper specs.

Each kind of racer (optimizer, schedule, data surface) has its rows on a host widget of its own;
switching racers or optimizers hides one host and shows another.  A host is never deleted at
once: the change that asks for the switch usually comes from one of its widgets (an optimizer
combo box still inside its ``currentIndexChanged``), and deleting an emitting widget crashes Qt
a few changes later.  The least recently used hosts beyond ``KEPT_FORMS`` go through
``deleteLater``.
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QScrollArea, QSizePolicy, QSpinBox,
                               QVBoxLayout, QWidget)

from ...core.datasets import DataSurface
from ...core.hyper import COMMON, Hyper
from ...core.notation import html
from ...core.optimizers import OPTIMIZERS
from ...core.schedules import SCHEDULES
from ..state import AppState
from .float_editor import FloatEditor

ERROR_COLOUR = "#c62828"
SEED_RANGE = (0, 2**63 - 1)
KEPT_FORMS = 8  # forms of other optimizers and schedules kept hidden for the next switch


def breakable(text: str, every: int = 24) -> str:
    """``text`` with zero-width spaces inside very long words (a pasted 30-digit number), so a
    word-wrapped label can show it whole in a narrow panel."""
    return re.sub(rf"\S{{{every}}}(?=\S)", lambda m: m.group(0) + "\u200b", text)


class IntEditor(QLineEdit):
    """A whole number of any size (seeds go up to 2⁶³ − 1, past what QSpinBox can hold)."""

    committed = Signal(object)

    def __init__(self, value: int, parent=None):
        super().__init__(parent)
        self.set_value(value)
        self.editingFinished.connect(self._typed)

    def set_value(self, value: int) -> None:
        self._last = int(value)
        self.blockSignals(True)
        self.setText(str(self._last))
        self.blockSignals(False)

    def value(self) -> int:
        return self._last

    def _typed(self) -> None:
        text = self.text().strip()
        try:
            value = int(text)
        except ValueError:
            value = text  # the state says what is wrong with it
        if value != self._last:
            self.committed.emit(value)


class HyperForm(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}  # the reason a value was refused, under its field
        self._shown = None  # (racer index, optimizer, schedule, data surface?) on show
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel()
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.rule.setTextFormat(Qt.TextFormat.RichText)  # formulas: m̂ and v̂ need rich text (core.notation)
        self.rule.setStyleSheet("color: #444;")
        self.host: QWidget | None = None  # the rows on show
        self.form: QFormLayout | None = None
        self._forms: dict[tuple, tuple] = {}  # (optimizer, schedule, data size) → (host, form, editors, errors)
        self.error = _error_label()  # refusals that belong to no single field
        for w in (self.title, self.rule, self.error):
            outer.addWidget(w)
        outer.addStretch(1)
        state.selectionChanged.connect(lambda _: self._structure_changed())
        state.racersChanged.connect(self._structure_changed)
        state.surfaceChanged.connect(self._structure_changed)
        state.hyperChanged.connect(self._sync)
        self.rebuild()

    # ------------------------------------------------------------------ building
    def _layout_key(self):
        i = self.state.selected
        if not 0 <= i < len(self.state.racers):
            return None
        r = self.state.racers[i]
        return i, r.optimizer, r.hyper["schedule"], isinstance(self.state.surface, DataSurface), r.name, r.color

    def _structure_changed(self) -> None:
        if self._layout_key() != self._shown:
            self.rebuild()
        else:
            self._sync(self.state.selected)

    def rebuild(self) -> None:
        """Show the selected racer's form: the rows of its optimizer, schedule and surface kind are
        built once and kept (hidden) for the next racer of that kind; building them cost ~12 ms on
        every optimizer change, demo load and selection."""
        self._clear_error()
        self._shown = self._layout_key()
        if self._shown is None:
            if self.host is not None:
                self.host.hide()
            self.editors, self.errors = {}, {}
            self.title.setText("Add a racer to tune it.")
            self.rule.clear()
            return
        r = self.state.racers[self.state.selected]
        self.title.setText(f"<b style='color:{r.color}'>{r.name}</b>")
        self.rule.setText(OPTIMIZERS[r.optimizer].rule_html)
        surface = self.state.surface
        key = (r.optimizer, r.hyper["schedule"], surface.n if isinstance(surface, DataSurface) else None)
        previous = self.host
        rows = self._forms.pop(key, None) or self._build(r)
        self._forms[key] = rows  # the most recently used last
        if previous is not None and previous is not rows[0]:
            previous.hide()
        self.host, self.form, self.editors, self.errors = rows
        self.host.show()
        while len(self._forms) > KEPT_FORMS:
            oldest = next(iter(self._forms))
            host = self._forms.pop(oldest)[0]
            self.layout().removeWidget(host)
            host.deleteLater()  # hidden, and never the form whose widget may be emitting
        self._sync(self.state.selected, force=True)

    def _build(self, r) -> tuple[QWidget, QFormLayout, dict, dict]:
        """The rows for racers of ``r``'s optimizer, schedule and surface kind (values are set by
        ``_sync``; the fields act on whichever racer is selected)."""
        host = QWidget(self)
        host.hide()
        self.form = QFormLayout(host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.layout().insertWidget(2, host)
        self.editors, self.errors = {}, {}
        opt = OPTIMIZERS[r.optimizer]
        state = self.state

        kind = QComboBox()
        for o in OPTIMIZERS.values():
            kind.addItem(o.title, o.name)
            kind.setItemData(kind.count() - 1, o.rule_html, 3)  # tooltip role
        kind.setToolTip("The update rule of this racer; its learning rate is suggested anew for the surface")
        kind.currentIndexChanged.connect(lambda k: self._apply("optimizer", state.set_optimizer, state.selected,
                                                               kind.itemData(k)))
        self._row("optimizer", "optimizer", kind)
        for spec in opt.hypers:
            self._add(spec, r.hyper[spec.name])

        self.form.addRow(self._section("learning-rate schedule"))
        schedule = QComboBox()
        for k in SCHEDULES.values():
            schedule.addItem(k.title, k.name)
            schedule.setItemData(schedule.count() - 1, html(k.formula), 3)  # tooltip role
        schedule.currentIndexChanged.connect(lambda k: self._commit("schedule", schedule.itemData(k)))
        schedule.setToolTip(html(SCHEDULES[r.hyper["schedule"]].formula))
        self._row("schedule", "schedule", schedule)
        for spec in SCHEDULES[r.hyper["schedule"]].params:
            self._add(spec, r.hyper[spec.name])

        self.form.addRow(self._section("gradient noise and clipping"))
        for spec in COMMON:
            self._add(spec, r.hyper[spec.name])
        surface = state.surface
        if isinstance(surface, DataSurface):  # true mini-batches: one epoch is ceil(N / batch) steps
            self.form.addRow(self._section("mini-batches"))
            batch = QSpinBox()
            batch.setRange(1, surface.n)
            batch.setKeyboardTracking(False)
            batch.setToolTip(f"Examples per step: 1 = SGD on single examples, {surface.n} = full-batch gradient "
                             "descent (range 1 … N)")
            batch.valueChanged.connect(lambda v: self._commit("batch_size", v))
            self._row("batch_size", "batch size", batch)
            if "steps_per_epoch" in self.editors:
                self.editors["steps_per_epoch"].setEnabled(False)
                self.editors["steps_per_epoch"].setToolTip("set by the batch size: ceil(N / batch size)")
        seed = IntEditor(r.seed)
        seed.setToolTip("Noise seed (0 … 2⁶³ − 1): the same seed gives the same noisy run")
        seed.committed.connect(lambda v: self._apply("seed", state.set_seed, state.selected, v))
        self._row("seed", "noise seed", seed, lambda text: _whole_in(text, *SEED_RANGE))
        return host, self.form, self.editors, self.errors

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(f"<b>{text}</b>")
        label.setContentsMargins(0, 6, 0, 0)
        return label

    def _row(self, name: str, label, widget: QWidget, valid=None) -> None:
        """A field and, under it, the place for the reason a value was refused.  ``valid(text)``
        says whether typed text is a usable value: the error mark goes as soon as it is."""
        self.form.addRow(label, widget)
        error = _error_label()
        error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # wraps, never widens the panel
        self.form.addRow(error)
        self.editors[name] = widget
        self.errors[name] = error
        field = widget.field if isinstance(widget, FloatEditor) else widget if isinstance(widget, QLineEdit) else None
        if field is not None and valid is not None:
            field.textEdited.connect(lambda text, n=name: self._typing(n, text, valid))

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
            w = IntEditor(value)
            w.committed.connect(lambda v, n=spec.name: self._commit(n, v))
        else:
            w = FloatEditor(spec, value)
            w.committed.connect(lambda v, n=spec.name: self._commit(n, v))
        w.setToolTip(f"{spec.help}\nrange {spec.lo:g} … {spec.hi:g}" if spec.kind in ("float", "int") else spec.help)
        label = QLabel(f"{html(spec.symbol)}&nbsp;&nbsp;<span style='color:#777'>{spec.name}</span>")
        label.setToolTip(spec.help)
        self._row(spec.name, label, w, lambda text, s=spec: _valid_for(s, text))

    def _sync(self, index: int, force: bool = False) -> None:
        """Show values changed elsewhere (a sweep, a loaded file, undo) without echoing; ``force``
        also rewrites fields that hold text the state refused."""
        if index != self.state.selected or not 0 <= index < len(self.state.racers):
            return
        if self._layout_key() != self._shown:  # another optimizer or schedule: other fields
            self.rebuild()
            return
        r = self.state.racers[index]
        for name, editor in self.editors.items():
            value = r.seed if name == "seed" else r.optimizer if name == "optimizer" else r.hyper.get(name)
            if isinstance(editor, FloatEditor):
                if force or (not editor.slider.isSliderDown() and value != editor.value()):  # never fight the user's hand
                    editor.set_value(value)
                continue
            if isinstance(editor, IntEditor):
                if value is not None and (force or value != editor.value()):
                    editor.set_value(value)
                continue
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                k = editor.findData(value)
                editor.setCurrentIndex(k) if k >= 0 else editor.setCurrentText(str(value))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox) and value is not None:
                editor.setValue(int(value))
            editor.blockSignals(False)
        self._clear_error()

    # ------------------------------------------------------------------ editing
    def _commit(self, name: str, value) -> None:
        self._apply(name, self.state.set_hyper, self.state.selected, name, value)

    def _apply(self, name: str, setter, *args) -> None:
        """Apply through the state; a refusal is shown under the field and the old value is put back."""
        try:
            setter(*args)
        except ValueError as exc:
            self._sync(self.state.selected, force=True)  # the value the state kept
            self._show_error(name, str(exc))
            return
        self._clear_error()

    def _show_error(self, name: str, text: str) -> None:
        label = self.errors.get(name, self.error)
        label.setText(breakable(text))
        label.setToolTip(text)
        label.show()
        editor = self.editors.get(name)
        if isinstance(editor, FloatEditor):
            editor.show_error()
        elif isinstance(editor, IntEditor):
            editor.setStyleSheet("border: 2px solid #d32f2f;")
        QTimer.singleShot(0, self, lambda: self._reveal(label))  # once the label has its wrapped height

    def _reveal(self, label: QLabel) -> None:
        """Scroll the settings panel so the reason is in view, all of it."""
        parent = self.parent()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parent()
        if parent is not None and label.isVisible():
            parent.ensureWidgetVisible(label, 8, 8)

    def _typing(self, name: str, text: str, valid) -> None:
        """While the user types: a text that is a usable value again clears the field's mark."""
        if valid(text):
            self._clear_error(name)

    def _clear_error(self, name: str | None = None) -> None:
        """Hide the refusal of field ``name`` (of every field when None) and its red border."""
        labels = [self.errors[name]] if name in self.errors else [*self.errors.values(), self.error]
        for label in labels:
            label.hide()
        for key, editor in self.editors.items():
            if name is not None and key != name:
                continue
            if isinstance(editor, FloatEditor):
                editor.clear_error()
            elif isinstance(editor, IntEditor):
                editor.setStyleSheet("")


def _error_label() -> QLabel:
    """A hidden, word-wrapped place for a refusal, in red.  Coloured through its palette, not a
    style sheet: a widget with a style sheet keeps its font until re-polished, and presentation
    mode re-polished about a hundred of these (~16 ms) when the font grew."""
    label = QLabel()
    label.setWordWrap(True)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOUR))
    label.setPalette(palette)
    label.hide()
    return label


def _valid_for(spec: Hyper, text: str) -> bool:
    text = text.strip()
    if spec.optional and text == "off":
        return True
    try:
        spec.validate(int(text) if spec.kind == "int" else float(text))
    except ValueError:
        return False
    return True


def _whole_in(text: str, lo: int, hi: int) -> bool:
    try:
        return lo <= int(text.strip()) <= hi
    except ValueError:
        return False
