"""The command line: help, listing, and a tiny benchmark run (benchmarks are not tests:
nothing here asserts a time)."""
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from landscape_app import bench, cli


def test_help_lists_every_command(capsys):
    try:
        cli.main(["--help"])
    except SystemExit as stop:
        assert stop.code == 0
    out = capsys.readouterr().out
    for command in ("gui", "bench", "list"):
        assert command in out


def test_list_shows_registries(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "rosenbrock" in out and "nesterov" in out and "bold_driver" in out and "β₁" in out


def test_module_entry_point_runs():
    proc = subprocess.run([sys.executable, "-m", "landscape_app", "--version"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and "landscape-app" in proc.stdout


def test_quick_core_bench_measures_every_row():
    lines = []
    rows = bench.run(quick=True, gui=False, out=lines.append)
    names = [r.name for r in rows]
    assert any("adam" in n for n in names) and any("simulate_many" in n for n in names)
    assert all(r.value > 0 for r in rows)
    assert len(lines) == len(rows) + 2


def test_export_data_writes_csv_and_reports_bad_input(tmp_path, capsys):
    from landscape_app.core.scenario import Racer, Scenario, save

    save(Scenario(surface="quadratic", start=(1, 1), steps=10, racers=[Racer("adam", hyper={"lr": 0.1})]),
         tmp_path / "s.json")
    assert cli.main(["export-data", str(tmp_path / "s.json"), "--out", str(tmp_path / "r.csv")]) == 0
    assert len((tmp_path / "r.csv").read_text().splitlines()) == 12
    (tmp_path / "bad.json").write_text('{"schema_version": 1, "surface": "moon"}')
    assert cli.main(["export-data", str(tmp_path / "bad.json"), "--out", str(tmp_path / "r.csv")]) == 2
    assert "surface: unknown surface 'moon'" in capsys.readouterr().err


# --------------------------------------------------------------------------- failures and interrupts

PRESET = Path(__file__).resolve().parent.parent / "landscape_app" / "presets" / "01_momentum_vs_nesterov.json"


def landscape(*args, **kwargs) -> subprocess.Popen:
    """``landscape-app ARGS`` in a child process (offscreen Qt, output captured)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "-m", "landscape_app", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kwargs)


def render(out, *extra, **kwargs) -> subprocess.Popen:
    return landscape("render", PRESET, "--out", out, "--size", "320x240", *extra, **kwargs)


def limits(umask: int, file_size: int | None = None):
    def apply():
        os.umask(umask)
        if file_size is not None:  # a nearly full disk: writes past file_size fail with EFBIG
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    return apply


def test_render_writes_with_the_usual_permissions_and_a_full_disk_fails_loudly(tmp_path):
    target = tmp_path / "race.mp4"
    ok = render(target, "--steps", "60", preexec_fn=limits(0o022))
    out, err = ok.communicate(timeout=300)
    assert ok.returncode == 0 and f"wrote {target}" in out, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    before = target.read_bytes()

    full = render(target, "--steps", "60", preexec_fn=limits(0o022, file_size=len(before) // 2))
    out, err = full.communicate(timeout=300)
    assert full.returncode == 2, (out, err)
    assert f"landscape-app render: cannot write {target}: ffmpeg could not write the video" in err
    assert "wrote" not in out
    assert target.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["race.mp4"]


@pytest.mark.parametrize("signum,status,suffix", [(signal.SIGINT, 130, ".mp4"), (signal.SIGTERM, 143, ".mp4"),
                                                  (signal.SIGTERM, 143, ".gif")])
def test_an_interrupted_render_leaves_nothing_behind(tmp_path, signum, status, suffix):
    target = tmp_path / f"race{suffix}"
    proc = render(target, "--steps", "2000", "--steps-per-frame", "1")  # ~2,000 frames: far from done
    first = proc.stdout.readline()  # rendering is under way (Qt is drawing, ffmpeg is encoding)
    assert first.startswith("rendering"), proc.stderr.read()
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert f"interrupted ({signal.Signals(signum).name}); nothing was written" in err
    assert list(tmp_path.iterdir()) == []


TERMINATED_WHILE_SAVING = """
import os, signal, sys
from landscape_app import cli
from landscape_app.core import files

def fsync(fd):  # the whole temporary file is written: now SIGTERM comes, as from `kill`
    os.kill(os.getpid(), signal.SIGTERM)

files.os.fsync = fsync
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_terminated_export_data_leaves_nothing_behind(tmp_path):
    from landscape_app.core.scenario import Racer, Scenario, save

    save(Scenario(surface="quadratic", start=(1, 1), steps=50, racers=[Racer("adam")]), tmp_path / "s.json")
    proc = subprocess.run([sys.executable, "-c", TERMINATED_WHILE_SAVING, "export-data", str(tmp_path / "s.json"),
                           "--out", str(tmp_path / "runs.csv")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 143, proc.stderr
    assert "interrupted (SIGTERM)" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]  # the temporary file was removed


@pytest.mark.parametrize("make,words", [
    (lambda d: os.mkfifo(d / "s.json"), "not a regular file"),  # once hung the loader
    (lambda d: (d / "s.json").write_text('{"schema_version": 1, "surface": "custom:exp(exp(10**64))+x"}'),
     "number too large"),
    (lambda d: (d / "s.json").write_text('{"schema_version": 1, "steps": ' + "9" * 5000 + "}"), "surface: missing"),
    (lambda d: (d / "s.json").mkdir(), "is a folder"),
])
def test_export_data_refuses_bad_scenarios_with_a_message(tmp_path, capsys, make, words):
    make(tmp_path)
    assert cli.main(["export-data", str(tmp_path / "s.json"), "--out", str(tmp_path / "r.csv")]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


def test_render_refuses_bad_arguments_before_rendering(tmp_path, capsys):
    (tmp_path / "out.mp4").mkdir()
    assert cli.main(["render", str(PRESET), "--out", str(tmp_path / "out.mp4")]) == 2
    assert "is a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        cli.main(["render", str(PRESET), "--out", str(tmp_path / "r.mp4"), "--fps", "nan"])
    assert stop.value.code == 2 and "frame rate" in capsys.readouterr().err


def test_the_cli_puts_the_signal_handlers_back():
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with cli.Signals():
        assert signal.getsignal(signal.SIGINT) is not before[0]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
