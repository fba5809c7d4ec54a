"""AppState: the one source of truth of the window.  Views subscribe to its signals and read
from it; they never keep their own copy of the setup.  The state is a core Scenario (so saving
and loading are the core's job) plus the play head, the selection and the computed runs.
"""
from __future__ import annotations

import copy
import math

from PySide6.QtCore import QObject, Signal

from ..core.datasets import DataSurface
from ..core.engine import Trajectory, resolve_hyper, resolve_racer, simulate
from ..core.optimizers import OPTIMIZERS
from ..core.scenario import Racer, Scenario
from ..core.resolver import get_surface
from ..core.surfaces import SURFACES, Surface

# Distinct, readable over the light heatmap; ordered so neighbours differ in hue and lightness.
PALETTE = ("#e6194b", "#1f5fd6", "#0a9e4a", "#f58231", "#d6279c", "#000000", "#7a5c00", "#00a3b4",
           "#911eb4", "#b22222", "#006d5b", "#4b0082")

ADAPTIVE = {"adagrad", "rmsprop", "adam", "adamw", "amsgrad", "nadam", "rprop"}
HEAVY_BALL = {"momentum", "nesterov"}  # stable only for α below ~(1 + β)/L, not GD's 2/L


def suggested_hyper(optimizer: str, surface: Surface, start=None, steps: int = 500, check: bool = True,
                    base: dict | None = None) -> dict:
    """A learning rate that makes the race interesting on this surface.

    Gradient-scaled methods take the surface's plain-GD rate (halved for momentum methods);
    methods whose step is about α per coordinate (adaptive, sign-based) take ~1 % of the domain's
    width.  A default that diverges from the start teaches nothing, so it is halved until the
    racer survives (the user can still push it over the edge on purpose); ``base`` holds the
    racer's other settings for that check.
    """
    width = max(surface.domain[1] - surface.domain[0], surface.domain[3] - surface.domain[2])
    if optimizer in ADAPTIVE:
        lr = 0.01 * width
    elif optimizer == "adadelta":
        lr = 1.0
    elif optimizer == "random_search":
        lr = surface.lr * 2  # E[step] = 2σ²∇f with σ = 0.5
    elif optimizer in HEAVY_BALL:
        lr = surface.lr * 0.5
    else:
        lr = surface.lr
    start = surface.start if start is None else start
    for _ in range(8 if check else 0):
        try:
            if simulate(surface.name, optimizer, start, steps, **{**(base or {}), "lr": lr}).diverged_at is None:
                break
        except ValueError:  # e.g. α above the optimizer's range: keep the plain suggestion
            break
        lr /= 2
    return {"lr": float(f"{lr:.3g}")}


STEPS = 500  # a default race length: long enough for the slow racers to arrive


def default_scenario(surface_name: str | None = None) -> Scenario:
    names = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
    s = get_surface(surface_name or ("ravine" if "ravine" in SURFACES else "rosenbrock"))
    racers = [Racer(n, OPTIMIZERS[n].title, PALETTE[i], resolve_hyper(n, suggested_hyper(n, s, check=False)))
              for i, n in enumerate(names)]
    return Scenario(surface=s.name, start=s.start, racers=racers, steps=STEPS, speed=60.0)


