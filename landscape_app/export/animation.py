"""Write a stream of RGB frames to GIF (Pillow) or MP4 (H.264 through imageio-ffmpeg's bundled
ffmpeg).  Frames arrive one at a time from any renderer; progress is reported per frame and
the export can be cancelled between frames.  Output goes to a temporary file in the target
folder and is renamed at the end, so a cancelled or failed export leaves no partial file.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

FORMATS = (".gif", ".mp4")


class ExportCancelled(Exception):
    """The user cancelled; nothing was written."""


def check_target(path) -> Path:
    """Refuse a path we cannot write, before any frame is rendered."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"choose a .gif or .mp4 file name for an animation, not {path.name!r}")
    if not path.parent.is_dir():
        raise ValueError(f"the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise ValueError(f"the folder {path.parent} is not writable")
    return path


def write(path, frames: Iterable[np.ndarray], *, fps: float, total: int,
          progress: Callable[[int, int], None] | None = None,
          cancelled: Callable[[], bool] | None = None) -> Path:
    """Write ``frames`` ((H, W, 3) uint8 arrays, all the same size) to ``path``."""
    path = check_target(path)
    if not 1 <= fps <= 120:
        raise ValueError(f"frame rate must be between 1 and 120 frames per second, got {fps}")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        writer = _write_gif if path.suffix.lower() == ".gif" else _write_mp4
        count = writer(tmp, _checked(frames, total, progress, cancelled), fps)
        if count == 0:
            raise ValueError("there were no frames to write")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
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


def _write_mp4(tmp: str, frames, fps: float) -> int:
    import imageio_ffmpeg

    writer = None
    count = 0
    try:
        for frame in frames:
            h, w = frame.shape[:2]
            if writer is None:
                if w % 2 or h % 2:
                    raise ValueError(f"H.264 needs an even frame size, got {w}×{h}")
                writer = imageio_ffmpeg.write_frames(tmp, (w, h), fps=fps, codec="libx264", quality=7,
                                                     macro_block_size=1, ffmpeg_log_level="error",
                                                     output_params=["-movflags", "+faststart"])
                writer.send(None)
            writer.send(frame)
            count += 1
    finally:
        if writer is not None:
            writer.close()
    return count


def _write_gif(tmp: str, frames, fps: float) -> int:
    from PIL import Image

    images = [Image.fromarray(f).quantize(colors=255, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
              for f in frames]  # palette images: a quarter of the memory of RGB frames
    if images:
        images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], loop=0,
                       duration=max(20, round(1000 / fps)), optimize=False, disposal=1)
    return len(images)
