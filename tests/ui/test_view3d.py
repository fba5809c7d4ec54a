"""The 3-D view's tests (tests/gl) need OpenGL, which this suite's offscreen platform lacks: they
run here in one child pytest on a private Xvfb (Mesa's software OpenGL, QT_QPA_PLATFORM=xcb),
and each of them is reported as its own test.  Skipped, saying so, only where Xvfb is missing."""
import ast
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from landscape_app.ui.display import start_xvfb, stop

ROOT = Path(__file__).resolve().parent.parent.parent
GL_TESTS = ROOT / "tests" / "gl"


def gl_test_names() -> list[str]:
    return [node.name for path in sorted(GL_TESTS.glob("test_*.py"))
            for node in ast.parse(path.read_text(encoding="utf-8")).body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]


@pytest.fixture(scope="module")
def gl_results(tmp_path_factory):
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed, so there is no display with OpenGL for the 3-D view's tests "
                    "(apt-get install xvfb; .ci/run does)")
    report = tmp_path_factory.mktemp("gl") / "report.xml"
    proc, display = start_xvfb()
    try:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "LANDSCAPE_GL_TESTS": "1"}
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(GL_TESTS),
                               f"--junitxml={report}"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=600)
    finally:
        stop(proc)
    output = done.stdout[-6000:] + done.stderr[-3000:]
    results = {}
    if report.exists():
        for case in ET.parse(report).getroot().iter("testcase"):
            outcome, text = "passed", ""
            for child in case:
                if child.tag in ("failure", "error", "skipped"):
                    outcome, text = child.tag, (child.get("message") or "") + "\n" + (child.text or "")
                    break
            results[case.get("name")] = (outcome, text)
    return results, output


@pytest.mark.parametrize("name", gl_test_names())
def test_3d_view_under_xvfb(gl_results, name):
    results, output = gl_results
    outcome, text = results.get(name, ("not run", output))
    if outcome == "skipped":
        pytest.skip(text.strip())
    assert outcome == "passed", f"tests/gl {name}: {outcome}\n{text}"
