"""Hyperparameter sweep of the selected racer: final f − f_min over α (log axis) × a second
hyperparameter, as a grid heatmap or as random samples; drag a rectangle to zoom in and re-sample
(coarse to fine); click a cell or a sample to load its values into the racer.

Seed 001's two lessons are on screen: the readout counts the distinct values of each hyperparameter
tried (a grid of n × n tries n of each, n² random samples try n² of each), and β₁, β₂ are spaced
and sampled evenly in log(1 − β) (their axis reads 0.9, 0.99, 0.999 at equal steps) unless the
linear scale is chosen."""
from __future__ import annotations

import copy
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QTimer, Qt, Slot
from PySide6.QtWidgets import (QComboBox, QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSpinBox,
                               QVBoxLayout)

from ...core.analysis import (SCALES, axis_values, from_axis, hyper_spec, scales_for, sweep_grid, sweep_random,
                              to_axis)
from ...core.notation import html as formula
from ...core.optimizers import get_optimizer
from ..plot_style import tidy_axes
from . import Job

EXTRA = ("clip_norm", "noise")  # modifiers every optimizer takes
# default ranges of the second axis (clamped to each spec's own range)
RANGES = {"beta1": (0.0, 0.99), "beta2": (0.5, 0.9999), "eps": (1e-10, 1e-1), "weight_decay": (0.0, 1.0),
          "sigma": (1e-2, 10.0), "clip_norm": (1e-2, 1e2), "noise": (0.0, 2.0)}
FLOOR = 1e-12  # f − f_min below this is "at the minimum" on the log colour scale
RESTART_MS = 150  # after a switch of racer or surface, the next map waits this long
DIVERGED_BG = (45, 45, 45)  # diverged cells are left transparent over this


def second_axes(optimizer: str) -> list[str]:
    """The hyperparameters that can go on the y axis: the optimizer's floats except α, plus clipping/noise."""
    names = [h.name for h in get_optimizer(optimizer).hypers if h.kind == "float" and h.name != "lr"]
    return names + [n for n in EXTRA if n not in names]


def default_range(optimizer: str, name: str, value=None) -> tuple[float, float]:
    spec = hyper_spec(optimizer, name)
    if name == "lr":
        v = value if isinstance(value, (int, float)) and value > 0 else 0.01
        lo, hi = v / 100, v * 100
    else:
        lo, hi = RANGES.get(name, (spec.lo, spec.hi))
    lo, hi = max(lo, spec.lo), min(hi, spec.hi)
    if spec.log:
        lo = max(lo, 1e-300)
    return float(lo), float(hi)


def beta_ticks(t0: float, t1: float) -> list:
    """Tick labels in β for a log(1 − β) axis running from t0 to t1 (t = −log₁₀(1 − β)): 0.9, 0.99,
    0.999 … at whole t, and 0.5, 0.8, 0.95, 0.98 … between them when few decades are on show."""
    t0, t1 = t0 - 1e-9, t1 + 1e-9  # 1 − 0.99 is not exactly 10⁻²
    whole = [(float(k), f"{1 - 10.0 ** -k:.{k}f}") for k in range(math.ceil(t0), math.floor(t1) + 1)]
    minor = []
    if t1 - t0 < 3:
        for k in range(math.floor(t0), math.ceil(t1) + 1):
            for m in (2, 5):  # 1 − β = 10^−k / m
                t = k + math.log10(m)
                if t0 <= t <= t1:
                    minor.append((t, f"{1 - 10.0 ** -t:.{k + 1}f}"))
    return [whole, minor]


