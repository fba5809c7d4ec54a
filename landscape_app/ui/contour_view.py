"""The landscape: heatmap + isolines of the surface, minima, the draggable start point, every
racer's trail and head, and (optionally) the selected racer's step vectors.

x and y are drawn at the same scale unless the user stretches them (``stretch_action``): only then
is the geometry true on screen: a gradient crosses the isolines at a right angle, and the ravine's
valley runs at its 20°.  A stretched view says so on the plot."""
from __future__ import annotations

import html
from collections import OrderedDict

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QTimer, Qt, Signal, Slot
from PySide6.QtGui import QAction

from . import landscape_image, markers, palette, step_vectors
from .colormap import landscape_colormap
from .plot_style import cache_axes, set_axis_font, title_lines
from .trail_decimation import exit_point, trail_upto, visible_steps
from .compute import LatestWorker
from .state import AppState, eval_cost_ns

SYNC_PIXELS_NS = 8e6  # a landscape estimated to take longer than this is drawn in a worker thread
LANDSCAPE_BUDGET_NS = 4e8  # …and its grid is made coarser until it fits this (big data sets)
DRAWN_KEPT = 8  # landscape pictures remembered (~1 MB each)
MARGIN = 0.03  # the landscape is drawn this far beyond the view on each side: a small pan or resize needs no new one


