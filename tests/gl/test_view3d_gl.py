"""The 3-D view under Xvfb: it draws, it follows the app state like the 2-D view, the start
moves by a ray cast, and the CLI renders it.  (Run through tests/ui/test_view3d.py.)"""
import os
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from landscape_app import cli
from landscape_app.core.presets import load_preset
from landscape_app.core.scenario import save
from landscape_app.ui.gl_view import OVERLAY_GL
from landscape_app.ui.view3d import gl_unavailable

from OpenGL import GL


def pixels(view) -> np.ndarray:
    image = view.grabFramebuffer().convertToFormat(view.grabFramebuffer().Format.Format_RGB888)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return data[:, : w * 3].reshape(h, w, 3).astype(int)


def count_colour(img: np.ndarray, color: str, tol: int = 40) -> int:
    c = QColor(color)
    return int((np.abs(img - (c.red(), c.green(), c.blue())).sum(axis=2) < tol).sum())


def show_3d(window, qtbot, mode="3d"):
    assert gl_unavailable() is None
    assert window.views.set_layout(mode)
    qtbot.wait(80)
    return window.views.view_3d.gl


def test_the_view_draws_the_surface_with_every_racers_colour_on_it(window, qtbot):
    gl = show_3d(window, qtbot)
    window.state.set_step(250)
    img = pixels(gl)
    assert img.std() > 20  # not blank
    for r in window.state.racers:
        assert count_colour(img, r.color) > 15, f"{r.name}'s trail is not on the picture"
    assert gl.frames > 0


def test_trails_are_depth_tested_and_stay_visible_from_every_preset(window, qtbot):
    gl = show_3d(window, qtbot)
    window.state.set_step(200)
    for item in gl.trails + [gl.heads, gl.isolines]:
        assert item._GLGraphicsItem__glOpts == OVERLAY_GL  # never pyqtgraph's additive default
    assert OVERLAY_GL[GL.GL_DEPTH_TEST] is True
    for preset in ("front", "top", "side"):
        gl.camera_preset(preset)
        img = pixels(gl)
        red = window.state.racers[0].color
        assert count_colour(img, red) > 10, f"the first trail is hidden seen from {preset}"


def test_heads_move_between_play_steps(window, qtbot):
    gl = show_3d(window, qtbot)
    window.state.set_step(5)
    qtbot.wait(20)
    before, frame_before = gl.heads.pos.copy(), pixels(gl)
    window.state.set_step(60)
    qtbot.wait(20)
    assert gl.heads.pos.shape == before.shape
    assert np.abs(gl.heads.pos - before).max() > 0.01
    assert np.abs(pixels(gl) - frame_before).mean() > 0.05
    # and the static picture was not redrawn for it: play only redraws trails and heads
    renders = gl.static_renders
    for k in range(61, 70):
        window.state.set_step(k)
        qtbot.wait(5)
    assert gl.static_renders == renders


def test_the_view_follows_a_surface_change(window, qtbot):
    gl = show_3d(window, qtbot)
    window.state.set_surface("rosenbrock")
    assert gl.map.extent == window.state.surface.domain
    assert gl.log_height and window.views.view_3d.log_box.isChecked()  # a surface spanning decades
    window.state.set_surface("rastrigin")
    assert gl.map.extent == window.state.surface.domain and not gl.log_height
    assert gl.mesh._z.shape == (256, 256)
    assert np.allclose(gl.mesh._z, gl.map.z)


def test_a_surface_change_while_hidden_is_caught_up_when_shown(window, qtbot):
    gl = show_3d(window, qtbot)
    window.views.set_layout("2d")
    window.state.set_surface("beale")
    assert gl.map.extent != window.state.surface.domain  # no 3-D work while nobody looks
    window.views.set_layout("both")
    qtbot.wait(20)
    assert gl.map.extent == window.state.surface.domain
    assert window.view.isVisible() and gl.isVisible()