class SweepWindow(QDialog):
    """A non-modal tool window bound to the window's AppState."""

    def __init__(self, window, n: int = 24):
        super().__init__(window)
        self.setWindowTitle("Hyperparameter sweep")
        self.setModal(False)
        self.resize(640, 560)
        self.window_ = window
        self.state = window.state
        self.generation = 0
        self.job: Job | None = None
        self.sweep = None  # the Sweep on screen
        self.bounds: dict[str, tuple[float, float]] = {}  # the current (zoomed) range per axis

        self.title = QLabel()
        self.y_box = QComboBox()
        self.y_box.setToolTip("The second hyperparameter (y axis)")
        self.mode_box = QComboBox()
        self.mode_box.addItem("Grid", "grid")
        self.mode_box.addItem("Random search", "random")
        self.mode_box.setToolTip("Random search draws the same number of settings at random "
                                 "(log-uniform on log axes): more distinct values of each hyperparameter")
        self.n_box = QSpinBox()
        self.n_box.setRange(4, 96)
        self.n_box.setValue(n)
        self.n_box.setPrefix("n = ")
        self.n_box.setToolTip("Grid side: n × n settings (random search: n² samples)")
        self.scale_box = QComboBox()  # the y axis' scale, for β-like hyperparameters
        self.scale_box.setToolTip("β matters through 1 − β, the window 1/(1 − β) it averages over: on a "
                                  "log(1 − β) axis 0.9, 0.99 and 0.999 are equally far apart and get as many samples")
        self.reset_button = QPushButton("Reset range")
        self.run_button = QPushButton("Recompute")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(120)
        policy = self.progress.sizePolicy()  # its room is kept while hidden: the readout beside it
        policy.setRetainSizeWhenHidden(True)  # re-wrapped and the window relaid at every sweep
        self.progress.setSizePolicy(policy)
        self.readout = QLabel(" ")
        self.readout.setStyleSheet("font-family: monospace;")

        self.plot = pg.PlotWidget(background="w")
        p = self.plot.getPlotItem()
        p.setMenuEnabled(False)
        tidy_axes(p)  # zoomed in, the α decades' labels ran into each other
        self.vb = p.getViewBox()
        self.vb.setMouseMode(pg.ViewBox.RectMode)  # drag a rectangle: zoom in there and re-sample
        self.vb.setBackgroundColor(DIVERGED_BG)
        self.cmap = copy.deepcopy(pg.colormap.get("viridis"))  # the library's map is shared: never change it
        self.cmap.reverse()  # bright = close to the minimum
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        p.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=self.cmap, interactive=False, width=14,
                                        label="log₁₀(final f − f_min)")
        self.colorbar.setImageItem(self.image, insert_in=p)
        self.points = pg.ScatterPlotItem(size=7, pen=pg.mkPen(30, 30, 30, 160))
        p.addItem(self.points)
        self.marker = pg.ScatterPlotItem(symbol="+", size=18, pen=pg.mkPen("w", width=2), brush=None)
        self.marker.setZValue(10)
        p.addItem(self.marker)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(QLabel("y:"))
        top.addWidget(self.y_box)
        top.addWidget(self.scale_box)
        top.addWidget(self.mode_box)
        top.addWidget(self.n_box)
        top.addWidget(self.reset_button)
        top.addWidget(self.run_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.readout, 1)
        bottom.addWidget(self.progress)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.plot, 1)
        # not "dark = diverged": the map's highest losses are dark too (purple; the grey is ΔE ≥ 35
        # from every colour of the map)
        self.hint = hint = QLabel("Drag a rectangle to zoom in and re-sample · click a cell to load it into the "
                                  "racer · dark grey = diverged, dark purple = the highest final loss")
        hint.setStyleSheet("color: #555;")
        for label in (hint, self.readout):  # on two lines when narrow: in presentation mode, one line of
            label.setWordWrap(True)         # either made the window 1,286 px wide, past a 1280-px screen
        lay.addWidget(hint)
        lay.addLayout(bottom)

        self._rezoom = QTimer(self, singleShot=True, interval=350)
        self._rezoom.timeout.connect(self._zoomed)
        self.vb.sigRangeChangedManually.connect(lambda *_: self._rezoom.start())
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.y_box.currentIndexChanged.connect(lambda *_: self._y_changed())
        self.scale_box.currentIndexChanged.connect(lambda *_: self.reset_range())
        self.mode_box.currentIndexChanged.connect(lambda *_: self.compute())
        self.n_box.valueChanged.connect(lambda *_: self.compute())
        self.reset_button.clicked.connect(self.reset_range)
        self.run_button.clicked.connect(self.compute)
        self.state.selectionChanged.connect(lambda *_: self._racer_changed())
        self.state.surfaceChanged.connect(self._racer_changed)
        self.state.racersChanged.connect(self._racer_changed)
        self.state.runsChanged.connect(self._update_marker)
        # the start, the step budget or another setting moved: the sweep is stale (debounced)
        self._context = None
        self._stale = QTimer(self, singleShot=True, interval=400)
        self._stale.timeout.connect(self._maybe_recompute)
        self.state.runsChanged.connect(lambda: self._stale.start() if self.isVisible() else None)
        # another racer or surface: the new map starts once the window has followed the change (its
        # kernels take every core: computing beside the window's repaint made a switch ~25 ms slower)
        self._restart = QTimer(self, singleShot=True, interval=RESTART_MS)
        self._restart.timeout.connect(self.compute)
        self._optimizer = None
        self._setup = None
        self._computing_context = self._shown_context = None  # (racer, optimizer, context()) of a map
        self.sweep_optimizer: str | None = None  # the optimizer the sweep on show was computed for
        self.sweep_scales: dict[str, str] = {}  # the axis scale of each hyperparameter of the sweep on show
        self._racer_changed()

    # ------------------------------------------------------------------ setup
    @property
    def racer_index(self) -> int:
        return self.state.selected

    def racer(self):
        i = self.racer_index
        return self.state.racers[i] if 0 <= i < len(self.state.racers) else None

    @property
    def x_name(self) -> str:
        return "lr"

    @property
    def y_name(self) -> str:
        return self.y_box.currentData() or "noise"

    @property
    def mode(self) -> str:
        return self.mode_box.currentData()

    def _racer_changed(self) -> None:
        r = self.racer()
        if r is None:  # the last racer was removed: nothing to sweep
            self.title.setText("no racer selected")
            self.clear()
            return
        self.title.setText(f"<b style='color:{r.color}'>{r.name}</b> on {self.state.surface.title}")
        if r.optimizer != self._optimizer:
            self._optimizer = r.optimizer
            self.y_box.blockSignals(True)
            current = self.y_box.currentData()
            self.y_box.clear()
            for name in second_axes(r.optimizer):
                spec = hyper_spec(r.optimizer, name)
                self.y_box.addItem(f"{spec.symbol} ({name})", name)
            k = self.y_box.findData(current)
            self.y_box.setCurrentIndex(max(k, 0))
            self.y_box.blockSignals(False)
            self._fill_scales()
        key = (self.racer_index, r.optimizer, self.state.scenario.surface)
        if key != self._setup:  # another racer or surface: start coarse again
            self._setup = key
            self.bounds = {}
            self._drop_job()
            self._restart.start()

    def _fill_scales(self) -> None:
        """The scales the y hyperparameter can take (a choice only for β-like ones)."""
        r = self.racer()
        scales = scales_for(r.optimizer, self.y_name) if r is not None else ("linear",)
        self.scale_box.blockSignals(True)
        self.scale_box.clear()
        for name in scales:
            self.scale_box.addItem(f"{SCALES[name]} axis", name)
        self.scale_box.blockSignals(False)
        self.scale_box.setVisible(len(scales) > 1)

    def _y_changed(self) -> None:
        self._fill_scales()
        self.compute()

    def scale(self, name: str) -> str:
        """The scale ``name`` is sampled on for the next sweep: the chosen one for y, the default for α."""
        r = self.racer()
        if name == self.y_name and self.scale_box.currentData():
            return self.scale_box.currentData()
        return scales_for(r.optimizer, name)[0]

    def _drop_job(self) -> None:
        self.generation += 1  # a sweep still computing is dropped when it arrives
        self._restart.stop()
        if self.job is not None:
            self.job.cancel()
            self.job = None
        self.progress.setVisible(False)

    def clear(self) -> None:
        self._drop_job()
        self.sweep = None
        self._setup = None
        self.image.setVisible(False)
        self.points.clear()
        self.marker.clear()
        self.readout.setText("add or select a racer to sweep its hyperparameters")

    def reset_range(self) -> None:
        self.bounds = {}
        self.compute()

    def axis_range(self, name: str) -> tuple[float, float]:
        r = self.racer()
        return self.bounds.get(name) or default_range(r.optimizer, name, r.hyper.get(name))

    def t(self, name: str, v):
        """Value → display coordinate on the sweep's own axes (log₁₀ v on log axes, −log₁₀(1 − β) on
        log(1 − β) axes); the racer may have another optimizer by now."""
        return to_axis(self.sweep_scales.get(name, "linear"), v)

    def inv(self, name: str, t):
        return from_axis(self.sweep_scales.get(name, "linear"), t)

    # ------------------------------------------------------------------ computing
    def context(self):
        r = self.racer()
        if r is None:
            return None
        sc = self.state.scenario
        rest = tuple(sorted((k, v) for k, v in r.hyper.items() if k not in (self.x_name, self.y_name)))
        return sc.surface, tuple(sc.start), sc.steps, sc.tol, r.seed, rest

    def _maybe_recompute(self) -> None:
        if self.context() != self._context and not self.busy():
            self.compute()
        elif self.context() != self._context:
            self._stale.start()

    def compute(self) -> None:
        r = self.racer()
        if r is None or not self.state.ready:
            return
        self._context = self.context()
        self._computing_context = (self.racer_index, r.optimizer, self._context)
        self._drop_job()
        gen = self.generation
        xn, yn = self.x_name, self.y_name
        (x0, x1), (y0, y1) = self.axis_range(xn), self.axis_range(yn)
        n, mode = self.n_box.value(), self.mode
        xs_scale, ys_scale = self.scale(xn), self.scale(yn)
        self._computing_scales = {xn: xs_scale, yn: ys_scale}
        sc = self.state.scenario
        args = (sc.surface, r.optimizer, tuple(sc.start), sc.steps)
        hyper = {k: v for k, v in r.hyper.items() if k not in (xn, yn, "batch_size")}
        opt = self._computing_for = r.optimizer
        seed, tol = r.seed, sc.tol

        def work(progress, cancelled):
            if mode == "random":
                return sweep_random(*args, (xn, x0, x1, xs_scale), (yn, y0, y1, ys_scale), n * n, seed=seed, tol=tol,
                                    cancelled=cancelled, **hyper)
            xs, ys = axis_values(opt, xn, x0, x1, n, xs_scale), axis_values(opt, yn, y0, y1, n, ys_scale)
            parts = []
            rows = max(1, n // 6)
            for lo in range(0, n, rows):  # a few rows at a time: progress, and a stale sweep stops early
                if cancelled():
                    return None
                part = sweep_grid(*args, (xn, xs), (yn, ys[lo:lo + rows]), seed=seed, tol=tol, cancelled=cancelled,
                                  **hyper)
                if part is None:  # cancelled while it waited for its turn on the cores
                    return None
                parts.append(part)
                progress(min(1.0, (lo + rows) / n))
            from ...core.analysis import Sweep

            cat = lambda a: np.concatenate([getattr(s, a) for s in parts])
            return Sweep(xn, yn, cat("x"), cat("y"), cat("final_loss"), cat("converged_at"), cat("diverged_at"),
                         (n, n))

        job = Job(gen, work)
        job.progressed.connect(self._progressed)  # bound methods: Qt drops them when this window is deleted
        job.result.connect(self._done)
        job.failed.connect(self._failed)
        self.job = job
        self.progress.setValue(0)
        self.progress.setVisible(True)
        job.start()

    def busy(self) -> bool:
        return self.job is not None or self._restart.isActive()

    @Slot(int, float)
    def _progressed(self, gen: int, fraction: float) -> None:
        if gen == self.generation:
            self.progress.setValue(round(100 * fraction))

    @Slot(int, str)
    def _failed(self, gen: int, text: str) -> None:
        if gen == self.generation:
            self.job = None
            self.progress.setVisible(False)
            self.readout.setText(text)

    @Slot(int, object)
    def _done(self, gen: int, sweep) -> None:
        if gen != self.generation or sweep is None:
            return
        self.job = None
        self.progress.setVisible(False)
        self.sweep, self.sweep_optimizer = sweep, self._computing_for
        self.sweep_scales = self._computing_scales
        self._shown_context = self._computing_context
        self._draw()

    # ------------------------------------------------------------------ drawing
    def _draw(self) -> None:
        s = self.sweep
        xn, yn = s.x_name, s.y_name
        gap = np.where(np.isfinite(s.final_loss), np.maximum(s.final_loss, FLOOR), np.nan)
        value = np.log10(gap)
        finite = value[np.isfinite(value)]
        levels = (float(finite.min()), float(finite.max())) if finite.size else (-12.0, 0.0)
        if levels[1] - levels[0] < 1e-9:
            levels = (levels[0] - 1, levels[1] + 1)
        self.colorbar.setLevels(levels)
        tx, ty = self.t(xn, s.x), self.t(yn, s.y)
        (ax0, ax1), (ay0, ay1) = self.axis_range(xn), self.axis_range(yn)
        bx, by = self.t(xn, [ax0, ax1]), self.t(yn, [ay0, ay1])
        self.vb.setBackgroundColor(DIVERGED_BG if s.shape is not None else (250, 250, 250))
        if s.shape is not None:
            ny, nx = s.shape
            img = value.reshape(ny, nx)
            dx = (bx[1] - bx[0]) / max(nx - 1, 1)
            dy = (by[1] - by[0]) / max(ny - 1, 1)
            self.image.setImage(img, autoLevels=False, levels=levels)
            self.image.setRect(QRectF(bx[0] - dx / 2, by[0] - dy / 2, nx * dx, ny * dy))
            self.image.setVisible(True)
            self.points.clear()
        else:
            self.image.setVisible(False)
            norm = np.clip((np.nan_to_num(value, nan=levels[1]) - levels[0]) / (levels[1] - levels[0]), 0, 1)
            colours = self.cmap.map(norm, mode="qcolor")
            brushes = [pg.mkBrush(c) if np.isfinite(v) else pg.mkBrush(0, 0, 0)
                       for c, v in zip(colours, value)]
            symbols = ["o" if np.isfinite(v) else "x" for v in value]
            self.points.setData(tx, ty, brush=brushes, symbol=symbols)
        p = self.plot.getPlotItem()
        for axis, name in (("bottom", xn), ("left", yn)):
            spec = hyper_spec(self.sweep_optimizer, name)
            scale = self.sweep_scales[name]
            ax = p.getAxis(axis)
            ax.setLogMode(scale == "log")  # labels 10^k; the coordinates are log₁₀ values
            if scale == "log1m":  # tick labels in β, at equal steps of −log₁₀(1 − β)
                t0, t1 = self.t(name, self.axis_range(name))
                ax.setTicks(beta_ticks(float(t0), float(t1)))
            else:
                ax.setTicks(None)
            p.setLabel(axis, f"{formula(spec.symbol, wrap=False)} ({name})"
                       + {"log": ", log scale", "log1m": ", log(1 − β) scale", "linear": ""}[scale])
        pad_x, pad_y = 0.02 * (bx[1] - bx[0]), 0.02 * (by[1] - by[0])
        self.vb.setRange(QRectF(bx[0] - pad_x, by[0] - pad_y, bx[1] - bx[0] + 2 * pad_x,
                                by[1] - by[0] + 2 * pad_y), padding=0)
        best = int(np.nanargmin(np.where(np.isfinite(s.final_loss), s.final_loss, np.nan))) \
            if np.isfinite(s.final_loss).any() else None
        diverged = int((s.diverged_at >= 0).sum())
        nx, ny = s.distinct()
        text = f"{len(s.x)} runs, {nx} distinct {xn} and {ny} distinct {yn} · {diverged} diverged"
        if best is not None:
            text += f" · best {xn}={s.x[best]:.3g}, {yn}={s.y[best]:.3g}: f − f_min = {s.final_loss[best]:.3g}"
        self.readout.setText(text)
        self._update_marker()

    def _update_marker(self) -> None:
        r, s = self.racer(), self.sweep
        if r is None or s is None or r.optimizer != self.sweep_optimizer \
                or (s.x_name, s.y_name) != (self.x_name, self.y_name):  # the racer is not on this sweep's axes
            self.marker.clear()
            return
        xv, yv = r.hyper.get(self.x_name), r.hyper.get(self.y_name)
        if not isinstance(xv, (int, float)) or not isinstance(yv, (int, float)):
            self.marker.clear()
            return
        with np.errstate(divide="ignore", invalid="ignore"):
            tx, ty = float(self.t(self.x_name, xv)), float(self.t(self.y_name, yv))
        if not (math.isfinite(tx) and math.isfinite(ty)):  # e.g. β = 1 on a log(1 − β) axis
            self.marker.clear()
            return
        self.marker.setData([tx], [ty])

    # ------------------------------------------------------------------ interaction
    def _zoomed(self) -> None:
        """The view was zoomed by hand (rectangle or wheel): re-sample inside it."""
        r = self.racer()
        if r is None:
            return
        (tx0, tx1), (ty0, ty1) = self.vb.viewRange()
        new = {}
        for name, (a, b) in ((self.x_name, (tx0, tx1)), (self.y_name, (ty0, ty1))):
            spec = hyper_spec(r.optimizer, name)
            lo, hi = sorted((float(self.inv(name, a)), float(self.inv(name, b))))
            lo, hi = max(lo, spec.lo, 1e-300 if self.sweep_scales.get(name) == "log" else -math.inf), min(hi, spec.hi)
            if not hi > lo:
                return
            new[name] = (lo, hi)
        self.bounds.update(new)
        self.compute()

    def index_at(self, tx: float, ty: float) -> int | None:
        """The run under a display coordinate: the grid cell, or the nearest random sample."""
        s = self.sweep
        if s is None:
            return None
        self.vb.setBackgroundColor(DIVERGED_BG if s.shape is not None else (250, 250, 250))
        if s.shape is not None:
            ny, nx = s.shape
            rect = self.image.mapRectToParent(self.image.boundingRect())
            if not rect.contains(QPointF(tx, ty)):
                return None
            i = min(int((tx - rect.left()) / rect.width() * nx), nx - 1)
            j = min(int((ty - rect.top()) / rect.height() * ny), ny - 1)
            return j * nx + i
        (vx0, vx1), (vy0, vy1) = self.vb.viewRange()
        d = ((self.t(s.x_name, s.x) - tx) / (vx1 - vx0)) ** 2 + ((self.t(s.y_name, s.y) - ty) / (vy1 - vy0)) ** 2
        k = int(np.argmin(d))
        return k if d[k] < 0.03 ** 2 else None

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        if not self.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = self.vb.mapSceneToView(event.scenePos())
        k = self.index_at(p.x(), p.y())
        if k is not None:
            self.load(k)

    def load(self, k: int) -> None:
        """Load run k's two values into the selected racer, if the map on show was computed for it
        as it is (after a change the old map stays on show until the new one is ready: its losses
        are another race's)."""
        s, i = self.sweep, self.racer_index
        r = self.racer()
        if r is None or self._shown_context != (i, r.optimizer, self.context()):
            self.readout.setText("this map is from before the last change: the new one is on its way")
            return
        try:  # both values or neither
            self.state.set_hypers(i, {s.x_name: float(f"{s.x[k]:.4g}"), s.y_name: float(f"{s.y[k]:.4g}")})
        except ValueError as exc:
            self.readout.setText(str(exc))
            return
        self.readout.setText(f"loaded {s.x_name}={s.x[k]:.4g}, {s.y_name}={s.y[k]:.4g} "
                             f"(f − f_min = {s.final_loss[k]:.3g})")

    def _hover(self, pos) -> None:
        if self.sweep is None or not self.vb.sceneBoundingRect().contains(pos):
            return
        p = self.vb.mapSceneToView(pos)
        k = self.index_at(p.x(), p.y())
        if k is None:
            return
        s = self.sweep
        loss = "diverged" if s.diverged_at[k] >= 0 else f"f − f_min = {s.final_loss[k]:.3g}"
        conv = f", converged at step {s.converged_at[k]}" if s.converged_at[k] >= 0 else ""
        self.readout.setText(f"{s.x_name}={s.x[k]:.4g}, {s.y_name}={s.y[k]:.4g}: {loss}{conv}")

    def closeEvent(self, event) -> None:
        self.generation += 1
        if self.job is not None:
            self.job.cancel()
            self.job = None
        super().closeEvent(event)
