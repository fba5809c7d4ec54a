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
