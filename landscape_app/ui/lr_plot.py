"""The learning rate over the race, beside the loss plot: every racer's α after decay (solid), and for
the adaptive racers the step size each coordinate really gets (dashed: x, dotted: y) — AdaGrad's
α/(√G + ε), RMSProp's α/(√S + ε), Adam's α/(√v̂ + ε), Adadelta's α√(U + ε)/√(E + ε), Rprop's Δ.
One α for every parameter against one rate per parameter: the seeds' argument for adaptive
methods, on screen."""
from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..core.notation import html as formula
from .histories import Histories
from .plot_style import cache_axes, decade_ticks, long_curve, set_axis_font, thin_long_curves, title_lines
from .state import AppState
from .throttle import Later, Throttle

FLOOR = 1e-30  # a rate decayed to exactly 0 (cosine to α_min = 0) is drawn at the floor of the log axis
COORDINATE_STYLES = (Qt.PenStyle.DashLine, Qt.PenStyle.DotLine)  # x, y
ADAPTIVE = {"adagrad", "rmsprop", "adadelta", "adam", "adamw", "amsgrad", "nadam", "rprop"}  # one rate each


class LearningRatePlot(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self._normal_pt = self.font().pointSizeF()  # presentation mode scales the application font
        self.legend = ""  # the plot's title: what the line styles mean
        self.plot = pg.PlotWidget(background="w")
        p = self.plot.getPlotItem()
        p.setLogMode(x=False, y=True)
        p.setLabel("bottom", "step")
        p.setLabel("left", "step size")
        p.setMenuEnabled(False)
        p.hideButtons()
        p.enableAutoRange(y=False)  # set from the curves: see _y_range
        cache_axes(p)
        thin_long_curves(p)
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen((120, 120, 120), style=Qt.PenStyle.DashLine))
        p.addItem(self.cursor)
        p.getAxis("left").enableAutoSIPrefix(False)  # the decade labels say it all ("×0.001" confused)
        # a checkable action, not a checkbox under the plot: the Lessons menu holds it, the plot keeps its height
        self.rates_action = QAction("Per-coordinate step sizes of adaptive racers", self, checkable=True)
        self.rates_action.setChecked(True)
        self.rates_action.setToolTip("The step size each coordinate of an adaptive racer gets (x dashed, y dotted): "
                                     "the factor its gradient (Adam: m̂) is multiplied by; Rprop: its step length Δ")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot, 1)
        self.alphas: list[pg.PlotDataItem] = []  # one per racer
        self.rates: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []  # (x, y) per racer
        self._spare: list[tuple] = []  # (α, (x, y)) curves of removed racers, hidden
        self._drawn: dict = {}  # id(α curve) → (run, rate history) its curves show
        self._bounds: dict = {}  # id(curve) → (lowest, highest) finite value it shows
        self.histories = Histories("learning rates", self)
        self.histories.updated.connect(self._draw)
        # a secondary plot: after a new race it follows on the next turn of the event loop, once the
        # landscape is drawn; a drag of the start changes the runs often
        self._redraw = Throttle(self._runs_changed, 150, self)
        self._restyle = Later(self._rebuild, self)
        self._new_runs = Later(self._redraw.request, self)
        state.racersChanged.connect(self._restyle.request)
        state.runsChanged.connect(self._new_runs.request)
        state.stepChanged.connect(self.cursor.setPos)
        state.settingsChanged.connect(self._x_range)
        self.rates_action.toggled.connect(lambda _: self._draw())
        self._rebuild()

    def _curve(self) -> pg.PlotDataItem:
        c = long_curve()
        c.curve.setCacheMode(c.curve.CacheMode.DeviceCoordinateCache)  # still during play: the cursor moves alone
        self.plot.addItem(c)
        return c

    def _rebuild(self) -> None:
        """α and the two coordinates' rates per racer; the curves of racers that stay are kept and
        restyled (making 15 anew cost ~40 ms on every optimizer change)."""
        racers = self.state.racers
        while len(self.alphas) > len(racers):  # kept hidden for the next racer: making curves costs ~1 ms each
            curves = (self.alphas.pop(), self.rates.pop())
            self._drawn.pop(id(curves[0]), None)
            for c in (curves[0], *curves[1]):
                c.setData([], [])
                self._bounds.pop(id(c), None)
                c.hide()
            self._spare.append(curves)
        while len(self.alphas) < len(racers):
            alpha, pair = self._spare.pop() if self._spare else \
                (self._curve(), tuple(self._curve() for _ in COORDINATE_STYLES))
            alpha.show()
            self.alphas.append(alpha)
            self.rates.append(pair)
        for r, alpha, pair in zip(racers, self.alphas, self.rates):
            alpha.setPen(pg.mkPen(r.color, width=1))
            for c, style in zip(pair, COORDINATE_STYLES):
                c.setPen(pg.mkPen(r.color, width=1, style=style))
            if len(self.state.runs) != len(racers):  # the new runs are computing: no curve of another racer
                for c in (alpha, *pair):
                    c.setData([], [])
                    self._bounds.pop(id(c), None)
                self._drawn.pop(id(alpha), None)
        self._x_range()
        self._runs_changed()

    def _x_range(self) -> None:
        self.plot.getPlotItem().setXRange(0, max(self.state.max_steps, 1), padding=0.02)

    def _runs_changed(self) -> None:
        runs = self.state.runs
        if len(runs) == len(self.state.racers):
            self.histories.want([run for r, run in zip(self.state.racers, runs)
                                 if r.visible and r.optimizer in ADAPTIVE])
        self._draw()

    def busy(self) -> bool:
        return self.histories.busy()

    def _draw(self) -> None:
        state = self.state
        runs = state.runs
        if len(runs) != len(self.alphas):
            return
        adaptive = []
        for r, run, alpha, (rx, ry) in zip(state.racers, runs, self.alphas, self.rates):
            h = self.histories.get(run) if r.visible and self.rates_action.isChecked() else None
            # a racer whose run and rates are on show already keeps its curves (10⁵ steps: ~4 ms each)
            drawn = self._drawn.get(id(alpha))
            if drawn is None or drawn[0] is not run or drawn[1] is not h:
                self._drawn[id(alpha)] = (run, h)
                steps = np.arange(1, run.steps + 1)
                self._set(alpha, steps, run.lr)
                for j, curve in enumerate((rx, ry)):
                    if h is not None and h.rate is not None:
                        self._set(curve, steps, h.rate[:, j])
            alpha.setVisible(r.visible)
            for curve in (rx, ry):
                curve.setVisible(h is not None and h.rate is not None)
            if h is not None and h.rate is not None:
                adaptive.append(f"<span style='color:{r.color}'>{html.escape(r.name)}</span>: "
                                f"{formula(h.rate_name, wrap=False)}")
        self.cursor.setPos(state.step)
        self._legend_entries = ["α after decay ━"] + (["per coordinate: x ╌&nbsp; y ┈"] if adaptive else [])
        self.legend = "&nbsp;&nbsp; ".join(self._legend_entries)
        self._show_title()
        self.plot.setToolTip("Step size: α after decay (solid lines)" + "".join(f"<br>{a}" for a in adaptive))
        self._y_range()

    def _show_title(self) -> None:
        """On two lines when one does not fit beside the axis (the plot's right end was cut off)."""
        p = self.plot.getPlotItem()
        room = self.width() - p.getAxis("left").width() - 16
        size = self._title_size()
        text = title_lines(self._legend_entries, room, p.titleLabel.item.font(), size, "&nbsp;&nbsp; ")
        if (text, size) != getattr(self, "_title_shown", None):
            self._title_shown = (text, size)
            p.setTitle(text, size=size, color="#222")
            self.plot.resizeEvent(None)  # the plot took its size before the title shrank: fit it again

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if hasattr(self, "_legend_entries"):
            self._show_title()

    def _title_size(self) -> str:
        return "12pt" if self.font().pointSizeF() > 1.2 * self._normal_pt else "8pt"

    def _set(self, curve, steps: np.ndarray, y: np.ndarray) -> None:
        y = np.maximum(y, FLOOR)
        curve.setData(steps, y)
        finite = y[np.isfinite(y)]
        self._bounds[id(curve)] = (finite.min(), finite.max()) if len(finite) else None

    def _y_range(self) -> None:
        """At least two decades tall, labelled at its powers of ten."""
        bounds = [self._bounds.get(id(c)) for c in (*self.alphas, *(c for pair in self.rates for c in pair))
                  if c.isVisible()]
        lows, highs = [b[0] for b in bounds if b], [b[1] for b in bounds if b]
        if not lows:
            return
        lo, hi = np.log10(max(min(lows), FLOOR)), np.log10(max(max(highs), FLOOR))
        mid, half = (lo + hi) / 2, max((hi - lo) / 2, 1.0)
        self.plot.getPlotItem().setYRange(mid - half, mid + half, padding=0.05)
        decade_ticks(self.plot.getPlotItem().getAxis("left"), mid - half, mid + half)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode scales the application font
            set_axis_font(self.plot.getPlotItem(), self.font().pointSizeF() > 1.2 * self._normal_pt)
            self.plot.getPlotItem().setTitle(self.legend, size=self._title_size(), color="#222")

