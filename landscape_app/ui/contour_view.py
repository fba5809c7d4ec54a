"""The landscape: heatmap + isolines of the surface, minima, the draggable start point, every
racer's trail and head, and (optionally) the selected racer's step vectors."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer

from ..core.analysis import thin_path
from . import landscape_image, step_vectors
from .state import AppState

COLORMAP = "CET-L20" if "CET-L20" in pg.colormap.listMaps() else "cividis"


def cache_axes(item) -> None:
    """Axes redraw their text (~3 ms each) whenever a trail under them changes; replay a pixmap instead."""
    axes = item.axes.values() if hasattr(item, "axes") and isinstance(item.axes, dict) else [item.axis]
    for axis in axes:
        axis = axis["item"] if isinstance(axis, dict) else axis
        axis.setCacheMode(axis.CacheMode.DeviceCoordinateCache)


class ContourView(pg.PlotWidget):
    """Listens to AppState; the only thing it keeps is what is on screen."""

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent, background="w")
        self.state = state
        self.pen_width = 1  # 1-px pens draw ~6× faster in the software renderer
        self.show_vectors = False
        plot = self.getPlotItem()
        plot.setLabel("bottom", "x")
        plot.setLabel("left", "y")
        plot.showGrid(False, False)
        plot.setMenuEnabled(False)
        self.vb = plot.getViewBox()

        self.cmap = pg.colormap.get(COLORMAP)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        self.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=self.cmap, interactive=False, width=14, label="")
        self.colorbar.setImageItem(self.image, insert_in=plot)
        self.isolines = pg.PlotDataItem(pen=pg.mkPen((20, 20, 30, 90), width=1), connect="finite", antialias=True)
        self.isolines.setZValue(-10)
        self.addItem(self.isolines)
        # The landscape only changes on zoom: replay it from a pixmap while trails animate on top.
        for item in (self.image, self.isolines):
            item.setCacheMode(item.CacheMode.DeviceCoordinateCache)
        self.minima = pg.ScatterPlotItem(symbol="star", size=16, brush=pg.mkBrush(255, 255, 255, 230),
                                         pen=pg.mkPen("k", width=1))
        self.minima.setZValue(5)
        self.addItem(self.minima)

        self.legend = plot.addLegend(offset=(-10, 10), labelTextSize="9pt", brush=pg.mkBrush(255, 255, 255, 200),
                                     pen=pg.mkPen(120, 120, 120))
        self.legend.setCacheMode(self.legend.CacheMode.DeviceCoordinateCache)  # text is slow to redraw
        self.curves: list[pg.PlotDataItem] = []
        self.heads = pg.ScatterPlotItem(size=9, pen=pg.mkPen("w", width=1.2))
        self.heads.setZValue(20)
        self.addItem(self.heads)
        self.crashes = pg.ScatterPlotItem(symbol="x", size=14, pen=pg.mkPen("k", width=2))
        self.crashes.setZValue(21)
        self.addItem(self.crashes)
        self.vectors = step_vectors.StepVectors(self)
        cache_axes(plot)
        cache_axes(self.colorbar)

        self.handle = pg.TargetItem(pos=state.start, size=18, movable=True, symbol="o",
                                    pen=pg.mkPen("k", width=2), brush=pg.mkBrush(255, 255, 255, 160),
                                    hoverBrush=pg.mkBrush(255, 220, 0, 220), label="start",
                                    labelOpts={"offset": (8, -16), "color": "k"})
        self.handle.setZValue(30)
        self.addItem(self.handle)
        self.handle.sigPositionChanged.connect(self._handle_moved)
        self.scene().sigMouseClicked.connect(self._clicked)

        self._redraw_timer = QTimer(self, singleShot=True, interval=120)
        self._redraw_timer.timeout.connect(self._draw_landscape)
        self.vb.sigRangeChangedManually.connect(lambda *_: self._redraw_timer.start())
        self.vb.sigResized.connect(lambda *_: self._redraw_timer.start())

        self.preparing = pg.TextItem("preparing kernels…", color=(30, 30, 30), anchor=(0.5, 0.5),
                                     fill=pg.mkBrush(255, 255, 255, 220))
        self.preparing.setZValue(50)
        self.addItem(self.preparing)
        state.surfaceChanged.connect(self.reset_view)
        state.racersChanged.connect(self._rebuild_curves)
        state.runsChanged.connect(self._update_trails)
        state.stepChanged.connect(lambda _: self._update_trails())
        state.selectionChanged.connect(lambda _: self._update_vectors())
        self.reset_view()
        self._rebuild_curves()

    # ------------------------------------------------------------------ landscape
    def reset_view(self) -> None:
        s = self.state.surface
        x0, x1, y0, y1 = self.state.scenario.view or s.domain
        self.vb.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0)
        self._draw_landscape()
        self.minima.setData([m[0] for m in s.minima], [m[1] for m in s.minima],
                            data=[f"minimum f = {m[2]:.4g}" for m in s.minima])
        self._place_handle()

    def visible_extent(self) -> tuple[float, float, float, float]:
        (x0, x1), (y0, y1) = self.vb.viewRange()
        return x0, x1, y0, y1

    def _draw_landscape(self) -> None:
        extent = self.visible_extent()
        self.preparing.setVisible(not self.state.ready)
        if not self.state.ready:  # the grid evaluator is still compiling
            self.preparing.setPos((extent[0] + extent[1]) / 2, (extent[2] + extent[3]) / 2)
            return
        img = landscape_image.render(self.state.surface, extent)
        self.image.setImage(img.colour, autoLevels=False, levels=img.colour_range)
        self.image.setRect(QRectF(extent[0], extent[2], extent[1] - extent[0], extent[3] - extent[2]))
        self.colorbar.setLevels(img.colour_range)
        self.colorbar.axis.setLabel(img.label)
        self.isolines.setData(img.lines_x, img.lines_y)
        if img.nonfinite > 0:
            self.state.message.emit(f"f is not a finite number on {img.nonfinite:.0%} of this view "
                                    "(drawn in the top colour)")

    # ------------------------------------------------------------------ start point
    def _place_handle(self) -> None:
        self.handle.blockSignals(True)  # moving it here must not echo back into the state
        self.handle.setPos(QPointF(*self.state.start))
        self.handle.blockSignals(False)

    def _handle_moved(self) -> None:
        p = self.handle.pos()
        self.state.set_start(p.x(), p.y())

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double() or event.isAccepted():
            return
        if not self.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = self.vb.mapSceneToView(event.scenePos())
        self.state.set_start(p.x(), p.y())
        self._place_handle()

    # ------------------------------------------------------------------ racers
    def _rebuild_curves(self) -> None:
        for c in self.curves:
            self.removeItem(c)
        self.legend.clear()
        self.curves = []
        for r in self.state.racers:
            c = pg.PlotDataItem(pen=pg.mkPen(r.color, width=self.pen_width), name=r.name, skipFiniteCheck=True)
            c.setZValue(10)
            c.setVisible(r.visible)
            self.addItem(c)
            if not r.visible:
                self.legend.removeItem(c)
            self.curves.append(c)
        self._update_trails()

    def _update_trails(self) -> None:
        state = self.state
        runs = state.runs
        if len(runs) != len(self.curves):
            return
        k = state.step
        pixel = self.vb.viewPixelSize()
        min_dist = 0.5 * min(pixel)  # half a pixel: thinning is invisible, drawing gets cheap
        heads_x, heads_y, brushes, crash_x, crash_y = [], [], [], [], []
        for r, run, curve in zip(state.racers, runs, self.curves):
            if not r.visible:
                continue
            shown = thin_path(run.path, min_dist, min(k, len(run.path) - 1) + 1)
            curve.setData(shown[:, 0], shown[:, 1])
            heads_x.append(shown[-1, 0])
            heads_y.append(shown[-1, 1])
            brushes.append(pg.mkBrush(r.color))
            if run.diverged_at is not None and k >= run.diverged_at:
                crash_x.append(shown[-1, 0])
                crash_y.append(shown[-1, 1])
        self.heads.setData(heads_x, heads_y, brush=brushes)
        self.crashes.setData(crash_x, crash_y)
        self._place_handle()
        self._update_vectors()

    def _update_vectors(self) -> None:
        i = self.state.selected
        if self.show_vectors and 0 <= i < len(self.state.runs) and self.state.racers[i].visible:
            self.vectors.show_for(self.state, i, self.visible_extent())
        else:
            self.vectors.hide()

    def set_show_vectors(self, on: bool) -> None:
        self.show_vectors = on
        self._update_vectors()

    def set_presentation(self, on: bool) -> None:
        self.pen_width = 2 if on else 1
        self.heads.setSize(14 if on else 9)
        self._rebuild_curves()
