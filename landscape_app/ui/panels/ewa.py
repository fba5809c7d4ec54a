"""Exponentially weighted averages (seeds 000–002), in two pictures side by side.

Left, the notes' example: a year of daily temperatures (seeded) and its EWA vₜ = βvₜ₋₁ + (1 − β)θₜ
for three β you choose (0.5, 0.9, 0.98 to begin with), bias-corrected (solid) and not (dashed), with
the ≈ 1/(1 − β) days each one averages over marked as a bar ending on a day you can drag.

Right, the selected racer: each step's gradient g of one coordinate and what its optimizer keeps of
it — momentum's velocity and Adam's m and m̂ are EWAs of g, RMSProp's S and Adam's v and v̂ are
EWAs of g², AdaGrad's G a plain sum — so momentum and Adam read as "averages of gradients".
The numbers come from ``core.averages`` and ``core.inspect.history``.
"""
from __future__ import annotations

import html
import math
import warnings

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout,
                               QWidget)

from ...core.averages import ewa, temperatures, window
from ...core.notation import html as formula
from ..histories import Histories
from ..plot_style import cache_axes, decade_ticks, long_curve, set_axis_font, set_legend, thin_long_curves
from ..state import AppState
from ..throttle import Throttle

BETAS = (0.5, 0.9, 0.98)
BETA_COLOURS = ("#d62728", "#2a9d3f", "#1f5fd6")
SERIES_COLOURS = ("#1f5fd6", "#d62728", "#2a9d3f", "#8e44ad")
BAR_GAP = 4.5  # °C at least between the window bars under the curves (more on a short plot: see _place_windows)
DAY = 200  # where the averaging windows end at first (drag the line to move them)
SEED = 0
RACER_PLOT_MIN_PX = 200
PLOT_MIN_HEIGHT_PX = 150  # below it the dock scrolls


def positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: 0 (a g² of exactly 0, a sum before its first term) left out, not floored."""
    return np.where(values > 0, values, np.nan)


def finite_range(y: np.ndarray) -> tuple[float, float] | None:
    """The smallest and largest finite value of ``y`` (NaN skipped), None if it has none.  One pass
    each while ``y`` holds no infinity (the usual case), instead of filtering a copy first."""
    if not len(y):
        return None
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN
        lo, hi = float(np.nanmin(y)), float(np.nanmax(y))
    if not (math.isfinite(lo) and math.isfinite(hi)):  # a run that blew up: ±inf in it
        y = y[np.isfinite(y)]
        return (float(y.min()), float(y.max())) if len(y) else None
    return lo, hi


def _fit(plot: pg.PlotWidget, rows: list, log_y: bool) -> None:
    """Show the curves of ``rows`` [(curve, x, y, name)] whole, measured once per drawing.
    Auto-range measured them at every paint: with 10⁵-step curves thinned to the plot's width each
    measure moved the range a little and asked for another paint (up to 25 paints of 10–40 ms
    after one selection).  On the log plot the values are already positive or NaN (``positive``)."""
    lo, hi, end = np.inf, -np.inf, 1.0
    for _, x, y, _ in rows:
        if not len(x):  # a run stopped before its first step
            continue
        end = max(end, float(x[-1]))
        extremes = finite_range(y)
        if extremes is not None:
            lo, hi = min(lo, extremes[0]), max(hi, extremes[1])
    if lo > hi:  # nothing finite to show
        return
    if log_y:
        lo, hi = np.log10(lo), np.log10(hi)
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):  # a flat curve: a band around it
        lo, hi = lo - max(0.5, abs(lo) * 0.1), hi + max(0.5, abs(hi) * 0.1)
    plot.getPlotItem().setRange(xRange=(0, end), yRange=(lo, hi), padding=0.04)


def _plot(title: str, left: str, bottom: str, log_y: bool = False) -> pg.PlotWidget:
    w = pg.PlotWidget(background="w")
    p = w.getPlotItem()
    p.setTitle(title, size="9pt", color="#222")
    p.setLabel("left", left)
    p.setLabel("bottom", bottom)
    p.setLogMode(x=False, y=log_y)
    if log_y:  # label decades only: minor labels pile up on a short plot
        p.getViewBox().sigYRangeChanged.connect(lambda vb, r: decade_ticks(p.getAxis("left"), *r))
    p.setMenuEnabled(False)
    p.hideButtons()
    cache_axes(p)
    # as tall as the dock lets it, not as tall as it was: the word-wrapped labels beside the plots make
    # the scroll area size the panel by its preferred height (a plot's being its current one), and
    # the panel stood 603 px tall in a 300-px dock, the racer's plots cut at the bottom
    w.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
    w.setMinimumHeight(PLOT_MIN_HEIGHT_PX)
    return w


class EwaPanel(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self._normal_pt = self.font().pointSizeF()
        self.days = np.arange(1, 366)
        self.temps = temperatures(seed=SEED)

        # ---- the temperature year
        self.beta_boxes = []
        controls = QHBoxLayout()
        controls.addWidget(QLabel("β:"))
        for b, colour in zip(BETAS, BETA_COLOURS):
            box = QDoubleSpinBox()
            box.setRange(0.0, 0.999)
            box.setDecimals(3)
            box.setSingleStep(0.01)
            box.setValue(b)
            box.setKeyboardTracking(False)
            box.setStyleSheet(f"color: {colour}; font-weight: bold;")
            box.setToolTip("β of this average: it remembers about 1/(1 − β) days")
            box.valueChanged.connect(lambda _: self._draw_year())
            self.beta_boxes.append(box)
            controls.addWidget(box)
        self.uncorrected_box = QCheckBox("without bias correction (dashed)")
        self.uncorrected_box.setChecked(True)
        self.uncorrected_box.setToolTip("v₀ = 0 drags the first days toward 0; dividing by 1 − βᵗ corrects it")
        self.uncorrected_box.toggled.connect(lambda _: self._draw_year())
        controls.addStretch(1)
        self.year = _plot("Daily temperature, one year (seeded): v<sub>t</sub> = βv<sub>t−1</sub> + (1 − β)θ<sub>t</sub>",
                          "°C", "day")
        self.points = pg.ScatterPlotItem(self.days, self.temps, size=3, pen=None, brush=pg.mkBrush(90, 90, 90, 140))
        self.year.addItem(self.points)
        self.corrected = [pg.PlotCurveItem(pen=pg.mkPen(c, width=2)) for c in BETA_COLOURS]
        self.raw = [pg.PlotCurveItem(pen=pg.mkPen(c, width=1.5, style=Qt.PenStyle.DashLine)) for c in BETA_COLOURS]
        self.bars = [pg.PlotCurveItem(pen=pg.mkPen(c, width=5)) for c in BETA_COLOURS]
        self.bar_labels = [pg.TextItem(color=c, anchor=(1, 0.5)) for c in BETA_COLOURS]
        small = QFont()
        small.setPointSizeF(7.5)
        for label in self.bar_labels:
            label.setFont(small)
        for item in (*self.raw, *self.corrected, *self.bars, *self.bar_labels):
            self.year.addItem(item)
        self.day_line = pg.InfiniteLine(pos=DAY, angle=90, movable=True, bounds=(1, 365),
                                        pen=pg.mkPen((60, 60, 60), width=1, style=Qt.PenStyle.DotLine),
                                        label="day {value:.0f}",
                                        labelOpts={"color": (60, 60, 60), "fill": (255, 255, 255, 200)})
        self.day_line.setToolTip("Drag: each bar ends here and spans the ≈ 1/(1 − β) days its average remembers")
        self.day_line.sigPositionChanged.connect(self._place_windows)
        self.year.addItem(self.day_line)
        self.year.getPlotItem().getViewBox().sigResized.connect(self._place_windows)  # the rows' heights in px
        self.year.getPlotItem().setXRange(1, 365, padding=0.01)
        self.numbers = QLabel()
        self.numbers.setTextFormat(Qt.TextFormat.RichText)
        self.numbers.setWordWrap(True)

        # ---- the selected racer
        self.racer_label = QLabel()
        self.racer_label.setTextFormat(Qt.TextFormat.RichText)
        # a long racer name is cut, not given room: a label as wide as its text resized the three
        # plots at every selection (1499 ↔ 942 px), and each resize repainted them
        self.racer_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.coordinate_box = QComboBox()
        self.coordinate_box.addItem("x coordinate", 0)
        self.coordinate_box.addItem("y coordinate", 1)
        self.coordinate_box.setToolTip("Which coordinate of θ: every optimizer here treats each one on its own")
        self.coordinate_box.currentIndexChanged.connect(lambda _: self._draw_racer())
        racer_controls = QHBoxLayout()
        racer_controls.addWidget(self.racer_label, 1)
        racer_controls.addWidget(self.coordinate_box)
        self.first = _plot("g and its averages", "", "step")
        self.second = _plot("g² and its averages", "", "step", log_y=True)
        for plot in (self.first, self.second):  # readable side by side; a narrower dock scrolls
            plot.setMinimumWidth(RACER_PLOT_MIN_PX)
        self.first_legend = self.first.getPlotItem().addLegend(offset=(-5, 5), labelTextSize="8pt")
        self.second_legend = self.second.getPlotItem().addLegend(offset=(-5, 5), labelTextSize="8pt")
        self.g = [self._racer_curve(w, (150, 150, 150)) for w in (self.first, self.second)]
        self.series_curves = [[self._racer_curve(w, c, width=2) for c in SERIES_COLOURS] for w in (self.first, self.second)]
        self.cursors = []
        for w in (self.first, self.second):
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen((120, 120, 120), style=Qt.PenStyle.DashLine))
            w.addItem(line)
            self.cursors.append(line)
        for item in (*self.g, *self.series_curves[0], *self.series_curves[1]):
            item.setVisible(False)  # until a history arrives
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #444;")
        self._reserve_note_lines()

        left = QVBoxLayout()
        left.addLayout(controls)
        # a row of its own: beside the β boxes it made the panel 1,000 px wide, and the dock beside
        # the side panels of a 1,280-px screen scrolled sideways, the g² plot out of sight
        left.addWidget(self.uncorrected_box)
        left.addWidget(self.year, 1)
        left.addWidget(self.numbers)
        right = QVBoxLayout()
        right.addLayout(racer_controls)
        plots = QHBoxLayout()
        plots.addWidget(self.first)
        plots.addWidget(self.second)
        right.addLayout(plots, 1)
        right.addWidget(self.note)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(left, 1)
        lay.addLayout(right, 1)

        self.histories = Histories("averages", self)
        self._drawn = (None, None, None)  # the run, its history and the coordinate the curves show
        self.histories.updated.connect(self._draw_racer)
        self._redraw = Throttle(self._racer_changed, 150, self)  # a drag of the start changes the runs often
        for signal in (state.runsChanged, state.racersChanged, state.selectionChanged):
            signal.connect(self._redraw.request)
        state.stepChanged.connect(self._move_cursors)
        self._draw_year()
        self._racer_changed()

    # ------------------------------------------------------------------ the temperature year
    def betas(self) -> list[float]:
        return [box.value() for box in self.beta_boxes]

    def _draw_year(self) -> None:
        show_raw = self.uncorrected_box.isChecked()
        v, v_hat = formula("v", wrap=False), formula("v̂", wrap=False)
        rows = [f"<tr><td></td><td>&nbsp;window&nbsp;</td><td>&nbsp;day 1: {v}</td><td>&nbsp;{v_hat}</td>"
                f"<td>&nbsp;day 10: {v}</td><td>&nbsp;{v_hat}</td></tr>"]
        for beta, colour, solid, dashed in zip(self.betas(), BETA_COLOURS, self.corrected, self.raw):
            corrected, raw = ewa(self.temps, beta, True), ewa(self.temps, beta)
            solid.setData(self.days, corrected)
            dashed.setData(self.days, raw)
            dashed.setVisible(show_raw)
            rows.append(f"<tr><td style='color:{colour}'><b>β = {beta:g}</b></td><td>&nbsp;≈ {window(beta):.3g} "
                        f"days</td><td align=right>&nbsp;{raw[0]:.2f} °C</td><td align=right>&nbsp;{corrected[0]:.2f} °C"
                        f"</td><td align=right>&nbsp;{raw[9]:.2f} °C</td><td align=right>&nbsp;{corrected[9]:.2f} °C"
                        "</td></tr>")
        note = formula(f"θ on day 1: {self.temps[0]:.2f} °C, mean of days 1–10: {self.temps[:10].mean():.2f} °C. "
                       "Without the correction v̂ = v/(1 − βᵗ) the average starts near 0 and takes about "
                       "1/(1 − β) days to catch up.", wrap=False)
        self.numbers.setText(f"<table cellspacing=0>{''.join(rows)}</table><span style='color:#555'>{note}</span>")
        self._place_windows()

    def _place_windows(self) -> None:
        """A bar per β over the days its average remembers, ending on the chosen day, and the day's
        label in a row above the curves.  The bars are a label's height apart when the plot has the
        room; on a short plot (a small screen's dock) only the bars show, 7 px apart: their lengths
        are in the table below.  At a fixed 4.5 °C apart, labels and bars ran into each other."""
        day = float(self.day_line.value())
        bottom = min(0.0, float(self.temps.min())) - 2.0
        top = float(self.temps.max()) + 2.0
        rows = len(self.bars) + 1  # the bars and the day's label
        label_px = QFontMetrics(self.bar_labels[0].textItem.font()).height() + 2
        height_px = self.year.getPlotItem().getViewBox().height()
        labelled = height_px > 2 * rows * label_px
        row_px = label_px if labelled else 7  # the bars are 5 px thick
        gap = BAR_GAP
        if height_px > 2 * rows * row_px:
            gap = max(gap, row_px * (top - bottom) / (height_px - rows * row_px))
        for k, (beta, bar, label) in enumerate(zip(self.betas(), self.bars, self.bar_labels)):
            w = window(beta)
            y = bottom - gap * k
            bar.setData([max(1.0, day - w + 1), day], [y, y])
            label.setText(f"1/(1 − β) = {w:.3g} days")
            label.setPos(max(1.0, day - w + 1) - 2, y)
            label.setVisible(labelled)
        low, high = bottom - gap * (len(self.bars) - 0.5), top + gap
        self.year.getPlotItem().setYRange(low, high, padding=0)
        self.day_line.label.setPosition(1 - 0.5 * gap / (high - low))

    # ------------------------------------------------------------------ the selected racer
    @staticmethod
    def _racer_curve(plot: pg.PlotWidget, colour, width: float = 1) -> pg.PlotDataItem:
        c = long_curve(pen=pg.mkPen(colour, width=width), connect="finite")
        thin_long_curves(plot.getPlotItem())
        c.curve.setCacheMode(c.curve.CacheMode.DeviceCoordinateCache)  # still during play: the cursor moves alone
        plot.addItem(c)
        return c

    def selected_run(self):
        st = self.state
        i = st.selected
        if 0 <= i < len(st.racers) and len(st.runs) == len(st.racers):
            return st.racers[i], st.runs[i]
        return None, None

    def _racer_changed(self) -> None:
        if not self.isVisible():  # nothing to compute for a closed panel; showEvent catches up
            return
        _, run = self.selected_run()
        self.histories.want([run] if run is not None else [])
        self._draw_racer()

    def busy(self) -> bool:
        return self.histories.busy()

    def _draw_racer(self) -> None:
        racer, run = self.selected_run()
        h = self.histories.get(run) if run is not None else None
        j = self.coordinate_box.currentData()
        failed = self.histories.failed_text if racer is not None and h is None and not self.histories.busy() else ""
        waiting = racer is not None and h is None and not failed  # asked for, or about to be
        if racer is None:
            label = "<b>The selected racer</b>: none"
        else:
            name = f"<b style='color:{racer.color}'>{html.escape(racer.name)}</b>: "
            if h is not None:
                label = name + "what its optimizer keeps of the gradients"
            elif waiting:
                label = name + "computing…"
            else:
                label = name + "its averages could not be replayed: " + html.escape(failed)
        if label != self.racer_label.text():
            self.racer_label.setText(label)
            self.racer_label.setToolTip(label)  # the whole text where the label is cut
        if waiting:
            return  # the curves on show stay until the new ones are ready
        drawn, self._drawn = self._drawn, (run, h, j)
        if h is not None and drawn[0] is run and drawn[1] is h and drawn[2] == j:
            return  # on show already (10⁵ steps: ~40 ms to set these curves again after every change)
        if h is None:
            for c in (*self.g, *self.series_curves[0], *self.series_curves[1]):
                c.setVisible(False)
            for legend in (self.first_legend, self.second_legend):
                set_legend(legend, [])
            self.note.clear()
            return
        steps = np.arange(1, run.steps + 1)
        g = run.grad[:, j]
        shown = ([(self.g[0], steps, g, "g")], [(self.g[1], steps, positive(g * g), "g²")])  # per plot
        groups = ([s for s in h.series if s.averages == "g"], [s for s in h.series if s.averages != "g"])
        for k, (group, curves) in enumerate(zip(groups, self.series_curves)):
            for curve, s in zip(curves, group):
                y = s.values[:, j]  # row 0 is the state before the first step (0: where averages start)
                x, y = (np.arange(len(y)), y) if k == 0 else (np.arange(1, len(y)), positive(y[1:]))
                shown[k].append((curve, x, y, s.name))
            for curve in curves[len(group):]:
                curve.setVisible(False)
        for plot, rows, legend, log_y in zip((self.first, self.second), shown, (self.first_legend, self.second_legend),
                                             (False, True)):
            # the range first, applied while the curves are empty, then the data: each 10⁵-step curve
            # is thinned once, for the range it is shown at (set the other way round: twice)
            for curve, *_ in rows:
                curve.setData([], [])
            _fit(plot, rows, log_y)
            plot.getPlotItem().getViewBox().updateMatrix()
            for curve, x, y, _ in rows:
                curve.setData(x, y)
                curve.setVisible(True)
            set_legend(legend, [(curve, formula(name, wrap=False)) for curve, *_, name in rows])
        # nothing averaged ("SGD keeps no average …"): the note says so; said again across the g plot,
        # it covered the curve and was cut at the plot's edge
        self.note.setText(" · ".join(formula(s.note) for s in h.series) or formula(h.remark))
        self._keep_note_room()
        self._move_cursors(self.state.step)

    def _reserve_note_lines(self, lines: int = 2) -> None:
        """The note below the plots keeps room for two lines: one line for Adam's note and two for
        another optimizer's moved the three plots at every selection."""
        self.note.setMinimumHeight(lines * self.note.fontMetrics().lineSpacing())

    def _keep_note_room(self) -> None:
        """The note keeps the room of the longest one shown so far: one a line longer than the last
        made the plots shorter, and each resize thinned their 10⁵-step curves again and repainted
        them (30–70 ms inside a selection)."""
        needed = self.note.heightForWidth(self.note.width())
        if needed > self.note.minimumHeight():
            self.note.setMinimumHeight(needed)

    def _move_cursors(self, step: int) -> None:
        for line in self.cursors:
            line.setPos(step)

    # ------------------------------------------------------------------ Qt events
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._racer_changed()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode scales the application font
            for w in (self.year, self.first, self.second):
                set_axis_font(w.getPlotItem(), self.font().pointSizeF() > 1.2 * self._normal_pt)
            self._reserve_note_lines()
