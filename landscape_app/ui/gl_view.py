"""The 3-D view's OpenGL surface: the landscape as a mesh with every visible racer's trail and head.

This module imports ``pyqtgraph.opengl`` (and so PyOpenGL) at import time: import it only where
the 3-D view is built (``view3d`` does, after checking that OpenGL can be had).

Speed in a software renderer (Mesa llvmpipe under Xvfb): drawing the 256² mesh costs ~20 ms,
three times a 60 frames/s budget, while the trails cost ~2 ms.  So the parts that do not move
during play (mesh, isolines, minima, start, faint routes) are drawn once into a framebuffer
object with its depth buffer, and every frame copies colour and depth back (``glBlitFramebuffer``)
and draws only the trails and heads over it, depth-tested against the cached surface.  The cache
is redrawn when the camera, the size or the static content changes.

Trails float ``LIFT`` of the height range above the mesh's own triangles and the mesh is drawn
with a polygon offset, so a trail is hidden only where a hill really stands in front of it.
``GLLinePlotItem``/``GLScatterPlotItem`` default to additive blending with the depth test off;
every item here states its GL options.
"""
from __future__ import annotations


import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPen, QVector3D, QVector4D
from PySide6.QtOpenGL import (QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat, QOpenGLPaintDevice,
                              QOpenGLWindow)

from . import landscape_image
from .colormap import landscape_colormap
from .height_map import MESH, HeightMap, clip_segments, nice_ticks
from .state import AppState
from .trail_decimation import exit_point

_BLEND = (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA, GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)
# The mesh is pushed back a little in depth so lines lying on it win the depth test.
MESH_GL = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: False, GL.GL_CULL_FACE: False, GL.GL_POLYGON_OFFSET_FILL: True,
           "glPolygonOffset": (1.0, 1.0), "glDepthFunc": (GL.GL_LESS,), "glDepthMask": (GL.GL_TRUE,)}
# Lines and points: depth-tested, blended (never pyqtgraph's default 'additive', which turns the
# depth test off); LEQUAL so a head's coloured disc passes where its white rim stands.
OVERLAY_GL = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: True, GL.GL_CULL_FACE: False, GL.GL_POLYGON_OFFSET_FILL: False,
              "glBlendFuncSeparate": _BLEND, "glDepthFunc": (GL.GL_LEQUAL,), "glDepthMask": (GL.GL_TRUE,)}

TRAIL_WIDTH = 2.0  # honoured by compatibility profiles (Linux, Windows); core profiles draw 1 px
HEAD_SIZE, RIM_SIZE = 11.0, 15.0
ROUTE_ALPHA = 0.3  # the faint full route, as in the 2-D view
ORBIT_DEG_PER_S = 8.0
# (elevation, azimuth) in degrees; azimuth −90 looks along +y with x to the right, as the 2-D view
PRESETS = {"front": (38.0, -112.0), "top": (90.0, -90.0), "side": (16.0, -10.0)}
HINT = "drag: orbit · Ctrl+drag or middle: pan · wheel: zoom · Shift+drag: move the start"


