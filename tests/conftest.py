import os
import sys
from pathlib import Path

# Qt must never look for a display in the test suite; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))  # for tests/naive.py

# The 3-D view's tests need OpenGL, which the offscreen platform lacks: tests/ui/test_view3d.py
# runs them in a child pytest on a private Xvfb (LANDSCAPE_GL_TESTS=1); never here.
collect_ignore = [] if os.environ.get("LANDSCAPE_GL_TESTS") else ["gl"]

import pytest  # noqa: E402


_REPORTS: list[str] = []


@pytest.fixture
def monkey_report():
    """Lines for the end of the test run (the GUI monkey's slowest actions)."""
    return _REPORTS


def pytest_terminal_summary(terminalreporter):
    for text in _REPORTS:
        terminalreporter.write_line(text)


@pytest.fixture(autouse=True)
def collect_garbage():
    """Once a window has switched automatic collection off (see ui.collector), tests that run no
    event loop still get their garbage collected, between tests as the window's timer would."""
    yield
    import gc

    if not gc.isenabled():
        from landscape_app.ui.collector import collect_due

        collect_due()


@pytest.fixture(autouse=True)
def unsaved_answer(monkeypatch):
    """The "save your changes?" question is modal: tests answer it here (a test may change the
    answer, ``unsaved_answer.answer = "cancel"``) and see how often it was asked.  Every test, the
    3-D view's child run on Xvfb too: a window closed with changes would wait for a click."""
    from landscape_app.ui.file_actions import FileActions

    class Answer:
        answer = "discard"
        asked = 0

    def ask(self):
        Answer.asked += 1
        return Answer.answer

    monkeypatch.setattr(FileActions, "ask_unsaved", ask)
    return Answer
