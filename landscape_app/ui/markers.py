"""Fixed-size markers (a racer's head, the ✕ where a racer diverged) placed at data points, and the
surface's minima (global, local, or a ray).

A ScatterPlotItem rebuilds its spot table on every ``setData`` (~0.7 ms); these markers ignore
the view's zoom and move with a single C++ ``setPos`` call, so they cost nothing per frame.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem


def disc(size: float) -> QPainterPath:
    path = QPainterPath()
    path.addEllipse(QRectF(-size / 2, -size / 2, size, size))
    return path


def cross(size: float) -> QPainterPath:
    h = size / 2
    path = QPainterPath()
    path.moveTo(-h, -h)
    path.lineTo(h, h)
    path.moveTo(-h, h)
    path.lineTo(h, -h)
    return path


class Marker(QGraphicsPathItem):
    """A symbol drawn in pixels (constant size at any zoom) at a point in data coordinates."""

    def __init__(self, shape: QPainterPath, fill: str | None, outline: str, width: float, z: float):
        super().__init__(shape)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setBrush(QBrush(QColor(fill)) if fill else QBrush(Qt.BrushStyle.NoBrush))
        pen = QPen(QColor(outline), width)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setZValue(z)

    def place(self, x: float, y: float) -> None:
        p = QPointF(x, y)
        if p != self.pos():
            self.setPos(p)

    def set_fill(self, color: str) -> None:
        self.setBrush(QBrush(QColor(color)))


def head(color: str, size: float) -> Marker:
    return Marker(disc(size), color, "white", 1.5, 20)


class CrashMarker(Marker):
    """A red ✕ on a white halo: readable on the darkest and the lightest colours of the map."""

    def paint(self, painter, option, widget=None) -> None:
        halo = QPen(QColor("white"), self.pen().widthF() + 2.5)
        halo.setCosmetic(True)
        painter.setPen(halo)
        painter.drawPath(self.path())
        painter.setPen(self.pen())
        painter.drawPath(self.path())

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-3, -3, 3, 3)


def crash(size: float) -> Marker:
    return CrashMarker(cross(size), None, "#d01010", 2.5, 21)


# --------------------------------------------------------------------------- the surface's minima

class MinimaMarks:
    """The listed minima in the contour view: a filled star for a global minimum, a hollow one for a
    local minimum (``core.standings.is_global``, the leaderboard's own test), and for a
    batch-normalized surface, whose minimum is a direction rather than a point, the minimizing ray
    from the origin."""

    RAY_LENGTH = 100.0  # in domain diagonals: the ray leaves any view (the view box clips it)

    def __init__(self, view):
        import pyqtgraph as pg

        self.glob = pg.ScatterPlotItem(symbol="star", size=21, brush=pg.mkBrush(255, 255, 255, 240),
                                       pen=pg.mkPen("k", width=1.5))
        self.local = pg.ScatterPlotItem(symbol="star", size=14, brush=pg.mkBrush(0, 0, 0, 0),
                                        pen=pg.mkPen((20, 20, 20), width=2.2))
        # a ray: a dark casing under a dashed white core, readable on every colour of the map
        self.ray_casing = pg.PlotCurveItem(pen=pg.mkPen((20, 20, 20, 200), width=5))
        self.ray = pg.PlotCurveItem(pen=pg.mkPen("w", width=2, style=Qt.PenStyle.DashLine))
        for z, item in enumerate((self.ray_casing, self.ray, self.glob, self.local)):
            item.setZValue(5 + 0.1 * z)
            view.addItem(item, ignoreBounds=True)
        # the landscape only changes on zoom: replay a pixmap while trails animate on top
        for item in (self.glob, self.local):
            item.setCacheMode(item.CacheMode.DeviceCoordinateCache)
        self.kinds: list[str] = []  # per listed minimum: "global", "local" or "ray" (what is on show)

    def show(self, surface, tol: float) -> None:
        self.kinds = minima_kinds(surface, tol)
        if self.kinds == ["ray"]:
            u = np.array(surface.minima[0][:2]) / math.hypot(*surface.minima[0][:2])
            x0, x1, y0, y1 = surface.domain
            end = u * self.RAY_LENGTH * math.hypot(x1 - x0, y1 - y0)
            for item in (self.ray_casing, self.ray):
                item.setData([0.0, end[0]], [0.0, end[1]])
                item.setVisible(True)
            self.glob.clear()
            self.local.clear()
            return
        for item in (self.ray_casing, self.ray):
            item.setVisible(False)
        for item, kind in ((self.glob, "global"), (self.local, "local")):
            pts = [m for m, k in zip(surface.minima, self.kinds) if k == kind]
            item.setData([m[0] for m in pts], [m[1] for m in pts], data=[f"{kind} minimum f = {m[2]:.4g}" for m in pts])

    def set_size(self, px: float) -> None:
        """The global minimum's star ``px`` wide, a local one's two thirds of it (a thumbnail's
        stars must not hide its wells)."""
        self.glob.setSize(px)
        self.local.setSize(round(px * 2 / 3))



def minima_kinds(surface, tol: float) -> list[str]:
    """Per listed minimum: "global" or "local"; ["ray"] for a batch-normalized surface."""
    from ..core.standings import is_global

    if getattr(surface, "bn", False):
        return ["ray"]
    return ["global" if is_global(surface, k, tol) else "local" for k in range(len(surface.minima))]


def minima_key(kinds: list[str]) -> list[str]:
    """What the marks of these kinds mean, as a legend entry (HTML, kept on one line); none when
    there is only one kind of point to see.  It goes in the legend line above the picture: in a
    corner of the plot it hid some of Rastrigin's hundred stars."""
    if "ray" in kinds:
        return ["<b>╌</b> the minimum is a ray: every point of the best direction"]
    if "local" in kinds:
        return ["★ global minimum&nbsp;&nbsp;&nbsp;☆ local minimum"]
    return []


class DomainFrame(QGraphicsPathItem):
    """The surface's domain framed, and the landscape outside it veiled: at equal scales the view is
    wider than the domain on one side, and "thrown out of the domain" (a demo's claim, the ✕ of a
    diverged racer) must be visible as leaving the frame, not just the window."""

    FAR = 1000.0  # the veil reaches this many domain sizes out: beyond any zoom out

    def __init__(self):
        super().__init__()
        self.setBrush(QBrush(QColor(255, 255, 255, 150)))
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setZValue(-5)  # over the landscape and its isolines, under minima and trails
        self.edge = QGraphicsPathItem(self)
        pen = QPen(QColor(60, 60, 60), 1.2)
        pen.setCosmetic(True)  # one pixel wide at any zoom
        self.edge.setPen(pen)

    def show_domain(self, domain) -> None:
        x0, x1, y0, y1 = domain
        inner = QRectF(x0, y0, x1 - x0, y1 - y0)
        far = self.FAR * max(inner.width(), inner.height())
        veil = QPainterPath()
        veil.addRect(inner.adjusted(-far, -far, far, far))
        veil.addRect(inner)  # odd-even fill: a hole where the domain is
        self.setPath(veil)
        edge = QPainterPath()
        edge.addRect(inner)
        self.edge.setPath(edge)
