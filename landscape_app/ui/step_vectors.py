"""The selected racer's step drawn as arrows: gradient, clipped gradient, momentum part, look-ahead."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF

from ..core.inspect import StepDetail, format_pair, inspect_step

# (label, colour) of each arrow kind
RAW = ("−∇f (raw)", (90, 90, 90))
USED = ("−g (noisy/clipped)", (220, 30, 30))
VELOCITY = ("momentum part", (240, 140, 0))
STEP = ("actual step", (0, 0, 0))


def detail_for(state, index: int) -> StepDetail:
    r = state.racers[index]
    return inspect_step(state.scenario.surface, r.optimizer, state.start, state.step, seed=r.seed, **r.hyper)


class StepVectors:
    """Arrows in the contour view; lengths are rescaled together so the longest is readable."""

    def __init__(self, view: pg.PlotWidget):
        self.view = view
        self.lines = pg.PlotDataItem(connect="pairs")
        self.lines.setZValue(25)
        view.addItem(self.lines)
        self.arrows = [pg.ArrowItem(headLen=12, tipAngle=30, tailLen=0, pen=None) for _ in range(4)]
        for a in self.arrows:
            a.setZValue(26)
            view.addItem(a)
        self.lookahead = pg.ScatterPlotItem(symbol="d", size=11, brush=pg.mkBrush(240, 140, 0), pen=pg.mkPen("k"))
        self.lookahead.setZValue(26)
        view.addItem(self.lookahead)
        self.caption = pg.TextItem(anchor=(0, 0), color=(20, 20, 20), fill=pg.mkBrush(255, 255, 255, 200))
        self.caption.setZValue(27)
        view.addItem(self.caption)
        self.hide()

    def hide(self) -> None:
        for item in (self.lines, self.lookahead, self.caption, *self.arrows):
            item.setVisible(False)

    def show_for(self, state, index: int, extent) -> None:
        d = detail_for(state, index)
        vectors = []  # (origin, vector, (label, colour))
        vectors.append((d.eval_point, -d.raw_grad, RAW))
        if d.used_grad is not None and not np.allclose(d.used_grad, d.raw_grad):
            vectors.append((d.eval_point, -d.used_grad, USED))
        if d.velocity_step is not None and np.linalg.norm(d.velocity_step) > 0:
            vectors.append((d.theta, d.velocity_step, VELOCITY))
        if d.next_theta is not None:
            vectors.append((d.theta, d.next_theta - d.theta, STEP))
        lengths = [np.linalg.norm(v) for _, v, _ in vectors if np.isfinite(v).all()]
        longest = max(lengths, default=0.0)
        if longest == 0:
            self.hide()
            return
        scale = 0.18 * min(extent[1] - extent[0], extent[3] - extent[2]) / longest
        xs, ys, pens = [], [], []
        for arrow, (origin, v, (label, colour)) in zip(self.arrows, vectors):
            tip = origin + v * scale
            xs += [origin[0], tip[0]]
            ys += [origin[1], tip[1]]
            self._place_arrow(arrow, origin, tip, colour)
        for arrow in self.arrows[len(vectors):]:
            arrow.setVisible(False)
        self.lines.setData(xs, ys, pen=pg.mkPen((40, 40, 40), width=2))
        self.lines.setVisible(True)
        if not np.allclose(d.eval_point, d.theta):
            self.lookahead.setData([d.eval_point[0]], [d.eval_point[1]])
            self.lookahead.setVisible(True)
        else:
            self.lookahead.setVisible(False)
        legend = "  ".join(f"<span style='color: rgb{c}'>■</span> {label}" for _, _, (label, c) in vectors)
        self.caption.setHtml(f"<small>{legend}<br>arrows ×{scale:.3g}</small>")
        self.caption.setPos(extent[0], extent[3])
        self.caption.setVisible(True)

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
    if not 0 <= index < len(state.racers):
        return ""
    d = detail_for(state, index)
    r = state.racers[index]
    rows = [("step", str(d.step)), ("θ", format_pair(d.theta)),
            ("α (after decay)", f"{d.lr:.4g}" if d.lr is not None else "—"),
            ("∇f at " + ("look-ahead" if not np.allclose(d.eval_point, d.theta) else "θ"), format_pair(d.raw_grad))]
    if d.used_grad is not None and not np.allclose(d.used_grad, d.raw_grad):
        rows.append(("g used (noise/clip)", format_pair(d.used_grad)))
    rows += [(name, format_pair(v)) for name, v in d.quantities.items()]
    cells = "".join(f"<tr><td style='color:#555'>{k}</td><td>&nbsp;{v}</td></tr>" for k, v in rows)
    return f"<b style='color:{r.color}'>{r.name}</b><table>{cells}</table>"
