"""Racer colours, line styles and head markers, and the colours of the step vectors.

Racers are told apart three ways, so that no one has to rely on colour alone: a colour from a
colour-blind-safe set, a dash pattern on the trail and a head marker (both by the racer's place in
the list).  The legend shows all three.

The colours are Okabe–Ito's hues (Okabe & Ito 2008, the set designed to stay distinct under the
common colour-vision deficiencies) made darker until each has a WCAG contrast of at least 3:1
(the level asked of lines and symbols, WCAG 2.1 SC 1.4.11) against both the darkest and the
lightest colour of the landscape's colour map: a 1-px trail is seen by its lightness, not by its
hue, and the original Okabe–Ito orange, sky blue and pink are nearly as light as the map's valleys
(1.1–1.5:1).  Lightnesses differ between the colours (L* 28 … 42) so they stay apart when hue is
not seen.  Yellow has no dark version that still reads as a colour of its own (it turns olive,
next to the brown), and black belongs to the isolines and the step vectors: six colours, then the
dash and marker keep the seventh racer apart.  ``tests/ui/test_palette.py`` measures all of it.
"""
from __future__ import annotations

import base64
import math
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

OKABE_ITO = {"blue": "#0072b2", "vermillion": "#d55e00", "bluish green": "#009e73", "reddish purple": "#cc79a7",
             "orange": "#e69f00", "sky blue": "#56b4e9"}  # the hues the palette keeps, in its order
# The same hues, darkened (CIE L*a*b* lightness lowered, chroma kept in gamut) to 3:1 on the map.
PALETTE = ("#156298", "#a24908", "#107152", "#7f0b59", "#5a3d05", "#0c4c69")
COLOUR_NAMES = ("blue", "orange", "green", "purple", "brown", "steel blue")  # as the demos call them

# Step vectors are not racers: colours no racer has (black, grey, violet, vivid blue).
VECTOR_RAW = "#4d4d4d"  # −α∇f, dashed
VECTOR_USED = "#7a1fd6"  # after noise / clipping
VECTOR_VELOCITY = "#2122f4"  # momentum part (and Nesterov's look-ahead point)
VECTOR_STEP = "#000000"  # the actual step
VECTOR_COLOURS = (VECTOR_RAW, VECTOR_USED, VECTOR_VELOCITY, VECTOR_STEP)

# Dash patterns in pen widths (None: solid); the first racer is solid, the patterns are long
# enough to read on a zig-zag trail of short steps.
DASHES = (None, (6.0, 3.0), (1.5, 2.5), (8.0, 3.0, 1.5, 3.0), (3.0, 3.0), (10.0, 4.0))
MARKERS = ("disc", "square", "triangle", "diamond", "triangle_down", "pentagon", "hexagon")  # 7: see marker()


def dash(index: int):
    return DASHES[index % len(DASHES)]


def marker(index: int) -> str:
    """Markers cycle with a period (7) prime to the colours' and dashes' (6): a racer whose colour
    and dash repeat an earlier one's still has a marker of its own."""
    return MARKERS[index % len(MARKERS)]


def least_used_colour(used) -> str:
    """The palette colour fewest racers have (the earliest on a tie): a new racer never gets a
    near-duplicate while a colour is still free."""
    used = [str(c).lower() for c in used]
    return min(PALETTE, key=lambda c: (used.count(c), PALETTE.index(c)))


def marker_path(shape: str, size: float) -> QPainterPath:
    """A head marker's outline centred on (0, 0), ``size`` pixels across, all of about the same area."""
    h = size / 2
    path = QPainterPath()
    if shape == "disc":
        path.addEllipse(QRectF(-h, -h, size, size))
        return path
    if shape == "square":
        s = h * 0.9
        path.addRect(QRectF(-s, -s, 2 * s, 2 * s))
        return path
    corners = {"triangle": (3, -90.0, 1.2), "triangle_down": (3, 90.0, 1.2), "diamond": (4, -90.0, 1.1),
               "pentagon": (5, -90.0, 1.05), "hexagon": (6, 0.0, 1.0)}[shape]
    n, phase, r = corners[0], corners[1], h * corners[2]
    points = [QPointF(r * math.cos(math.radians(phase + 360 * k / n)), r * math.sin(math.radians(phase + 360 * k / n)))
              for k in range(n)]
    path.addPolygon(QPolygonF(points + points[:1]))
    path.closeSubpath()
    return path


