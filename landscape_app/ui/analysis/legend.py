"""A legend for an overlay of the landscape (basins, ghost paths): a title, a swatch per colour
and what it means (or a labelled colour ramp), and an opacity slider.

Legends live in a strip under the landscape (``LegendStrip``, its ``content`` is
``window.overlay_legends``), side by side, never on the plot: a box over the plot hid the very trails
the overlay is about.  A legend hides with its overlay, and the strip then takes no room.  Legends
wider than the window scroll sideways: two side by side with many basins asked for 1,860 px and
widened a 1024-px window past its screen.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QSlider,
                               QVBoxLayout, QWidget)

MAX_ROWS = 3  # rows per column of swatches: the strip stays low, the landscape keeps its height


def swatch(colour, size: int = 14) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(QColor(*colour) if isinstance(colour, tuple) else QColor(colour))
    painter = QPainter(pix)
    painter.setPen(QColor(60, 60, 60))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return pix


class Ramp(QWidget):
    """Colours left to right with a label under each stop."""

    def __init__(self, colours, labels, parent=None):
        super().__init__(parent)
        self.colours = [QColor(*c) if isinstance(c, tuple) else QColor(c) for c in colours]
        self.labels = list(labels)
        self.setMinimumHeight(self.fontMetrics().height() + 18)
        widest = max((self.fontMetrics().horizontalAdvance(t) for t in self.labels), default=30)
        self.setMinimumWidth((widest + 6) * max(len(self.labels), 1))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        w, bar = self.width(), 12
        gradient = QLinearGradient(0, 0, w, 0)
        n = len(self.colours)
        for k, c in enumerate(self.colours):
            gradient.setColorAt(k / max(n - 1, 1), c)
        painter.fillRect(0, 0, w, bar, gradient)
        painter.setPen(QColor(40, 40, 40))
        cell = w / max(len(self.labels), 1)
        for k, text in enumerate(self.labels):
            painter.drawText(int(k * cell), bar + 2, int(cell), self.height() - bar - 2,
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
        painter.end()


class LegendStrip(QScrollArea):
    """The legends side by side under the landscape: as tall as they are (no height while none
    shows), never wider than the window: they scroll sideways instead."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.content = QWidget()
        strip = QHBoxLayout(self.content)
        strip.setContentsMargins(4, 0, 4, 0)
        strip.addStretch(1)
        self.setWidget(self.content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.content.installEventFilter(self)  # a legend shown, hidden or refilled asks its layout again

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return False

    def _height(self) -> int:
        height = self.content.sizeHint().height()
        if self.content.minimumSizeHint().width() > self.viewport().width():
            height += self.horizontalScrollBar().sizeHint().height()
        return height

    def sizeHint(self) -> QSize:
        return QSize(self.content.sizeHint().width(), self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.height() != self._height():  # the scroll bar came or went
            self.updateGeometry()


class OverlayLegend(QFrame):
    opacityChanged = Signal(float)

    def __init__(self, host: QWidget, title: str, opacity: float | None = None):
        super().__init__(host)
        self.setObjectName("overlayLegend")
        self.setStyleSheet("#overlayLegend { border: 1px solid #bbb; border-radius: 3px; }")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        lay.setSpacing(10)
        left = QVBoxLayout()
        left.setSpacing(1)
        self.title = QLabel(f"<b>{title}</b>")
        left.addWidget(self.title)
        self.slider = None
        if opacity is not None:
            row = QHBoxLayout()
            row.addWidget(QLabel("opacity"))
            self.slider = QSlider(Qt.Orientation.Horizontal)
            self.slider.setRange(10, 100)
            self.slider.setValue(round(opacity * 100))
            self.slider.setMaximumWidth(120)
            self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the window
            self.slider.setToolTip("How strongly the overlay covers the landscape (10 … 100 %); the trails "
                                   "are always drawn above it")
            self.slider.valueChanged.connect(lambda v: self.opacityChanged.emit(v / 100))
            row.addWidget(self.slider, 1)
            left.addLayout(row)
        left.addStretch(1)
        lay.addLayout(left)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(1)
        lay.addWidget(self.body, 1)
        host.layout().insertWidget(max(host.layout().count() - 1, 0), self)  # before the strip's stretch
        self.hide()

    def set_rows(self, rows) -> None:
        """rows: [(colour or None for no swatch, text)], in columns of at most MAX_ROWS."""
        self._clear()
        columns = max(1, math.ceil(len(rows) / MAX_ROWS))
        per_column = math.ceil(len(rows) / columns) if rows else 1
        for k, (colour, text) in enumerate(rows):
            r, c = k % per_column, 2 * (k // per_column)
            if colour is not None:
                mark = QLabel()
                mark.setPixmap(swatch(colour))
                self.grid.addWidget(mark, r, c)
            self.grid.addWidget(QLabel(text), r, c + 1)

    def set_ramp(self, colours, labels, caption: str = "") -> None:
        self._clear()
        self.grid.addWidget(Ramp(colours, labels), 0, 0)
        if caption:
            self.grid.addWidget(QLabel(caption), 1, 0)

    def _clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
