"""Fixed-size markers (a racer's head, the ✕ where a racer diverged) placed at data points.

A ScatterPlotItem rebuilds its spot table on every ``setData`` (~0.7 ms); these markers ignore
the view's zoom and move with a single C++ ``setPos`` call, so they cost nothing per frame.
"""
from __future__ import annotations

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
