"""A scenario drawn offscreen with the very views the window uses: frames for animations and
images.  The encoders (``export.animation``) never see Qt: they get arrays of pixels.

``view`` picks the picture: the 2-D landscape, the 3-D surface, or both side by side.  The 3-D
view needs OpenGL, which Qt's offscreen platform lacks: with no display, a private Xvfb is
started for the render (``display``); where none can be had the render fails saying why.
A QOpenGLWidget is missing from ``QWidget.grab()`` of a hidden window, so each frame is the
window's grab with the GL view's own framebuffer painted into its place."""
from __future__ import annotations

import html
import math
import os

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEventLoop, QPoint, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..export import animation
from . import markers, step_vectors
from .contour_view import ContourView
from .images import save_widget
from .loss_plot import LossPlot
from .palette import legend_entry
from .plot_style import tidy_axes
from .state import AppState
from .throttle import Later, Throttle

VIEWS = ("2d", "3d", "both")
EXPORT_SIZES = ("320x180", "640x360", "800x600", "1280x720", "1920x1080")  # offered by the Export dialog
ORBIT_DEG_PER_S = 12.0  # a movie's orbit: a full turn in 30 s


def ensure_app(gl: bool = False):
    """A QApplication for rendering; offscreen when there is no display (CLI, CI).  ``gl``: the
    3-D view is wanted, so with no display a private Xvfb is started (if there is one to start)."""
    app = QApplication.instance()
    if app is not None:
        return app
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        if gl:
            from . import display

            try:
                display.use_private_display()
            except display.DisplayError:
                pass  # the 3-D view will say it cannot be had, and why
        if not os.environ.get("DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the QApplication is made
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)  # before the app: GL views share
    return QApplication([])


def text_px(size) -> int:
    """The pixel size of text in a picture ``size`` = (w, h) large: legible at a glance in a movie
    (9 px at 640×360, 18 px at 1280×720) and never below 7 px (the 160×120 minimum)."""
    w, h = size
    return int(min(max(round(min(w, 1.6 * h) / 64), 7), 24))


LOSS_MIN = (400, 200)  # below this the loss plot has no room to be read: the landscape gets it all
MARKER_Z = 31  # the start ring: above the trails (10) and heads (20)