def test_the_view_follows_the_start_and_the_racers(window, qtbot):
    gl = show_3d(window, qtbot)
    state = window.state
    state.set_step(100)
    state.set_start(-3.0, -2.5)
    expected = gl.map.lifted([-3.0], [-2.5])
    assert np.allclose(gl.start.pos, expected)
    world, steps = gl._geometry[0]
    assert np.allclose(world[0], expected[0], atol=1e-6)  # every trail starts at the start
    n = len(state.racers)
    state.add_racer("adagrad")
    assert len(gl.trails) == n + 1 and gl.trails[-1].visible()
    state.recolor_racer(n, "#00ff00")  # a colour nothing else on the picture has
    qtbot.wait(20)
    assert gl.trails[n].color == pytest.approx((0.0, 1.0, 0.0, 1.0))
    assert count_colour(pixels(gl), "#00ff00", tol=30) > 5
    state.set_visible(n, False)
    qtbot.wait(20)
    assert not gl.trails[n].visible() and count_colour(pixels(gl), "#00ff00", tol=30) == 0


def test_log_height_and_exaggeration_rebuild_the_mesh(window, qtbot):
    gl = show_3d(window, qtbot)
    panel = window.views.view_3d
    z = gl.mesh._z.copy()
    panel.log_box.setChecked(True)
    assert gl.log_height and gl.map.log and not np.allclose(gl.mesh._z, z)
    panel.height_slider.setValue(panel.factor_to_slider(2.0))
    assert gl.exaggeration == pytest.approx(2.0, rel=0.05)
    assert gl.map.z.max() == pytest.approx(0.8 * gl.exaggeration, rel=1e-5)


def test_shift_drag_moves_the_start_by_a_ray_cast_and_plain_drag_orbits(window, qtbot):
    gl = show_3d(window, qtbot)
    gl.camera_preset("front")
    qtbot.wait(20)
    state = window.state

    def pixel_of(x, y):
        p = gl._screen(*gl.map.lifted([x], [y], lift=0.0)[0])
        return QPoint(round(p.x()), round(p.y()))

    shift = Qt.KeyboardModifier.ShiftModifier
    QTest.mousePress(gl, Qt.MouseButton.LeftButton, shift, pixel_of(-2.0, -1.0))
    for k in range(1, 6):
        QTest.mouseMove(gl, pixel_of(-2.0 + 0.5 * k, -1.0 + 0.2 * k))
        qtbot.wait(15)
    QTest.mouseRelease(gl, Qt.MouseButton.LeftButton, shift, pixel_of(0.5, 0.0))
    x, y = state.start
    cell = (gl.map.extent[1] - gl.map.extent[0]) / 40  # a pixel is a few hundredths of the domain
    assert abs(x - 0.5) < cell and abs(y - 0.0) < cell
    assert state.runs[0].path[0] == pytest.approx(state.start)
    azimuth = gl.opts["azimuth"]
    QTest.mousePress(gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 200))
    QTest.mouseMove(gl, QPoint(260, 200))
    QTest.mouseRelease(gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(260, 200))
    assert gl.opts["azimuth"] != azimuth and state.start == (x, y)


def test_the_layout_key_cycles_and_the_camera_controls_work(window, qtbot):
    views = window.views
    assert views.cycle_action.shortcut().toString() == "3"

    def press_3():
        window.activateWindow()  # shortcuts go to the active window; no window manager activates it here
        qtbot.waitUntil(window.isActiveWindow, timeout=3000)
        qtbot.keyClick(window, "3")

    press_3()
    assert views.mode == "both" and window.view.isVisible() and views.view_3d.isVisible()
    press_3()
    assert views.mode == "3d" and not window.view.isVisible()
    gl = views.view_3d.gl
    views.view_3d.buttons["top"].click()
    assert gl.opts["elevation"] == 90
    views.view_3d.orbit_button.setChecked(True)
    azimuth = gl.opts["azimuth"]
    qtbot.wait(200)
    assert gl.opts["azimuth"] != azimuth
    step = window.state.step
    QTest.mouseClick(gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(50, 50))
    QTest.keyClick(gl, Qt.Key.Key_Right)  # keys typed over the 3-D view still reach the window's shortcuts
    assert window.state.step == step + 1
    QTest.keyClick(gl, Qt.Key.Key_3)
    assert views.mode == "2d" and not views.view_3d.isVisible() and not gl.orbiting()


def test_the_mesh_heights_are_interpolated_on_pyqtgraphs_own_triangles(window, qtbot):
    gl = show_3d(window, qtbot)
    hm, faces = gl.map, gl.mesh._faces
    vertices = gl.mesh._vertexes.reshape(-1, 3).astype(float)
    rng = np.random.default_rng(3)
    for f in rng.choice(len(faces), 200, replace=False):
        a, b, c = vertices[faces[f]]
        w = rng.dirichlet((1, 1, 1))
        p = w[0] * a + w[1] * b + w[2] * c  # a point on that triangle
        assert hm.z_at(p[0], p[1]) == pytest.approx(p[2], abs=1e-5)


