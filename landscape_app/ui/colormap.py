"""The landscape's colours: a perceptually uniform map, washed towards white so that thin
saturated trails stay readable on every part of it (dark navy valleys swallowed 1-px lines).

The wash sets the map's darkest colour, and with it how dark the racers' colours must be: at 0.5
the valleys were a mid grey-violet as light as most colour-blind-safe hues (contrast 1.1–1.5:1
with Okabe–Ito orange, sky blue, pink).  At 0.7 the valleys are a pale lilac, the racers'
colours (``palette.PALETTE``) reach 3:1 on every part of the map while still reading as six
colours, and the map still spans its full hue range from lilac through teal to pale yellow; the
isolines and the colour bar carry the values.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

BASE = "viridis"  # perceptually uniform, colour-blind safe, monotonic in lightness
WASH = 0.7  # share of white mixed in: keeps the ordering, lifts the darkest colour to a pale lilac


def landscape_colormap(base: str = BASE, wash: float = WASH, n: int = 256) -> pg.ColorMap:
    source = pg.colormap.get(base)
    rgb = source.getLookupTable(0.0, 1.0, n, alpha=False).astype(float)
    washed = rgb * (1.0 - wash) + 255.0 * wash
    return pg.ColorMap(np.linspace(0.0, 1.0, n), washed.astype(np.uint8))


def extremes(n: int = 256) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The map's darkest and lightest colours (by luminance): what every trail must read on."""
    from .palette import luminance

    lut = [tuple(int(v) for v in c) for c in landscape_colormap(n=n).getLookupTable(0.0, 1.0, n, alpha=False)]
    return min(lut, key=luminance), max(lut, key=luminance)
