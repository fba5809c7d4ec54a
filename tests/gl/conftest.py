"""The 3-D view's tests: run by tests/ui/test_view3d.py in a child pytest on a private Xvfb
(DISPLAY set, QT_QPA_PLATFORM=xcb, Mesa's software OpenGL)."""
import pytest
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)  # before pytest-qt makes the app


@pytest.fixture
def gl_errors(monkeypatch):
    """Everything pyqtgraph.opengl swallowed while drawing (it prints and goes on)."""
    seen = []
    from pyqtgraph import debug

    original = debug.printExc
    monkeypatch.setattr(debug, "printExc", lambda *a, **k: (seen.append(a), original(*a, **k)))
    return seen


@pytest.fixture
def window(qtbot, gl_errors):
    from landscape_app.ui.app import build

    pg.setConfigOptions(mouseRateLimit=-1)
    w = build(None, ready=True)
    w.resize(1300, 850)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(50)
    yield w
    assert gl_errors == [], "pyqtgraph.opengl reported errors while drawing"
