"""The visible racers ranked at the play head: step, f − f_min, distance to the nearest minimum and
state.  The ranking rule and the states are the core's (``core.standings``); this table only
shows them."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
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
        self._facts: dict = {}  # standings' memo: each run's converged / settled steps, computed once
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # resizing to contents on every
        header.setStretchLastSection(True)  # text change made each play frame ~10 ms slower
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # every column fits instead
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setWordWrap(False)  # one line per racer: a wrapped cell made its row twice as tall
        self._throttle = Throttle(self.refresh, 100, self)  # a table read by people: 10 updates/s is plenty
        state.racersChanged.connect(self._restructure)
        state.settingsChanged.connect(self.fit_columns)  # the step column is as wide as the race is long
        state.runsChanged.connect(self._throttle.request)
        state.stepChanged.connect(self._throttle.request)
        self._restructure()

    def _restructure(self) -> None:
        self.fit_columns()
        self.refresh()

    def _wanted(self) -> tuple[list[int], int, int]:
        """Each column's width for its widest text, the least a name is given, and the state's."""
        metrics = self.fontMetrics()
        names = [r.name for r in self.state.racers] + [COLUMNS[0]]
        widest = (max(names, key=metrics.horizontalAdvance), "8" * max(len(str(self.state.max_steps)), 4),
                  "0.000888", "0.000888")  # as wide as "8.88e-88", and digits are wider than letters
        wanted = [max(metrics.horizontalAdvance(text), metrics.horizontalAdvance(header)) + 18
                  for text, header in zip(widest, COLUMNS)]
        return wanted, metrics.horizontalAdvance("Adam…") + 18, metrics.horizontalAdvance("converged at step 1000") + 18

    def minimumSizeHint(self) -> QSize:
        """Wide enough for the numbers and a short name and state: the plots beside it give way first."""
        wanted, least, _ = self._wanted()
        running = self.fontMetrics().horizontalAdvance("running") + 18
        return QSize(least + sum(wanted[1:]) + running + 2 * self.frameWidth(), super().minimumSizeHint().height())

    def fit_columns(self) -> None:
        """Column widths from the widest text each column can hold (resizing to contents on every
        text change made each play frame ~10 ms slower), fitted to the table's width: every column
        stays on screen.  The numbers keep their room longest; a long name gives way first, then
        the state (elided text is whole in the cell's tooltip)."""
        metrics = self.fontMetrics()
        wanted, least, state_width = self._wanted()
        room = self.viewport().width() - sum(wanted[1:])
        name = min(wanted[0], max(least, room - state_width))
        numbers = self.viewport().width() - name - (metrics.horizontalAdvance("running") + 18)
        scale = min(1.0, numbers / sum(wanted[1:]))  # < 1 only when even the shortest state would not fit
        self.setColumnWidth(0, name)
        for j, w in enumerate(wanted[1:], start=1):
            self.setColumnWidth(j, max(round(w * scale), metrics.horizontalAdvance("8.8e-8") + 8))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode
            self.updateGeometry()  # a new minimum width
            self.fit_columns()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def refresh(self) -> None:
        state = self.state
        if len(state.runs) != len(state.racers):
            return
        rows = standings(state.surface, state.racers, state.runs, state.step, state.scenario.tol, self._facts)
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
                    item.setToolTip(text)
                item.setForeground(QColor(color if j == 0 else STATE_COLORS.get(row.status, "#000")))
