"""`landscape-app selftest`: the installed command passes, and one failing check fails it without
hiding the others."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from landscape_app import selftest


def installed_command() -> list[str]:
    script = shutil.which("landscape-app", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "landscape_app"]


def test_the_installed_selftest_passes_from_any_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # it must go headless by itself
    proc = subprocess.run([*installed_command(), "selftest"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    checks = [line for line in lines if line.startswith(("ok", "FAIL"))]
    assert len(checks) == 9 and all(line.startswith("ok") for line in checks)
    for label in ("imports", "optimizers", "render a frame", "MP4 animation", "GIF animation"):
        assert any(label in line for line in checks)
    assert any(line.startswith("kernel cache: ") for line in lines)
    assert lines[-1].startswith("selftest passed in")
    assert not list(tmp_path.iterdir())  # the movies went to a temporary folder that is gone


def test_a_failing_check_fails_the_selftest_and_the_others_still_run(monkeypatch):
    names = ["check_imports", "check_package_data", "check_optimizers", "check_batch", "check_formula_surface",
             "check_data_surface", "check_frame"]
    for name in names:
        monkeypatch.setattr(selftest, name, lambda: "fine")
    monkeypatch.setattr(selftest, "check_animation", lambda folder, suffix: "fine")
    monkeypatch.setattr(selftest, "_offscreen_qt", lambda: None)

    def broken():
        raise RuntimeError("no kernels today")

    monkeypatch.setattr(selftest, "check_batch", broken)
    lines = []
    assert selftest.run(out=lines.append) is False
    assert any(line.startswith("FAIL") and "batch kernel" in line and "no kernels today" in line for line in lines)
    assert sum(line.startswith("ok") for line in lines) == 8
    assert lines[-1].startswith("selftest FAILED: 1 check")


def test_kernel_cache_counts_what_was_loaded_or_compiled():
    from landscape_app import simulate

    simulate("quadratic", "adam", (1.0, 1.0), 3)
    loaded, compiled = selftest.kernel_cache()
    assert loaded + compiled >= 1
