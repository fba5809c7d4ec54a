import os
import resource
import signal
import stat
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from landscape_app.export import animation


def frames(n, w=64, h=48):
    for i in range(n):
        img = np.zeros((h, w, 3), np.uint8)
        img[:, : (i + 1) * w // n] = (200, 40, 40)  # a bar that grows: frames differ over time
        img[h // 2, :, 1] = 255
        yield img


@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_animation_has_requested_frames_size_and_motion(tmp_path, suffix):
    seen = []
    out = animation.write(tmp_path / f"race{suffix}", frames(12), fps=10, total=12,
                          progress=lambda i, n: seen.append((i, n)))
    data = iio.imread(out, index=None)
    assert data.shape[0] == 12 and data.shape[1:3] == (48, 64)
    assert np.abs(data[0].astype(int) - data[-1].astype(int)).mean() > 5
    assert seen[-1] == (12, 12) and len(seen) == 12


def test_cancelling_leaves_no_file(tmp_path):
    calls = iter(range(100))
    with pytest.raises(animation.ExportCancelled):
        animation.write(tmp_path / "race.mp4", frames(20), fps=10, total=20, cancelled=lambda: next(calls) >= 5)
    assert list(tmp_path.iterdir()) == []


def test_failure_midway_leaves_no_file_and_keeps_an_old_one(tmp_path):
    target = tmp_path / "race.gif"
    target.write_bytes(b"previous export")

    def broken():
        yield from frames(3)
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError):
        animation.write(target, broken(), fps=10, total=5)
    assert target.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["race.gif"]


def test_bad_targets_are_refused_before_rendering(tmp_path):
    with pytest.raises(ValueError, match=".gif or .mp4"):
        animation.write(tmp_path / "race.avi", frames(2), fps=10, total=2)
    with pytest.raises(ValueError, match="does not exist"):
        animation.write(tmp_path / "nope" / "race.mp4", frames(2), fps=10, total=2)
    with pytest.raises(ValueError, match="frame rate"):
        animation.write(tmp_path / "race.mp4", frames(2), fps=0, total=2)


def test_odd_frame_size_is_refused_for_mp4(tmp_path):
    with pytest.raises(ValueError, match="even frame size"):
        animation.write(tmp_path / "race.mp4", frames(2, w=63), fps=10, total=2)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- failures are loud and safe

WRITE_IN_A_CHILD = """
import sys
import numpy as np
from landscape_app.export import animation
rng = np.random.default_rng(0)
frames = (rng.integers(0, 255, (240, 320, 3), dtype=np.uint8) for _ in range(30))  # noise: large frames
animation.write(sys.argv[1], frames, fps=10, total=30)
"""


def limit_file_size(limit: int):
    """For a child process: files may grow to ``limit`` bytes, as on a nearly full disk; past it, writes
    fail with EFBIG (SIGXFSZ ignored; ffmpeg gets it back at its default by subprocess: it is killed)."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("suffix,words", [(".mp4", "ffmpeg could not write the video"), (".gif", "File too large")])
def test_a_full_disk_fails_loudly_and_keeps_the_previous_file(tmp_path, suffix, words):
    target = tmp_path / f"race{suffix}"
    target.write_bytes(b"the previous export, byte for byte")
    proc = subprocess.run([sys.executable, "-c", WRITE_IN_A_CHILD, str(target)], capture_output=True, text=True,
                          timeout=120, preexec_fn=limit_file_size(64_000))
    assert proc.returncode != 0 and words in proc.stderr
    assert target.read_bytes() == b"the previous export, byte for byte"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_an_encoder_that_reports_success_on_a_cut_file_is_not_believed(tmp_path, monkeypatch):
    target = tmp_path / "race.mp4"
    animation.write(target, frames(6), fps=10, total=6)
    good = target.read_bytes()

    real_writer = animation._write_mp4

    def truncating_writer(tmp, frames_, fps):  # ffmpeg says 0 but the disk kept only half
        count = real_writer(tmp, frames_, fps)
        with open(tmp, "r+b") as fh:
            fh.truncate(len(good) // 2)
        return count

    monkeypatch.setattr(animation, "_write_mp4", truncating_writer)
    with pytest.raises(OSError, match="incomplete"):
        animation.write(target, frames(6), fps=10, total=6)
    assert target.read_bytes() == good and [p.name for p in tmp_path.iterdir()] == ["race.mp4"]


def test_complete_files_are_recognised(tmp_path):
    for suffix, complete in ((".mp4", animation._mp4_complete), (".gif", animation._gif_complete)):
        path = animation.write(tmp_path / f"a{suffix}", frames(4), fps=10, total=4)
        assert complete(path)
        data = path.read_bytes()
        for cut in (0, 7, len(data) // 2, len(data) - 1):
            path.write_bytes(data[:cut])
            assert not complete(path), (suffix, cut)


def test_cancelling_stops_and_reaps_ffmpeg(tmp_path, monkeypatch):
    started = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(animation.subprocess, "Popen", recording_popen)
    calls = iter(range(100))
    with pytest.raises(animation.ExportCancelled):
        animation.write(tmp_path / "race.mp4", frames(20), fps=10, total=20, cancelled=lambda: next(calls) >= 5)
    assert len(started) == 1 and started[0].returncode is not None  # killed and waited for: no zombie


@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_animations_get_the_usual_permissions(tmp_path, suffix):
    old = os.umask(0o022)
    try:
        path = animation.write(tmp_path / f"race{suffix}", frames(3), fps=10, total=3)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # tempfile.mkstemp made it 0600


def test_a_folder_is_not_a_target(tmp_path):
    (tmp_path / "race.mp4").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        animation.write(tmp_path / "race.mp4", frames(2), fps=10, total=2)
