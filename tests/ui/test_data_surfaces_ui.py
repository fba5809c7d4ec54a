"""Mini-batch data surfaces from the window: choosing a data set, the batch size per racer, and
the batch size study."""
import numpy as np

from landscape_app.core.datasets import DataSurface
from landscape_app.ui.analysis.data_dialog import BatchStudyWindow, DataSurfaceDialog


def test_dialog_switches_to_a_stretched_data_set_and_standardizing_rounds_it(window, qtbot, settle):
    dialog = DataSurfaceDialog(window)
    qtbot.addWidget(dialog)
    dialog.model.setCurrentIndex(1)
    dialog.n.setValue(120)
    dialog.scale.setValue(10.0)
    stretched = float(dialog.info.text().split("<b>")[1].split("</b>")[0])
    dialog.standardize.setChecked(True)
    rounded = float(dialog.info.text().split("<b>")[1].split("</b>")[0])
    assert rounded < stretched / 10
    dialog.accept()
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
    study.measure()
    assert [r["batch_size"] for r in study.rows][0] == 1 and study.rows[-1]["batch_size"] == 64
    assert len(study.time_plot.getPlotItem().listDataItems()) == 1


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
