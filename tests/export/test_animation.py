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
