"""The landscape's colours: a perceptually uniform map, washed towards white so that thin
saturated trails stay readable on every part of it (dark navy valleys swallowed 1-px lines)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

BASE = "viridis"  # perceptually uniform, colour-blind safe, monotonic in lightness
WASH = 0.5  # share of white mixed in: keeps the ordering, lifts the darkest colour to mid-grey-violet


def landscape_colormap(base: str = BASE, wash: float = WASH, n: int = 256) -> pg.ColorMap:
    source = pg.colormap.get(base)
    rgb = source.getLookupTable(0.0, 1.0, n, alpha=False).astype(float)
    washed = rgb * (1.0 - wash) + 255.0 * wash
    return pg.ColorMap(np.linspace(0.0, 1.0, n), washed.astype(np.uint8))