class ContourView(pg.PlotWidget):
    """Listens to AppState; the only thing it keeps is what is on screen."""

    zoomed = Signal()  # the range or size changed and the trails are drawn anew for it

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent, background="w")
        self.state = state
        self.pen_width = 1  # 1-px pens draw ~6× faster in the software renderer
        self.presenting = False
        self.show_vectors = False
        self.show_route = True  # the faint full route ahead of each racer
        self.compact = False  # legend, axis and colour-bar titles shown by the caller instead (set_compact)
        plot = self.getPlotItem()
        plot.setLabel("bottom", "x")
        plot.setLabel("left", "y")
        for side in ("bottom", "left"):  # zoomed in, "y (x0.001)" over ticks of −300 hid the coordinates
            plot.getAxis(side).enableAutoSIPrefix(False)
        plot.showGrid(False, False)
        plot.setMenuEnabled(False)
        plot.hideButtons()  # the "A" auto-range button: "Reset view" in the toolbar does that
        self.vb = plot.getViewBox()
        self.vb.setAspectLocked(True, ratio=1.0)  # equal scales: see the module docstring
        self.stretched = False
        self.stretch_action = QAction("Stretch x and y to fill the view", self, checkable=True)
        self.stretch_action.setToolTip("Draw x and y at different scales so an elongated domain fills the plot "
                                       "(angles and right angles are then no longer true)")
        self.stretch_action.toggled.connect(self.set_stretched)

        self.cmap = landscape_colormap()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        self.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=self.cmap, interactive=False, width=14, label="")
        self.colorbar.setImageItem(self.image, insert_in=plot)
        self.colorbar.axis.enableAutoSIPrefix(False)  # the labels are ours, in f − f_min
        self.colorbar.axis.setWidth(62)  # room for "1000" and the title: auto-width lagged behind the ticks
        self.isolines = pg.PlotDataItem(pen=pg.mkPen((20, 20, 30, 90), width=1), connect="finite", antialias=True)
        self.isolines.setZValue(-10)
        self.addItem(self.isolines)
        self.minima = markers.MinimaMarks(self)
        self.frame = markers.DomainFrame()
        self.addItem(self.frame, ignoreBounds=True)
        # The landscape only changes on zoom: replay it from a pixmap while trails animate on top.
        # (A PlotDataItem paints nothing itself; the cache must sit on its curve child.)
        for item in (self.image, self.isolines.curve):
            item.setCacheMode(item.CacheMode.DeviceCoordinateCache)

        self.curves: list[pg.PlotCurveItem] = []  # one trail per racer, up to the play head
        self.previews: list[pg.PlotCurveItem] = []  # one faint full route per racer
        self.heads: list[markers.Marker] = []
        self.crashes: list[markers.Marker] = []  # shown where a racer diverged
        self._head_size = 0  # the heads' size on show (larger while presenting)
        self._stale_trails = False  # the play head moved while the view was hidden
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
        self._redraw_timer.timeout.connect(self._follow_view)
        self.vb.sigRangeChangedManually.connect(lambda *_: self._redraw_timer.start())
        self.vb.sigResized.connect(lambda *_: self._redraw_timer.start())

        self.preparing = pg.TextItem("preparing kernels…", color=(30, 30, 30), anchor=(0.5, 0.5),
                                     fill=pg.mkBrush(255, 255, 255, 220))
        self.preparing.setZValue(50)
        self.addItem(self.preparing)
        # whether the axes are stretched, in the bottom-left corner
        self.notes = pg.TextItem(anchor=(0, 1), color=(20, 20, 20), fill=pg.mkBrush(255, 255, 255, 210))
        self.notes.setZValue(28)
        self.notes.setVisible(False)
        self.addItem(self.notes, ignoreBounds=True)
        self._drawn: OrderedDict = OrderedDict()  # (id(surface), extent, grid) → (surface, picture), latest last
        self._painting_surface = None
        self._shown = None  # (surface, extent) of the picture on show
        self._stand_in = None  # (surface, extent) of the plain-Python picture on show while compiling
        self._painter = LatestWorker("landscape", self)  # slow surfaces are drawn off the GUI thread
        self._painter.finished.connect(self._landscape_ready)
        self._painter.failed.connect(self._landscape_failed)
        self._painting = 0  # the request whose picture we wait for
        state.surfaceChanged.connect(self.reset_view)
        state.settingsChanged.connect(self._show_minima)  # the tolerance decides what counts as global
        state.landscapeReady.connect(self._draw_landscape)
        state.startChanged.connect(self._place_handle)
        state.racersChanged.connect(self._rebuild_curves)
        self._keep: list[np.ndarray] | None = None  # per racer, the steps worth drawing at this zoom
        self._kept_by_run: dict = {}  # id(run) → (run, its steps worth drawing) at _kept_zoom
        self._kept_zoom = None
        # a surface switch changes the range and the size several times in one go: redraw the trails
        # once after them (each redraw walks every path, ~40 ms at 100,000 steps)
        self._zoom_timer = QTimer(self, singleShot=True, interval=0)
        self._zoom_timer.timeout.connect(self._zoomed)
        self.vb.sigRangeChanged.connect(lambda *_: self._zoom_timer.start())
        self.vb.sigResized.connect(lambda *_: self._zoom_timer.start())
        state.runsChanged.connect(self._runs_changed)
        state.stepChanged.connect(self._step_changed)
        state.selectionChanged.connect(lambda _: self._update_vectors())
        self.reset_view()
        self._rebuild_curves()

    # ------------------------------------------------------------------ landscape
    def reset_view(self) -> None:
        """Show the whole domain (or the scenario's view); at equal scales the longer side fits and
        the other gets a margin."""
        x0, x1, y0, y1 = self.state.scenario.view or self.state.surface.domain
        self.getPlotItem().layout.activate()  # the plot's size now, not on a later turn: one drawing, at the final size
        self.vb.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0)
        self._draw_landscape()
        self._show_minima()
        self._place_handle()

    def set_stretched(self, on: bool) -> None:
        """x and y at different scales (the domain fills the plot) or, by default, at one scale."""
        self.stretched = bool(on)
        if self.stretch_action.isChecked() != self.stretched:
            self.stretch_action.setChecked(self.stretched)  # toggles back into here once
            return
        self.vb.setAspectLocked(not self.stretched, ratio=1.0)
        self.reset_view()
        self._show_notes()

    def pixel_size(self) -> tuple[float, float]:
        """(width, height) of a device pixel in data units, from the view range and the view box's
        size on screen: what the trails' decimation and the step vectors use.  (pyqtgraph's own
        ``viewPixelSize`` is cached and missed the change when the axes are locked or unlocked.)
        Raises ZeroDivisionError before the view is laid out."""
        (x0, x1), (y0, y1) = self.vb.viewRange()
        r = self.vb.mapRectToDevice(self.vb.rect())
        if r is None or r.width() <= 0 or r.height() <= 0:
            raise ZeroDivisionError("the view has no size yet")
        return (x1 - x0) / r.width(), (y1 - y0) / r.height()

    def pixel_aspect(self) -> float:
        """How much longer a unit of y is on screen than a unit of x (1: equal scales)."""
        pw, ph = self.pixel_size()
        return pw / ph

    def _show_minima(self) -> None:
        kinds = self.minima.kinds
        self.minima.show(self.state.surface, self.state.scenario.tol)
        self.frame.show_domain(self.state.surface.domain)
        if self.minima.kinds != kinds and hasattr(self, "_legend_entries"):
            self._update_legend()  # the key to the stars

    def _show_notes(self) -> None:
        text = "<b>stretched</b>: x and y at different scales (angles are not true)" if self.stretched else ""
        size = 13 if self.presenting else 9
        self.notes.setHtml(f"<span style='font-size:{size}pt'>{text}</span>" if text else "")
        self.notes.setVisible(bool(text))
        self._place_notes()

    def _place_notes(self) -> None:
        x0, _, y0, _ = self.visible_extent()
        self.notes.setPos(x0, y0)

    def visible_extent(self) -> tuple[float, float, float, float]:
        (x0, x1), (y0, y1) = self.vb.viewRange()
        return x0, x1, y0, y1

    def _follow_view(self) -> None:
        """After a zoom, a pan or a resize: draw the landscape again unless the picture on show
        still covers the view at about its resolution (an axis whose labels widen by a few pixels
        after a surface switch cost a second drawing 120 ms after the first)."""
        if self._shown is not None and self._shown[0] is self.state.surface:
            x0, x1, y0, y1 = self._shown[1]
            v0, v1, w0, w1 = self.visible_extent()
            if x0 <= v0 and v1 <= x1 and y0 <= w0 and w1 <= y1 \
                    and x1 - x0 <= (1 + 4 * MARGIN) * (v1 - v0) and y1 - y0 <= (1 + 4 * MARGIN) * (w1 - w0):
                return
        self._draw_landscape()

    def _draw_landscape(self) -> None:
        self._redraw_timer.stop()  # drawn for the view as it is now
        v0, v1, w0, w1 = self.visible_extent()
        dx, dy = MARGIN * (v1 - v0), MARGIN * (w1 - w0)
        extent = (v0 - dx, v1 + dx, w0 - dy, w1 + dy)
        self.preparing.setPos((extent[0] + extent[1]) / 2, (extent[2] + extent[3]) / 2)
        self.preparing.setVisible(not self.state.ready and not self.state.runs)
        surface = self.state.surface
        if not self.state.landscape_ready:  # the grid evaluator is still compiling
            # a built-in surface: its formula in plain Python meanwhile, once per view (the trails'
            # kernels, ready first, redrew it: 60–200 ms of a first start's GUI thread for nothing)
            if surface.kernel is not None and (self._stand_in is None or self._stand_in[0] is not surface
                                               or self._stand_in[1] != extent):
                self._show_landscape(landscape_image.render(surface, extent, compiled=False))
                self._shown, self._stand_in = None, (surface, extent)  # drawn again once compiled
            return
        per_point = eval_cost_ns(surface) / 2  # f only, no gradient
        n = int(min(landscape_image.GRID, max(48, (LANDSCAPE_BUDGET_NS / per_point) ** 0.5)))
        drawn = self._drawn.get((id(surface), extent, n))
        if drawn is not None or n * n * per_point <= SYNC_PIXELS_NS:
            self._painter.cancel()
            self._painting = 0
            img = drawn[1] if drawn else self._keep_drawn(surface, landscape_image.render(surface, extent, n))
            self._show_landscape(img)
            self._shown = (surface, extent)
            return
        self.preparing.setText("drawing the landscape…")
        self.preparing.setVisible(True)
        self._painting = self._painter.submit(lambda progress, superseded: landscape_image.render(surface, extent, n))
        self._painting_surface = surface

    def _keep_drawn(self, surface, img):
        """Remember the picture: a surface seen again (switching back, undo, a demo reloaded, Reset
        view) is shown at once instead of drawn anew (12–15 ms, seconds for a big data set).  The
        entry holds the surface itself, so its id cannot pass to another surface while remembered."""
        key = (id(surface), img.extent, img.colour.shape[0])
        self._drawn[key] = (surface, img)
        self._drawn.move_to_end(key)
        while len(self._drawn) > DRAWN_KEPT:
            self._drawn.popitem(last=False)
        return img

    @Slot(int, object)
    def _landscape_ready(self, number: int, img) -> None:
        if number == self._painting:
            self._painting = 0
            self.preparing.setVisible(False)
            self._show_landscape(self._keep_drawn(self._painting_surface, img))
            self._shown = (self._painting_surface, img.extent)

    @Slot(int, str)
    def _landscape_failed(self, number: int, text: str) -> None:
        if number == self._painting:
            self._painting = 0
            self.preparing.setVisible(False)
            self.state.message.emit(f"could not draw the landscape: {text}")

    def busy(self) -> bool:
        """True while a slow landscape is being drawn in the background."""
        return self._painting != 0

    def _show_landscape(self, img) -> None:
        extent = img.extent
        self.image.setImage(img.colour, autoLevels=False, levels=img.colour_range)
        self.image.setRect(QRectF(extent[0], extent[2], extent[1] - extent[0], extent[3] - extent[2]))
        self.colorbar.setLevels(img.colour_range)
        self.colorbar.axis.setLabel(img.label)
        self.colorbar.axis.showLabel(not self.compact)
        self.colorbar.axis.setTicks([img.ticks, []])
        self.isolines.setData(img.lines_x, img.lines_y)
        if img.nonfinite > 0:
            self.state.message.emit(f"f is not a finite number on {img.nonfinite:.0%} of this view "
                                    "(drawn in the top colour)")

    # ------------------------------------------------------------------ start point
    def _place_handle(self) -> None:
        p = QPointF(*self.state.start)
        if p == self.handle.pos():
            return
        self.handle.blockSignals(True)  # moving it here must not echo back into the state
        self.handle.setPos(p)
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
        """One faint route, trail, head and ✕ per racer.  The items of racers that stay are kept and
        restyled (making them anew cost ~17 ms on every optimizer or colour change)."""
        racers = self.state.racers
        head_size = 14 if self.presenting else 9
        if self._head_size != head_size:  # heads are drawn at a fixed size: new outlines (new items cost ~30 ms)
            self._head_size = head_size
            for i, (head, crash) in enumerate(zip(self.heads, self.crashes)):
                head.setPath(palette.marker_path(palette.marker(i), head_size))
                crash.setPath(markers.cross(head_size + 4))
        self._drop_racer_items(len(racers))
        for i in range(len(self.curves), len(racers)):
            # the whole route, faint: dragging the start at step 0 shows where every racer will go
            p = pg.PlotCurveItem(skipFiniteCheck=True)
            p.setZValue(9)
            # PlotCurveItem, not PlotDataItem: the wrapper's bookkeeping costs ~0.3 ms per setData.
            c = pg.PlotCurveItem(skipFiniteCheck=True)
            c.setZValue(10)
            head = palette.head_marker(i, racers[i].color, head_size)
            crash = markers.crash(head_size + 4)
            for item in (p, c):
                self.addItem(item)
            for m in (head, crash):
                self.addItem(m, ignoreBounds=True)
            crash.setVisible(False)
            self.previews.append(p)
            self.curves.append(c)
            self.heads.append(head)
            self.crashes.append(crash)
        for i, (r, p, c, head) in enumerate(zip(racers, self.previews, self.curves, self.heads)):
            p.setPen(pg.mkPen(palette.faint(r.color), width=1))
            p.setVisible(r.visible and self.show_route)
            c.setPen(palette.apply_dash(pg.mkPen(r.color, width=self.pen_width), i))
            head.set_fill(r.color)
            for item in (c, head):
                item.setVisible(r.visible)
        if len(self.state.runs) != len(racers):  # the new runs are computing: no trail of another racer meanwhile
            for item in (*self.previews, *self.curves):
                item.setData([], [])
            for head in self.heads:
                head.setVisible(False)
        self._update_legend()
        self._runs_changed()

    def _drop_racer_items(self, keep: int) -> None:
        """Remove the items of racers ``keep`` and after."""
        for item in (*self.curves[keep:], *self.previews[keep:], *self.heads[keep:], *self.crashes[keep:]):
            self.removeItem(item)
        del self.curves[keep:], self.previews[keep:], self.heads[keep:], self.crashes[keep:]

    def _runs_changed(self) -> None:
        if not self.state.ready and self.state.runs:  # the interpreter's first race: nothing to wait for
            self.preparing.setVisible(False)
        self._keep = None
        self._update_previews()
        self._update_trails()

    def _zoomed(self) -> None:
        self._place_notes()
        self._runs_changed()
        self.zoomed.emit()

    def _update_previews(self) -> None:
        runs = self.state.runs
        if len(runs) != len(self.previews):
            return
        keep = self._kept_steps()
        for r, run, preview, kept in zip(self.state.racers, runs, self.previews, keep):
            if r.visible:
                preview.setData(*trail_upto(run.path, kept, len(run.path) - 1))

    def _zoom(self) -> tuple:
        """Pixel size and visible extent: what the decimation of a path depends on."""
        try:
            pw, ph = self.pixel_size()
        except ZeroDivisionError:  # not laid out yet
            pw = ph = 0.0
        return pw, ph, self.visible_extent()

    def _visible_steps(self, path: np.ndarray, zoom: tuple | None = None) -> np.ndarray:
        """Indices of the points of ``path`` worth drawing at this zoom (see ``trail_decimation``)."""
        pw, ph, extent = zoom or self._zoom()
        return visible_steps(path, pw, ph, extent)

    def decimated(self, path: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x and y of those points: other paths drawn on the landscape (ghost paths) cost what the
        trails cost, not 10⁵ points."""
        return trail_upto(path, self._visible_steps(path), len(path) - 1)

    def _kept_steps(self) -> list[np.ndarray]:
        if self._keep is None:  # the runs or the zoom changed; a racer whose run and zoom did not keeps its steps
            zoom = self._zoom()
            known = self._kept_by_run if zoom == self._kept_zoom else {}
            kept_by_run = {}
            for run in self.state.runs:
                hit = known.get(id(run))
                kept_by_run[id(run)] = hit if hit is not None and hit[0] is run else \
                    (run, self._visible_steps(run.path, zoom))
            self._kept_by_run, self._kept_zoom = kept_by_run, zoom
            self._keep = [kept_by_run[id(run)][1] for run in self.state.runs]
        return self._keep

    def _update_legend(self) -> None:
        """The legend is the plot's title line: a legend box inside the plot always hid some minimum."""
        if self.compact:
            self.getPlotItem().titleLabel.setText("")  # a hidden title still claims its text's width
            self.getPlotItem().setTitle(None)
            self._legend_shown = None
            return
        entries = [palette.legend_entry(i, html.escape(r.name), r.color, r.visible, 20 if self.presenting else 14)
                   for i, r in enumerate(self.state.racers)] or ["add a racer"]
        self._legend_entries = entries + markers.minima_key(self.minima.kinds)
        self._wrap_legend()

    def _wrap_legend(self) -> None:
        """A legend wider than the room beside the axes goes on as many lines as it needs (one
        line pushed the colour bar out of the window: 5 racers at 1024 px, demo 9 at 1280)."""
        if self.compact:
            return
        plot = self.getPlotItem()
        size = "13pt" if self.presenting else "10pt"
        room = self.width() - plot.getAxis("left").width() - self.colorbar.width() - 24
        text = title_lines(self._legend_entries, room, plot.titleLabel.item.font(), size)
        if (text, size) != getattr(self, "_legend_shown", None):  # a resize usually changes nothing
            self._legend_shown = (text, size)
            plot.setTitle(text, size=size, color="#222")

    def resizeEvent(self, ev) -> None:
        # before the plot takes the new size: a still-wide title would hold it at the old width
        if hasattr(self, "_legend_entries"):  # pyqtgraph resizes once before __init__ is done
            self._wrap_legend()
        super().resizeEvent(ev)

    def _step_changed(self, _step: int) -> None:
        if self.window().isVisible() and not self.isVisible():  # the 3-D layout: drawn when shown again
            self._stale_trails = True
            return
        self._update_trails()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale_trails:
            self._update_trails()

    def _update_trails(self) -> None:
        self._stale_trails = False
        state = self.state
        runs = state.runs
        if len(runs) != len(self.curves):
            return
        k = state.step
        keep = self._kept_steps()
        for i, (r, run, curve, head, crash) in enumerate(zip(state.racers, runs, self.curves, self.heads,
                                                                self.crashes)):
            if not r.visible:
                continue
            last = min(k, len(run.path) - 1)
            curve.setData(*trail_upto(run.path, keep[i], last))
            x, y = run.path[last]
            head.place(x, y)
            crashed = run.diverged_at is not None and k >= run.diverged_at
            if crashed:
                crash.place(*exit_point(run.path, state.surface.domain))
            crash.setVisible(crashed)
        self._place_handle()
        self._update_vectors()

    def crashed_racers(self) -> list[int]:
        return [i for i, m in enumerate(self.crashes) if m.isVisible()]

    def _update_vectors(self) -> None:
        i = self.state.selected
        st = self.state
        # while new runs compute, the runs on show may belong to the previous racers (another count)
        if self.show_vectors and len(st.runs) == len(st.racers) and 0 <= i < len(st.racers) and st.racers[i].visible:
            self.vectors.show_for(self.state, i, self.visible_extent())
        else:
            self.vectors.hide()

    def set_show_route(self, on: bool) -> None:
        self.show_route = bool(on)
        for r, preview in zip(self.state.racers, self.previews):
            preview.setVisible(r.visible and self.show_route)

    def set_compact(self, on: bool) -> None:
        """All the room to the picture: no legend line, no axis or colour-bar titles (a projector's
        window and exported frames say them once, outside the plot)."""
        self.compact = bool(on)
        plot = self.getPlotItem()
        for name in ("left", "bottom"):
            plot.getAxis(name).showLabel(not self.compact)
        self.colorbar.axis.showLabel(not self.compact and bool(self.colorbar.axis.labelText))
        self._update_legend()

    def set_show_vectors(self, on: bool) -> None:
        self.show_vectors = on
        self._update_vectors()

    def set_presentation(self, on: bool) -> None:
        """Thicker trails and bigger heads for a classroom projector (2-px pens draw ~6× slower)."""
        self.presenting = on
        self.pen_width = 2 if on else 1
        set_axis_font(self.getPlotItem(), on)
        set_axis_font(self.colorbar, on)
        self.colorbar.axis.setWidth(90 if on else 62)
        self._show_notes()
        self._rebuild_curves()
