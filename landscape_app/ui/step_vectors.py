"""The selected racer's step drawn as arrows: gradient, clipped gradient, momentum part, look-ahead."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont

from ..core.inspect import StepDetail, format_pair, inspect_step
from .palette import VECTOR_RAW, VECTOR_STEP, VECTOR_USED, VECTOR_VELOCITY, rgb_of

# (label, colour, dashed) of each arrow kind: colours no racer has (palette.py)
RAW = ("−α∇f (gradient step)", rgb_of(VECTOR_RAW), True)
USED = ("−αg (after noise/clipping)", rgb_of(VECTOR_USED), False)
VELOCITY = ("momentum part", rgb_of(VECTOR_VELOCITY), False)
STEP = ("actual step", rgb_of(VECTOR_STEP), False)


def detail_for(state, index: int) -> StepDetail:
    r = state.racers[index]
    return inspect_step(state.scenario.surface, r.optimizer, state.start, state.step, seed=r.seed, **r.hyper)


class StepVectors:
    """Arrows in the contour view; lengths are rescaled together so the longest is readable."""

    def __init__(self, view: pg.PlotWidget):
        self.view = view
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
        longest = max((np.linalg.norm(v) for _, v, _ in vectors), default=0.0)
        if longest == 0:
            self.hide()
            return
        size = min(extent[1] - extent[0], extent[3] - extent[2])
        # true size when readable, so the arrows end on the racer's next point; else magnified
        scale = 1.0 if 0.04 * size <= longest <= 0.4 * size else 0.18 * size / longest
        for arrow, shaft, (origin, v, (label, colour, dashed)) in zip(self.arrows, self.shafts, vectors):
            start = d.theta + origin * scale
            tip = start + v * scale
            style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
            shaft.setData([start[0], tip[0]], [start[1], tip[1]], pen=pg.mkPen(colour, width=2, style=style))
            shaft.setVisible(True)
            self._place_arrow(arrow, start, tip, colour)
        for arrow, shaft in zip(self.arrows[len(vectors):], self.shafts[len(vectors):]):
            arrow.setVisible(False)
            shaft.setVisible(False)
        has_lookahead = bool(np.linalg.norm(look) > 0)
        if has_lookahead:
            p = d.theta + look * scale
            self.lookahead.setData([p[0]], [p[1]])
        self.lookahead.setVisible(has_lookahead)
        legend = "  ".join(f"<span style='color: rgb{c}'>■</span> {label}" for _, _, (label, c, _) in vectors)
        if has_lookahead:
            legend += f"  <span style='color: rgb{VELOCITY[1]}'>◆</span> look-ahead point"
        zoom = "true size" if scale == 1.0 else f"arrows ×{scale:.3g}"
        font = QFont()
        font.setPointSizeF(13 if getattr(self.view, "presenting", False) else 8)  # TextItems ignore the app font
        self.caption.textItem.setFont(font)
        self.caption.setHtml(f"{legend}<br>{zoom} · α = {a:.3g}")
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
