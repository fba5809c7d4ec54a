"""A scenario drawn offscreen with the very views the window uses: frames for animations and
images.  The encoders (``export.animation``) never see Qt: they get arrays of pixels.

``view`` picks the picture: the 2-D landscape, the 3-D surface, or both side by side.  The 3-D
view needs OpenGL, which Qt's offscreen platform lacks: with no display, a private Xvfb is
started for the render (``display``); where none can be had the render fails saying why.
A QOpenGLWidget is missing from ``QWidget.grab()`` of a hidden window, so each frame is the
window's grab with the GL view's own framebuffer painted into its place."""
from __future__ import annotations

import math
import os

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEventLoop, QPoint, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QVBoxLayout, QWidget

from ..export import animation
from .contour_view import ContourView
from .images import save_widget
from .loss_plot import LossPlot
from .state import AppState
from .throttle import Throttle

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


class Scene:
    """The landscape (2-D, 3-D or both) with every racer's trail, optionally the loss plot and a
    caption, at a fixed size."""

    def __init__(self, scenario, size=(1280, 720), loss_plot: bool = True, caption: str | None = None,
                 view: str = "2d"):
        if view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
        ensure_app(gl=view != "2d")
        self.view3d = None
        if view != "2d":
            from .view3d import build_gl_view, gl_unavailable

            reason = gl_unavailable()
            if reason is not None:
                raise ValueError(f"cannot render the 3-D view: {reason}")
        pg.setConfigOptions(antialias=True, background="w", foreground="k")  # a movie can afford it
        self.state = AppState(scenario, ready=True)
        self.widget = QWidget()
        self.widget.setStyleSheet("background: white;")
        lay = QVBoxLayout(self.widget)
        lay.setContentsMargins(6, 6, 6, 6)
        text = caption if caption is not None else (scenario.title or self.state.surface.title)
        if text:
            label = QLabel(text)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet(f"font-size: {max(12, size[1] // 40)}px; font-weight: bold; color: #222;")
            lay.addWidget(label)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setHandleWidth(18)  # keeps the colour bar's label clear of the loss plot's
        self.view = None
        if view != "3d":
            self.view = ContourView(self.state)
            self.view.handle.setVisible(False)  # a movie has no mouse: the start is the first trail point
            split.addWidget(self.view)
        if view != "2d":
            self.view3d = build_gl_view(self.state)
            self.view3d.show_hint = False
            split.addWidget(self.view3d)
        self.loss = LossPlot(self.state) if loss_plot else None
        if view == "both":  # two pictures side by side; the loss plot goes underneath
            split.setSizes([size[0] // 2, size[0] // 2])
            if self.loss is not None:
                column = QSplitter(Qt.Orientation.Vertical)
                column.addWidget(split)
                column.addWidget(self.loss)
                column.setSizes([int(size[1] * 0.7), int(size[1] * 0.3)])
                split = column
        elif self.loss is not None:
            split.addWidget(self.loss)
            split.setSizes([int(size[0] * 0.62), int(size[0] * 0.38)])
        lay.addWidget(split, 1)
        self.widget.resize(*size)
        self.widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.widget.show()
        self._settle()
        if self.view is not None:
            self.view.reset_view()
        if self.view3d is not None:
            self.view3d.reset_camera()

    def _settle(self) -> None:
        """Every view up to date: background runs and landscapes arrived, throttled views drawn."""
        while self.state.busy or (self.view is not None and self.view.busy()):
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        for throttle in self.widget.findChildren(Throttle):
            throttle.flush()
        QApplication.processEvents()

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
                     progress=None, cancelled=None, view: str = "2d", orbit: bool = False):
    """Render ``scenario`` to a GIF or MP4; see ``animation.write`` for progress, cancel and safety.
    ``view``: "2d", "3d" or "both"; ``orbit``: the 3-D camera turns slowly through the movie."""
    animation.check_target(path)  # refuse before the (slow) rendering starts
    if steps is not None:
        scenario.steps = steps
    if not isinstance(steps_per_frame, int) or steps_per_frame < 1:
        raise ValueError(f"steps per frame must be a whole number ≥ 1, got {steps_per_frame!r}")
    if orbit and view == "2d":
        raise ValueError("orbit turns the 3-D camera: choose the 3-D view or both")
    scene = Scene(scenario, size, loss_plot=loss_plot, caption=caption, view=view)
    try:
        total = frame_count(scene.state.max_steps, steps_per_frame)
        turn = ORBIT_DEG_PER_S / fps if orbit else 0.0
        return animation.write(path, scene.frames(steps_per_frame, orbit_deg=turn), fps=fps, total=total,
                               progress=progress, cancelled=cancelled)
    finally:
        scene.close()
