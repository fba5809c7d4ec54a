"""A private X display (Xvfb) for OpenGL where there is none: Qt's offscreen platform draws
widgets but offers no OpenGL, so the 3-D render on a server (and the GL tests) run on a virtual
X server of their own, started here and stopped at exit.  Mesa's software renderer draws there."""
from __future__ import annotations

import atexit
import os
import select
import shutil
import subprocess
import tempfile


class DisplayError(RuntimeError):
    pass


def start_xvfb(width: int = 1920, height: int = 1200, timeout: float = 10.0,
               terminate: bool = False) -> tuple[subprocess.Popen, str]:
    """Start ``Xvfb`` on a free display number (it picks one and tells us through a pipe);
    local connections only (``-nolisten tcp``).  ``terminate``: it exits by itself when its last
    client disconnects.  Returns the process and ``":N"``."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise DisplayError("Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb)")
    read_end, write_end = os.pipe()
    log = tempfile.TemporaryFile()  # a file, not a pipe: nobody reads Xvfb's chatter while it runs
    try:
        proc = subprocess.Popen([binary, "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24",
                                 "-nolisten", "tcp", *(["-terminate"] if terminate else [])], pass_fds=(write_end,), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=log)
    finally:
        os.close(write_end)
    try:
        text = b""
        while not text.endswith(b"\n"):
            ready, _, _ = select.select([read_end], [], [], timeout)
            chunk = os.read(read_end, 64) if ready else b""
            if not chunk:
                stop(proc)
                log.seek(0)
                err = log.read().decode(errors="replace").strip().splitlines()[-1:]
                raise DisplayError("Xvfb did not start" + (f": {err[0]}" if err else ""))
            text += chunk
    finally:
        os.close(read_end)
        log.close()  # Xvfb keeps its own descriptor of the (unlinked) file
    return proc, f":{int(text)}"


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def use_private_display() -> str:
    """Point this process (before its QApplication exists) at a new Xvfb.

    The server ends itself when this process's connection closes (at exit, or a crash): killing
    it from an ``atexit`` hook would pull the display from under Qt, which is still connected
    then, and Qt ends the process with status 1.  Only if Qt never connected is it stopped here."""
    proc, display = start_xvfb(terminate=True)
    atexit.register(_stop_if_unused, proc)
    os.environ["DISPLAY"] = display
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    return display


def _stop_if_unused(proc: subprocess.Popen) -> None:
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        stop(proc)
