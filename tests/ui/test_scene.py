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
