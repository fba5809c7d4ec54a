"""Regression guard for PySide6 6.12.0 on Python 3.11: every void Qt call dropped a reference to
None and the interpreter aborted (`Fatal Python error: none_dealloc`) after ~16,000 calls.
Run in a subprocess so a regression fails this test instead of killing the suite."""
import os
import subprocess
import sys

CODE = """
import sys
from PySide6.QtGui import QPainterPath
before = sys.getrefcount(None)
path = QPainterPath()
for i in range(50_000):
    path.lineTo(float(i), float(i % 7))
after = sys.getrefcount(None)
# Immortal None (3.12+) reports a huge constant count; on 3.11 the count must not fall.
assert after >= before - 100, (before, after)
print("ok", path.elementCount() >= 50_000)
"""


def test_fifty_thousand_void_qt_calls_do_not_abort_the_interpreter():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok True"
