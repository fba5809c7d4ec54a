"""Start the desktop app: the window appears at once, kernels compile in the background."""
from __future__ import annotations

import sys

import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from ..core.scenario import ScenarioError, loads
from .analysis.menu import AnalysisMenu
from .file_actions import FileActions
from .main_window import MainWindow
from .state import AppState
from .workers import KernelWarmup


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
    state = AppState(last_scenario(settings) if settings is not None else None, ready=ready)
    window = MainWindow(state, settings)
    window.file_actions = FileActions(window, settings)
    window.analysis = AnalysisMenu(window)
    window.restore()
    if not ready:
        warmup = KernelWarmup(window)
        warmup.ready.connect(lambda seconds: (state.set_ready(), window._refresh_status(),
                                             window.statusBar().showMessage(f"kernels ready in {seconds:.1f} s", 4000)))
        warmup.failed.connect(lambda text: window.statusBar().showMessage(f"could not prepare kernels: {text}"))
        window.warmup = warmup
        warmup.start()
    return window


def main(argv: list[str] | None = None) -> int:
    if QApplication.instance() is None:  # before the app: a second GL widget fails otherwise (GLError 1281)
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1] + list(argv or []))
    app.setApplicationName("Landscape")
    app.setOrganizationName("Landscape")
    window = build(QSettings())
    window.show()
    code = app.exec()
    if getattr(window, "warmup", None) is not None:
        window.warmup.wait()  # a compile cannot be interrupted; a QThread destroyed mid-run aborts
    return code
