"""The 3-D view in the window: whether OpenGL can be had here, the panel (the GL view with its
height and camera controls), and the layout switch 2-D / 3-D / both.

Nothing here imports OpenGL at module import: ``gl_view`` (which does) is imported only when a
3-D view is built, after :func:`gl_unavailable` has said that it can be.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence, QOffscreenSurface, QOpenGLContext
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSlider, QSplitter, QToolButton, QVBoxLayout, QWidget

from .state import AppState

NO_GL_PLATFORMS = ("offscreen", "minimal", "vnc", "linuxfb", "vkkhrdisplay")
LAYOUTS = ("2d", "3d", "both")
LAYOUT_TITLES = {"2d": "2-D", "3d": "3-D", "both": "2-D + 3-D"}
_checked: dict[str, str | None] = {}


def gl_unavailable(probe: bool = True) -> str | None:
    """Why no 3-D view can be made in this application (None when it can): a platform that offers
    OpenGL, and (``probe``, checked once, ~0.1 s) PyOpenGL importable and a context of version ≥ 2.1.
    Without ``probe`` only the platform is looked at: what the window can say at start-up for free."""
    if QGuiApplication.instance() is None:
        return "no application yet"
    platform = QGuiApplication.platformName()
    if platform in NO_GL_PLATFORMS:
        return (f"the 3-D view needs OpenGL, which Qt's '{platform}' platform does not offer "
                "(run on a desktop, or under Xvfb with QT_QPA_PLATFORM=xcb)")
    if not probe:
        return _checked.get(platform)
    if platform not in _checked:
        _checked[platform] = _probe()
    return _checked[platform]


def _probe() -> str | None:
    try:
        import OpenGL.GL  # noqa: F401  (PyOpenGL: what pyqtgraph.opengl draws with)
    except Exception as exc:  # ImportError, or a PyOpenGL that finds no GL library
        return f"the 3-D view needs PyOpenGL and an OpenGL library: {exc}"
    context, surface = QOpenGLContext(), QOffscreenSurface()
    surface.create()
    try:
        if not context.create():
            return "no OpenGL context could be created on this display"
        if not context.makeCurrent(surface):
            return "an OpenGL context was created but could not be used"
        fmt = context.format()
        version = (fmt.majorVersion(), fmt.minorVersion())
        context.doneCurrent()
        if not context.isOpenGLES() and version < (2, 1):
            return f"the 3-D view needs OpenGL 2.1; this display offers {version[0]}.{version[1]}"
        return None
    finally:
        surface.destroy()


def build_gl_view(state: AppState, window: bool = False):
    """The 3-D view (imports pyqtgraph.opengl): a widget (for exports), or with ``window`` a native
    window to embed (faster on screen, see ``gl_view.SurfaceGLWindow``); raises RuntimeError
    saying why not."""
    reason = gl_unavailable()
    if reason is not None:
        raise RuntimeError(reason)
    from .gl_view import SurfaceGLView, SurfaceGLWindow

    return SurfaceGLWindow(state) if window else SurfaceGLView(state)


class View3D(QWidget):
    """The GL view under a row of controls: log height, vertical exaggeration, camera presets, orbit."""

    EXAGGERATION_RANGE = (0.1, 5.0)  # the slider is logarithmic over this range

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.gl = build_gl_view(state, window=True)
        self.container = QWidget.createWindowContainer(self.gl, self)
        self.container.setMinimumSize(200, 160)
        # keys stay with the main window (Space, arrows, 3): the view needs only the mouse
        self.container.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        self.log_box = QCheckBox("Log height")
        self.log_box.setToolTip("Heights on a log scale (for surfaces spanning many decades); "
                                "the axis still reads f − f_min")
        self.log_box.toggled.connect(self.gl.set_log_height)
        bar.addWidget(self.log_box)
        bar.addWidget(QLabel(" Height ×"))
        self.height_slider = QSlider(Qt.Orientation.Horizontal)
        self.height_slider.setRange(0, 100)
        self.height_slider.setFixedWidth(110)
        self.height_slider.setToolTip("Vertical exaggeration")
        self.height_slider.valueChanged.connect(lambda t: self.gl.set_exaggeration(self.slider_to_factor(t)))
        bar.addWidget(self.height_slider)
        self.height_label = QLabel()
        self.height_label.setMinimumWidth(34)
        bar.addWidget(self.height_label)
        bar.addStretch(1)
        self.buttons = {}
        for name, text, tip in (("front", "Front", "Camera from the front, high"), ("top", "Top", "Look straight down"),
                                ("side", "Side", "Camera low, from the side")):
            b = QToolButton(text=text, toolTip=tip)
            b.clicked.connect(lambda _=False, n=name: self.gl.camera_preset(n))
            bar.addWidget(b)
            self.buttons[name] = b
        self.orbit_button = QToolButton(text="Orbit", checkable=True, toolTip="Turn slowly around the surface")
        self.orbit_button.toggled.connect(self.gl.set_orbiting)
        bar.addWidget(self.orbit_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(bar)
        lay.addWidget(self.container, 1)
        self.gl.optionsChanged.connect(self._show_options)
        self._show_options()

    @classmethod
    def slider_to_factor(cls, ticks: int) -> float:
        lo, hi = cls.EXAGGERATION_RANGE
        return float(f"{lo * (hi / lo) ** (ticks / 100):.2g}")

    @classmethod
    def factor_to_slider(cls, factor: float) -> int:
        lo, hi = cls.EXAGGERATION_RANGE
        return round(100 * math.log(factor / lo) / math.log(hi / lo))

    def _show_options(self) -> None:
        for w, set_value in ((self.log_box, lambda: self.log_box.setChecked(self.gl.log_height)),
                             (self.height_slider,
                              lambda: self.height_slider.setValue(self.factor_to_slider(self.gl.exaggeration)))):
            w.blockSignals(True)  # showing the view's value must not echo back into it
            set_value()
            w.blockSignals(False)
        self.height_label.setText(f"{self.gl.exaggeration:g}")

    def hideEvent(self, event) -> None:
        self.orbit_button.setChecked(False)  # no orbiting nobody sees (it redraws the mesh every frame)
        super().hideEvent(event)


class ViewLayout(QObject):
    """2-D, 3-D or both side by side, in a splitter the window puts where the 2-D view was.

    The 3-D panel is built the first time it is asked for; where OpenGL cannot be had the 3-D
    choices are disabled, say why in their tooltip, and asking for them says why in the status bar.
    """

    layoutChanged = Signal(str)

    def __init__(self, window, state: AppState, view_2d: QWidget):
        super().__init__(window)
        self.window, self.state = window, state
        self.view_2d = view_2d
        self.view_3d: View3D | None = None
        self.mode = "2d"
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(view_2d)
        self.splitter.setChildrenCollapsible(False)
        self.group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for mode in LAYOUTS:
            a = QAction(LAYOUT_TITLES[mode], self, checkable=True)
            a.triggered.connect(lambda _=False, m=mode: self.set_layout(m))
            self.group.addAction(a)
            self.actions[mode] = a
        self.actions["2d"].setChecked(True)
        self.cycle_action = QAction("Next view layout", self, shortcut=QKeySequence("3"))
        self.cycle_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.cycle_action.triggered.connect(self.cycle)
        self._reason: str | None = None
        self._describe()

    def _describe(self) -> None:
        # the platform only: probing OpenGL costs ~0.1 s of start-up, so it waits for the first 3-D request
        if self.view_3d is None and self._reason is None:
            self._reason = gl_unavailable(probe=False)
        for mode, a in self.actions.items():
            if mode == "2d":
                a.setToolTip("The landscape from above (key 3 cycles the layouts)")
            elif self._reason:
                a.setEnabled(False)
                a.setToolTip(f"3-D view unavailable: {self._reason}")
            else:
                a.setToolTip(("The surface in 3-D" if mode == "3d" else "2-D and 3-D side by side")
                             + " (key 3 cycles the layouts)")

    def cycle(self) -> None:
        order = ("2d", "both", "3d")
        self.set_layout(order[(order.index(self.mode) + 1) % len(order)])

    def set_layout(self, mode: str) -> bool:
        """Show ``mode`` ("2d", "3d", "both"); False (and the reason in the status bar) if it cannot be."""
        if mode not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {mode!r}")
        if mode != "2d" and not self._ensure_3d():
            self.window.statusBar().showMessage(f"3-D view unavailable: {self._reason}", 10000)
            self.actions[self.mode].setChecked(True)
            return False
        self.mode = mode
        self.actions[mode].setChecked(True)
        self.view_2d.setVisible(mode != "3d")
        if self.view_3d is not None:
            self.view_3d.setVisible(mode != "2d")
        if mode == "both":
            half = max(self.splitter.width(), 2) // 2
            self.splitter.setSizes([half, half])
        self.layoutChanged.emit(mode)
        return True

    def reset_views(self) -> None:
        """The toolbar's "Reset view": the 2-D range and the 3-D camera."""
        self.view_2d.reset_view()
        if self.view_3d is not None:
            self.view_3d.gl.reset_camera()

    def _ensure_3d(self) -> bool:
        if self.view_3d is not None:
            return True
        if self._reason:
            return False
        try:
            self.view_3d = View3D(self.state)
        except RuntimeError as exc:  # no OpenGL here after all: say so, keep the 2-D view
            self._reason = str(exc)
            self._describe()
            return False
        self.view_3d.setVisible(False)
        self.splitter.addWidget(self.view_3d)
        return True
