"""f − f_min against the step, log scale, growing with the play head."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from .state import AppState

FLOOR = 1e-16  # f − f_min can be exactly 0 (or −1e-17 by rounding): draw it at the floor


class LossPlot(pg.PlotWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent, background="w")
        self.state = state
        plot = self.getPlotItem()
        plot.setLogMode(x=False, y=True)
        plot.setLabel("bottom", "step")
        plot.setLabel("left", "f − f_min")
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.setMenuEnabled(False)
        self.curves: list[pg.PlotDataItem] = []
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen((120, 120, 120), style=pg.QtCore.Qt.PenStyle.DashLine))
        self.addItem(self.cursor)
        state.racersChanged.connect(self._rebuild)
        state.runsChanged.connect(self._update)
        state.stepChanged.connect(lambda _: self._update())
        state.settingsChanged.connect(self._update_range)
        self._rebuild()

    def _rebuild(self) -> None:
        for c in self.curves:
            self.removeItem(c)
        self.curves = []
        for r in self.state.racers:
            c = pg.PlotDataItem(pen=pg.mkPen(r.color, width=1), skipFiniteCheck=True)
            c.setVisible(r.visible)
            self.addItem(c)
            self.curves.append(c)
        self._update()
        self._update_range()

    def _update_range(self) -> None:
        self.getPlotItem().setXRange(0, max(self.state.max_steps, 1), padding=0.02)

    def _update(self) -> None:
        runs = self.state.runs
        if len(runs) != len(self.curves):
            return
        k = self.state.step
        f_min = self.state.surface.f_min
        for r, run, c in zip(self.state.racers, runs, self.curves):
            if not r.visible:
                continue
            n = min(k, len(run.loss) - 1) + 1
            gap = np.maximum(run.loss[:n] - f_min, FLOOR)
            c.setData(np.arange(n), gap)
        self.cursor.setPos(k)
