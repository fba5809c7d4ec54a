"""f − f_min against the step, log scale, growing with the play head."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from .palette import apply_dash  # each racer's dash, as on the landscape and in the legend
from .plot_style import cache_axes, long_curve, set_axis_font, thin_long_curves
from .state import AppState
from .throttle import Later, Throttle

FLOOR = 1e-16  # f − f_min can be exactly 0 (or −1e-17 by rounding): draw it at the floor


class LossPlot(pg.PlotWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent, background="w")
        self.state = state
        plot = self.getPlotItem()
        plot.setLogMode(x=False, y=True)
        plot.setLabel("bottom", "step")
        plot.setLabel("left", "f − f_min")
        plot.getAxis("left").enableAutoSIPrefix(False)  # "f − f_min (x0.001)" over log ticks read as nonsense
        # No grid: in log mode its many minor lines cost ~7 ms on every repaint.
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.curves: list[pg.PlotDataItem] = []
        self._spare: list[pg.PlotDataItem] = []  # curves of removed racers, hidden
        self.presenting = False
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen((120, 120, 120), style=pg.QtCore.Qt.PenStyle.DashLine))
        self.addItem(self.cursor)
        cache_axes(plot)
        thin_long_curves(plot)
        plot.enableAutoRange(x=False, y=False)  # fixed per run set: play does not rescale every frame
        # A secondary plot: after a new race (a demo, a surface, racers) it follows on the next turn
        # of the event loop, once the landscape is drawn.  While the start is dragged the runs
        # change on every mouse move: it follows at 30 Hz and rescales at 4 Hz (rescaling
        # re-renders the axis text).
        self._restyle = Later(self._rebuild, self)
        self._rescale = Throttle(self._update_y_range, 250, self)
        self._follow = Throttle(self._update, 33, self)
        self._new_runs = Later(lambda: (self._rescale.request(), self._follow.request()), self)
        state.racersChanged.connect(self._restyle.request)
        state.runsChanged.connect(self._new_runs.request)
        state.stepChanged.connect(self._follow.request)
        state.settingsChanged.connect(self._update_range)
        self._rebuild()

    def set_presentation(self, on: bool) -> None:
        set_axis_font(self.getPlotItem(), on)
        self.presenting = on  # the loss curves are static between throttled updates: thicker is cheap
        self._rebuild()

    def _rebuild(self) -> None:
        """One curve per racer; the curves of racers that stay are kept and restyled."""
        racers = self.state.racers
        while len(self.curves) > len(racers):  # kept hidden for the next racer: making one costs ~1 ms
            c = self.curves.pop()
            c.setData([], [])
            c.hide()
            self._spare.append(c)
        while len(self.curves) < len(racers):
            if self._spare:
                c = self._spare.pop()
            else:
                c = long_curve(skipFiniteCheck=True)
                self.addItem(c)
            self.curves.append(c)
        width = 2 if self.presenting else 1
        for i, (r, c) in enumerate(zip(racers, self.curves)):
            c.setPen(apply_dash(pg.mkPen(r.color, width=width), i))
            c.setVisible(r.visible)
            if len(self.state.runs) != len(racers):  # the new runs are computing: no curve of another racer
                c.setData([], [])
        self._update()
        self._update_range()

    def _update_range(self) -> None:
        self.getPlotItem().setXRange(0, max(self.state.max_steps, 1), padding=0.02)
        self._update_y_range()

    def _update_y_range(self) -> None:
        f_min = self.state.surface.f_min
        gaps = [np.maximum(run.loss - f_min, FLOOR) for r, run in zip(self.state.racers, self.state.runs)
                if r.visible and len(run.loss)]
        if not gaps:
            return
        lo = max(min(g.min() for g in gaps), FLOOR)
        hi = max(g.max() for g in gaps)
        lo = max(lo, hi * 1e-14)  # keep a readable span of decades
        self.getPlotItem().setYRange(np.log10(lo), np.log10(hi), padding=0.05)

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
