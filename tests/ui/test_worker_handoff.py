"""Worker threads hand their results to the GUI thread through the mailbox and emit no Qt signal
themselves: the monkey test once segfaulted inside a worker's emit (1 CI run in 6)."""
import subprocess
import sys
import textwrap
import threading

import pytest

# Owners made, connected and deleted while their workers emit: the way dialogs and their workers
# come and go under the monkey.  With the workers emitting, PySide printed "Slot 'Owner::' not
# found" tens of times within 3,000 rounds and segfaulted within 10,000, with or without @Slot.
STRESS = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import shiboken6
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication
    from landscape_app.ui.analysis import Job, wait_for_jobs
    from landscape_app.ui.compute import LatestWorker, stop_all

    app = QApplication([])
    delivered = []

    class Owner(QObject):
        def __init__(self):
            super().__init__()
            self.worker = LatestWorker("stress", self)
            self.worker.finished.connect(self.got)
            self.worker.progressed.connect(self.step)
        def got(self, number, value):
            delivered.append(value)
        def step(self, number, done, total):
            pass

    def work(progress, superseded):
        for i in range(20):
            progress(i, 20)
        return 1

    kept = Owner()
    for i in range(int(sys.argv[1])):
        owner = Owner()
        for _ in range(3):
            owner.worker.submit(work)
        if i % 50 == 0:
            job = Job(i, lambda progress, cancelled: [progress(f / 10) for f in range(10)])
            job.result.connect(owner.got)
            job.start()
        kept.worker.submit(work)
        app.processEvents()
        shiboken6.delete(owner)
        app.processEvents()
    stop_all()
    wait_for_jobs()
    while kept.worker.busy():
        app.processEvents()
    for _ in range(100):
        app.processEvents()
    assert delivered, "no result arrived"
    print("delivered", len(delivered))
""")


def test_owners_deleted_while_their_workers_finish_crash_nothing():
    run = subprocess.run([sys.executable, "-c", STRESS, "6000"], capture_output=True, text=True, timeout=300,
                         check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "not found" not in run.stderr, run.stderr[-2000:]
    assert "delivered" in run.stdout


def test_worker_and_job_signals_arrive_on_the_gui_thread(qtbot):
    from landscape_app.ui.analysis import Job
    from landscape_app.ui.compute import LatestWorker

    seen = []
    record = lambda *args: seen.append((threading.current_thread() is threading.main_thread(), args))
    worker = LatestWorker("thread check")
    worker.progressed.connect(record)
    worker.finished.connect(record)
    worker.submit(lambda progress, superseded: (progress(1, 2), "value")[1])
    job = Job(7, lambda progress, cancelled: (progress(0.5), "job value")[1])
    job.progressed.connect(record)
    job.result.connect(record)
    job.start()
    qtbot.waitUntil(lambda: len(seen) == 4, timeout=5000)
    worker.stop()
    assert all(on_gui for on_gui, _ in seen)
    assert {args for _, args in seen} == {(1, 1, 2), (1, "value"), (7, 0.5), (7, "job value")}


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # pytest's hook sees it too
def test_an_exception_in_a_worker_reaches_the_window_from_the_gui_thread(window, qtbot, tmp_path):
    from landscape_app.ui.errors import ErrorReporter

    reporter = ErrorReporter(window, tmp_path / "errors.log")
    shown = []
    reporter.reported.connect(lambda summary: shown.append((threading.current_thread() is threading.main_thread(),
                                                            summary)))
    try:
        with qtbot.capture_exceptions():
            thread = threading.Thread(target=lambda: 1 / 0)
            thread.start()
            thread.join()
            qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    finally:
        reporter.uninstall()
    assert shown == [(True, "ZeroDivisionError: division by zero")]
    assert "ZeroDivisionError" in (tmp_path / "errors.log").read_text()


def test_a_worker_posting_faster_than_the_window_takes_it_holds_up_nothing(qtbot):
    """Progress is delivered as of its latest value, and one wake-up delivers what was posted before
    it: a worker posting faster than the window took it put the window minutes behind."""
    import time

    from PySide6.QtCore import QTimer

    from landscape_app.ui.compute import LatestWorker

    def flood(progress, superseded):
        end = time.perf_counter() + 1.0
        while not superseded() and time.perf_counter() < end:
            progress(0, 1)

    worker, fired = LatestWorker("flood"), []
    worker.progressed.connect(lambda *_: time.sleep(0.0002))  # slower than the worker posts
    worker.submit(flood)
    qtbot.waitUntil(lambda: worker.busy(), timeout=5000)
    due = time.perf_counter() + 0.01
    QTimer.singleShot(10, lambda: fired.append(time.perf_counter()))
    try:
        qtbot.waitUntil(lambda: bool(fired), timeout=5000)
    finally:
        worker.stop()
    assert fired[0] - due < 0.5