def head_marker(index: int, colour: str, size: float):
    """The racer's head: its marker shape filled with its colour, outlined in white."""
    from .markers import Marker

    return Marker(marker_path(marker(index), size), colour, "white", 1.5, 20)


def apply_dash(pen, index: int):
    """Give ``pen`` the racer's dash pattern (a solid pen for the first racer)."""
    pattern = dash(index)
    if pattern is None:
        pen.setStyle(Qt.PenStyle.SolidLine)
    else:
        pen.setDashPattern(list(pattern))
    return pen


@lru_cache(maxsize=256)
def sample(index: int, colour: str, height: int, visible: bool = True) -> QImage:
    """A legend sample: a stretch of the racer's trail (colour and dash) ending in its head marker,
    drawn with the very pen and shape the landscape uses (glyphs would depend on the font)."""
    height = max(8, int(height))
    width = round(height * 2.6)
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    colour = colour if visible else "#aaaaaa"
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = apply_dash(QPen(QColor(colour), max(1.5, height / 7)), index)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    size = height * 0.72
    painter.drawLine(QPointF(1, height / 2), QPointF(width - size, height / 2))
    painter.translate(width - size / 2 - 1, height / 2)
    painter.setPen(QPen(QColor("white"), 1.2))
    painter.setBrush(QColor(colour))
    painter.drawPath(marker_path(marker(index), size))
    painter.end()
    return image


@lru_cache(maxsize=256)
def sample_uri(index: int, colour: str, height: int, visible: bool = True) -> str:
    """:func:`sample` as a data URI, for ``<img>`` in any Qt rich text (labels, plot titles)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    sample(index, colour, height, visible).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")


def legend_entry(index: int, name: str, colour: str, visible: bool = True, height: int = 14) -> str:
    """One racer in a rich-text legend: its trail sample (colour, dash, marker) and its name
    (hidden racers greyed and struck through).  ``name`` must already be HTML-escaped."""
    img = f"<img src='{sample_uri(index, colour, height, visible)}' style='vertical-align: middle'>"
    if not visible:
        return f"{img}&nbsp;<span style='color:#999'><s>{name}</s></span>"
    return f"{img}&nbsp;{name}"


# ---------------------------------------------------------------------- measuring colours

def faint(colour, strength: float = 0.31) -> QColor:
    """``colour`` mixed with white: how it looks drawn at ``strength`` opacity on the light map, but
    opaque.  Qt blends a translucent line pixel by pixel (~100 ns each): a route zig-zagging across
    the view cost 10–50 ms a paint, the same route opaque under 1 ms."""
    r, g, b = (round(255 - strength * (255 - v)) for v in rgb_of(colour))
    return QColor(r, g, b)


def _linear(rgb) -> np.ndarray:
    c = np.asarray(rgb, float) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def rgb_of(colour) -> tuple[int, int, int]:
    if isinstance(colour, str):
        h = colour.lstrip("#")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    return tuple(int(v) for v in colour[:3])


def luminance(colour) -> float:
    """WCAG relative luminance."""
    r, g, b = _linear(rgb_of(colour))
    return float(0.2126 * r + 0.7152 * g + 0.0722 * b)


def contrast(a, b) -> float:
    """WCAG contrast ratio, 1 … 21."""
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def lab(colour) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour."""
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ _linear(rgb_of(colour)) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a, b) -> float:
    """CIE76 colour difference (about 2.3 is just noticeable; 10+ reads as another colour)."""
    return float(np.linalg.norm(lab(a) - lab(b)))
