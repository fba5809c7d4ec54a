"""Offscreen rendering of scenarios: the CLI, frame counts, sizes, motion, cancel, images."""
import imageio.v3 as iio
import numpy as np
import pytest

from landscape_app import cli
from landscape_app.core.presets import load_preset
from landscape_app.core.scenario import save
from landscape_app.ui import scene


@pytest.fixture
def demo(tmp_path):
    s = load_preset("04_clipping_on_the_cliff")
    s.steps = 40
    save(s, tmp_path / "demo.json")
    return tmp_path / "demo.json"


def test_cli_renders_a_short_mp4_offscreen(demo, tmp_path, capsys):
    out = tmp_path / "race.mp4"
    code = cli.main(["render", str(demo), "--out", str(out), "--size", "480x320", "--fps", "12",
                     "--steps-per-frame", "4"])
    assert code == 0
    frames = iio.imread(out, index=None)
    assert frames.shape == (11, 320, 480, 3)  # steps 0, 4, …, 40
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 0.3  # trails grew
    text = capsys.readouterr().out
    assert "100%" in text and "wrote" in text


def test_gif_export_has_the_requested_frames(tmp_path):
    s = load_preset("01_momentum_vs_nesterov")
    out = scene.render_animation(s, tmp_path / "race.gif", size=(320, 240), steps=30, steps_per_frame=10, fps=10,
                                 loss_plot=False)
    frames = iio.imread(out, index=None)
    assert frames.shape[:3] == (4, 240, 320)


def test_cancelled_render_leaves_no_file(tmp_path):
    s = load_preset("01_momentum_vs_nesterov")
    seen = []
    with pytest.raises(Exception) as err:
        scene.render_animation(s, tmp_path / "race.mp4", size=(320, 240), steps=60, steps_per_frame=2,
                               progress=lambda i, n: seen.append(i), cancelled=lambda: len(seen) >= 3)
    assert type(err.value).__name__ == "ExportCancelled"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args,words", [
    (["--size", "huge"], "size must look like"),
    (["--size", "100000x20"], "between"),
    (["--out-dir-missing"], "does not exist"),
])
def test_cli_render_refuses_bad_input_with_a_message(demo, tmp_path, capsys, args, words):
    out = str(tmp_path / "x.mp4")
    if args == ["--out-dir-missing"]:
        out, args = str(tmp_path / "missing" / "x.mp4"), []
    assert cli.main(["render", str(demo), "--out", out, *args]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "x.mp4").exists()


def test_cli_render_reports_a_broken_scenario(tmp_path, capsys):
    (tmp_path / "bad.json").write_text('{"schema_version": 1, "surface": "ravine", "start": [0, 0], "racers": '
                                      '[{"optimizer": "adam", "hyper": {"lr": -1}}]}')
    assert cli.main(["render", str(tmp_path / "bad.json"), "--out", str(tmp_path / "x.mp4")]) == 2
    assert "racers[0].hyper: lr" in capsys.readouterr().err


def test_png_at_scale_and_svg(tmp_path):
    s = scene.Scene(load_preset("02_sgd_vs_adam_plateau"), (400, 300))
    s.state.set_step(100)
    s.save_image(tmp_path / "view.png", scale=2.0)
    s.save_image(tmp_path / "view.svg")
    png = iio.imread(tmp_path / "view.png")
    assert png.shape[:2] == (600, 800) and png[..., :3].std() > 10
    assert (tmp_path / "view.svg").read_text().lstrip().startswith("<?xml")
    s.close()


SIZES = sorted({*scene.EXPORT_SIZES, "160x120", "3840x2160", "160x2160", "3840x120", "480x270", "400x200"})


