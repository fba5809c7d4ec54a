"""Still pictures of a widget: PNG at any scale (re-rendered, not upscaled) and SVG."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QPoint, QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

FORMATS = (".png", ".svg")
EMPTY_PATH = re.compile(r'<path\b[^>]*\sd=""[^>]*/>\s*')  # a curve with one point (a trail at step 0)


def drop_empty_paths(svg: str) -> str:
    """QSvgGenerator writes ``<path d=""/>`` for a painter path with no segment; it draws nothing
    and strict SVG readers reject it."""
    return EMPTY_PATH.sub("", svg)


def save_widget(widget, path, scale: float = 1.0) -> Path:
    """Write ``widget`` as it looks now; raises ValueError with a reason on bad input."""
    def render(painter):  # QWidget's render, also for graphics views (whose own render draws the scene)
        QWidget.render(widget, painter, QPoint(0, 0))

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"choose a .png or .svg file name for an image, not {path.name!r}")
    if not path.parent.is_dir():
        raise ValueError(f"the folder {path.parent} does not exist")
    if not 0.25 <= scale <= 8:
        raise ValueError(f"image scale must be between 0.25 and 8, got {scale}")
    if widget.width() <= 0 or widget.height() <= 0:  # e.g. the 3-D view in the landscape's place
        raise ValueError("the picture is not on show (it has no size): show it, then export it")
    if suffix == ".svg":
        gen = QSvgGenerator()
        gen.setFileName(str(path))
        gen.setSize(widget.size())
        gen.setViewBox(QRectF(0, 0, widget.width(), widget.height()))
        gen.setTitle("Landscape")
        painter = QPainter(gen)
        render(painter)
        ok = painter.end()
        if ok and path.exists():
            path.write_text(drop_empty_paths(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        image = QImage(QSize(round(widget.width() * scale), round(widget.height() * scale)),
                       QImage.Format.Format_ARGB32)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        render(painter)
        painter.end()
        ok = image.save(str(path))
    if not ok or not path.exists():
        raise ValueError(f"could not write {path}")
    return path
