"""Packaging: icons rendered from their one source, the desktop entry and AppStream metainfo, the
per-user desktop install, and a non-editable install that works from any folder.  (Building the
PyInstaller bundle is too slow for the suite: packaging/build.sh checks the bundle itself.)"""
import configparser
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import landscape_app
from landscape_app.ui.app import APP_ID, app_icon

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "assets" / "icons"
PACKAGE_ICONS = ROOT / "landscape_app" / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"


def test_every_icon_size_is_rendered_and_the_package_holds_the_same_files():
    for size in SIZES:
        png = ICONS / f"landscape-{size}.png"
        with Image.open(png) as im:
            assert im.size == (size, size) and im.mode == "RGBA"
        assert (PACKAGE_ICONS / png.name).read_bytes() == png.read_bytes(), "run packaging/make-icons.sh"
    assert sorted(p.name for p in PACKAGE_ICONS.glob("*.png")) == sorted(f"landscape-{s}.png" for s in SIZES)


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="needs rsvg-convert (librsvg2-bin)")
def test_the_pngs_are_rendered_from_the_current_svg(tmp_path):
    out = tmp_path / "64.png"
    subprocess.run(["rsvg-convert", "-w", "64", "-h", "64", str(ICONS / "landscape.svg"), "-o", str(out)], check=True)
    fresh = np.asarray(Image.open(out).convert("RGBA"), dtype=float)
    committed = np.asarray(Image.open(ICONS / "landscape-64.png").convert("RGBA"), dtype=float)
    assert np.abs(fresh - committed).mean() < 2.0, "the SVG changed: run packaging/make-icons.sh"


def test_the_window_icon_comes_from_package_data(qapp):
    sizes = {(s.width(), s.height()) for s in app_icon().availableSizes()}
    assert {(16, 16), (256, 256), (512, 512)} <= sizes


def test_one_reverse_dns_id_names_the_desktop_entry_metainfo_spec_and_installer():
    assert re.fullmatch(r"[a-z]+(\.[A-Za-z0-9_]+){2,}", APP_ID)
    assert f'APP_ID = "{APP_ID}"' in (PACKAGING / "landscape-app.spec").read_text()
    assert f'app_id="{APP_ID}"' in (PACKAGING / "install-desktop.sh").read_text()
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name
    assert root.find("releases/release").get("version") == landscape_app.__version__


def test_the_desktop_entry_launches_the_app_with_its_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(DESKTOP)
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Exec"] == "landscape-app"
    assert desktop["Icon"] == APP_ID and desktop["Terminal"] == "false"
    assert "Education" in desktop["Categories"].split(";")


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="needs desktop-file-utils")
def test_the_desktop_entry_is_valid():
    proc = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="needs appstream")
def test_the_metainfo_passes_appstream_validation():
    proc = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_install_desktop_adds_and_removes_the_menu_entry_for_this_user(tmp_path):
    data = tmp_path / "share"
    exe = tmp_path / "my apps" / "landscape-app"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    env = {**os.environ, "XDG_DATA_HOME": str(data), "HOME": str(tmp_path)}
    script = str(PACKAGING / "install-desktop.sh")
    subprocess.run(["bash", script, str(exe)], env=env, check=True, capture_output=True)
    desktop = data / "applications" / f"{APP_ID}.desktop"
    assert f'Exec="{exe}"' in desktop.read_text().splitlines()
    assert (data / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in SIZES:
        assert (data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    subprocess.run(["bash", script, "--uninstall"], env=env, check=True, capture_output=True)
    assert not desktop.exists() and not list(data.rglob(f"{APP_ID}*"))


def test_a_built_wheel_renders_a_shipped_demo_from_any_folder(tmp_path):
    """Demos and icons are package data: a non-editable install finds them wherever it is run."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(wheels), str(ROOT)], check=True, capture_output=True, timeout=300)
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                    str(next(wheels.glob("landscape_app-*.whl")))], check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}  # ahead of the editable checkout
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run([sys.executable, "-c", "import landscape_app, sys; from landscape_app.core.presets import "
                            "preset_files; print(landscape_app.__file__); print(preset_files()[0])"],
                           cwd=work, env=env, check=True, capture_output=True, text=True).stdout.split("\n")
    assert where[0].startswith(str(site)) and where[1].startswith(str(site))
    assert len(list((site / "landscape_app" / "resources" / "icons").glob("*.png"))) == len(SIZES)
    proc = subprocess.run([sys.executable, "-m", "landscape_app", "render", where[1], "--out", "demo.gif",
                           "--size", "320x240", "--steps", "6"], cwd=work, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with Image.open(work / "demo.gif") as gif:
        assert gif.n_frames >= 2
