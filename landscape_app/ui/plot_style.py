"""Axis settings shared by the plots: cached text, and the presentation-mode font sizes."""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QFont

from .landscape_image import label_of

NORMAL_PT, PRESENTING_PT = 9.0, 14.0


def axes_of(item) -> list[pg.AxisItem]:
    """The AxisItems of a PlotItem (a dict of dicts) or of a ColorBarItem (one ``axis``)."""
    if isinstance(getattr(item, "axes", None), dict):
        return [a["item"] if isinstance(a, dict) else a for a in item.axes.values()]
    return [item.axis]


def cache_axes(item) -> None:
    """Axes redraw their text (~3 ms each) whenever a trail under them changes; replay a pixmap instead."""
    for axis in axes_of(item):
        axis.setCacheMode(axis.CacheMode.DeviceCoordinateCache)


def set_axis_font(item, presenting: bool) -> None:
    """Tick labels and axis titles large enough for the back row of a classroom."""
    size = PRESENTING_PT if presenting else NORMAL_PT
    font = QFont()
    font.setPointSizeF(size)
    for axis in axes_of(item):
        axis.setStyle(tickFont=font)
        if axis.labelText:
            axis.setLabel(axis.labelText, units=axis.labelUnits, **{"font-size": f"{size:g}pt"})


def decade_ticks(axis: pg.AxisItem, lo: float, hi: float) -> None:
    """Label a log axis (coordinates log₁₀ v, from lo to hi) at its powers of ten only, thinned to at
    most six labels: on a short plot pyqtgraph's own minor labels (0.2, 0.3, …) pile up."""
    first, last = math.ceil(lo - 1e-9), math.floor(hi + 1e-9)
    every = max(1, math.ceil((last - first + 1) / 6))
    axis.setTicks([[(float(k), label_of(10.0 ** k)) for k in range(first, last + 1) if k % every == 0], []])