class AppState(QObject):
    surfaceChanged = Signal()  # the surface (and so the domain) changed: redraw the landscape
    racersChanged = Signal()  # racers added, removed, reordered or renamed/recoloured
    runsChanged = Signal()  # trajectories were recomputed
    stepChanged = Signal(int)  # the play head moved
    selectionChanged = Signal(int)
    settingsChanged = Signal()  # steps, speed
    hyperChanged = Signal(int)  # one racer's hyperparameters or seed changed (its index)
    message = Signal(str)  # something to tell the user in the status bar

    readyChanged = Signal()  # the compiled kernels are ready: everything can be computed

    def __init__(self, scenario: Scenario | None = None, parent=None, ready: bool = True):
        """``ready=False`` defers all computing until :meth:`set_ready` (kernels compile in the
        background while the window is already up)."""
        super().__init__(parent)
        self._scenario = scenario or default_scenario()
        self._runs: list[Trajectory] = []
        self._step = 0
        self._selected = 0 if self._scenario.racers else -1
        self.ready = ready
        self._recompute()

    def set_ready(self) -> None:
        self.ready = True
        self._recompute()
        self.readyChanged.emit()
        self.surfaceChanged.emit()
        self.racersChanged.emit()

    # ------------------------------------------------------------------ reading
    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def surface(self) -> Surface:
        return get_surface(self._scenario.surface)

    @property
    def racers(self) -> list[Racer]:
        return self._scenario.racers

    @property
    def runs(self) -> list[Trajectory]:
        return self._runs

    @property
    def start(self) -> tuple[float, float]:
        return self._scenario.start

    @property
    def step(self) -> int:
        return self._step

    @property
    def max_steps(self) -> int:
        return self._scenario.steps

    @property
    def selected(self) -> int:
        return self._selected

    def finished(self) -> bool:
        """True when every visible racer has shown all it has (converged runs keep going)."""
        return self._step >= self._scenario.steps

    # ------------------------------------------------------------------ writing
    def load(self, scenario: Scenario) -> None:
        self._scenario = copy.deepcopy(scenario)
        self._selected = 0 if scenario.racers else -1
        self._step = 0
        self._recompute()
        self.surfaceChanged.emit()
        self.racersChanged.emit()
        self.settingsChanged.emit()
        self.selectionChanged.emit(self._selected)
        self.stepChanged.emit(0)

    def set_surface(self, name: str) -> None:
        s = get_surface(name)
        if name == self._scenario.surface:
            return
        self._scenario.surface = name
        self._scenario.start = s.start
        self._scenario.view = None
        self._scenario.title = self._scenario.explanation = ""  # a demo's text no longer applies
        for r in self.racers:  # a learning rate tuned for one surface is rarely right for another
            base = {k: v for k, v in r.hyper.items() if k != "batch_size"}  # batches belong to data surfaces
            r.hyper = self._resolve(r.optimizer, {**base, **self._suggested(r.optimizer, base)})
        self._step = 0
        self._recompute()
        self.surfaceChanged.emit()
        self.racersChanged.emit()
        self.stepChanged.emit(0)

    def set_start(self, x: float, y: float) -> None:
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        if self.ready and not math.isfinite(self.surface.value_and_grad(x, y)[0]):
            self.message.emit(f"f is not defined at ({x:.3g}, {y:.3g}); the start stays where it was")
            self.racersChanged.emit()  # puts the handle back
            return
        self._scenario.start = (float(x), float(y))
        self._recompute()

    def set_hyper(self, index: int, name: str, value) -> None:
        """Validate and apply one hyperparameter; raises ValueError with the reason."""
        r = self.racers[index]
        hyper = dict(r.hyper)
        if name == "schedule":  # the new schedule's parameters take their defaults
            from ..core.schedules import SCHEDULES

            for p in SCHEDULES[hyper["schedule"]].params:
                hyper.pop(p.name, None)
        hyper[name] = value
        r.hyper = self._resolve(r.optimizer, hyper)
        self._recompute(only=index)
        self.hyperChanged.emit(index)

    def set_seed(self, index: int, seed: int) -> None:
        self.racers[index].seed = int(seed)
        self._recompute(only=index)
        self.hyperChanged.emit(index)

    def set_optimizer(self, index: int, optimizer: str) -> None:
        r = self.racers[index]
        keep = {k: v for k, v in r.hyper.items() if k in ("noise", "clip_value", "clip_norm", "steps_per_epoch")}
        if r.name == OPTIMIZERS[r.optimizer].title:
            r.name = OPTIMIZERS[optimizer].title
        r.optimizer = optimizer
        r.hyper = self._resolve(optimizer, {**keep, **self._suggested(optimizer)})
        self._recompute(only=index)
        self.racersChanged.emit()

    def add_racer(self, optimizer: str) -> None:
        used = {r.color for r in self.racers}
        color = next((c for c in PALETTE if c not in used), PALETTE[len(self.racers) % len(PALETTE)])
        self.racers.append(Racer(optimizer, self._unique_name(OPTIMIZERS[optimizer].title), color,
                                 self._resolve(optimizer, self._suggested(optimizer))))
        self._after_structure_change(len(self.racers) - 1)

    def duplicate_racer(self, index: int) -> None:
        r = copy.deepcopy(self.racers[index])
        used = {x.color for x in self.racers}
        r.color = next((c for c in PALETTE if c not in used), r.color)
        r.name = self._unique_name(r.name)
        self.racers.insert(index + 1, r)
        self._after_structure_change(index + 1)

    def remove_racer(self, index: int) -> None:
        del self.racers[index]
        self._after_structure_change(min(index, len(self.racers) - 1))

    def rename_racer(self, index: int, name: str) -> None:
        name = name.strip()[:80]
        if name and name != self.racers[index].name:
            self.racers[index].name = name
            self.racersChanged.emit()

    def recolor_racer(self, index: int, color: str) -> None:
        self.racers[index].color = color
        self.racersChanged.emit()

    def set_visible(self, index: int, visible: bool) -> None:
        self.racers[index].visible = bool(visible)
        self.racersChanged.emit()

    def select(self, index: int) -> None:
        if index != self._selected and -1 <= index < len(self.racers):
            self._selected = index
            self.selectionChanged.emit(index)

    def set_max_steps(self, steps: int) -> None:
        steps = int(min(max(steps, 1), 100_000))
        if steps != self._scenario.steps:
            self._scenario.steps = steps
            self._step = min(self._step, steps)
            self._recompute()
            self.settingsChanged.emit()
            self.stepChanged.emit(self._step)

    def set_speed(self, steps_per_second: float) -> None:
        self._scenario.speed = float(min(max(steps_per_second, 1.0), 2000.0))
        self.settingsChanged.emit()

    def set_step(self, step: int) -> None:
        step = int(min(max(step, 0), self._scenario.steps))
        if step != self._step:
            self._step = step
            self.stepChanged.emit(step)

    # ------------------------------------------------------------------ computing
    def _resolve(self, optimizer: str, hyper: dict) -> dict:
        """Validated settings for this surface (data surfaces add batch_size, epochs follow it)."""
        if not isinstance(self.surface, DataSurface):
            hyper = {k: v for k, v in hyper.items() if k != "batch_size"}
        return resolve_racer(self.surface, optimizer, hyper)

    def _suggested(self, optimizer: str, base: dict | None = None) -> dict:
        # Checking stability runs the kernels: not while they are still compiling in the background.
        return suggested_hyper(optimizer, self.surface, self.start, min(self.max_steps, 2000), check=self.ready,
                               base=base)

    def _unique_name(self, base: str) -> str:
        names = {r.name for r in self.racers}
        if base not in names:
            return base
        k = 2
        while f"{base} {k}" in names:
            k += 1
        return f"{base} {k}"

    def _after_structure_change(self, select: int) -> None:
        self._recompute()
        self.racersChanged.emit()
        self._selected = -2  # force the signal
        self.select(select)

    def _recompute(self, only: int | None = None) -> None:
        """Recompute trajectories (all, or one racer's).  6 racers × 1,000 steps take ~0.3 ms."""
        if not self.ready:
            return
        sc = self._scenario
        indices = range(len(sc.racers)) if only is None or len(self._runs) != len(sc.racers) else [only]
        runs = list(self._runs) if only is not None and len(self._runs) == len(sc.racers) else \
            [None] * len(sc.racers)
        for i in indices:
            r = sc.racers[i]
            runs[i] = simulate(sc.surface, r.optimizer, sc.start, sc.steps, seed=r.seed, tol=sc.tol, **r.hyper)
        self._runs = runs
        self.runsChanged.emit()
