"""Start the desktop app: the window appears at once, kernels compile in the background."""
from __future__ import annotations

import gc
import sys
from importlib import resources

import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ..core.scenario import ScenarioError, loads
from .analysis.menu import AnalysisMenu
from .collector import GuiThreadCollector
from .compute import stop_all
from .errors import ErrorReporter
from .file_actions import FileActions
from .help import HelpMenu
from .main_window import MainWindow
from .state import AppState
from .undo import EditMenu, UndoStack
from .workers import KernelWarmup

APP_ID = "io.github.landscape_app.Landscape"  # reverse-DNS id: the .desktop file, AppStream, Wayland's app id


def app_icon() -> QIcon:
    """The window icon at every size shipped in the package (PNGs: no SVG plugin needed)."""
    icon = QIcon()
    for png in sorted(resources.files("landscape_app").joinpath("resources", "icons").iterdir(), key=lambda p: p.name):
        if png.name.endswith(".png"):
            with resources.as_file(png) as path:
                icon.addFile(str(path))
    return icon


def last_scenario(settings: QSettings):
    text = settings.value("last_scenario")
    if not isinstance(text, str):
        return None
    try:
        return loads(text)
    except ScenarioError:  # an older or damaged setting: start fresh rather than fail
        return None


def build(settings: QSettings | None = None, ready: bool = False) -> MainWindow:
    """The window with its state; ``ready=False`` leaves compiling to a background thread."""
    # Antialiased trails cost several ms per frame in Qt's software renderer; isolines ask for it.
    pg.setConfigOptions(antialias=False, background="w", foreground="k")
    GuiThreadCollector.install()  # before the first worker thread: none of them may collect Qt objects
    warmup = None if ready else KernelWarmup()
    if warmup is not None:  # before the state's first runs: their workers must not compile kernels meanwhile
        warmup.start()
    state = AppState(last_scenario(settings) if settings is not None else None, ready=ready)
    window = MainWindow(state, settings)
    window.undo = UndoStack(state, window)
    window.file_actions = FileActions(window, settings)
    window.edit_menu = EditMenu(window, window.undo)
    window.analysis = AnalysisMenu(window)
    window.help = HelpMenu(window)
    window.restore()
    if warmup is not None:
        _follow_warmup(window, state, warmup)
    return window


def _follow_warmup(window: MainWindow, state: AppState, warmup: KernelWarmup) -> None:
    """The kernels compile in the background, the first picture's first; progress in the status bar
    (the signals arrive on later turns of the event loop: connected in time)."""
    warmup.setParent(window)  # as long as the window (``main`` waits for it before the window goes)
    status = window.statusBar()

    def progress(done: int, total: int, label: str) -> None:
        if label:
            status.showMessage(f"compiling kernels {done + 1}/{total}: {label}…")

    warmup.progress.connect(progress)
    warmup.landscape.connect(lambda seconds: state.set_landscape_ready())
    warmup.ready.connect(lambda seconds: (state.set_ready(), window._refresh_status()))
    warmup.done.connect(lambda seconds: status.showMessage(f"kernels ready in {seconds:.1f} s", 4000))
    warmup.failed.connect(lambda text: status.showMessage(f"could not prepare kernels: {text}"))
    window.warmup = warmup


def freeze_long_lived() -> None:
    """What exists once the kernels are ready (modules, the window, Numba's kernels and types) lives
    as long as the app: frozen out of the cyclic collector's sight, a full collection walks only what
    was made since, not ~160,000 objects on the GUI thread (66 ms, about once per 1,000 monkey
    actions; none in 1,000 since)."""
    gc.freeze()


def main(argv: list[str] | None = None) -> int:
    if QApplication.instance() is None:  # before the app: a second GL widget fails otherwise (GLError 1281)
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1] + list(argv or []))
    app.setApplicationName("Landscape")
    app.setOrganizationName("Landscape")
    app.setDesktopFileName(APP_ID)  # set before any window: desktops match windows to the .desktop file by it
    app.setWindowIcon(app_icon())
    window = build(QSettings())
    window.errors = ErrorReporter(window)
    app.aboutToQuit.connect(stop_all)  # background threads finish their current piece and end
    window.show()
    if getattr(window, "warmup", None) is not None:
        window.warmup.done.connect(lambda seconds: freeze_long_lived())
    code = app.exec()
    if getattr(window, "warmup", None) is not None:
        window.warmup.stop()  # skip the stages not yet started
        window.warmup.wait()  # a compile in the thread cannot be interrupted; a QThread destroyed mid-run aborts
    return code
