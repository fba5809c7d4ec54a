"""Bounded reads of regular files and atomic writes with the usual permissions."""
import os
import stat

import pytest

from landscape_app.core import files


@pytest.fixture
def umask():
    """Set the process umask for one test and put the old one back."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize("mask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_get_0666_less_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    files.write_atomic(tmp_path / "a.json", "{}")
    assert stat.S_IMODE(os.stat(tmp_path / "a.json").st_mode) == mode  # mkstemp made every file 0600


def test_an_interrupted_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    target = tmp_path / "a.json"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with files.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_temporary_names_keep_the_suffix_and_are_hidden(tmp_path):
    with files.atomic_path(tmp_path / "race.mp4", suffix=".mp4") as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".race.") and tmp.suffix == ".mp4"
        tmp.write_bytes(b"movie")
    assert (tmp_path / "race.mp4").read_bytes() == b"movie"


def test_read_regular_reads_at_most_the_limit(tmp_path):
    (tmp_path / "f").write_bytes(b"x" * 10)
    assert files.read_regular(tmp_path / "f", 10) == b"x" * 10
    with pytest.raises(ValueError, match="too large"):
        files.read_regular(tmp_path / "f", 9)
    with pytest.raises(ValueError, match="not a valid file name"):
        files.read_regular("a\0b", 9)
    with pytest.raises(FileNotFoundError):
        files.read_regular(tmp_path / "missing", 9)
