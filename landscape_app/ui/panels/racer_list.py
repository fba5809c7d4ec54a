"""The racers: add, remove, duplicate, rename (double-click), recolour, show/hide (checkbox)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QColorDialog, QHBoxLayout, QListWidget, QListWidgetItem, QMenu, QToolButton,
                               QVBoxLayout, QWidget)

from ...core.optimizers import OPTIMIZERS
from ..state import AppState


def swatch(color: str) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(color))
    return QIcon(pix)


class RacerList(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.list = QListWidget()
        self.list.setToolTip("Each racer with its colour, dash and marker: tick to show or hide, double-click to rename")
        lay.addWidget(self.list)
        buttons = QHBoxLayout()
        self.add_button = QToolButton(text="Add")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        for o in OPTIMIZERS.values():
            menu.addAction(o.title, lambda n=o.name: state.attempt(state.add_racer, n))
        self.add_button.setMenu(menu)
        self.duplicate_button = QToolButton(text="Duplicate")
        self.remove_button = QToolButton(text="Remove")
        self.color_button = QToolButton(text="Colour…")
        self.add_button.setToolTip("Add a racer: any optimizer, with a learning rate suggested for this surface")
        self.duplicate_button.setToolTip("Copy the selected racer, e.g. to race two learning rates against each other")
        self.remove_button.setToolTip("Remove the selected racer (Ctrl+Z brings it back)")
        self.color_button.setToolTip("Choose the selected racer's colour (its dash and marker stay)")
        for b in (self.add_button, self.duplicate_button, self.remove_button, self.color_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.duplicate_button.clicked.connect(lambda: self._with_selected(state.duplicate_racer))
        self.remove_button.clicked.connect(lambda: self._with_selected(state.remove_racer))
        self.color_button.clicked.connect(self._recolor)
        self.list.currentRowChanged.connect(lambda row: state.select(row) if row >= 0 else None)
        self.list.itemChanged.connect(self._item_changed)
        state.racersChanged.connect(self.refresh)
        state.selectionChanged.connect(self._show_selection)
        self.refresh()

    def refresh(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for r in self.state.racers:
            item = QListWidgetItem(swatch(r.color), r.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if r.visible else Qt.CheckState.Unchecked)
            item.setToolTip(OPTIMIZERS[r.optimizer].rule)
            self.list.addItem(item)
        self.list.setCurrentRow(self.state.selected)
        self.list.blockSignals(False)
        has = bool(self.state.racers)
        for b in (self.duplicate_button, self.remove_button, self.color_button):
            b.setEnabled(has)

    def _show_selection(self, index: int) -> None:
        self.list.blockSignals(True)
        self.list.setCurrentRow(index)
        self.list.blockSignals(False)

    def _with_selected(self, action) -> None:
        if 0 <= self.state.selected < len(self.state.racers):
            self.state.attempt(action, self.state.selected)

    def _item_changed(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        r = self.state.racers[row]
        visible = item.checkState() == Qt.CheckState.Checked
        if visible != r.visible:
            self.state.attempt(self.state.set_visible, row, visible)
        elif item.text() != r.name and not self.state.attempt(self.state.rename_racer, row, item.text()):
            self.refresh()  # the old name back

    def _recolor(self) -> None:
        i = self.state.selected
        if not 0 <= i < len(self.state.racers):
            return
        color = QColorDialog.getColor(QColor(self.state.racers[i].color), self, "Racer colour")
        if color.isValid():
            self.state.attempt(self.state.recolor_racer, i, color.name())
