import pytest
from PySide6.QtCore import QSettings

import pyqtgraph as pg


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Keep tests away from the user's real settings."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(tmp_path / "settings"))
    yield tmp_path / "settings"


@pytest.fixture
def window(qtbot):
    from landscape_app.ui.app import build

    pg.setConfigOptions(mouseRateLimit=-1)  # synthetic moves come faster than 100/s
    w = build(None, ready=True)
    w.resize(1300, 850)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(50)  # the view's pixel↔data transform is stale until the event loop has run
    return w


@pytest.fixture(autouse=True)
def stop_workers():
    """No background thread outlives its test."""
    yield
    from landscape_app.ui.analysis import wait_for_jobs
    from landscape_app.ui.compute import stop_all

    stop_all()
    wait_for_jobs()


@pytest.fixture
def settle(qtbot):
    """Wait until the state's background computing is done (long runs go to a worker thread) and
    the plots that follow a change on the next turn of the event loop have followed."""
    from PySide6.QtWidgets import QApplication

    from landscape_app.ui.throttle import Later

    def following() -> bool:
        return any(later.pending() for w in QApplication.topLevelWidgets() for later in w.findChildren(Later))

    def wait(state, timeout: int = 20_000):
        qtbot.waitUntil(lambda: not state.busy and not following(), timeout=timeout)

    return wait

