"""Where no OpenGL can be had (Qt's offscreen platform, as in this suite) the 3-D view says why
and nothing else changes: the window keeps its 2-D view, renders refuse with the reason."""
import pytest

from landscape_app import cli
from landscape_app.core.presets import load_preset
from landscape_app.core.scenario import save
from landscape_app.ui import scene
from landscape_app.ui.view3d import gl_unavailable


def test_the_reason_names_the_platform(qapp):
    reason = gl_unavailable()
    assert reason is not None and "offscreen" in reason and "Xvfb" in reason


def test_the_window_keeps_its_2d_view_and_says_why_3d_is_missing(window, qtbot):
    views = window.views
    assert not views.actions["3d"].isEnabled() and not views.actions["both"].isEnabled()
    assert "3-D view unavailable" in views.actions["3d"].toolTip()
    assert views.set_layout("3d") is False
    assert views.mode == "2d" and views.view_3d is None and window.view.isVisible()
    assert "3-D view unavailable" in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    qtbot.keyClick(window, "3")  # the layout key says the same
    assert "offscreen" in window.statusBar().currentMessage()
    assert views.actions["2d"].isChecked() and window.view.isVisible()
    window.state.set_step(20)  # and the 2-D view goes on working
    assert window.view.curves[0].getData()[0].size > 1
    with pytest.raises(ValueError, match="layout must be one of"):
        views.set_layout("4d")


def test_a_3d_render_refuses_with_the_reason_and_writes_nothing(qapp, tmp_path, capsys):
    s = load_preset("01_momentum_vs_nesterov")
    with pytest.raises(ValueError, match="cannot render the 3-D view: .*offscreen"):
        scene.render_animation(s, tmp_path / "race.mp4", size=(320, 240), steps=4, view="3d")
    save(s, tmp_path / "s.json")
    assert cli.main(["render", str(tmp_path / "s.json"), "--out", str(tmp_path / "r.mp4"), "--view", "both"]) == 2
    assert "cannot render the 3-D view" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_orbit_needs_a_3d_view(qapp, tmp_path):
    with pytest.raises(ValueError, match="orbit turns the 3-D camera"):
        scene.render_animation(load_preset("01_momentum_vs_nesterov"), tmp_path / "r.mp4", steps=2, orbit=True)


def test_the_export_dialog_offers_the_views_and_says_why_3d_is_missing(window):
    from PySide6.QtCore import Qt

    from landscape_app.ui.file_actions import ExportOptions

    d = ExportOptions(window, window.state.scenario)
    assert [d.view.itemData(i) for i in range(d.view.count())] == ["2d", "3d", "both"]
    assert not d.view.model().item(1).isEnabled() and not d.view.model().item(2).isEnabled()
    assert "offscreen" in d.view.itemData(1, Qt.ItemDataRole.ToolTipRole)
    d.orbit.setChecked(True)
    assert d.values()["view"] == "2d" and d.values()["orbit"] is False  # no orbit for a 2-D movie
