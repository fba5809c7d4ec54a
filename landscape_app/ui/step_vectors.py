"""The selected racer's step drawn as arrows: gradient, clipped gradient, momentum part, look-ahead.

The arrows' scale is fixed for a surface and a zoom, and stated in the legend; it never depends on
the vectors drawn.  (It used to be chosen so the longest arrow was readable: at convergence the
rounding noise of a vanishing gradient was then magnified into a huge arrow, "arrows ×3.1e+22".)
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont

from ..core.inspect import StepDetail, format_pair, replay, step_detail
from ..core.notation import html

from .palette import VECTOR_RAW, VECTOR_STEP, VECTOR_USED, VECTOR_VELOCITY, rgb_of

# (label, colour, dashed) of each arrow kind: colours no racer has (palette.py)
RAW = ("−α∇f (gradient step)", rgb_of(VECTOR_RAW), True)
USED = ("−αg (after noise/clipping)", rgb_of(VECTOR_USED), False)
VELOCITY = ("momentum part", rgb_of(VECTOR_VELOCITY), False)
STEP = ("actual step", rgb_of(VECTOR_STEP), False)
READABLE = 0.15  # the steep part of the view's gradient steps is drawn about this fraction of its size
MIN_PIXELS = 3.0  # shorter arrows are not drawn: a head alone would point in a meaningless direction
PROBES = 12  # the view is probed on PROBES × PROBES points
STEEP = 90  # percentile of the probed steps the scale is made for


def typical_step(surface, extent) -> float:
    """A long plain gradient step −α∇f of the view (α: the surface's suggested rate): the 90th
    percentile over a grid of its points, so a wide plateau does not make the steps near its basin
    look enormous; it depends on the surface and the view only, whatever racer is shown and wherever
    it is (≤ 0.8 ms on a data surface of 200 points)."""
    x0, x1, y0, y1 = extent
    xs = x0 + (np.arange(PROBES) + 0.5) * (x1 - x0) / PROBES
    ys = y0 + (np.arange(PROBES) + 0.5) * (y1 - y0) / PROBES
    lengths = np.array([math.hypot(*surface.value_and_grad(x, y)[1:]) for x in xs for y in ys])
    lengths = lengths[np.isfinite(lengths)]
    return surface.lr * float(np.percentile(lengths, STEEP)) if len(lengths) else math.nan


def arrow_scale(surface, extent) -> float:
    """How much the arrows are magnified: 1 (true size: the arrows end on the racer's next point),
    or a power of ten when true-size steps of this view would be too short to read.  Fixed by the
    surface and the view, never by the vectors drawn; never below 1, so a step that leaves the
    picture is drawn leaving it."""
    size = min(extent[1] - extent[0], extent[3] - extent[2])
    ref = typical_step(surface, extent)
    if not (math.isfinite(ref) and ref > 0 and size > 0):
        return 1.0
    return 10.0 ** max(0, round(math.log10(READABLE * size / ref)))


def scale_text(scale: float) -> str:
    if scale == 1.0:
        return "arrows at true size"
    return f"arrows ×{power_of_ten(scale)} (fixed for this surface and zoom)"


def power_of_ten(value: float) -> str:
    k = round(math.log10(value))
    return {0: "1", 1: "10", 2: "100"}.get(k) or "10" + str(k).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def detail_for(state, index: int) -> StepDetail:
    """The selected step of racer ``index``'s run on show: the arrows belong to the trail drawn."""
    run = state.runs[index]
    return step_detail(run, state.step, _states_of(run))


_replayed: tuple[object, np.ndarray] | None = None  # (run, its states): the selected racer's, replayed once


def _states_of(run) -> np.ndarray:
    """The optimizer's state after every step of ``run``, replayed once per run (10⁵ steps: ~3 ms),
    then read for every frame of play and for the readout."""
    global _replayed
    if _replayed is None or _replayed[0] is not run:
        _replayed = (run, replay(run)[0])
    return _replayed[1]


class StepVectors:
    """Arrows in the contour view at the scale :func:`arrow_scale` of the surface and the zoom."""

    def __init__(self, view: pg.PlotWidget):
        self.view = view
        self.scale = 1.0  # the magnification on show
        self._scale_for = None  # (surface, domain, view) the scale was chosen for
        # one shaft per arrow: the selected racer only, so 2-px pens cost nothing noticeable
        self.shafts = [pg.PlotCurveItem() for _ in range(4)]
        for shaft in self.shafts:
            shaft.setZValue(25)
            view.addItem(shaft)
        self.arrows = [pg.ArrowItem(headLen=12, tipAngle=30, tailLen=0, pen=None) for _ in range(4)]
        for a in self.arrows:
            a.setZValue(26)
            view.addItem(a)
        self.lookahead = pg.ScatterPlotItem(symbol="d", size=11, brush=pg.mkBrush(*VELOCITY[1]), pen=pg.mkPen("k"))
        self.lookahead.setZValue(26)
        view.addItem(self.lookahead)
        self.caption = pg.TextItem(anchor=(0, 0), color=(20, 20, 20), fill=pg.mkBrush(255, 255, 255, 200))
        self.caption.setZValue(27)
        view.addItem(self.caption)
        self.hide()

    def hide(self) -> None:
        for item in (*self.shafts, self.lookahead, self.caption, *self.arrows):
            item.setVisible(False)

    def show_for(self, state, index: int, extent) -> None:
        """Every arrow is a displacement of θ (the gradient as the step −α∇f plain descent would
        take), so they add up: momentum part + gradient part = actual step.  For Nesterov the
        gradient part starts at the look-ahead point, where it was taken, and ends on θₖ₊₁."""
        d = detail_for(state, index)
        a = d.lr if d.lr is not None else state.racers[index].hyper["lr"]
        look = d.eval_point - d.theta  # zero unless Nesterov
        vectors = [(look, -a * d.raw_grad, RAW)]  # (origin relative to θ, vector, style)
        if d.used_grad is not None and not np.allclose(d.used_grad, d.raw_grad):
            vectors.append((look, -a * d.used_grad, USED))
        if d.velocity_step is not None and np.linalg.norm(d.velocity_step) > 0:
            vectors.append((np.zeros(2), d.velocity_step, VELOCITY))
        if d.next_theta is not None:
            vectors.append((np.zeros(2), d.next_theta - d.theta, STEP))
        vectors = [v for v in vectors if np.isfinite(v[1]).all()]
        key = (state.surface.name, state.surface.domain, tuple(extent))
        if key != self._scale_for:  # once per surface and zoom, not on every frame of play
            self._scale_for, self.scale = key, arrow_scale(state.surface, extent)
        scale = self.scale
        pixel = self._pixel_size()
        drawn, short = [], []
        for origin, v, style in vectors:
            (drawn if np.hypot(*(v * scale / pixel)) >= MIN_PIXELS else short).append((origin, v, style))
        for arrow, shaft, (origin, v, (label, colour, dashed)) in zip(self.arrows, self.shafts, drawn):
            start = d.theta + origin * scale
            tip = start + v * scale
            style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
            shaft.setData([start[0], tip[0]], [start[1], tip[1]], pen=pg.mkPen(colour, width=2, style=style))
            shaft.setVisible(True)
            self._place_arrow(arrow, start, tip, colour)
        for arrow, shaft in zip(self.arrows[len(drawn):], self.shafts[len(drawn):]):
            arrow.setVisible(False)
            shaft.setVisible(False)
        has_lookahead = bool(np.linalg.norm(look) > 0)
        if has_lookahead:
            p = d.theta + look * scale
            self.lookahead.setData([p[0]], [p[1]])
        self.lookahead.setVisible(has_lookahead)
        legend = "  ".join(f"<span style='color: rgb{c}'>■</span> {label}" for _, _, (label, c, _) in drawn)
        if has_lookahead:
            legend += f"  <span style='color: rgb{VELOCITY[1]}'>◆</span> look-ahead point"
        if short:
            legend += ("<br>" if drawn else "") + "shorter than a pixel or two: " + \
                ", ".join(label for _, _, (label, _, _) in short)
        font = QFont()
        font.setPointSizeF(13 if getattr(self.view, "presenting", False) else 8)  # TextItems ignore the app font
        self.caption.textItem.setFont(font)
        self.caption.setHtml(f"{legend}<br>{scale_text(scale)} · α = {a:.3g}")
        self.caption.setPos(extent[0], extent[3])
        self.caption.setVisible(True)

    def _pixel_size(self) -> np.ndarray:
        try:
            return np.array(self.view.pixel_size())
        except ZeroDivisionError:  # not laid out yet: draw everything
            return np.array([1e-300, 1e-300])

    def _place_arrow(self, arrow: pg.ArrowItem, origin, tip, colour) -> None:
        vb = self.view.getPlotItem().getViewBox()
        a = vb.mapViewToScene(QPointF(*origin))
        b = vb.mapViewToScene(QPointF(*tip))
        angle = math.degrees(math.atan2(b.y() - a.y(), b.x() - a.x())) + 180.0  # 0° points left
        arrow.setStyle(angle=angle, brush=pg.mkBrush(*colour))
        arrow.setPos(QPointF(*tip))
        arrow.setVisible(True)


def describe(state, index: int) -> str:
    """HTML readout of the racer's state at the current step."""
    if not 0 <= index < min(len(state.racers), len(state.runs)):  # new racers' runs still computing
        return ""
    d = detail_for(state, index)
    r = state.racers[index]
    rows = [("step", str(d.step)), ("θ", format_pair(d.theta)),
            ("α (after decay)", f"{d.lr:.4g}" if d.lr is not None else "—"),
            ("∇f at " + ("look-ahead" if not np.allclose(d.eval_point, d.theta) else "θ"), format_pair(d.raw_grad))]
    if d.used_grad is not None and not np.allclose(d.used_grad, d.raw_grad):
        rows.append(("g used (noise/clip)", format_pair(d.used_grad)))
    rows += [(name, format_pair(v)) for name, v in d.quantities.items()]
    cells = "".join(f"<tr><td style='color:#555'>{html(k, wrap=False)}</td><td>&nbsp;{v}</td></tr>" for k, v in rows)
    return f"<b style='color:{r.color}'>{r.name}</b><table>{cells}</table>"
