"""Basins of attraction drawn under the isolines: every start of an N×N grid coloured by the
minimum the selected racer reaches from there (grey: not converged, black: diverged), darker
where it takes longer to get there.  A legend names each colour's minimum (where it is, its
value, the share of starts that end there) and sets the overlay's opacity: the trails are drawn
above it, and at the default 55 % the landscape and its isolines show through."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Slot
from PySide6.QtWidgets import QProgressBar

from ...core.analysis import DIVERGED, NOT_CONVERGED, basin_map
from . import Job
from .legend import OverlayLegend

# One hue per minimum, far from the landscape's washed viridis and from each other.
BASIN_COLOURS = ((228, 26, 28), (55, 126, 184), (77, 175, 74), (255, 127, 0), (152, 78, 163),
                 (255, 221, 51), (166, 86, 40), (247, 129, 191), (0, 190, 190), (120, 120, 0))
GREY = (150, 150, 150)
BLACK = (0, 0, 0)
ALPHA = 255  # colourize's default; the overlay's opacity (legend slider) lets the landscape through
OPACITY = 0.55  # default overlay opacity: basins clear, the trails above them readable
MAX_STEPS = 2000  # a basin map runs N² races: longer races are cut here (and said so)
LEGEND_MINIMA = 6  # minima named in the legend (the rest share a row): it stays a few columns wide
Z = -15  # above the heatmap (-20), below the isolines (-10)


def basin_colour(k: int) -> tuple[int, int, int]:
    return BASIN_COLOURS[k % len(BASIN_COLOURS)]


def colourize(label: np.ndarray, steps: np.ndarray, max_steps: int, alpha: int = ALPHA) -> np.ndarray:
    """RGBA (n, n, 4) uint8: hue by minimum, shade by steps to converge (darker = slower)."""
    rgba = np.empty(label.shape + (4,), np.uint8)
    rgba[..., 3] = alpha
    rgb = np.zeros(label.shape + (3,))
    for k in np.unique(label[label >= 0]):
        rgb[label == k] = basin_colour(int(k))
    # within the radius but never within tol of the value: as slow as can be
    slow = np.where(steps >= 0, steps, max_steps) / max(max_steps, 1)
    shade = 1.0 - 0.6 * np.sqrt(np.clip(slow, 0.0, 1.0))
    rgb *= shade[..., None]
    rgb[label == NOT_CONVERGED] = GREY
    rgb[label == DIVERGED] = BLACK
    rgba[..., :3] = np.clip(np.round(rgb), 0, 255).astype(np.uint8)
    return rgba


class BasinOverlay(QObject):
    """Owns the overlay image and its worker; recomputes (debounced) when the setup changes."""

    def __init__(self, window, n: int = 128, debounce_ms: int = 300):
        super().__init__(window)
        self.window = window
        self.state = window.state
        self.view = window.view
        self.n = n
        self.enabled = False
        self.generation = 0
        self.job: Job | None = None
        self.result = None  # (key, BasinMap) on screen
        self._key = None  # the setup the running or shown map belongs to
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(Z)
        self.image.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks go on to the landscape
        self.image.setVisible(False)
        self.view.addItem(self.image, ignoreBounds=True)
        self.opacity = OPACITY
        self.legend = OverlayLegend(window.overlay_legends, "Basins: where the selected racer ends", opacity=OPACITY)
        self.legend.opacityChanged.connect(self.set_opacity)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.setFormat("basins %p%")
        self.progress.setVisible(False)
        window.statusBar().addPermanentWidget(self.progress)
        self.timer = QTimer(self, singleShot=True, interval=debounce_ms)
        self.timer.timeout.connect(self._start)
        s = self.state
        for sig in (s.surfaceChanged, s.racersChanged, s.runsChanged, s.settingsChanged, s.readyChanged):
            sig.connect(self._setup_changed)
        s.selectionChanged.connect(self._setup_changed)

    # ------------------------------------------------------------------ setup
    def setup_key(self):
        st = self.state
        i = st.selected
        if not st.ready or not (0 <= i < len(st.racers)):
            return None
        r = st.racers[i]
        sc = st.scenario
        return (sc.surface, r.optimizer, tuple(sorted(r.hyper.items(), key=lambda kv: kv[0])), r.seed,
                min(sc.steps, MAX_STEPS), sc.tol, self.n)

    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        if on:
            self._key = None
            self._setup_changed()
            self.timer.start(0)
        else:
            self.timer.stop()
            self._cancel()
            self.image.setVisible(False)
            self.progress.setVisible(False)
            self.legend.hide()

    def set_opacity(self, opacity: float) -> None:
        self.opacity = min(max(float(opacity), 0.1), 1.0)
        self.image.setOpacity(self.opacity if self.job is None else self.opacity * 0.5)
        if self.legend.slider is not None and self.legend.slider.value() != round(self.opacity * 100):
            self.legend.slider.setValue(round(self.opacity * 100))

    def set_resolution(self, n: int) -> None:
        self.n = int(n)
        self._setup_changed()

    def _setup_changed(self, *_) -> None:
        if not self.enabled:
            return
        key = self.setup_key()
        if key == self._key:
            return  # e.g. the start moved: the basins do not depend on it
        self._key = key
        self._cancel()  # a stale map must not be finished, nor shown
        # the old map stays (dimmed) while the new one computes, unless it belongs to another surface
        self.image.setVisible(key is not None and self.result is not None and self.result[0][0] == key[0])
        self.image.setOpacity(self.opacity * 0.5)  # dimmed: it is about to be replaced
        self.legend.setVisible(self.image.isVisible())
        if key is not None:
            self.timer.start()

    def _cancel(self) -> None:
        self.generation += 1
        if self.job is not None:
            self.job.cancel()
            self.job = None

    # ------------------------------------------------------------------ computing
    def _start(self) -> None:
        key = self.setup_key()
        if key is None or not self.enabled:
            return
        self._cancel()
        self._key = key
        surface, optimizer, hyper, seed, steps, tol, n = key
        hyper = dict(hyper)
        gen = self.generation

        def work(progress, cancelled):
            return basin_map(surface, optimizer, n, steps, seed=seed, tol=tol, chunk=4096,
                             progress=progress, cancelled=cancelled, **hyper)

        job = Job(gen, work)
        job.progressed.connect(self._progressed)
        job.result.connect(self._done)  # bound methods: Qt drops them when this overlay is deleted
        job.failed.connect(self._failed)
        self.job = job
        self.progress.setValue(0)
        self.progress.setVisible(True)
        job.start()

    @Slot(int, float)
    def _progressed(self, gen: int, fraction: float) -> None:
        if gen == self.generation:
            self.progress.setValue(round(100 * fraction))

    @Slot(int, str)
    def _failed(self, gen: int, text: str) -> None:
        if gen == self.generation:
            self.progress.setVisible(False)
            self.job = None
            self.state.message.emit(f"basins of attraction: {text}")

    @Slot(int, object)
    def _done(self, gen: int, value) -> None:
        if gen != self.generation or value is None or not self.enabled:
            return  # superseded while running: dropped
        key = self._key
        self.job = None
        self.progress.setVisible(False)
        self.result = (key, value)
        steps = key[4]
        x0, x1, y0, y1 = value.extent
        self.image.setImage(colourize(value.label, value.steps, steps), autoLevels=False, levels=(0, 255))
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.image.setVisible(True)
        self.image.setOpacity(self.opacity)
        self.legend.set_rows(self.legend_rows())
        self.legend.show()
        self.state.message.emit(self.summary())

    def busy(self) -> bool:
        return self.job is not None

    def summary(self) -> str:
        if self.result is None:
            return ""
        key, m = self.result
        total = m.label.size
        counts = m.counts()
        parts = [f"min {k + 1}: {100 * c / total:.0f}%" for k, c in sorted(counts.items()) if k >= 0]
        if counts.get(NOT_CONVERGED):
            parts.append(f"not converged (grey): {100 * counts[NOT_CONVERGED] / total:.0f}%")
        if counts.get(DIVERGED):
            parts.append(f"diverged (black): {100 * counts[DIVERGED] / total:.0f}%")
        cut = " (steps capped)" if self.state.max_steps > MAX_STEPS else ""
        return f"basins {m.label.shape[0]}² × {key[4]} steps{cut} — " + " · ".join(parts)

    def legend_rows(self) -> list[tuple[tuple[int, int, int], str]]:
        """(colour, text) per minimum that some start reaches (the lowest and the largest basins
        first, the rest in one row: Rastrigin has 121), then grey and black if present."""
        if self.result is None:
            return []
        key, m = self.result
        counts, total = m.counts(), m.label.size
        minima = self.state.surface.minima
        lowest = min(range(len(minima)), key=lambda k: minima[k][2]) if minima else -1
        reached = sorted((c for c in counts if c >= 0), key=lambda k: (k != lowest, -counts[k]))
        cut = LEGEND_MINIMA if len(reached) > LEGEND_MINIMA + 1 else len(reached)  # "1 more minima" names none
        shown, rest = sorted(reached[:cut]), reached[cut:]
        rows = []
        for k in shown:
            x, y, f = minima[k][:3]
            best = " (lowest)" if k == lowest and len(minima) > 1 else ""
            rows.append((basin_colour(k), f"min {k + 1}{best} at ({x:.3g}, {y:.3g}), f = {f:.3g}: "
                                          f"{100 * counts[k] / total:.0f}% of starts"))
        if rest:
            rows.append((None, f"{len(rest)} more minima: {100 * sum(counts[k] for k in rest) / total:.0f}% of starts"))
        if counts.get(NOT_CONVERGED):
            rows.append((GREY, f"not settled in {key[4]} steps: {100 * counts[NOT_CONVERGED] / total:.0f}%"))
        if counts.get(DIVERGED):
            rows.append((BLACK, f"diverged: {100 * counts[DIVERGED] / total:.0f}%"))
        return rows

    def label_at(self, x: float, y: float) -> int | None:
        """The basin label of the grid cell containing (x, y), or None outside the map."""
        if self.result is None:
            return None
        m = self.result[1]
        x0, x1, y0, y1 = m.extent
        n = m.label.shape[0]
        i, j = int((x - x0) / (x1 - x0) * n), int((y - y0) / (y1 - y0) * n)
        return int(m.label[j, i]) if 0 <= i < n and 0 <= j < n else None