@pytest.mark.parametrize("size", SIZES)
def test_every_offered_size_keeps_landscape_start_colour_bar_and_legend_in_frame(size):
    """The Export dialog's sizes and the CLI's range (its corners included): every part that must be
    seen lies wholly inside the picture, the whole surface is in view, and no splitter handle is drawn."""
    from PySide6.QtWidgets import QSplitter, QSplitterHandle

    w, h = scene.parse_size(size)
    s = load_preset("01_momentum_vs_nesterov")
    s.steps = 30
    sc = scene.Scene(s, (w, h), vectors=True)  # the fullest legend
    try:
        assert all(sc.in_frame().values()), sc.in_frame()
        assert {"landscape", "colour bar", "start", "legend", "caption"} <= set(sc.in_frame())
        (x0, x1), (y0, y1) = sc.view.vb.viewRange()
        dx0, dx1, dy0, dy1 = sc.state.surface.domain
        assert x0 <= dx0 + 1e-9 and x1 >= dx1 - 1e-9 and y0 <= dy0 + 1e-9 and y1 >= dy1 - 1e-9
        assert not sc.widget.findChildren(QSplitter) and not sc.widget.findChildren(QSplitterHandle)
        legend = sc.legend.text()
        assert all(r.name in legend for r in sc.state.racers) and "start" in legend and "colour" in legend
        assert (sc.loss is not None) == (w >= scene.LOSS_MIN[0] and h >= scene.LOSS_MIN[1])
        # the colour bar is read by at least two numbers, none overlapping another
        axis = sc.view.colorbar.axis
        from PySide6.QtGui import QImage, QPainter
        canvas = QImage(4, 4, QImage.Format.Format_ARGB32)  # kept alive while the painter draws on it
        painter = QPainter(canvas)
        texts = axis.generateDrawSpecs(painter)[2]
        painter.end()
        assert len(texts) >= 2
        frame = sc.frame(30)
        assert frame.shape == (h, w, 3)
    finally:
        sc.close()


def test_a_start_outside_the_surface_is_still_in_the_picture():
    s = load_preset("01_momentum_vs_nesterov")
    x0, x1, y0, y1 = scene.AppState(s).surface.domain
    s.start = (x1 + 0.5 * (x1 - x0), y0)
    s.steps = 5
    sc = scene.Scene(s, (640, 360))
    try:
        assert sc.in_frame()["start"]
    finally:
        sc.close()


def test_the_svg_image_is_valid_and_has_no_empty_paths(tmp_path):
    import xml.etree.ElementTree as ET

    s = load_preset("01_momentum_vs_nesterov")
    s.steps = 20
    sc = scene.Scene(s, (640, 360))
    try:
        sc.state.set_step(0)  # at step 0 every trail is one point: an empty painter path
        out = sc.save_image(tmp_path / "race.svg")
    finally:
        sc.close()
    paths = list(ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}path"))
    assert paths and all(p.get("d", "").strip() for p in paths)


def test_the_empty_path_filter_keeps_everything_else():
    from landscape_app.ui.images import drop_empty_paths

    svg = '<g><path vector-effect="x" d=""/>\n<path d="M0,0 L1,1"/><path fill="none" d="" stroke="red"/></g>'
    assert drop_empty_paths(svg) == '<g><path d="M0,0 L1,1"/></g>'


def test_step_vectors_can_be_exported():
    s = load_preset("01_momentum_vs_nesterov")
    s.steps = 20
    with_vectors = scene.Scene(s, (640, 360), vectors=True, selected=1)
    plain = scene.Scene(s, (640, 360))
    try:
        a, b = with_vectors.frame(5), plain.frame(5)
        assert any(shaft.isVisible() for shaft in with_vectors.view.vectors.shafts)
        assert with_vectors.state.selected == 1 and "actual step" in with_vectors.legend.text()
        assert not with_vectors.view.vectors.caption.isVisible()  # said in the legend, not over the plot
        assert not any(shaft.isVisible() for shaft in plain.view.vectors.shafts)
        assert np.abs(a.astype(int) - b.astype(int)).sum() > 0
    finally:
        with_vectors.close()
        plain.close()


def test_an_export_leaves_the_windows_curves_as_they_were(window, tmp_path):
    """A movie is drawn antialiased; the option is pyqtgraph's global one, and an export once left it
    on: every curve the window made afterwards was antialiased, and a long noisy route then took
    ~1 s to paint."""
    import pyqtgraph as pg

    window.state.set_max_steps(20)
    assert window.file_actions.export_animation(tmp_path / "race.gif", fps=10, size=(320, 240)) is not None
    assert pg.getConfigOption("antialias") is False
    window.state.add_racer("adam")
    assert not window.view.curves[-1].opts["antialias"] and not window.view.previews[-1].opts["antialias"]
    assert not window.loss_plot.curves[-1].curve.opts["antialias"]
