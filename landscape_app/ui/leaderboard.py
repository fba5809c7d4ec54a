"""The visible racers ranked at the play head: step, f − f_min, distance to the nearest minimum and
state.  The ranking rule and the states are the core's (``core.standings``); this table only
shows them."""
from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ..core.standings import DIVERGED, LOCAL_MINIMUM, standings
from .state import AppState
from .throttle import Throttle

COLUMNS = ("racer", "step", "f − f_min", "to nearest min", "state")
STATE_COLORS = {DIVERGED: "#b00020", LOCAL_MINIMUM: "#8a5a00"}  # others: black


class Leaderboard(QTableWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.state = state
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # resizing to contents on every
        header.setStretchLastSection(True)  # text change made each play frame ~10 ms slower
        self._throttle = Throttle(self.refresh, 100, self)  # a table read by people: 10 updates/s is plenty
        state.racersChanged.connect(self._restructure)
        state.runsChanged.connect(self._throttle.request)
        state.stepChanged.connect(self._throttle.request)
        self._restructure()

    def _restructure(self) -> None:
        self.fit_columns()
        self.refresh()

    def fit_columns(self) -> None:
        """Column widths from the widest text each column can hold (resizing to contents on every
        text change made each play frame ~10 ms slower)."""
        metrics = self.fontMetrics()
        names = [r.name for r in self.state.racers] + [COLUMNS[0]]
        widest = (max(names, key=metrics.horizontalAdvance), "100000", "8.88e-88", "8.88e-88")
        for j, (text, header) in enumerate(zip(widest, COLUMNS)):
            self.setColumnWidth(j, max(metrics.horizontalAdvance(text), metrics.horizontalAdvance(header)) + 18)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode
            self.fit_columns()

    def refresh(self) -> None:
        state = self.state
        if len(state.runs) != len(state.racers):
            return
        rows = standings(state.surface, state.racers, state.runs, state.step, state.scenario.tol)
        self.setRowCount(len(rows))
        for i, row in enumerate(rows):
            color = state.racers[row.index].color
            values = (row.name, str(row.step), f"{row.gap:.3g}", f"{row.distance:.3g}", row.text)
            for j, text in enumerate(values):
                item = self.item(i, j)
                if item is None:
                    item = QTableWidgetItem()
                    self.setItem(i, j, item)
                if item.text() != text:
                    item.setText(text)
                item.setForeground(QColor(color if j == 0 else STATE_COLORS.get(row.status, "#000")))
