"""Files in and out, safely: bounded reads of regular files, and atomic writes.

``read_regular`` never blocks and never reads more than it may: a FIFO with no writer, ``/dev/zero``
or a folder given as a scenario file is refused at once, before a byte is read.

``atomic_path`` gives a temporary file next to the target that replaces the target only when the
writing finished: a failure or an interrupt (any exception, KeyboardInterrupt and SystemExit
included) removes it and leaves the previous file as it was.  The temporary file is created with
mode 0666 less the umask, as ``open()`` would, not ``tempfile.mkstemp``'s 0600: a saved scenario
or an exported movie gets the permissions the user expects.
"""
from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["read_regular", "atomic_path", "write_atomic"]

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def read_regular(path, limit: int) -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit``).

    Raises ``ValueError`` saying why for a folder, a special file or a file larger than ``limit``,
    and ``OSError`` when the file cannot be read.  Opening is non-blocking (a FIFO with no writer
    would otherwise wait forever), the type and size come from ``fstat`` of the open file, and at
    most ``limit + 1`` bytes are read (a file can grow after the check).
    """
    path = Path(path)
    try:
        fd = os.open(path, _READ_FLAGS)
    except ValueError:  # a NUL character in the name
        raise ValueError(f"{str(path)!r} is not a valid file name") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ValueError(f"{path} is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{path} is not a regular file (it is a pipe, a device or a socket)")
        if info.st_size > limit:
            raise ValueError(f"{path.name} is too large ({info.st_size:,} bytes; at most {limit:,})")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise ValueError(f"{path.name} is too large (more than {limit:,} bytes)")
    return b"".join(chunks)


def _reserve(path: Path, suffix: str) -> Path:
    """Create a new, empty, uniquely named file next to ``path`` (mode 0666 less the umask)."""
    for _ in range(100):
        tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}{suffix}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(f"could not create a temporary file next to {path}")


@contextmanager
def atomic_path(path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary file to write in place of ``path``; it replaces ``path`` when the block ends.

    ``suffix`` ends the temporary name (a writer such as ffmpeg picks the format from it).
    Raises ``OSError`` when the folder is not writable.
    """
    path = Path(path)
    tmp = _reserve(path, suffix)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # on disk before the rename: a crash leaves the old or the new file
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; see :func:`atomic_path`.  Raises ``OSError``."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
