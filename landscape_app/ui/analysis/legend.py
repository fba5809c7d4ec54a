"""A small legend floating over the landscape for an overlay (basins, ghost paths): a title, a
row per colour (a swatch and what it means) or a labelled colour ramp, and an opacity slider.

It is a child widget of the view, kept in the plot's lower-left corner; it takes no keys and
hides with its overlay.  Several legends stack upwards.
"""
from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

MARGIN = 8
_ORDER = itertools.count()  # legends made earlier sit lower


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


class OverlayLegend(QFrame):
    opacityChanged = Signal(float)

    def __init__(self, view, title: str, opacity: float | None = None):
        super().__init__(view.viewport())
        self.view = view
        self.order = next(_ORDER)
        self.setObjectName("overlayLegend")
        self.setStyleSheet("#overlayLegend { background: rgba(255, 255, 255, 225); border: 1px solid #888; "
                           "border-radius: 4px; } QLabel { background: transparent; }")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.setSpacing(2)
        self.title = QLabel(f"<b>{title}</b>")
        lay.addWidget(self.title)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(1)
        lay.addWidget(self.body)
        self.slider = None
        if opacity is not None:
            row = QHBoxLayout()
            row.addWidget(QLabel("opacity"))
            self.slider = QSlider(Qt.Orientation.Horizontal)
            self.slider.setRange(10, 100)
            self.slider.setValue(round(opacity * 100))
            self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the window
            self.slider.setToolTip("How strongly the overlay covers the landscape (10 … 100 %); the trails "
                                   "are always drawn above it")
            self.slider.valueChanged.connect(lambda v: self.opacityChanged.emit(v / 100))
            row.addWidget(self.slider, 1)
            lay.addLayout(row)
        self.hide()
        self._follow = _Follow(self)
        view.viewport().installEventFilter(self._follow)

    def set_rows(self, rows) -> None:
        """rows: [(colour, text)]"""
        self._clear()
        for k, (colour, text) in enumerate(rows):
            mark = QLabel()
            mark.setPixmap(swatch(colour))
            self.grid.addWidget(mark, k, 0)
            self.grid.addWidget(QLabel(text), k, 1)
        self.place()

    def set_ramp(self, colours, labels, caption: str = "") -> None:
        self._clear()
        self.grid.addWidget(Ramp(colours, labels), 0, 0)
        if caption:
            self.grid.addWidget(QLabel(caption), 1, 0)
        self.place()

    def _clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def place(self) -> None:
        """Lower-left corner of the plot area, above any legend already there."""
        self.adjustSize()
        vb = self.view.getPlotItem().getViewBox()
        rect = self.view.mapFromScene(vb.sceneBoundingRect()).boundingRect()
        y = rect.bottom() - MARGIN
        for other in self.view.viewport().findChildren(OverlayLegend):
            if other is not self and other.isVisible() and other.order < self.order:
                y = min(y, other.y() - MARGIN)
        self.move(rect.left() + MARGIN, max(0, y - self.height()))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.place()


class _Follow(QObject):
    """Keeps a legend in its corner when the view is resized."""

    def __init__(self, legend: OverlayLegend):
        super().__init__(legend)
        self.legend = legend

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize and self.legend.isVisible():
            self.legend.place()
        return False
