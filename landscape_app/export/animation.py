"""Write a stream of RGB frames to GIF (Pillow) or MP4 (H.264 through the ffmpeg binary that
imageio-ffmpeg bundles).  Frames arrive one at a time from any renderer; progress is reported per
frame and the export can be cancelled between frames.

Output goes to a temporary file in the target folder (``core.files.atomic_path``) and replaces
the target only when it is complete: a cancelled, interrupted or failed export leaves no partial
file and keeps the previous one.  "Complete" is checked, not assumed: ffmpeg's exit status must be
0 (imageio-ffmpeg's ``write_frames`` never looks at it, so a full disk gave an unplayable file and
"success") and the file must be a whole MP4 or GIF.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..core.files import atomic_path

FORMATS = (".gif", ".mp4")
CRF = 15  # H.264 quality (0 = lossless … 51): sharp contour lines at a modest size


class ExportCancelled(Exception):
    """The user cancelled; nothing was written."""


def check_target(path) -> Path:
    """Refuse a path we cannot write, before any frame is rendered."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"choose a .gif or .mp4 file name for an animation, not {path.name!r}")
    if not path.parent.is_dir():
        raise ValueError(f"the folder {path.parent} does not exist")
    if path.is_dir():
        raise ValueError(f"{path} is a folder; choose a file name")
    if not os.access(path.parent, os.W_OK):
        raise ValueError(f"the folder {path.parent} is not writable")
    return path


def write(path, frames: Iterable[np.ndarray], *, fps: float, total: int,
          progress: Callable[[int, int], None] | None = None,
          cancelled: Callable[[], bool] | None = None) -> Path:
    """Write ``frames`` ((H, W, 3) uint8 arrays, all the same size) to ``path``.

    Raises ``ExportCancelled`` when ``cancelled()`` turns true (checked after every frame and once
    more before the file replaces ``path``), ``ValueError`` for bad input and ``OSError`` when the
    file cannot be written completely (e.g. a full disk), saying why.
    """
    path = check_target(path)
    if not 1 <= fps <= 120:
        raise ValueError(f"frame rate must be between 1 and 120 frames per second, got {fps}")
    suffix = path.suffix.lower()
    with atomic_path(path, suffix=suffix) as tmp:
        writer = _write_gif if suffix == ".gif" else _write_mp4
        count = writer(tmp, _checked(frames, total, progress, cancelled), fps)
        if count == 0:
            raise ValueError("there were no frames to write")
        if not (_mp4_complete(tmp) if suffix == ".mp4" else _gif_complete(tmp)):
            raise OSError(f"the {suffix[1:].upper()} file came out incomplete (is the disk full?)")
        if cancelled is not None and cancelled():  # e.g. an interrupt while the encoder finished
            raise ExportCancelled()
    return path


def _checked(frames, total, progress, cancelled):
    shape = None
    for i, frame in enumerate(frames):
        if cancelled is not None and cancelled():
            raise ExportCancelled()
        frame = np.ascontiguousarray(frame[..., :3], dtype=np.uint8)
        if shape is None:
            shape = frame.shape
        elif frame.shape != shape:
            raise ValueError(f"frame {i} is {frame.shape[1]}×{frame.shape[0]}, the first was {shape[1]}×{shape[0]}")
        yield frame
        if progress is not None:
            progress(i + 1, total)


# --------------------------------------------------------------------------- MP4

def _ffmpeg_command(exe: str, width: int, height: int, fps: float, out: Path) -> list[str]:
    """Raw RGB frames on stdin → H.264 (yuv420p, which every player reads), index at the front."""
    return [exe, "-y", "-f", "rawvideo", "-vcodec", "rawvideo", "-s", f"{width}x{height}", "-pix_fmt", "rgb24",
            "-r", str(Fraction(fps).limit_denominator()), "-i", "-", "-an", "-vcodec", "libx264",
            "-pix_fmt", "yuv420p", "-crf", str(CRF), "-movflags", "+faststart", "-v", "error", str(out)]


def _write_mp4(tmp: Path, frames, fps: float) -> int:
    """Pipe the frames to ffmpeg; raises OSError with ffmpeg's reason unless it exits with status 0.

    ffmpeg runs in its own session, so a Ctrl-C in the terminal reaches only this process, which
    then stops ffmpeg itself (``finally``): it never lingers, never becomes a zombie.
    """
    import imageio_ffmpeg

    process = None
    count = 0
    with tempfile.TemporaryFile() as log:  # ffmpeg's messages, for the error (a pipe could fill and block it)
        try:
            for frame in frames:
                if process is None:
                    h, w = frame.shape[:2]
                    if w % 2 or h % 2:
                        raise ValueError(f"H.264 needs an even frame size, got {w}×{h}")
                    process = subprocess.Popen(_ffmpeg_command(imageio_ffmpeg.get_ffmpeg_exe(), w, h, fps, tmp),
                                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log,
                                               start_new_session=True)
                try:
                    process.stdin.write(frame.data)
                except BrokenPipeError:  # ffmpeg stopped: its status and log say why
                    break
                count += 1
            if process is not None:
                try:
                    process.stdin.close()
                except BrokenPipeError:
                    pass
                status = process.wait()
                if status != 0:
                    raise OSError(f"ffmpeg could not write the video: {_reason(status, log)}")
        finally:
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    return count


def _reason(status: int, log) -> str:
    """ffmpeg's last message, or the signal that stopped it."""
    log.seek(0)
    lines = [re.sub(r"^(\[[^\]]*\]\s*)+", "", line).strip()  # drop "[out#0/mp4 @ 0x…]" prefixes
             for line in log.read().decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    if lines:
        return lines[-1][:300]
    if status < 0:
        name = signal.Signals(-status).name
        return f"it was stopped by {name} ({signal.strsignal(-status)})"
    return f"it exited with status {status}"


def _mp4_complete(path: Path) -> bool:
    """The top-level boxes tile the file exactly, the first is 'ftyp' and one is 'moov' (the index):
    a file cut short by a full disk fails this."""
    size = path.stat().st_size
    kinds = []
    offset = 0
    with open(path, "rb") as fh:
        while offset < size:
            fh.seek(offset)
            head = fh.read(16)
            if len(head) < 8:
                return False
            length, kind = int.from_bytes(head[:4], "big"), head[4:8]
            if length == 1:  # a 64-bit size follows the type
                length = int.from_bytes(head[8:16], "big") if len(head) == 16 else 0
            elif length == 0:  # the box runs to the end of the file
                length = size - offset
            if length < 8:
                return False
            kinds.append(kind)
            offset += length
    return offset == size and kinds[:1] == [b"ftyp"] and b"moov" in kinds


# --------------------------------------------------------------------------- GIF

def _write_gif(tmp: Path, frames, fps: float) -> int:
    from PIL import Image

    images = [Image.fromarray(f).quantize(colors=255, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
              for f in frames]  # palette images: a quarter of the memory of RGB frames
    if images:
        images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], loop=0,
                       duration=max(20, round(1000 / fps)), optimize=False, disposal=1)
    return len(images)


def _gif_complete(path: Path) -> bool:
    """A GIF header at the start and the trailer byte ';' at the end."""
    with open(path, "rb") as fh:
        head = fh.read(6)
        fh.seek(0, os.SEEK_END)
        if fh.tell() < 7:
            return False
        fh.seek(-1, os.SEEK_END)
        return head in (b"GIF87a", b"GIF89a") and fh.read(1) == b";"
