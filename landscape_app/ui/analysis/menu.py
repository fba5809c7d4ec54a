"""The Analysis menu, plus the two light tools that need no window of their own: ghost paths
(the selected racer for a fan of learning rates) and α tuning."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QVBoxLayout

from ...core.analysis import hyper_spec, tune_lr
from ...core.engine import simulate
from ..compute import LatestWorker
from ..plot_style import cache_axes, decade_ticks, set_legend
from ..throttle import Later
from . import wait_for_jobs
from .basins import BasinOverlay
from .custom_dialog import CustomSurfaceDialog
from .data_dialog import BatchStudyWindow, DataSurfaceDialog
from .legend import OverlayLegend
from .sweep import SweepWindow

GHOSTS = 7  # learning rates in the fan
DECADES = 2.0  # the fan spans lr·10^-1 … lr·10^+1
GHOST_Z = 8  # under the racers' trails (10), over the isolines (-10)
SHOW_TUNING_MS = 40  # the tuning's result window is filled this long after its α are set
# Small α cool, large α hot: dark enough (≥ 3:1) to read as thin lines on every part of the map.
RAMP = ((26, 58, 143), (123, 31, 162), (183, 28, 28))


def ramp_colour(t: float) -> tuple[int, int, int]:
    """The ghost ramp at t ∈ [0, 1] (piecewise linear through RAMP)."""
    t = min(max(float(t), 0.0), 1.0) * (len(RAMP) - 1)
    k = min(int(t), len(RAMP) - 2)
    a, b = RAMP[k], RAMP[k + 1]
    return tuple(round(a[i] + (b[i] - a[i]) * (t - k)) for i in range(3))


def ghost_rates(lr: float, n: int = GHOSTS, decades: float = DECADES, lo: float = 1e-7, hi: float = 1e4) -> np.ndarray:
    return np.clip(lr * np.logspace(-decades / 2, decades / 2, n), lo, hi)



def closed_deletes(dialog):
    """A dialog opened anew each time is deleted when closed (with its worker's thread): each one
    kept its thread and memory for the rest of the session."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return dialog

class GhostPaths(QObject):
    """Paths of the selected racer for GHOSTS learning rates around its own, coloured along a ramp
    from the smallest α to the largest (the legend's ramp is labelled with each α), the racer's own
    α dashed.  Computed in a worker thread: on a big data set or with many steps they take a while."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.state = window.state
        self.view = window.view
        self.enabled = False
        self.curves: list[pg.PlotCurveItem] = []  # the paths on show
        self.paths: list[np.ndarray] = []  # each curve's whole path: drawn decimated for the zoom on show
        self.labels: list[pg.TextItem] = []
        # the items, made once per time the paths are switched on and shown again for each new fan:
        # made anew, seven curves and their labels cost 15–50 ms of every arrival
        self._curve_pool: list[pg.PlotCurveItem] = []
        self._label_pool: list[pg.TextItem] = []
        self.rates = np.array([])
        self.legend = OverlayLegend(window.overlay_legends, "Ghost paths: the selected racer at other α")
        self.worker = LatestWorker("ghost paths", self)
        self._arrived = None  # the runs of the latest request, until drawn on a turn of their own
        self._draw_turn = Later(self._draw_arrived, self)
        self.worker.finished.connect(self._computed)
        self.worker.failed.connect(self._failed)
        self._request = 0
        self._key = None  # what the paths on show (or being computed) were computed from
        self.timer = QTimer(self, singleShot=True, interval=30)  # a drag of the start sends many changes
        self.timer.timeout.connect(self.update)
        s = self.state
        for sig in (s.runsChanged, s.surfaceChanged, s.racersChanged):
            sig.connect(self._changed)
        s.selectionChanged.connect(self._changed)
        self.view.zoomed.connect(self._zoomed)

    def _zoomed(self) -> None:
        for curve, path in zip(self.curves, self.paths):
            curve.setData(*self.view.decimated(path))

    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        self.update() if on else self.clear()

    def _changed(self, *_) -> None:
        if self.enabled:
            self.timer.start()

    def clear(self) -> None:
        self._request = 0
        self._key = None
        self.worker.cancel()
        self._arrived = None
        self._draw_turn.cancel()
        self._hide()
        for item in (*self._curve_pool, *self._label_pool):
            self.view.removeItem(item)
        self._curve_pool, self._label_pool = [], []

    def _hide(self) -> None:
        for item in (*self.curves, *self.labels):
            item.setVisible(False)
        self.curves, self.paths, self.labels = [], [], []
        self.legend.hide()

    def _pooled(self, pool: list, k: int, make):
        """The k-th item of ``pool``, made by ``make()`` and added to the landscape the first time."""
        while len(pool) <= k:
            item = make()
            item.setZValue(GHOST_Z)
            self.view.addItem(item, ignoreBounds=True)
            pool.append(item)
        return pool[k]

    @staticmethod
    def _new_curve() -> pg.PlotCurveItem:
        curve = pg.PlotCurveItem(skipFiniteCheck=True)
        curve.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        return curve

    def update(self) -> None:
        st = self.state
        i = st.selected
        if not self.enabled or not st.ready or not (0 <= i < len(st.racers)):
            self.clear()
            return
        r = st.racers[i]
        sc, surface = st.scenario, st.surface
        # a rename, a colour, another racer changed: these paths stand (each recompute cost ~50 ms)
        key = (surface, sc.start, sc.steps, sc.tol, r.optimizer, r.seed, sorted(r.hyper.items()), self.view.presenting)
        if self._key is not None and key[0] is self._key[0] and key[1:] == self._key[1:] \
                and (self.curves or self._request):
            return
        self._key = key
        spec = hyper_spec(r.optimizer, "lr")
        rates = ghost_rates(r.hyper["lr"], lo=spec.lo, hi=spec.hi)
        racer = (r.optimizer, r.seed, dict(r.hyper))

        def work(progress, superseded):
            runs = []
            for a in rates:
                if superseded():
                    return None
                optimizer, seed, hyper = racer
                try:
                    runs.append((a, simulate(surface, optimizer, sc.start, sc.steps, seed=seed, tol=sc.tol,
                                             **{**hyper, "lr": float(a)})))
                except ValueError:
                    continue
            return runs

        self.rates = rates
        self._request = self.worker.submit(work)

    @Slot(int, str)
    def _failed(self, number: int, text: str) -> None:
        if number == self._request:
            self._request, self._key = 0, None
            self.state.message.emit(f"ghost paths: {text}")

    @Slot(int, object)
    def _computed(self, number: int, runs) -> None:
        """Drawn on a turn of their own (see throttle._Turns): arriving with a change's other
        results, the paths were drawn in the same block as them."""
        if number != self._request or runs is None:
            return
        self._request = 0
        self._arrived = runs
        self._draw_turn.request()

    def busy(self) -> bool:
        return self._request != 0 or self.timer.isActive() or self._draw_turn.pending()

    def _draw_arrived(self) -> None:
        runs, self._arrived = self._arrived, None
        if runs is None or not self.enabled:
            return
        self._hide()
        (vx0, vx1), (vy0, vy1) = self.view.vb.viewRange()
        near = np.array([0.06 * (vx1 - vx0), 0.04 * (vy1 - vy0)])
        ends: list[np.ndarray] = []
        n = max(len(self.rates) - 1, 1)
        font = _label_font(self.view)
        for a, run in runs:
            k = int(np.argmin(np.abs(self.rates - a)))
            # opaque: Qt blends a translucent line pixel by pixel, 30 ms for one zigzag across the view
            colour = QColor(*ramp_colour(k / n))
            curve = self._pooled(self._curve_pool, len(self.curves), self._new_curve)
            curve.setPen(pg.mkPen(colour, width=1,
                                  style=Qt.PenStyle.SolidLine if k != GHOSTS // 2 else Qt.PenStyle.DashLine))
            curve.setData(*self.view.decimated(run.path))
            curve.setVisible(True)
            self.curves.append(curve)
            self.paths.append(run.path)
            end = "✕" if run.diverged_at is not None else ""
            tip = run.path[-1]
            if any(np.hypot(*(tip - q) / near) < 1 for q in ends):
                continue  # several rates end in the same minimum: one label there is enough
            ends.append(tip)
            label = self._pooled(self._label_pool, len(self.labels),
                                 lambda: pg.TextItem(anchor=(0, 1), fill=pg.mkBrush(255, 255, 255, 170)))
            label.setText(f"{end}α={a:.2g}", color=ramp_colour(k / n))
            label.setFont(font)
            label.setPos(*run.path[-1])
            label.setVisible(True)
            self.labels.append(label)
        self.legend.set_ramp([ramp_colour(k / n) for k in range(len(self.rates))],
                             [f"{a:.2g}" for a in self.rates],
                             f"α (learning rate); dashed: the racer's own α = {self.rates[len(self.rates) // 2]:.2g}")
        self.legend.show()


def _race_of(state):
    """What a tuning depends on: the race (surface, start, length, tolerance) and, per racer, all
    but α.  A result computed for another race must not set α (it was set on the new surface)."""
    sc = state.scenario
    racers = {i: (r.name, r.optimizer, r.seed, sorted((k, v) for k, v in r.hyper.items() if k != "lr"))
              for i, r in enumerate(sc.racers)}
    return (sc.surface, tuple(sc.start), sc.steps, sc.tol), racers


def _label_font(view):
    """The application's font (larger in presentation mode): TextItems do not follow it themselves."""
    from PySide6.QtGui import QFont

    f = QFont()
    f.setPointSizeF(f.pointSizeF() * (1.2 if getattr(view, "presenting", False) else 0.9))
    return f


class TuneResult(QDialog):
    """The loss-vs-α curve(s) a tuning came from, with the chosen α marked."""

    def __init__(self, parent):
        super().__init__(parent)
        self.setWindowTitle("Tune α")
        self.setModal(False)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.plot = pg.PlotWidget(background="w")
        p = self.plot.getPlotItem()
        p.setLogMode(x=True, y=True)
        p.setLabel("bottom", "α (learning rate)")
        p.setLabel("left", "final f − f_min")
        p.showGrid(True, True, 0.2)
        cache_axes(p)  # the grid and labels: drawn once per range, then replayed from a pixmap
        # Lines at labelled decades only: pyqtgraph's log grid drew ~150 minor lines, ~30 ms each
        # time a range changed (a new tuning): the slowest paint of the whole app
        for name in ("bottom", "left"):  # "(x0.001)" over log ticks reads as nonsense
            p.getAxis(name).enableAutoSIPrefix(False)
        vb = p.getViewBox()
        vb.sigXRangeChanged.connect(lambda _, r: decade_ticks(p.getAxis("bottom"), *r))
        vb.sigYRangeChanged.connect(lambda _, r: decade_ticks(p.getAxis("left"), *r))
        self.legend = p.addLegend(offset=(10, -10))  # bottom left: the curves start high
        self.plot.setMinimumHeight(240)  # six racers' two-line verdicts above it left 150 px: half the legend hidden
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(self.plot, 1)
        self.resize(520, 380)
        self._pool: list[tuple] = []  # per racer shown: curve, dots, star (see _items)

    def _items(self, k: int) -> tuple:
        """The k-th racer's curve, its dots (finite rates only) and the chosen α's star, made once and
        reused: made anew at each tuning, five racers' items took 36 ms."""
        p = self.plot.getPlotItem()
        while len(self._pool) <= k:
            self._pool.append((p.plot(connect="finite"), p.plot(pen=None, symbol="o", symbolSize=4, symbolPen=None),
                               p.plot(pen=None, symbol="star", symbolSize=16, symbolPen="k")))
        return self._pool[k]

    def show_results(self, results) -> None:
        """results: [(racer, LrTuning)]"""
        lines, rows = [], []
        for k, (r, t) in enumerate(results):
            rates, loss = t.rates, t.loss
            shown = np.where(np.isfinite(loss), np.maximum(loss, 1e-16), np.nan)
            ok = np.isfinite(shown)
            curve, dots, star = self._items(k)
            curve.setData(rates, shown, pen=pg.mkPen(r.color, width=1))
            dots.setData(rates[ok], shown[ok], symbolBrush=r.color)
            at = int(np.argmin(np.abs(rates - t.best)))
            star.setData([t.best], [shown[at] if ok[at] else 1e-16], symbolBrush=r.color)
            rows.append((curve, r.name))
            if t.failing_above is None:
                margin = "safety margin: no rate failed above it up to α = " f"{rates[-1]:.2g}"
            else:
                margin = (f"safety margin ×{t.margin:.2g}: the first rate above it that "
                          f"{'does not converge' if t.converged_at.max() >= 0 else 'diverges'} is {t.failing_above:.3g}")
            if not t.safe:
                margin = "<b>no rate has converging neighbours; this one is at the edge</b>"
            lines.append(f"<b style='color:{r.color}'>{r.name}</b>: α = {t.best:.3g} "
                         f"(f − f_min = {loss[at]:.3g}; {margin}; "
                         f"{int((~np.isfinite(loss)).sum())} of {len(rates)} rates diverged)")
        for k, items in enumerate(self._pool):  # a racer fewer than last time: its items hidden
            for item in items:
                item.setVisible(k < len(results))
        set_legend(self.legend, rows)
        self.label.setText("<br>".join(lines) + "<br><span style='color:#555'>the lowest final loss among rates whose "
                           "neighbours on the grid converge too (a small change of start or α keeps the race fair); "
                           "ties go to the rate that converged first</span>")
        need = self.layout().totalHeightForWidth(self.width())
        screen = self.screen()
        if screen is not None:
            need = min(need, screen.availableGeometry().height() - 40)  # and its title bar on screen
        if need > self.height():  # the verdicts and the whole plot: six racers' verdicts squeezed both
            self.resize(self.width(), need)


_JOINING = False


def _join_jobs_at_quit() -> None:
    """Cancel and join the jobs at quit, so none is cut off at the interpreter's exit mid-kernel."""
    global _JOINING
    app = QApplication.instance()
    if not _JOINING and app is not None:
        app.aboutToQuit.connect(wait_for_jobs)
        _JOINING = True


class AnalysisMenu(QObject):
    """Analysis → basins, sweep, ghost paths, tune α, custom surface."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.state = window.state
        self.basins = BasinOverlay(window)
        self.ghosts = GhostPaths(window)
        self.sweep: SweepWindow | None = None
        self.tune_dialog: TuneResult | None = None
        self.custom_dialog: CustomSurfaceDialog | None = None
        self.tuner = LatestWorker("tune", self)
        self.tuner.finished.connect(self._tuned)
        self.tuner.failed.connect(lambda n, text: self.state.message.emit(f"could not tune α: {text}"))
        self._tune_request = 0
        self._tune_race = None  # what the running tuning was computed for (see _race_of)
        # the result window is built when the tuning starts and filled once the window has followed
        # the new α: all in one turn, they froze the window ~110 ms (Tune α of all racers)
        self._tuned_to_show: list = []
        self._show_tuning = QTimer(self, singleShot=True, interval=SHOW_TUNING_MS)
        self._show_tuning.timeout.connect(self._show_tuned)

        menu = self.menu = window.menu("&Analysis")
        self.basins_action = QAction("&Basins of attraction", self, checkable=True, shortcut=QKeySequence("B"))
        self.basins_action.setToolTip("Colour every start by the minimum the selected racer reaches from there")
        self.basins_action.toggled.connect(self.basins.set_enabled)
        menu.addAction(self.basins_action)
        res = menu.addMenu("Basin &resolution")
        group = QActionGroup(self)
        self.resolution_actions = {}
        for n in (64, 128, 256, 512):
            a = QAction(f"{n} × {n}", self, checkable=True)
            a.setChecked(n == self.basins.n)
            a.triggered.connect(lambda _=False, n=n: self.basins.set_resolution(n))
            group.addAction(a)
            res.addAction(a)
            self.resolution_actions[n] = a
        self.ghosts_action = QAction("&Ghost paths (α fan)", self, checkable=True, shortcut=QKeySequence("G"))
        self.ghosts_action.setToolTip(f"The selected racer for {GHOSTS} learning rates over two decades around its own")
        self.ghosts_action.toggled.connect(self.ghosts.set_enabled)
        menu.addAction(self.ghosts_action)
        menu.addSeparator()
        self.sweep_action = QAction("Hyperparameter &sweep…", self)
        self.sweep_action.triggered.connect(self.open_sweep)
        menu.addAction(self.sweep_action)
        self.tune_action = QAction("&Tune α of the selected racer", self)
        self.tune_action.triggered.connect(lambda: self.tune([self.state.selected]))
        self.tune_all_action = QAction("Tune α of &all racers", self)
        self.tune_all_action.triggered.connect(lambda: self.tune(range(len(self.state.racers))))
        menu.addAction(self.tune_action)
        menu.addAction(self.tune_all_action)
        menu.addSeparator()
        self.custom_action = QAction("&Custom surface…", self)
        self.custom_action.triggered.connect(self.open_custom)
        menu.addAction(self.custom_action)
        self.data_action = QAction("Mini-batch &data surface…", self)
        self.data_action.triggered.connect(lambda: closed_deletes(DataSurfaceDialog(window)).open())
        menu.addAction(self.data_action)
        self.study_action = QAction("&Batch size study…", self)
        self.study_action.triggered.connect(self.open_batch_study)
        menu.addAction(self.study_action)
        for a in (self.basins_action, self.ghosts_action):
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(a)
        _join_jobs_at_quit()

    def open_sweep(self) -> SweepWindow:  # one per window, kept: it remembers its last sweep
        if self.sweep is None:
            self.sweep = SweepWindow(self.window)
        self.sweep.show()
        self.sweep.raise_()
        if self.sweep.sweep is None and not self.sweep.busy():
            self.sweep.compute()
        return self.sweep

    def open_batch_study(self) -> None:
        self.batch_study = closed_deletes(BatchStudyWindow(self.window))
        self.batch_study.show()
        self.batch_study.measure()

    def open_custom(self) -> CustomSurfaceDialog:
        self.custom_dialog = closed_deletes(CustomSurfaceDialog(self.window))
        self.custom_dialog.open()
        return self.custom_dialog

    def tune(self, indices) -> None:
        """Find each racer's best α in the background (41 log-spaced rates); set them and show the curves."""
        st = self.state
        if not st.ready:
            return
        sc, surface = st.scenario, st.surface
        racers = [(i, st.racers[i]) for i in indices if 0 <= i < len(st.racers)]

        def work(progress, superseded):
            results = []
            for n, (i, r) in enumerate(racers):
                if superseded():
                    return None
                progress(n, len(racers))
                hyper = {k: v for k, v in r.hyper.items() if k != "batch_size"}
                try:
                    tuning = tune_lr(surface.name, r.optimizer, sc.start, sc.steps, seed=r.seed, tol=sc.tol, **hyper)
                except ValueError as exc:
                    results.append((i, r, exc))
                    continue
                results.append((i, r, tuning))
            return results

        st.message.emit("tuning α…")
        if self.tune_dialog is None:
            self.tune_dialog = TuneResult(self.window)
        self._tune_request = self.tuner.submit(work)
        self._tune_race = _race_of(st)

    def tuning(self) -> bool:
        return self._tune_request != 0 or self._show_tuning.isActive()

    @Slot(int, object)
    def _tuned(self, number: int, results) -> None:
        if number != self._tune_request or results is None:
            return
        self._tune_request = 0
        st = self.state
        race, racers = _race_of(st)
        if race != self._tune_race[0]:
            st.message.emit("tuning α dropped: the surface, start or length changed while it ran")
            return
        found = {}
        for i, r, tuning in results:
            if isinstance(tuning, ValueError):
                st.message.emit(f"could not tune {r.name}: {tuning}")
            elif racers.get(i) != self._tune_race[1].get(i):
                st.message.emit(f"tuning α of {r.name} dropped: the racer changed while it ran")
            else:
                found[i] = tuning
        try:
            refused = st.set_rates({i: t.best for i, t in found.items()}) if found else {}
        except ValueError as exc:  # the race as a whole refused the new rates: nothing changed
            st.message.emit(str(exc))
            return
        for i, reason in refused.items():
            st.message.emit(f"could not set the tuned α of {st.racers[i].name}: {reason}")
        shown = [(st.racers[i], t) for i, t in found.items() if i not in refused]
        if shown:
            st.message.emit("tuned α: " + ", ".join(f"{r.name} {t.best:.3g}" for r, t in shown))
            self._tuned_to_show = shown
            self._show_tuning.start()

    def _show_tuned(self) -> None:
        self.tune_dialog.show_results(self._tuned_to_show)
        self.tune_dialog.show()