def test_the_export_dialog_renders_both_views_beside_the_windows_own_without_gl_errors(window, qtbot, tmp_path,
                                                                                      gl_errors):
    from landscape_app.ui.file_actions import ExportOptions

    show_3d(window, qtbot)
    window.state.set_max_steps(12)
    d = ExportOptions(window, window.state.scenario)
    assert d.view.model().item(2).isEnabled()
    d.view.setCurrentIndex(d.view.findData("both"))
    d.orbit.setChecked(True)
    d.size.setCurrentText("640x360")
    d.steps_per_frame.setValue(4)
    values = d.values()
    assert values["view"] == "both" and values["orbit"] is True
    out = window.file_actions.export_animation(tmp_path / "r.mp4", **values)  # a second GL view, in a hidden scene
    assert out is not None and iio.imread(out, index=None).shape == (4, 360, 640, 3)
    window.state.set_step(10)  # the window's own view goes on drawing
    qtbot.wait(30)
    gl = window.views.view_3d.gl
    assert pixels(gl).std() > 20
    gl.makeCurrent()
    assert GL.glGetError() == GL.GL_NO_ERROR
    gl.doneCurrent()
    assert gl_errors == []


def test_cli_renders_the_3d_race_and_both_views(tmp_path, capsys, qapp):
    s = load_preset("01_momentum_vs_nesterov")
    s.steps = 30
    save(s, tmp_path / "s.json")
    out = tmp_path / "race.mp4"
    assert cli.main(["render", str(tmp_path / "s.json"), "--out", str(out), "--view", "3d", "--orbit",
                     "--size", "480x320", "--steps-per-frame", "10", "--no-loss-plot"]) == 0
    frames = iio.imread(out, index=None)
    assert frames.shape == (4, 320, 480, 3) and frames[-1].std() > 20
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 0.5  # trails grew, camera turned
    green = np.array([10, 158, 74])  # Nesterov's colour, on the surface at the end
    assert (np.abs(frames[-1].astype(int) - green).sum(axis=2) < 60).sum() > 5
    both = tmp_path / "both.mp4"
    assert cli.main(["render", str(tmp_path / "s.json"), "--out", str(both), "--view", "both",
                     "--size", "640x360", "--steps-per-frame", "15"]) == 0
    last = iio.imread(both, index=None)[-1].astype(int)
    left, right = last[:250, :320], last[:250, 320:]
    assert left.std() > 20 and right.std() > 20  # two pictures side by side
    assert "wrote" in capsys.readouterr().out


def test_cli_with_no_display_starts_its_own(tmp_path):
    """`landscape-app render --view 3d` on a server: a private Xvfb, exit status 0, nothing left running."""
    s = load_preset("03_escaping_the_saddle")
    s.steps = 8
    save(s, tmp_path / "s.json")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-m", "landscape_app", "render", str(tmp_path / "s.json"), "--out",
                           str(tmp_path / "r.gif"), "--view", "3d", "--size", "320x240", "--steps-per-frame", "4"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert iio.imread(tmp_path / "r.gif", index=None).shape[:3] == (3, 240, 320)


def test_the_3d_benchmark_rows_run(qapp):
    """Benchmarks are not tests: this only checks that the 3-D rows measure something."""
    from landscape_app.ui import benchmarks

    rows = benchmarks.gl_child(quick=True)
    assert [r["unit"] for r in rows] == ["frames/s", "ms", "ms", "ms/frame", "ms/frame"]
    assert all(r["value"] > 0 for r in rows)


def test_a_display_whose_opengl_fails_the_probe_keeps_the_2d_view(window, monkeypatch):
    from landscape_app.ui import view3d

    monkeypatch.setattr(view3d, "_checked", {})
    monkeypatch.setattr(view3d, "_probe", lambda: "no OpenGL context could be created on this display")
    assert window.views.set_layout("both") is False
    assert window.views.view_3d is None and window.views.mode == "2d" and window.view.isVisible()
    assert not window.views.actions["3d"].isEnabled()
    assert "no OpenGL context" in window.statusBar().currentMessage()
