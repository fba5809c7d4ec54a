"""Each racer's step, loss, distance to the nearest minimum and state at the play head."""
from __future__ import annotations

import math

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from .state import AppState
from .throttle import Throttle

COLUMNS = ("racer", "step", "f − f_min", "to nearest min", "state")


def racer_status(run, step: int, gap_now: float | None = None, tol: float | None = None) -> str:
    """``gap_now`` (f − f_min at the play head) and ``tol`` tell a racer that has settled from one
    that only passed through the tolerance band while oscillating."""
    if run.diverged_at is not None and step >= run.diverged_at:
        return f"diverged at step {run.diverged_at}"
    if run.converged_at is not None and step >= run.converged_at:
        if gap_now is not None and tol is not None and gap_now > tol:
            return f"running (within tol at step {run.converged_at}, left again)"
        return f"converged at step {run.converged_at}"
    return "running"


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
        widest = (max(names, key=metrics.horizontalAdvance), "100000", "−8.88e-88", "−8.88e-88")
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
        s = state.surface
        rows = []
        for r, run in zip(state.racers, state.runs):
            k = min(state.step, len(run.path) - 1)
            x, y = run.path[k]
            dist = min(math.hypot(x - m[0], y - m[1]) for m in s.minima)
            rows.append((r, k, run.loss[k] - s.f_min, dist, racer_status(run, state.step, run.loss[k] - s.f_min,
                                                                   state.scenario.tol)))
        rows.sort(key=lambda row: (row[4].startswith("diverged"), row[2]))  # best first
        self.setRowCount(len(rows))
        for i, (r, k, gap, dist, status) in enumerate(rows):
            values = (r.name, str(k), f"{gap:.3g}", f"{dist:.3g}", status)
            for j, text in enumerate(values):
                item = self.item(i, j)
                if item is None:
                    item = QTableWidgetItem()
                    self.setItem(i, j, item)
                if item.text() != text:
                    item.setText(text)
                item.setForeground(QColor(r.color if j == 0 else ("#b00020" if status.startswith("div") else "#000")))
