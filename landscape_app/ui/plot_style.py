"""Axis settings shared by the plots: cached text, tick labels that never overlap, and the
presentation-mode font sizes."""
from __future__ import annotations

import math
import types

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QTextDocument

from .landscape_image import label_of

NORMAL_PT, PRESENTING_PT = 9.0, 14.0


def axes_of(item) -> list[pg.AxisItem]:
    """The AxisItems of a PlotItem (a dict of dicts) or of a ColorBarItem (one ``axis``)."""
    if isinstance(getattr(item, "axes", None), dict):
        return [a["item"] if isinstance(a, dict) else a for a in item.axes.values()]
    return [item.axis]


def cache_axes(item) -> None:
    """Axes redraw their text (~3 ms each) whenever a trail under them changes; replay a pixmap
    instead.  Their tick labels are kept apart too (:func:`tidy_axes`)."""
    for axis in axes_of(item):
        axis.setCacheMode(axis.CacheMode.DeviceCoordinateCache)
    tidy_axes(item)


GAP_PX = 3  # the least room between two tick labels


def tidy_axes(item) -> None:
    """Tick labels never overlap: pyqtgraph always draws every label of the first tick level
    (fixed ticks, or the decades of a log axis), however crowded; on a short axis (a small export,
    a zoomed sweep, the colour bar) they ran into each other.  A label is dropped when it would
    touch one already kept, walking along the axis; the ticks themselves stay."""
    for axis in axes_of(item):
        if getattr(axis, "_tidy", False):
            continue
        axis._tidy = True
        axis.generateDrawSpecs = types.MethodType(_tidy_draw_specs, axis)


def _tidy_draw_specs(axis, painter):
    specs = pg.AxisItem.generateDrawSpecs(axis, painter)
    if specs is None:
        return None
    axis_spec, tick_specs, text_specs = specs
    return axis_spec, tick_specs, without_overlaps(text_specs, vertical=axis.orientation in ("left", "right"))


def without_overlaps(text_specs, vertical: bool) -> list:
    """``text_specs`` [(rect, flags, text)] minus every label that touches one kept before it
    (walking along the axis; the first label is always kept)."""
    key = (lambda spec: spec[0].center().y()) if vertical else (lambda spec: spec[0].center().x())
    kept = []  # (padded rect, spec)
    for spec in sorted(text_specs, key=key):
        rect = spec[0].adjusted(-GAP_PX / 2, -GAP_PX / 2, GAP_PX / 2, GAP_PX / 2)
        if not any(rect.intersects(other) for other, _ in kept):
            kept.append((rect, spec))
    return [spec for _, spec in kept]


def thin_long_curves(plot: pg.PlotItem) -> None:
    """10⁵ steps on a few hundred pixels: each curve draws only the extremes of each pixel column,
    and only what is in view.  Set on the PlotItem: ``addItem`` imposes the plot's own mode on every
    curve added, so a curve's own ``setDownsampling`` was silently undone (a loss plot drew all
    5 × 10⁵ points, ~35 ms a frame)."""
    plot.setDownsampling(auto=True, mode="peak")
    plot.setClipToView(True)


def long_curve(**options) -> pg.PlotDataItem:
    """A curve of up to 10⁵ steps for a plot set up by :func:`thin_long_curves`: the extremes of one
    bucket of steps per pixel column, not pyqtgraph's five.  Drawn the same (five buckets' extremes
    in one column make that column's extremes) at a fifth of the segments: a dense zigzag is what
    Qt's software rasterizer is slowest at (the averages panel's first paint after a change:
    26 → 12 ms for four curves)."""
    curve = pg.PlotDataItem(**options)
    curve.opts["autoDownsampleFactor"] = 1.0
    return curve


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
    most six labels: on a short plot pyqtgraph's own minor labels (0.2, 0.3, …) pile up.  A range
    holding fewer than two powers of ten keeps pyqtgraph's own ticks (else: one label, or none)."""
    first, last = math.ceil(lo - 1e-9), math.floor(hi + 1e-9)
    if last - first < 1:
        axis.setTicks(None)
        return
    every = max(1, math.ceil((last - first + 1) / 6))
    axis.setTicks([[(float(k), label_of(10.0 ** k)) for k in range(first, last + 1) if k % every == 0], []])


def plot_finite(plot, x, y, pen, name=None, **symbol) -> None:
    """A curve broken where y is not finite (a diverged run), with symbols on its finite points only
    (pyqtgraph warns "All-NaN slice" measuring a scatter of NaNs)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    plot.plot(x, y, pen=pen, connect="finite", name=name)
    if ok.any():
        plot.plot(x[ok], y[ok], pen=None, **symbol)


def set_legend(legend: pg.LegendItem, rows: list) -> None:
    """The legend lists ``rows`` [(curve, rich-text name)].  The same curves as before keep their
    rows and only change their text: made anew, each row (a text item and a sample) cost ~0.6 ms,
    more on a busy machine (the averages panel, the Tune α window)."""
    if [sample.item for sample, _ in legend.items] == [curve for curve, _ in rows]:
        for (_, label), (_, name) in zip(legend.items, rows):
            if label.text != name:
                label.setText(name)
        return
    legend.clear()
    for curve, name in rows:
        legend.addItem(curve, name)


def title_lines(entries: list[str], room: float, font: QFont, size: str, sep: str = "&nbsp;&nbsp;&nbsp;") -> str:
    """Rich-text ``entries`` packed into lines of at most ``room`` pixels, broken only between two
    entries: a plot's title is a LabelItem whose width is a minimum of the plot's column, so a
    title wider than the widget pushes the plot's right side (a colour bar, the last steps) out of
    it.  (Qt's own wrapping breaks after an inline image, between a legend's sample and its name.)"""
    doc = QTextDocument()
    doc.setDefaultFont(font)
    lines, width = [[]], 0.0
    for entry in entries:
        doc.setHtml(f"<span style='font-size: {size}'>{entry}{sep}</span>")
        w = doc.idealWidth()
        if lines[-1] and width + w > room:
            lines.append([])
            width = 0.0
        lines[-1].append(entry)
        width += w
    return "<br>".join(sep.join(line) for line in lines)
