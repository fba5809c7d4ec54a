"""Mini-batch data surfaces from the window: choosing a data set, the batch size per racer, and
the batch size study."""
import time

import numpy as np
from PySide6.QtCore import Qt

from landscape_app.core.datasets import DataSurface
from landscape_app.ui.analysis.data_dialog import BatchStudyWindow, DataSurfaceDialog


def test_dialog_switches_to_a_stretched_data_set_and_standardizing_rounds_it(window, qtbot, settle):
    dialog = DataSurfaceDialog(window)
    qtbot.addWidget(dialog)
    ready = lambda: qtbot.waitUntil(lambda: not dialog.busy() and dialog.ok_button().isEnabled(), timeout=10_000)
    dialog.model.setCurrentIndex(1)
    dialog.n.setValue(120)
    dialog.scale.setValue(10.0)
    ready()
    stretched = float(dialog.info.text().split("<b>")[1].split("</b>")[0])
    dialog.standardize.setChecked(True)
    ready()
    rounded = float(dialog.info.text().split("<b>")[1].split("</b>")[0])
    assert rounded < stretched / 10
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    settle(window.state)
    s = window.state.surface
    assert isinstance(s, DataSurface) and s.model == "logistic" and s.n == 120 and s.standardized
    assert all(run.hyper["batch_size"] == 120 for run in window.state.runs)


def test_batch_size_widget_makes_true_mini_batch_steps(window, qtbot, settle):
    window.state.set_surface("data:least_squares?n=64&seed=1&scale=1&standardize=0")
    settle(window.state)
    window.state.select(0)
    batch = window.hyper_form.editors["batch_size"]
    full = window.state.runs[0].path.copy()
    batch.setValue(8)
    settle(window.state)
    run = window.state.runs[0]
    assert run.hyper["batch_size"] == 8 and run.hyper["steps_per_epoch"] == 8
    assert not np.array_equal(run.path, full)
    assert not window.hyper_form.editors["steps_per_epoch"].isEnabled()
    window.state.set_surface("ravine")  # batches belong to data surfaces: dropped on the way out
    settle(window.state)
    assert "batch_size" not in window.state.racers[0].hyper and window.state.runs[0].diverged_at is None


def test_batch_size_study_plots_time_and_loss(window, qtbot):
    window.state.set_surface("data:least_squares?n=64&seed=1&scale=1&standardize=0")
    study = BatchStudyWindow(window)
    qtbot.addWidget(study)
    study.epochs.setValue(2)
    qtbot.mouseClick(study.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not study.busy(), timeout=20_000)
    assert [r["batch_size"] for r in study.rows][0] == 1 and study.rows[-1]["batch_size"] == 64
    assert len([it for it in study.time_plot.getPlotItem().listDataItems() if it.opts["symbol"] is None]) == 1


def test_study_on_a_formula_surface_explains_instead_of_failing(window, qtbot):
    study = BatchStudyWindow(window)
    qtbot.addWidget(study)
    study.measure()
    assert "data surface" in study.note.text()


def test_basins_on_a_data_surface_do_not_crash(window, qtbot):
    window.state.set_surface("data:least_squares?n=32&seed=1&scale=1&standardize=0")
    window.analysis.basins_action.setChecked(True)
    qtbot.wait(600)
    window.state.set_step(5)
    assert window.isVisible()


def test_separable_logistic_data_is_refused_in_the_dialog_with_the_reason(window, qtbot):
    """N = 4 once raised LinAlgError inside the dialog, which stayed silent."""
    dialog = DataSurfaceDialog(window)
    qtbot.addWidget(dialog)
    dialog.model.setCurrentIndex(1)
    dialog.n.setValue(4)
    dialog.seed.setValue(1)  # these four examples are separable
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)
    assert "✗" in dialog.info.text() and "no minimum" in dialog.info.text()
    assert not dialog.ok_button().isEnabled()
    dialog.accept()  # even forced: nothing changes
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)
    assert window.state.scenario.surface == "ravine"


def test_a_large_data_set_keeps_the_window_responsive(window, qtbot, settle):
    """N = 100,000 froze the window for seconds per mouse move; now the work is in the background."""
    dialog = DataSurfaceDialog(window)
    qtbot.addWidget(dialog)
    dialog.model.setCurrentIndex(1)
    dialog.n.setValue(100_000)
    qtbot.waitUntil(lambda: not dialog.busy() and dialog.ok_button().isEnabled(), timeout=20_000)
    assert "expect slow racers" in dialog.info.text()
    window.state.set_max_steps(50)
    t0 = time.perf_counter()
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    assert time.perf_counter() - t0 < 0.3  # the click returns at once; runs and landscape come later
    assert window.state.surface.n == 100_000 and window.state.busy
    window.state.set_step(3)  # the window is usable meanwhile
    settle(window.state, timeout=60_000)
    assert len(window.state.runs) == len(window.state.racers)
    qtbot.waitUntil(lambda: not window.view.busy(), timeout=60_000)
