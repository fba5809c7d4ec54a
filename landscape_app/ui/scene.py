"""A scenario drawn offscreen with the very views the window uses: frames for animations and
images.  The encoders (``export.animation``) never see Qt: they get arrays of pixels."""
from __future__ import annotations

import math
import os

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QVBoxLayout, QWidget

from ..export import animation
from .contour_view import ContourView
from .images import save_widget
from .loss_plot import LossPlot
from .state import AppState
from .throttle import Throttle


def ensure_app():
    """A QApplication for rendering; offscreen when there is no display (CLI, CI)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the QApplication is made
    return QApplication.instance() or QApplication([])


class Scene:
    """The landscape with every racer's trail, optionally the loss plot and a caption, at a fixed size."""

    def __init__(self, scenario, size=(1280, 720), loss_plot: bool = True, caption: str | None = None):
        ensure_app()
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
        self.view = ContourView(self.state)
        self.view.handle.setVisible(False)  # a movie has no mouse: the start is the first trail point
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setHandleWidth(18)  # keeps the colour bar's label clear of the loss plot's
        split.addWidget(self.view)
        self.loss = None
        if loss_plot:
            self.loss = LossPlot(self.state)
            split.addWidget(self.loss)
            split.setSizes([int(size[0] * 0.62), int(size[0] * 0.38)])
        lay.addWidget(split, 1)
        self.widget.resize(*size)
        self.widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.widget.show()
        self._settle()
        self.view.reset_view()

    def _settle(self) -> None:
        """Every view up to date: background runs and landscapes arrived, throttled views drawn."""
        while self.state.busy or self.view.busy():
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        for throttle in self.widget.findChildren(Throttle):
            throttle.flush()
        QApplication.processEvents()

    def frame(self, step: int) -> np.ndarray:
        """The picture after ``step`` steps, as an (H, W, 3) uint8 array."""
        self.state.set_step(step)
        self._settle()
        image = self.widget.grab().toImage()
        image = image.convertToFormat(image.Format.Format_RGB888)
        w, h, stride = image.width(), image.height(), image.bytesPerLine()
        data = np.frombuffer(image.constBits(), np.uint8, count=stride * h).reshape(h, stride)
        return data[:, : w * 3].reshape(h, w, 3).copy()

    def frames(self, steps_per_frame: int = 1, steps: int | None = None):
        """Frames from step 0 to the last step, ``steps_per_frame`` steps apart (the last always shown)."""
        last = self.state.max_steps if steps is None else steps
        count = frame_count(last, steps_per_frame)
        for i in range(count):
            yield self.frame(min(i * steps_per_frame, last))

    def save_image(self, path, scale: float = 1.0):
        """PNG (re-rendered at ``scale``) or SVG of the current picture."""
        self._settle()
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
                     progress=None, cancelled=None):
    """Render ``scenario`` to a GIF or MP4; see ``animation.write`` for progress, cancel and safety."""
    animation.check_target(path)  # refuse before the (slow) rendering starts
    if steps is not None:
        scenario.steps = steps
    if not isinstance(steps_per_frame, int) or steps_per_frame < 1:
        raise ValueError(f"steps per frame must be a whole number ≥ 1, got {steps_per_frame!r}")
    scene = Scene(scenario, size, loss_plot=loss_plot, caption=caption)
    try:
        total = frame_count(scene.state.max_steps, steps_per_frame)
        return animation.write(path, scene.frames(steps_per_frame), fps=fps, total=total, progress=progress,
                               cancelled=cancelled)
    finally:
        scene.close()