class Scene:
    """The landscape (2-D, 3-D or both) with every racer's trail, optionally the loss plot and a
    caption, at a fixed size.

    Laid out for a picture, not a window: a caption, the legend (each racer's colour, dash and
    marker, the start ring and what the colours mean) as wrapped text that is never cut, then the
    landscape and the loss plot side by side (stacked on a tall frame) in plain layouts (no
    splitter handles).  Text, axes, colour bar and the start ring scale with the frame
    (:func:`text_px`); the loss plot is left out below ``LOSS_MIN``; the view always holds the
    whole surface and the start."""

    def __init__(self, scenario, size=(1280, 720), loss_plot: bool = True, caption: str | None = None,
                 view: str = "2d", vectors: bool = False, selected: int = 0):
        if view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
        ensure_app(gl=view != "2d")
        self.view3d = None
        if view != "2d":
            from .view3d import gl_unavailable

            reason = gl_unavailable()
            if reason is not None:
                raise ValueError(f"cannot render the 3-D view: {reason}")
        # a movie can afford antialiasing; the option is global, and left on it made every curve the
        # window made afterwards antialiased (a 1-px route then took ~1 s to paint)
        previous = pg.getConfigOption("antialias")
        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        try:
            self._build(scenario, size, loss_plot, caption, view, vectors, selected)
        finally:
            pg.setConfigOptions(antialias=previous)

    def _build(self, scenario, size, loss_plot: bool, caption: str | None, view: str, vectors: bool,
               selected: int) -> None:
        self.size = tuple(size)
        self.px = px = text_px(size)
        self.state = AppState(scenario, ready=True)
        self.state.select(selected)  # whose step vectors are drawn
        self.widget = QWidget()
        self.widget.setStyleSheet(f"background: white; color: #222; font-size: {px}px;")
        lay = QVBoxLayout(self.widget)
        margin = max(2, px // 3)
        lay.setContentsMargins(margin, margin, margin, margin)
        lay.setSpacing(max(1, px // 4))
        text = caption if caption is not None else (scenario.title or self.state.surface.title)
        self.caption = None
        if text:
            self.caption = QLabel(html.escape(text, quote=False))
            self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.caption.setWordWrap(True)
            self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.caption.setStyleSheet(f"font-size: {round(px * 1.15)}px; font-weight: bold;")
            lay.addWidget(self.caption)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # wraps, never widens
        self.legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.legend)
        self.view = None
        pictures = []
        if view != "3d":
            self.view = ContourView(self.state)
            self.view.handle.setVisible(False)  # a movie has no mouse: a plain ring marks the start
            self.start_marker = markers.Marker(markers.disc(max(8, px)), "white", "black", max(1.5, px / 7), MARKER_Z)
            self.view.addItem(self.start_marker, ignoreBounds=True)
            pictures.append(self.view)
        if view != "2d":
            from .view3d import build_gl_view

            self.view3d = build_gl_view(self.state)
            self.view3d.show_hint = False
            pictures.append(self.view3d)
        w, h = size
        self.loss = LossPlot(self.state) if loss_plot and w >= LOSS_MIN[0] and h >= LOSS_MIN[1] else None
        self.loss_beside = beside = self.loss is not None and view != "both" and w >= 1.2 * h
        row = QHBoxLayout()
        row.setSpacing(max(2, px // 2))
        for picture in pictures:
            row.addWidget(picture, 3)
        if beside:
            row.addWidget(self.loss, 2)
        lay.addLayout(row, 3)
        if self.loss is not None and not beside:
            lay.addWidget(self.loss, 1)
        self._style(vectors)
        self.widget.setFixedSize(*size)  # the frame's size is the movie's: the parts fit it, not it them
        self.widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.widget.show()
        self._settle()
        if self.view is not None:
            self.view.reset_view()
            self._frame_start()
        if self.view3d is not None:
            self.view3d.reset_camera()
        self._settle()

    # ------------------------------------------------------------------ layout
    def _style(self, vectors: bool) -> None:
        """Fonts, axis sizes, pens and the legend for this frame size."""
        px = self.px
        font = QFont()
        font.setPixelSize(max(6, round(px * 0.9)))
        metrics = QFontMetrics(font)
        plots = []
        if self.view is not None:
            if px >= 16:  # a large frame: the window's presentation pens (2-px trails, bigger heads)
                self.view.set_presentation(True)
            self.view.set_show_vectors(vectors)
            self.view.minima.set_size(max(9, min(21, px + 5)))  # a thumbnail's minima must not hide its wells
            # the legend is a wrapped label above (a title line was cut off), the colour bar's and the
            # axes' titles are said there too (a vertical title was elided to dots)
            self.view.set_compact(True)
            plots.append(self.view.getPlotItem())
            cb = self.view.colorbar
            cb.axis.setStyle(tickFont=font, tickLength=max(3, px // 3), tickTextOffset=2)
            cb.axis.setWidth(metrics.horizontalAdvance("1e-10") + max(3, px // 3) + 4)
            tidy_axes(cb)
        if self.loss is not None:
            plots.append(self.loss.getPlotItem())
            if px >= 16:
                self.loss.set_presentation(True)
        for plot in plots:
            tidy_axes(plot)
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setStyle(tickFont=font, tickLength=max(3, px // 3), tickTextOffset=2)
                title = axis.labelText
                if self.view is not None and plot is self.view.getPlotItem():
                    continue  # compact: x and y need no titles
                if title and px >= 9:
                    axis.setLabel(title, **{"font-size": f"{round(px * 0.95)}px"})
                else:  # a small frame: the numbers are enough, the titles are in the legend
                    axis.showLabel(False)
            plot.getAxis("left").setWidth(metrics.horizontalAdvance("10⁻¹⁰") + max(3, px // 3) + 6 +
                                          (metrics.height() + 2 if plot.getAxis("left").label.isVisible() else 0))
        self._update_legend()

    def _update_legend(self) -> None:
        px = self.px
        entries = [legend_entry(i, html.escape(r.name, quote=False), r.color, True, px)
                   for i, r in enumerate(self.state.racers) if r.visible]
        if self.view is not None and self.view.show_vectors:
            # every kind, always: a legend that changed from frame to frame would shake the picture;
            # the caption on the plot covered a small frame's landscape
            self.view.vectors.caption.setVisible(False)
            kinds = [(t, c, dashed) for t, c, dashed in (step_vectors.RAW, step_vectors.USED, step_vectors.VELOCITY,
                                                          step_vectors.STEP)]
            if px <= 8:  # a thumbnail has no room for four captions: the names of the two that matter
                kinds = [("gradient", kinds[0][1], True), ("step", kinds[3][1], False)]
            entries += [f"<span style='color:rgb{c}'>{'╍╍' if dashed else '━━'}</span>&nbsp;{html.escape(t)}"
                        for t, c, dashed in kinds]
        if self.view is not None:
            ring = f"<span style='font-size:{px}px'>◯</span>"
            entries.append(f"{ring}&nbsp;start")
            entries += markers.minima_key(self.view.minima.kinds)
            label = self.view.colorbar.axis.labelText or "f − f_min"
            entries.append(f"colour: {html.escape(label, quote=False)}")
        if self.loss is not None:
            entries.append(f"{'right' if self.loss_beside else 'below'}: f − f_min by step (log)")
        self.legend.setText("&nbsp;&nbsp; ".join(f"<span style='white-space:nowrap'>{e}</span>" for e in entries))

    def _frame_start(self) -> None:
        """The whole view (the surface, or the scenario's view) and the start, even if it lies outside."""
        x0, x1, y0, y1 = self.state.scenario.view or self.state.surface.domain
        sx, sy = self.state.start
        pad_x, pad_y = 0.04 * (x1 - x0), 0.04 * (y1 - y0)
        if not (x0 <= sx <= x1 and y0 <= sy <= y1):
            x0, x1 = min(x0, sx - pad_x), max(x1, sx + pad_x)
            y0, y1 = min(y0, sy - pad_y), max(y1, sy + pad_y)
            self.view.vb.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0)
        self.start_marker.place(sx, sy)

    def _settle(self) -> None:
        """Every view up to date: background runs and landscapes arrived, throttled views drawn."""
        while self.state.busy or (self.view is not None and self.view.busy()):
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        for later in self.widget.findChildren(Later):  # plots that follow a change on the next turn
            later.flush()
        for throttle in self.widget.findChildren(Throttle):
            throttle.flush()
        QApplication.processEvents()
        self._update_legend()
        QApplication.processEvents()

    def in_frame(self) -> dict[str, bool]:
        """For each part that must be seen (landscape, colour bar, start, legend, caption, loss plot),
        whether it lies wholly inside the picture (measured on the laid-out widgets)."""
        frame = QRectF(self.widget.rect())
        result = {}

        def rect_of(widget, item=None) -> QRectF:
            offset = QPointF(widget.mapTo(self.widget, QPoint(0, 0)))
            if item is None:
                return QRectF(offset, QSizeF(widget.size()))
            if item.flags() & item.GraphicsItemFlag.ItemIgnoresTransformations:  # drawn in pixels at its point
                centre = QPointF(widget.mapFromScene(item.mapToScene(QPointF(0, 0))))
                return item.boundingRect().translated(centre + offset)
            return QRectF(widget.mapFromScene(item.sceneBoundingRect()).boundingRect()).translated(offset)

        if self.view is not None:
            vb = rect_of(self.view, self.view.vb)
            result["landscape"] = frame.contains(vb)
            result["colour bar"] = frame.contains(rect_of(self.view, self.view.colorbar))
            result["start"] = vb.contains(rect_of(self.view, self.start_marker)) and self.start_marker.isVisible()
        for name, label in (("legend", self.legend), ("caption", self.caption)):
            if label is not None:
                whole = label.heightForWidth(label.width()) <= label.height() + 1
                result[name] = frame.contains(rect_of(label)) and whole
        if self.loss is not None:
            result["loss plot"] = frame.contains(rect_of(self.loss))
        return result

    def grab(self):
        """The whole picture as a QImage, the 3-D view's framebuffer painted into its place."""
        image = self.widget.grab().toImage()
        if self.view3d is not None:
            painter = QPainter(image)
            painter.drawImage(self.view3d.mapTo(self.widget, QPoint(0, 0)), self.view3d.grabFramebuffer())
            painter.end()
        return image

    def frame(self, step: int, orbit_deg: float = 0.0) -> np.ndarray:
        """The picture after ``step`` steps (the 3-D camera turned by ``orbit_deg`` first), as an
        (H, W, 3) uint8 array."""
        if orbit_deg and self.view3d is not None:
            self.view3d.orbit(-orbit_deg, 0)
        self.state.set_step(step)
        self._settle()
        image = self.grab()
        image = image.convertToFormat(image.Format.Format_RGB888)
        w, h, stride = image.width(), image.height(), image.bytesPerLine()
        data = np.frombuffer(image.constBits(), np.uint8, count=stride * h).reshape(h, stride)
        return data[:, : w * 3].reshape(h, w, 3).copy()

    def frames(self, steps_per_frame: int = 1, steps: int | None = None, orbit_deg: float = 0.0):
        """Frames from step 0 to the last step, ``steps_per_frame`` steps apart (the last always
        shown), the 3-D camera turning ``orbit_deg`` between frames."""
        last = self.state.max_steps if steps is None else steps
        count = frame_count(last, steps_per_frame)
        for i in range(count):
            yield self.frame(min(i * steps_per_frame, last), orbit_deg if i else 0.0)

    def save_image(self, path, scale: float = 1.0):
        """PNG (re-rendered at ``scale``) or SVG of the current picture."""
        self._settle()
        if self.view3d is not None:  # save_widget re-renders widgets, which a GL view is not
            raise ValueError("images of the 3-D view: export an animation, or take a screenshot")
        return save_widget(self.widget, path, scale)

    def close(self) -> None:
        self.widget.close()
        self.widget.deleteLater()


def frame_count(steps: int, steps_per_frame: int) -> int:
    return math.ceil(steps / steps_per_frame) + 1


def parse_size(text: str) -> tuple[int, int]:
    """'1280x720' → (1280, 720), with a message a user understands otherwise."""
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"size must look like 1280x720, got {text!r}") from None
    if not (160 <= w <= 3840 and 120 <= h <= 2160):
        raise ValueError(f"size must be between 160x120 and 3840x2160, got {w}x{h}")
    return w - w % 2, h - h % 2  # H.264 wants even sizes


def render_animation(scenario, path, *, size=(1280, 720), fps: float = 30, steps_per_frame: int = 2,
                     steps: int | None = None, loss_plot: bool = True, caption: str | None = None,
                     progress=None, cancelled=None, view: str = "2d", orbit: bool = False, vectors: bool = False,
                     selected: int = 0):
    """Render ``scenario`` to a GIF or MP4; see ``animation.write`` for progress, cancel and safety.
    ``view``: "2d", "3d" or "both"; ``orbit``: the 3-D camera turns slowly through the movie;
    ``vectors``: racer ``selected``'s step vectors on the landscape."""
    animation.check_target(path)  # refuse before the (slow) rendering starts
    if steps is not None:
        scenario.steps = steps
    if not isinstance(steps_per_frame, int) or steps_per_frame < 1:
        raise ValueError(f"steps per frame must be a whole number ≥ 1, got {steps_per_frame!r}")
    if orbit and view == "2d":
        raise ValueError("orbit turns the 3-D camera: choose the 3-D view or both")
    scene = Scene(scenario, size, loss_plot=loss_plot, caption=caption, view=view, vectors=vectors,
                  selected=selected)
    try:
        total = frame_count(scene.state.max_steps, steps_per_frame)
        turn = ORBIT_DEG_PER_S / fps if orbit else 0.0
        return animation.write(path, scene.frames(steps_per_frame, orbit_deg=turn), fps=fps, total=total,
                               progress=progress, cancelled=cancelled)
    finally:
        scene.close()