def rgba(color: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    c = QColor(color)
    return c.redF(), c.greenF(), c.blueF(), alpha


class SurfaceScene:
    """The 3-D view's content and behaviour, on top of pyqtgraph's GLViewMixin (camera, items)
    and a Qt OpenGL surface: a window in the app (:class:`SurfaceGLWindow`), a widget for exports
    (:class:`SurfaceGLView`).  Listens to AppState like the 2-D view; keeps only what is on screen.
    The concrete classes declare ``optionsChanged`` (log height or exaggeration changed)."""

    def _setup(self, state: AppState) -> None:
        self.state = state
        self.setBackgroundColor("w")
        self.setMinimumSize(QSize(200, 160))
        self.log_height = state.surface.log_color
        self.exaggeration = 1.0
        self.map: HeightMap | None = None
        self._image = None  # the landscape picture the map was raised from (reused for new heights)
        self._image_key = None
        self._lut = landscape_colormap().getLookupTable(0.0, 1.0, 256, alpha=False)  # a new array: nothing shared
        self._dirty = {"surface", "racers"}  # what to rebuild when next shown
        self._dragging_start = False
        self.show_hint = True  # the mouse hint under the picture (a movie has no mouse)
        self._fitted = True  # the camera frames the whole box (see camera_preset)

        self.mesh = gl.GLSurfacePlotItem(computeNormals=False, smooth=True, glOptions=MESH_GL)
        self.isolines = gl.GLLinePlotItem(mode="lines", color=(0.08, 0.08, 0.12, 0.35), width=1.0,
                                          glOptions=OVERLAY_GL)
        self.base = gl.GLLinePlotItem(mode="lines", color=(0.35, 0.35, 0.4, 0.8), width=1.0, glOptions=OVERLAY_GL)
        self.minima = gl.GLScatterPlotItem(size=9.0, color=(1, 1, 1, 1), glOptions=OVERLAY_GL)
        self.minima_rim = gl.GLScatterPlotItem(size=13.0, color=(0.1, 0.1, 0.1, 1), glOptions=OVERLAY_GL)
        self.start_rim = gl.GLScatterPlotItem(size=17.0, color=(0, 0, 0, 1), glOptions=OVERLAY_GL)
        self.start = gl.GLScatterPlotItem(size=11.0, color=(1, 1, 1, 1), glOptions=OVERLAY_GL)
        self.head_rims = gl.GLScatterPlotItem(size=RIM_SIZE, color=(1, 1, 1, 1), glOptions=OVERLAY_GL)
        self.heads = gl.GLScatterPlotItem(size=HEAD_SIZE, glOptions=OVERLAY_GL)
        self.crashes = gl.GLScatterPlotItem(size=14.0, color=(0.82, 0.06, 0.06, 1), glOptions=OVERLAY_GL)
        self.routes: list[gl.GLLinePlotItem] = []  # faint full route per racer (static)
        self.trails: list[gl.GLLinePlotItem] = []  # up to the play head (redrawn every frame)
        self._geometry: list[tuple[np.ndarray, np.ndarray] | None] = []  # per racer: world pairs, steps
        # drawing order within each group: earlier first (rims before the discs they frame)
        self.static_items = [self.mesh, self.isolines, self.base, self.minima_rim, self.minima, self.start_rim,
                             self.start]
        for item in self.static_items + [self.head_rims, self.heads, self.crashes]:
            item.setVisible(False)  # until it has data (an empty mesh raises when drawn)
            self.addItem(item)

        self._fbo = None
        self._cache_key = None
        self._static_version = 0
        self._can_blit = None  # decided at the first paint
        self.frames = 0  # painted frames (tests and the benchmark count them)
        self.static_renders = 0

        self._orbit = QTimer(self, interval=33)
        self._orbit.timeout.connect(self._orbit_step)

        # bound methods, not lambdas: Qt drops them when this view is deleted before the state
        state.surfaceChanged.connect(self._surface_changed)
        state.readyChanged.connect(self._surface_changed)
        state.racersChanged.connect(self._racers_changed)
        state.runsChanged.connect(self._runs_changed)
        state.startChanged.connect(self._runs_changed)
        state.stepChanged.connect(self._step_changed)
        self.reset_camera()

    # ------------------------------------------------------------------ keeping up with the state
    def _surface_changed(self) -> None:
        self._changed("surface")

    def _racers_changed(self) -> None:
        self._changed("racers")

    def _runs_changed(self) -> None:  # also the start: the trails start there
        self._changed("runs")

    def _step_changed(self, _step: int) -> None:
        if self.isVisible():
            self._update_heads()

    def _changed(self, what: str) -> None:
        """Rebuild now if shown; a hidden view only notes it (switching surface in 2-D costs nothing here)."""
        self._dirty.add(what)
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        dirty, self._dirty = self._dirty, set()
        if "surface" in dirty:
            self.log_height = self.state.surface.log_color  # a surface spanning decades starts on a log axis
            self.optionsChanged.emit()
            self._build_surface()
            self.reset_camera()
        elif "heights" in dirty:
            self._build_surface(reuse_image=True)
            self._refit()
        # runs of a new racer can arrive before the racersChanged that announces it
        if dirty & {"surface", "heights", "racers"} or len(self.trails) != len(self.state.racers):
            self._build_racers()
        elif "runs" in dirty:
            self._build_geometry()
        self._update_heads()

    def _build_surface(self, reuse_image: bool = False) -> None:
        state = self.state
        if not state.ready:  # the grid evaluator is still compiling: a note instead of a surface
            self.map = None
            self.mesh.setVisible(False)
            self._touch()
            return
        extent = tuple(state.scenario.view or state.surface.domain)
        key = (state.surface.name, extent)
        if not (reuse_image and self._image_key == key):
            self._image = landscape_image.render(state.surface, extent, n=MESH)
            self._image_key = key
        hm = self.map = HeightMap(self._image, self._lut, log=self.log_height, exaggeration=self.exaggeration)
        self.mesh.setData(x=hm.x, y=hm.y, z=hm.z, colors=hm.colours)
        self.mesh.setVisible(True)
        lines = hm.isolines()
        self.isolines.setData(pos=lines if len(lines) else np.zeros((2, 3), np.float32))
        self.isolines.setVisible(len(lines) > 0)
        x0, x1, y0, y1 = hm.x[0], hm.x[-1], hm.y[0], hm.y[-1]
        corners = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], np.float32)
        ring = np.stack((corners, np.roll(corners, -1, axis=0)), axis=1).reshape(-1, 2)
        self.base.setData(pos=np.column_stack((ring, np.zeros(len(ring), np.float32))))
        self.base.setVisible(True)
        mins = [(m[0], m[1]) for m in state.surface.minima if hm.inside(m[0], m[1])]
        for item in (self.minima, self.minima_rim):
            item.setVisible(bool(mins))
            if mins:
                item.setData(pos=hm.lifted([m[0] for m in mins], [m[1] for m in mins]))
        self._touch()

    def _build_racers(self) -> None:
        for item in self.routes + self.trails:
            self.removeItem(item)
        self.routes, self.trails = [], []
        for r in self.state.racers:
            route = gl.GLLinePlotItem(mode="lines", color=rgba(r.color, ROUTE_ALPHA), width=1.0, glOptions=OVERLAY_GL)
            trail = gl.GLLinePlotItem(mode="lines", color=rgba(r.color), width=TRAIL_WIDTH, glOptions=OVERLAY_GL)
            for item in (route, trail):
                item.setVisible(False)
                self.addItem(item)
            self.routes.append(route)
            self.trails.append(trail)
        self._build_geometry()

    def _build_geometry(self) -> None:
        """Each visible racer's whole trail, clipped to the map and lifted onto the mesh."""
        hm, runs = self.map, self.state.runs
        self._geometry = []
        for i, r in enumerate(self.state.racers):
            if hm is None or i >= len(runs) or len(runs) != len(self.state.racers) or not r.visible:
                self._geometry.append(None)
                self.routes[i].setVisible(False)
                continue
            pairs, steps = clip_segments(runs[i].path, hm.extent)
            world = hm.lifted(pairs[:, 0], pairs[:, 1])
            self._geometry.append((world, steps))
            self.routes[i].setVisible(len(steps) > 0)
            if len(steps):
                self.routes[i].setData(pos=world)
        if hm is not None:
            self.start.setData(pos=hm.lifted([self.state.start[0]], [self.state.start[1]]))
            self.start_rim.setData(pos=self.start.pos)
        for item in (self.start, self.start_rim):
            item.setVisible(hm is not None and bool(hm.inside(*self.state.start)))
        self._touch()

    def _update_heads(self) -> None:
        """Trails up to the play head, the heads, the ✕ of diverged racers: the per-frame work."""
        hm, state = self.map, self.state
        k = state.step
        heads, colours, crashes = [], [], []
        for i, (r, geometry) in enumerate(zip(state.racers, self._geometry)):
            trail = self.trails[i]
            if geometry is None:
                trail.setVisible(False)
                continue
            world, steps = geometry
            count = int(np.searchsorted(steps, k))
            trail.setVisible(count > 0)
            if count and (trail.pos is None or len(trail.pos) != 2 * count or trail.pos.base is not world):
                trail.setData(pos=world[: 2 * count])  # a view of the whole trail: no copy, uploaded once
            run = state.runs[i]
            last = min(k, len(run.path) - 1)
            if run.diverged_at is not None and k >= run.diverged_at:
                crashes.append(exit_point(run.path, hm.extent))
            elif hm.inside(*run.path[last]):
                heads.append(run.path[last])
                colours.append(rgba(r.color))
        for item, points in ((self.heads, heads), (self.head_rims, heads), (self.crashes, crashes)):
            item.setVisible(bool(points))
            if points:
                pts = np.asarray(points, dtype=float)
                item.setData(pos=hm.lifted(pts[:, 0], pts[:, 1], lift=2 * hm.lift))
        if heads:
            self.heads.setData(color=np.asarray(colours, np.float32))
        self.update()

    def _touch(self) -> None:
        """The static picture changed: draw it again at the next paint."""
        self._static_version += 1
        self.update()

    # ------------------------------------------------------------------ options
    def set_log_height(self, on: bool) -> None:
        if bool(on) != self.log_height:
            self.log_height = bool(on)
            self._changed("heights")
            self.optionsChanged.emit()

    def set_exaggeration(self, factor: float) -> None:
        factor = float(min(max(factor, 0.05), 10.0))
        if factor != self.exaggeration:
            self.exaggeration = factor
            self._changed("heights")
            self.optionsChanged.emit()

    # ------------------------------------------------------------------ camera
    def _fit_distance(self, margin: float = 0.9) -> float:
        """The nearest camera distance (at the current angles) at which all eight corners of the
        box around the surface fall inside ``margin`` of the picture."""
        hm = self.map
        xr, yr, top = (float(-hm.x[0]), float(-hm.y[0]), hm.top) if hm is not None else (1.0, 1.0, 0.8)
        corners = [QVector4D(sx * xr, sy * yr, z, 1.0) for sx in (-1, 1) for sy in (-1, 1) for z in (0.0, top)]
        w, h = max(self.width(), 1), max(self.height(), 1)
        saved = self.opts["distance"], self.opts["center"]
        self.opts["center"] = self._centre()
        lo, hi = 0.2, 50.0
        try:
            for _ in range(40):
                self.opts["distance"] = mid = (lo + hi) / 2
                m = self.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * self.viewMatrix()
                fits = True
                for c in corners:
                    p = m.map(c)
                    if p.w() <= 0 or max(abs(p.x()), abs(p.y())) > margin * p.w():
                        fits = False
                        break
                lo, hi = (lo, mid) if fits else (mid, hi)
        finally:
            self.opts["distance"], self.opts["center"] = saved
        return hi

    def camera_preset(self, name: str) -> None:
        elevation, azimuth = PRESETS[name]
        self._fitted = True  # keep the box framed as the widget resizes, until the user zooms or pans
        self.opts["elevation"], self.opts["azimuth"] = elevation, azimuth  # the fit depends on them
        self.setCameraPosition(pos=self._centre(), distance=self._fit_distance(), elevation=elevation,
                               azimuth=azimuth)

    def _centre(self) -> QVector3D:
        return QVector3D(0, 0, (self.map.top if self.map is not None else 0.8) * 0.4)

    def reset_camera(self) -> None:
        self.camera_preset("front")

    def _orbit_step(self) -> None:
        self.orbit(-ORBIT_DEG_PER_S * self._orbit.interval() / 1000, 0)

    def set_orbiting(self, on: bool) -> None:
        self._orbit.start() if on else self._orbit.stop()

    def orbiting(self) -> bool:
        return self._orbit.isActive()

    def _refit(self) -> None:
        if self._fitted:
            self.opts["distance"] = self._fit_distance()
            self.opts["center"] = self._centre()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._refit()

    def wheelEvent(self, ev) -> None:
        self._fitted = False
        super().wheelEvent(ev)

    def pan(self, *args, **kwargs) -> None:
        self._fitted = False
        super().pan(*args, **kwargs)

    # ------------------------------------------------------------------ moving the start
    def ray(self, px: float, py: float) -> tuple[np.ndarray, np.ndarray]:
        """The ray from the camera through widget pixel (px, py), in world units."""
        w, h = max(self.width(), 1), max(self.height(), 1)
        region = (0, 0, w, h)
        inverse, ok = (self.projectionMatrix(region, region) * self.viewMatrix()).inverted()
        nx, ny = 2 * px / w - 1, 1 - 2 * py / h
        near = inverse.map(QVector4D(nx, ny, -1, 1)).toVector3DAffine()
        far = inverse.map(QVector4D(nx, ny, 1, 1)).toVector3DAffine()
        origin = np.array([near.x(), near.y(), near.z()])
        return origin, np.array([far.x(), far.y(), far.z()]) - origin

    def surface_point_at(self, px: float, py: float) -> tuple[float, float] | None:
        """The point of the surface (data coordinates) under widget pixel (px, py), or None."""
        if self.map is None:
            return None
        return self.map.ray_hit(*self.ray(px, py))

    def mousePressEvent(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton and ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._dragging_start = True
            self._move_start(ev.position())
            ev.accept()
            return
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev) -> None:
        if self._dragging_start:
            self._move_start(ev.position())
            ev.accept()
            return
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:
        self._dragging_start = False
        super().mouseReleaseEvent(ev)

    def _move_start(self, pos: QPointF) -> None:
        hit = self.surface_point_at(pos.x(), pos.y())
        if hit is not None:
            self.state.set_start(*hit)

    # ------------------------------------------------------------------ drawing
    def _camera_key(self) -> tuple:
        o = self.opts
        c = o["center"]
        return (c.x(), c.y(), c.z(), o["distance"], o.get("elevation"), o.get("azimuth"), o["fov"], o["bgcolor"],
                self.deviceWidth(), self.deviceHeight(), self._static_version)

    def paintGL(self) -> None:
        # QPainter (the labels) may leave these on; a blit obeys the scissor test, a clear the masks
        GL.glDisable(GL.GL_SCISSOR_TEST)
        GL.glDisable(GL.GL_STENCIL_TEST)
        GL.glDepthMask(GL.GL_TRUE)
        GL.glColorMask(GL.GL_TRUE, GL.GL_TRUE, GL.GL_TRUE, GL.GL_TRUE)
        region = self.getViewport()
        self.setProjection(region, region)
        self.setModelview()
        w, h = self.deviceWidth(), self.deviceHeight()
        if self._can_blit is None:
            self._can_blit = QOpenGLFramebufferObject.hasOpenGLFramebufferBlit()
        target = self.defaultFramebufferObject()
        if self._can_blit and self._cached_static(w, h):
            GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._fbo.handle())
            GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, target)
            GL.glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT,
                                 GL.GL_NEAREST)
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
            self._draw(self.trails + [self.head_rims, self.heads, self.crashes])
        else:  # no framebuffer objects to cache in: everything, every frame
            self._draw_static()
            self._draw(self.trails + [self.head_rims, self.heads, self.crashes])
            self._paint_labels(QPainter(self))
        self.frames += 1

    def _draw_static(self) -> None:
        self._clear()
        self._draw(self.static_items + self.routes)

    def _cached_static(self, w: int, h: int) -> bool:
        """The static picture (labels included) in ``self._fbo``, redrawn if stale; False if no
        FBO can be had."""
        if self._fbo is None or (self._fbo.width(), self._fbo.height()) != (w, h):
            fmt = QOpenGLFramebufferObjectFormat()
            fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
            self._fbo = QOpenGLFramebufferObject(w, h, fmt)
            self._cache_key = None
            if not self._fbo.isValid():
                self._fbo, self._can_blit = None, False
                return False
        key = self._camera_key()
        if key != self._cache_key:
            self._fbo.bind()
            GL.glViewport(0, 0, w, h)
            self._draw_static()
            # text costs ~4 ms a frame in a software renderer: paint it into the cache too
            device = QOpenGLPaintDevice(w, h)
            device.setDevicePixelRatio(self.devicePixelRatioF())
            self._paint_labels(QPainter(device))
            GL.glDisable(GL.GL_SCISSOR_TEST)
            GL.glDisable(GL.GL_STENCIL_TEST)
            GL.glDepthMask(GL.GL_TRUE)
            self._fbo.release()
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.defaultFramebufferObject())
            GL.glViewport(0, 0, w, h)
            self._cache_key = key
            self.static_renders += 1
        return True

    def _clear(self) -> None:
        GL.glClearColor(*self.opts["bgcolor"])
        GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)

    def _draw(self, items) -> None:
        for item in items:
            if item.visible():
                self.drawItemTree(item)

    # ------------------------------------------------------------------ labels (QPainter over the GL picture)
    def _screen(self, x: float, y: float, z: float) -> QPointF | None:
        w, h = max(self.width(), 1), max(self.height(), 1)
        region = (0, 0, w, h)
        p = (self.projectionMatrix(region, region) * self.viewMatrix()).map(QVector4D(x, y, z, 1.0))
        if p.w() <= 1e-9:
            return None  # behind the camera
        return QPointF((p.x() / p.w() + 1) * w / 2, (1 - p.y() / p.w()) * h / 2)

    def _paint_labels(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(QGuiApplication.font())
        font.setPointSizeF(9.0)
        painter.setFont(font)
        if self.map is None:
            painter.setPen(QColor(30, 30, 30))
            painter.drawText(QRectF(0, 0, self.width(), self.height()), Qt.AlignmentFlag.AlignCenter,
                             "preparing kernels…")
        else:
            self._paint_axes(painter)
        self._paint_legend(painter)
        if self.show_hint:
            box = QRectF(0, self.height() - 20, painter.fontMetrics().horizontalAdvance(HINT) + 16, 20)
            painter.fillRect(box, QColor(255, 255, 255, 210))
            painter.setPen(QColor(110, 110, 110))
            painter.drawText(box.adjusted(8, 0, 0, 0), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             HINT)
        painter.end()

    def _paint_axes(self, painter: QPainter) -> None:
        """The height axis (in f − f_min) on the base corner furthest left on screen, x and y ticks
        beside the two base edges that meet nearest the viewer; a label that would overlap one
        already written is left out (the height axis goes first)."""
        hm = self.map
        x0, x1, y0, y1 = float(hm.x[0]), float(hm.x[-1]), float(hm.y[0]), float(hm.y[-1])
        corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        screens = [self._screen(cx, cy, 0.0) for cx, cy in corners]
        if any(s is None for s in screens):
            return
        taken: list[QRectF] = []
        ink = QColor(60, 60, 70)
        painter.setPen(QPen(ink, 1.2))
        k = min(range(4), key=lambda i: screens[i].x())
        cx, cy = corners[k]
        bottom, top = screens[k], self._screen(cx, cy, hm.top)
        # seen from above the axis points at the viewer and reads as nothing: leave it out
        if top is not None and (top - bottom).manhattanLength() > 80:
            painter.drawLine(bottom, top)
            self._label(painter, top + QPointF(0, -20), "f − f_min (log scale)" if hm.log else "f − f_min", taken)
            for z, text in hm.ticks(5):
                p = self._screen(cx, cy, z)
                if p is not None:
                    painter.drawLine(p, p + QPointF(-5, 0))
                    self._label(painter, p + QPointF(-8, 0), text, taken, Qt.AlignmentFlag.AlignRight)
        ex0, ex1, ey0, ey1 = hm.extent
        near = corners[max(range(4), key=lambda i: screens[i].y())]
        for value in nice_ticks(ex0, ex1):
            self._label(painter, self._screen(float(hm.to_world(value, 0.0)[0]), near[1] * 1.09, 0.0), f"{value:g}",
                        taken)
        for value in nice_ticks(ey0, ey1):
            self._label(painter, self._screen(near[0] * 1.07, float(hm.to_world(0.0, value)[1]), 0.0), f"{value:g}",
                        taken)
        painter.save()
        bold = QFont(painter.font())
        bold.setBold(True)
        painter.setFont(bold)
        self._label(painter, self._screen((x0 + x1) / 2, near[1] * 1.2, 0.0), "x", taken)
        self._label(painter, self._screen(near[0] * 1.16, (y0 + y1) / 2, 0.0), "y", taken)
        painter.restore()

    def _label(self, painter: QPainter, p: QPointF | None, text: str, taken: list[QRectF],
               align=Qt.AlignmentFlag.AlignHCenter) -> None:
        """``text`` centred on ``p`` (or ending at it), unless off the picture or over another label."""
        if p is None:
            return
        width = painter.fontMetrics().horizontalAdvance(text) + 4
        left = p.x() - width if align == Qt.AlignmentFlag.AlignRight else p.x() - width / 2
        box = QRectF(left, p.y() - 8, width, 16)
        if box.left() < 0 or box.right() > self.width() or box.top() < 0 or box.bottom() > self.height():
            return
        if any(box.intersects(other) for other in taken):
            return
        taken.append(box)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)

    def _paint_legend(self, painter: QPainter) -> None:
        """Which colour is which racer (the 2-D view's title line, for a 3-D-only picture)."""
        x, y = 10.0, 8.0
        metrics = painter.fontMetrics()
        for r in self.state.racers:
            if not r.visible:
                continue
            width = 24 + metrics.horizontalAdvance(r.name) + 14
            if x + width > self.width() - 8:
                x, y = 10.0, y + 18
            painter.setPen(QPen(QColor(r.color), 3))
            painter.drawLine(QPointF(x, y + 9), QPointF(x + 18, y + 9))
            painter.setPen(QColor(30, 30, 30))
            painter.drawText(QRectF(x + 24, y, width, 18), int(Qt.AlignmentFlag.AlignVCenter), r.name)
            x += width


class SurfaceGLWindow(SurfaceScene, GLViewMixin, QOpenGLWindow):
    """The app's 3-D view: a native window inside the main window (``QWidget.createWindowContainer``).

    A QOpenGLWidget makes Qt compose the whole main window through OpenGL on every frame, which
    costs ~15 ms at 1400×900 in a software renderer; a window of its own swaps only itself, and
    the rest of the window keeps painting as before."""

    optionsChanged = Signal()

    def __init__(self, state: AppState):
        super().__init__()
        self._setup(state)


class SurfaceGLView(SurfaceScene, gl.GLViewWidget):
    """The 3-D view as a widget: for exports (a hidden widget can be grabbed at any size)."""

    optionsChanged = Signal()

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self._setup(state)
