"""AppState: the one source of truth of the window.  Views subscribe to its signals and read
from it; they never keep their own copy of the setup.  The state is a core Scenario (so saving
and loading are the core's job) plus the play head, the selection and the computed runs.

Every change is a transaction: the new scenario is built on a copy, validated completely (the
scenario loader's own checks, and a finite start), and only then made current; a refused change
raises ``ValueError`` with the reason and leaves the state exactly as it was.  The signals that
follow are derived from what actually changed.

Trajectories are cached by everything they depend on.  A change that needs little computing is
computed at once; a longer one (many steps, big data sets) goes to a worker thread, latest
request wins, and the previous picture stays until the new runs arrive (``busy`` meanwhile).
"""
from __future__ import annotations

import copy
import math
import re
import time

from PySide6.QtCore import QObject, Signal, Slot

from ..core import interpreted
from ..core.claims import parse_claim
from ..core.datasets import DataSurface
from ..core.engine import Trajectory, resolve_hyper, resolve_racer, simulate
from ..core.hyper import COMMON
from ..core.optimizers import OPTIMIZERS
from ..core.resolver import get_surface
from ..core.scenario import MAX_STEPS, Racer, Scenario, ScenarioError
from ..core.schedules import SCHEDULES
from ..core.surfaces import SURFACES, Surface
from .compute import LatestWorker
from .palette import PALETTE, least_used_colour

ADAPTIVE = {"adagrad", "rmsprop", "adam", "adamw", "amsgrad", "nadam", "rprop"}
HEAVY_BALL = {"momentum", "nesterov"}  # stable only for α below ~(1 + β)/L, not GD's 2/L
SYNC_BUDGET_NS = 8e6  # computing estimated to take longer than this goes to the worker thread
MEASURED_STEPS = 1000  # runs at least this long teach the estimate of a step's cost
# Before the kernels are compiled (a cold first start) a race of at most this many racers × steps
# is run by the interpreter (core.interpreted, ~4 µs a step) so the first trails need not wait.
PREVIEW_STEPS = 20_000
CHECK_BUDGET_NS = 4e6  # the stability check of a suggested α may cost this much per racer (each try)


def eval_cost_ns(surface: Surface) -> float:
    """A rough cost of one evaluation of f and ∇f (measured: ~60 ns on a built-in surface, ~40 ns per
    example on a data surface, a few ns per instruction of a typed formula)."""
    if isinstance(surface, DataSurface):
        return 40.0 * surface.n
    if getattr(surface, "program", None) is not None:  # an interpreted formula
        return 60.0 + 5.0 * len(surface.program)
    return 60.0


def step_cost_ns(surface: Surface, optimizer: str = "sgd", batch: int | None = None) -> float:
    """A rough cost of one step: the step's gradient (a mini-batch's on data) and f at the new point."""
    cost = eval_cost_ns(surface)
    if isinstance(surface, DataSurface):
        cost *= 1.0 + (batch or surface.n) / surface.n
    return cost * (2 if optimizer in ("nesterov", "random_search") else 1)


def suggested_hyper(optimizer: str, surface: Surface, start=None, steps: int = 500, check: bool = True,
                    base: dict | None = None) -> dict:
    """A learning rate that makes the race interesting on this surface, inside the optimizer's range.

    Gradient-scaled methods take the surface's plain-GD rate (halved for momentum methods);
    methods whose step is about α per coordinate (adaptive, sign-based) take ~1 % of the domain's
    width.  A default that diverges from the start teaches nothing, so it is halved until the
    racer survives (the user can still push it over the edge on purpose); ``base`` holds the
    racer's other settings for that check, whose length is bounded so it never stalls the window.
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
    spec = next(h for h in OPTIMIZERS[optimizer].hypers if h.name == "lr")
    lr = min(max(lr, spec.lo), spec.hi)
    start = surface.start if start is None else start
    steps = int(min(steps, CHECK_BUDGET_NS / 8 / step_cost_ns(surface, optimizer)))
    for _ in range(8 if check and steps > 0 else 0):
        try:
            if simulate(surface, optimizer, start, steps, **{**(base or {}), "lr": lr}).diverged_at is None:
                break
        except ValueError:  # e.g. settings this surface refuses: keep the plain suggestion
            break
        if lr / 2 < spec.lo:
            break
        lr /= 2
    return {"lr": max(float(f"{lr:.3g}"), spec.lo)}


STEPS = 500  # a default race length: long enough for the slow racers to arrive


def default_scenario(surface_name: str | None = None) -> Scenario:
    names = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
    s = get_surface(surface_name or ("ravine" if "ravine" in SURFACES else "rosenbrock"))
    racers = [Racer(n, OPTIMIZERS[n].title, PALETTE[i], resolve_hyper(n, suggested_hyper(n, s, check=False)))
              for i, n in enumerate(names)]
    return Scenario(surface=s.name, start=s.start, racers=racers, steps=STEPS, speed=60.0)


# ---------------------------------------------------------------------- names that follow the racer
# A name like "Momentum β₁ = 0.9" states a setting; when the setting changes (a sweep click, a
# typed value, tuning), the number in the name changes with it, or the mention goes when the
# setting is switched off.  Names are matched by the spec's symbol and name, plus the spellings
# the demos use (β for β₁, σ for the gradient noise).
_SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
_POWER = r"10[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+"
_NUMBER = rf"[-−]?(?:{_POWER}|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?:\s*[×x·]\s*{_POWER})?)"
_ALIASES = {"beta1": ("β",), "beta2": ("ρ",), "noise": ("σ",), "lr": ("lr",)}


def pretty_number(value: float) -> str:
    """3 significant digits; very small or large values as m×10ⁿ (as the demos write them)."""
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.3g}"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = float(f"{value / 10 ** exponent:.3g}")
    if abs(mantissa) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa:g}×{power}"


def _symbols(optimizer: str, name: str) -> list[str]:
    specs = {h.name: h for h in (*OPTIMIZERS[optimizer].hypers, *COMMON)}
    for schedule in SCHEDULES.values():
        specs.update({h.name: h for h in schedule.params if h.name not in specs})
    spec = specs.get(name)
    found = [spec.symbol, spec.name] if spec is not None else [name]
    if name == "noise" and optimizer == "random_search":  # there σ is the search radius
        return found
    return found + [a for a in _ALIASES.get(name, ()) if a not in found]


def follow_name(name: str, optimizer: str, old: dict, new: dict) -> str:
    """``name`` with every ``symbol = value`` mention of a changed setting rewritten (or dropped
    when the setting went off), and "batch of N" following the batch size."""
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after or isinstance(after, (bool, str)) or isinstance(before, (bool, str)):
            continue
        if key == "batch_size" and after is not None:
            name = re.sub(r"(?<=\bbatch of )\d+\b", str(int(after)), name)
            continue
        for symbol in sorted(_symbols(optimizer, key), key=len, reverse=True):
            prefix = rf"(?<![\w₀-₉]){re.escape(symbol)}(?![\w₀-₉])\s*=\s*"
            if after is None:  # switched off: the mention goes, with its comma or brackets
                mention = prefix + _NUMBER
                name = re.sub(rf"\s*\(\s*{mention}\s*\)|,?\s*{mention}", "", name)
            else:
                name = re.sub(rf"({prefix}){_NUMBER}", lambda m: m.group(1) + pretty_number(float(after)), name)
    return " ".join(name.replace("( )", "").split()).strip(" ,;")


def still_valid_claims(sc: Scenario) -> list:
    try:
        surface = get_surface(sc.surface, sc.domain)
    except ValueError:
        return []
    names = [r.name for r in sc.racers]
    kept = []
    for claim in sc.claims:
        try:
            kept.append(parse_claim(claim.to_dict(), "claim", names, surface))
        except ValueError:
            continue
    return kept


def _run_key(surface: Surface, sc: Scenario, r: Racer) -> tuple:
    """Everything a racer's trajectory depends on."""
    return (surface.name, surface.domain, tuple(sc.start), sc.steps, sc.tol, r.optimizer, r.seed,
            tuple(sorted(r.hyper.items())))


class AppState(QObject):
    surfaceChanged = Signal()  # the surface, its domain or the view changed: redraw the landscape
    racersChanged = Signal()  # racers added, removed, reordered, renamed, recoloured, shown/hidden
    runsChanged = Signal()  # trajectories were recomputed
    runsArriving = Signal()  # trajectories computed in the background are about to be shown (runsChanged next)
    stepChanged = Signal(int)  # the play head moved
    startChanged = Signal()  # the start point moved (its runs may still be computing)
    selectionChanged = Signal(int)
    settingsChanged = Signal()  # steps, speed, tolerance
    hyperChanged = Signal(int)  # one racer's hyperparameters or seed changed (its index)
    storyChanged = Signal()  # the scenario's title or explanation changed
    changed = Signal(str)  # after every accepted change, with its name ("move the start", …)
    message = Signal(str)  # something to tell the user in the status bar
    busyChanged = Signal(bool)  # trajectories are being computed in the background
    computeProgress = Signal(int, int)  # racers done, racers to compute

    readyChanged = Signal()  # the compiled kernels are ready: everything can be computed
    landscapeReady = Signal()  # the grid evaluator is compiled (the trails may still be compiling)

    def __init__(self, scenario: Scenario | None = None, parent=None, ready: bool = True):
        """``ready=False`` defers all computing until :meth:`set_ready` (kernels compile in the
        background while the window is already up)."""
        super().__init__(parent)
        self._scenario = scenario or default_scenario()
        self._surface = get_surface(self._scenario.surface, self._scenario.domain)
        self._runs: list[Trajectory] = []
        self._cache: dict[tuple, Trajectory] = {}
        # ns a step took, by (surface, optimizer): the rough estimate missed by up to 7× (noise, step
        # schedules, costly surfaces), and a race "of 6 ms" blocked the window 42 ms
        self._step_ns: dict[tuple[str, str], float] = {}
        self._shown: Scenario | None = None  # the scenario whose runs are on show
        self._pending = 0  # the worker request whose runs we wait for (0: none)
        self._pending_keys: list[tuple] = []
        self._worker: LatestWorker | None = None
        self._step = 0
        self._selected = 0 if self._scenario.racers else -1
        self.ready = ready
        self.landscape_ready = ready
        self._request_runs()

    def set_landscape_ready(self) -> None:
        self.landscape_ready = True
        self.landscapeReady.emit()

    def set_ready(self) -> None:
        self.ready = True
        self._cache.clear()  # the interpreter's preview: computed again by the kernels
        self._request_runs()
        self.readyChanged.emit()
        self.surfaceChanged.emit()
        self.racersChanged.emit()

    # ------------------------------------------------------------------ reading
    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def surface(self) -> Surface:
        return self._surface

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

    @property
    def busy(self) -> bool:
        """True while the runs on show belong to an earlier setup (the new ones are computing)."""
        return self._pending != 0

    def finished(self) -> bool:
        """True when every visible racer has shown all it has (converged runs keep going)."""
        return self._step >= self._scenario.steps

    # ------------------------------------------------------------------ the one way to change
    def _validated(self, new: Scenario) -> tuple[Scenario, Surface]:
        """The loader's own checks (everything it can run and save), plus a finite start.  A demo's
        claims about racers that were removed, or about another surface, no longer describe this
        race: they are dropped (the rest are still checked on screen; renames carry them along)."""
        new.claims = still_valid_claims(new)
        try:
            checked = Scenario.from_dict(new.to_dict())
        except ScenarioError as exc:
            raise ValueError(str(exc)) from None
        surface = get_surface(checked.surface, checked.domain)
        x, y = checked.start
        if not math.isfinite(surface.value_and_grad(x, y)[0]):
            raise ValueError(f"f is not defined at the start ({x:.3g}, {y:.3g}) of {surface.title}")
        return checked, surface

    def apply(self, new: Scenario, what: str, select: int | None = None) -> None:
        """Make ``new`` the scenario, all or nothing; raises ``ValueError`` saying why not."""
        checked, surface = self._validated(new)
        old = self._scenario
        self._scenario, self._surface = checked, surface
        surface_changed = (old.surface, old.domain, old.view) != (checked.surface, checked.domain, checked.view)
        if surface_changed:
            self._step = 0
        self._step = min(self._step, checked.steps)
        structure = [(r.optimizer, r.name, r.color, r.visible) for r in old.racers] != \
            [(r.optimizer, r.name, r.color, r.visible) for r in checked.racers]
        if select is None:
            select = min(self._selected, len(checked.racers) - 1)
        # The selection is valid for the new racers before any view hears of the change: a view that
        # redraws on surfaceChanged (the selected racer's step vectors) read a removed racer's index.
        selection_changed = select != self._selected or structure
        if selection_changed:
            self._selected = max(select, -1) if checked.racers else -1
        self._request_runs()
        if surface_changed:
            self.surfaceChanged.emit()
        if structure:
            self.racersChanged.emit()
        elif len(old.racers) == len(checked.racers):
            for i, (a, b) in enumerate(zip(old.racers, checked.racers)):
                if (a.hyper, a.seed) != (b.hyper, b.seed):
                    self.hyperChanged.emit(i)
        if tuple(old.start) != tuple(checked.start):
            self.startChanged.emit()
        if (old.steps, old.speed, old.tol) != (checked.steps, checked.speed, checked.tol):
            self.settingsChanged.emit()
        if (old.title, old.explanation) != (checked.title, checked.explanation):
            self.storyChanged.emit()
        if selection_changed:
            self.selectionChanged.emit(self._selected)
        self.stepChanged.emit(self._step)
        self.changed.emit(what)

    def _edit(self, what: str, change, select: int | None = None) -> None:
        """Apply ``change(copy_of_scenario)`` as one transaction."""
        new = copy.deepcopy(self._scenario)
        change(new)
        self.apply(new, what, select)

    def attempt(self, fn, *args) -> bool:
        """Call a setter; a refusal is told in the status bar instead of raised (for widgets)."""
        try:
            fn(*args)
        except ValueError as exc:
            self.message.emit(str(exc))
            return False
        return True

    # ------------------------------------------------------------------ writing
    def load(self, scenario: Scenario) -> None:
        """Replace the whole setup (a file, a demo); raises ValueError and keeps the old one if bad."""
        self.apply(copy.deepcopy(scenario), "open a scenario", select=0)

    def set_surface(self, name: str, domain=None) -> None:
        s = get_surface(name, domain)
        if (s.name, s.domain) == (self._surface.name, self._surface.domain):
            return

        # batches (and the epochs they make) belong to data surfaces
        drop = ("batch_size", "steps_per_epoch") if isinstance(self._surface, DataSurface) else ("batch_size",)

        def change(new: Scenario) -> None:
            new.surface, new.domain = s.name, (s.domain if s.name.startswith("custom:") else None)
            new.start, new.view = s.start, None
            new.title = new.explanation = ""  # a demo's text and claims no longer apply
            new.claims = []
            for i, r in enumerate(new.racers):  # a learning rate tuned for one surface is rarely right for another
                base = {k: v for k, v in r.hyper.items() if k not in drop}
                self._set_racer_hyper(new, i, self._resolve(s, r.optimizer,
                                                            {**base, **self._suggested(s, r.optimizer, base, new)}))

        self._edit(f"surface {s.title}", change)

    def set_start(self, x: float, y: float) -> None:
        """Move the start (from a drag or a click): a refused point is told, never raised."""
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        if (float(x), float(y)) == tuple(self.start):
            return

        def change(new: Scenario) -> None:
            new.start = (float(x), float(y))

        if not self.attempt(self._edit, "move the start", change):
            self.startChanged.emit()  # puts the handle back

    def set_hyper(self, index: int, name: str, value) -> None:
        """Validate and apply one hyperparameter; raises ValueError with the reason."""
        self.set_hypers(index, {name: value})

    def set_hypers(self, index: int, values: dict) -> None:
        """Several hyperparameters of one racer at once (a sweep cell), all or nothing."""
        self._check_index(index)

        def change(new: Scenario) -> None:
            r = new.racers[index]
            hyper = dict(r.hyper)
            if "schedule" in values:  # the new schedule's parameters take their defaults
                for p in SCHEDULES[hyper["schedule"]].params:
                    hyper.pop(p.name, None)
            hyper.update(values)
            self._set_racer_hyper(new, index, self._resolve(self._surface, r.optimizer, hyper))

        self._edit(f"change {', '.join(values)} of {self.racers[index].name}", change)

    def set_rates(self, rates: dict[int, float]) -> dict[int, str]:
        """Several racers' α at once (Tune α of all racers: one change, one recompute of the runs,
        one undo step, instead of one per racer).  A racer whose α is refused keeps its own; the
        reasons are returned by racer index."""
        for index in rates:
            self._check_index(index)
        hypers, refused = {}, {}
        for index, lr in rates.items():
            r = self.racers[index]
            try:
                hypers[index] = self._resolve(self._surface, r.optimizer, {**r.hyper, "lr": lr})
            except ValueError as exc:
                refused[index] = str(exc)

        def change(new: Scenario) -> None:
            for index, hyper in hypers.items():
                self._set_racer_hyper(new, index, hyper)

        if hypers:
            self._edit("tune α of " + ", ".join(self.racers[i].name for i in hypers), change)
        return refused

    def set_seed(self, index: int, seed: int) -> None:
        self._check_index(index)
        self._edit(f"noise seed of {self.racers[index].name}", lambda new: setattr(new.racers[index], "seed", seed))

    def set_optimizer(self, index: int, optimizer: str) -> None:
        self._check_index(index)
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}")

        def change(new: Scenario) -> None:
            r = new.racers[index]
            keep = {k: v for k, v in r.hyper.items() if k in ("noise", "clip_value", "clip_norm", "steps_per_epoch",
                                                              "batch_size")}
            if r.name == OPTIMIZERS[r.optimizer].title:
                self._rename(new, index, self._unique_name(OPTIMIZERS[optimizer].title, new.racers, skip=index))
            r.optimizer = optimizer
            r.hyper = self._resolve(self._surface, optimizer,
                                    {**keep, **self._suggested(self._surface, optimizer, keep, new)})

        self._edit(f"make {self.racers[index].name} {OPTIMIZERS[optimizer].title}", change)

    def add_racer(self, optimizer: str) -> None:
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}")

        def change(new: Scenario) -> None:
            color = least_used_colour(r.color for r in new.racers)
            new.racers.append(Racer(optimizer, self._unique_name(OPTIMIZERS[optimizer].title, new.racers), color,
                                    self._resolve(self._surface, optimizer,
                                                  self._suggested(self._surface, optimizer, None, new))))

        self._edit(f"add {OPTIMIZERS[optimizer].title}", change, select=len(self.racers))

    def duplicate_racer(self, index: int) -> None:
        self._check_index(index)

        def change(new: Scenario) -> None:
            r = copy.deepcopy(new.racers[index])
            r.color = least_used_colour(x.color for x in new.racers)
            r.name = self._unique_name(r.name, new.racers)
            new.racers.insert(index + 1, r)

        self._edit(f"duplicate {self.racers[index].name}", change, select=index + 1)

    def remove_racer(self, index: int) -> None:
        self._check_index(index)
        name = self.racers[index].name
        self._edit(f"remove {name}", lambda new: new.racers.pop(index),
                   select=min(index, len(self.racers) - 2))

    def rename_racer(self, index: int, name: str) -> None:
        self._check_index(index)
        name = " ".join(str(name).split())[:80]
        if any("\ud800" <= c <= "\udfff" for c in name):  # half a character: it cannot be saved
            raise ValueError("a racer's name must be plain text (it held half of a character)")
        if not name or name == self.racers[index].name:
            self.racersChanged.emit()  # the list shows the old name again
            return
        old = self.racers[index].name
        self._edit(f"rename {old}", lambda new: self._rename(new, index, name))

    def recolor_racer(self, index: int, color: str) -> None:
        self._check_index(index)
        self._edit(f"colour of {self.racers[index].name}", lambda new: setattr(new.racers[index], "color", color))

    def set_visible(self, index: int, visible: bool) -> None:
        self._check_index(index)
        what = ("show " if visible else "hide ") + self.racers[index].name
        self._edit(what, lambda new: setattr(new.racers[index], "visible", bool(visible)))

    def set_max_steps(self, steps: int) -> None:
        steps = int(min(max(steps, 1), MAX_STEPS))
        if steps != self._scenario.steps:
            self._edit(f"max steps {steps}", lambda new: setattr(new, "steps", steps))

    def set_speed(self, steps_per_second: float) -> None:
        speed = float(min(max(steps_per_second, 1.0), 2000.0))
        if speed != self._scenario.speed:
            self._edit(f"speed {speed:g}", lambda new: setattr(new, "speed", speed))

    def select(self, index: int) -> None:
        if index != self._selected and -1 <= index < len(self.racers):
            self._selected = index
            self.selectionChanged.emit(index)

    def set_step(self, step: int) -> None:
        step = int(min(max(step, 0), self._scenario.steps))
        if step != self._step:
            self._step = step
            self.stepChanged.emit(step)

    def cancel_compute(self) -> None:
        """Give up waiting for runs: go back to the setup whose runs are on show."""
        if self._pending and self._shown is not None:
            self._pending = 0
            if self._worker is not None:
                self._worker.cancel()
            self.busyChanged.emit(False)
            self.apply(copy.deepcopy(self._shown), "cancel computing")
            self.message.emit("computing cancelled; the previous setup is back")

    def shutdown(self) -> None:
        """Stop the background thread (at quit; a window's state is otherwise long-lived)."""
        if self._worker is not None:
            self._worker.stop()

    # ------------------------------------------------------------------ helpers
    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self.racers):
            raise ValueError("select a racer first")

    @staticmethod
    def _resolve(surface: Surface, optimizer: str, hyper: dict) -> dict:
        """Validated settings for this surface (data surfaces add batch_size, epochs follow it)."""
        if not isinstance(surface, DataSurface):
            hyper = {k: v for k, v in hyper.items() if k != "batch_size"}
        return resolve_racer(surface, optimizer, hyper)

    def _suggested(self, surface: Surface, optimizer: str, base: dict | None, new: Scenario) -> dict:
        # Checking stability runs the kernels: not while they are still compiling in the background.
        if isinstance(surface, DataSurface):
            base = {k: v for k, v in (base or {}).items() if k != "steps_per_epoch"}
        else:
            base = {k: v for k, v in (base or {}).items() if k != "batch_size"}
        return suggested_hyper(optimizer, surface, new.start, min(new.steps, 2000), check=self.ready, base=base)

    def _set_racer_hyper(self, new: Scenario, index: int, hyper: dict) -> None:
        """New settings for racer ``index``; a name that states a changed setting follows it."""
        r = new.racers[index]
        old, r.hyper = r.hyper, hyper
        name = follow_name(r.name, r.optimizer, old, hyper) or OPTIMIZERS[r.optimizer].title
        if name != r.name:
            self._rename(new, index, self._unique_name(name, new.racers, skip=index))

    @staticmethod
    def _rename(new: Scenario, index: int, name: str) -> None:
        """Rename racer ``index``; the demo's claims about it follow the new name."""
        old = new.racers[index].name
        new.racers[index].name = name
        for claim in new.claims:
            for field in ("a", "b", "racer"):
                if claim.fields.get(field) == old:
                    claim.fields[field] = name

    @staticmethod
    def _unique_name(base: str, racers: list[Racer], skip: int = -1) -> str:
        names = {r.name for i, r in enumerate(racers) if i != skip}
        if base not in names:
            return base
        k = 2
        while f"{base} {k}" in names:
            k += 1
        return f"{base} {k}"

    # ------------------------------------------------------------------ computing
    def _request_runs(self) -> None:
        """Runs for the current scenario: from the cache, computed now, or by the worker."""
        sc, surface = self._scenario, self._surface
        keys = [_run_key(surface, sc, r) for r in sc.racers]
        if not self.ready:
            self._preview(keys)
            return
        todo = {k: r for k, r in zip(keys, sc.racers) if k not in self._cache}
        cost = sum(sc.steps * self._step_cost(surface, r) for r in todo.values())
        if cost <= SYNC_BUDGET_NS:
            for k, r in todo.items():
                self._cache[k] = self._simulate(surface, sc, r)
            was_busy = self.busy
            self._pending = 0
            if self._worker is not None:
                self._worker.cancel()  # an older request would only be dropped
            self._publish(keys)
            if was_busy:
                self.busyChanged.emit(False)
            return
        snapshot = copy.deepcopy(sc)
        jobs = list(todo.items())

        def work(progress, superseded):
            done = {}
            for n, (k, r) in enumerate(jobs):
                if superseded():
                    break
                progress(n, len(jobs))
                run = self._simulate(surface, snapshot, r, stop=superseded.flag)  # Cancel ends it early
                if superseded.flag[0]:  # perhaps cut short: never cached as the whole run
                    break
                done[k] = run
            return done

        if self._worker is None:
            self._worker = LatestWorker("trajectories", self)
            self._worker.finished.connect(self._computed)
            self._worker.failed.connect(self._compute_failed)
            self._worker.progressed.connect(
                lambda n, done, total: self.computeProgress.emit(done, total) if n == self._pending else None)
        was_busy = self.busy
        self._pending = self._worker.submit(work)
        self._pending_keys = keys
        if not was_busy:
            self.busyChanged.emit(True)

    def _preview(self, keys: list[tuple]) -> None:
        """The race by the interpreter while the kernels compile, if it is small and the interpreter
        can run it (built-in surfaces); else it waits for the kernels."""
        sc = self._scenario
        runs = [] if len(sc.racers) * sc.steps > PREVIEW_STEPS else [
            interpreted.simulate(self._surface, r.optimizer, sc.start, sc.steps, seed=r.seed, tol=sc.tol, **r.hyper)
            for r in sc.racers]
        if runs and all(run is not None for run in runs):
            self._cache.update(zip(keys, runs))
            self._publish(keys)
        elif self._runs:  # no trails of an earlier setup while this one waits
            self._runs = []
            self.runsChanged.emit()

    def _simulate(self, surface: Surface, sc: Scenario, r: Racer, stop=None) -> Trajectory:
        """The run, and the time a step took remembered for the next estimate (see _step_cost)."""
        t0 = time.perf_counter()
        run = simulate(surface, r.optimizer, sc.start, sc.steps, seed=r.seed, tol=sc.tol, stop=stop, **r.hyper)
        if run.steps >= MEASURED_STEPS:  # a few steps time the call, not the steps
            self._step_ns[(surface.name, r.optimizer)] = (time.perf_counter() - t0) * 1e9 / run.steps
        return run

    def _step_cost(self, surface: Surface, r: Racer) -> float:
        """The estimated ns of one of ``r``'s steps: the rough estimate, or the last measured if higher."""
        rough = step_cost_ns(surface, r.optimizer, r.hyper.get("batch_size"))
        return max(rough, self._step_ns.get((surface.name, r.optimizer), 0.0))

    @Slot(int, object)
    def _computed(self, number: int, runs: dict) -> None:
        self._cache.update(runs)
        if number == self._pending and all(k in self._cache for k in self._pending_keys):
            self._pending = 0
            self.runsArriving.emit()
            self._publish(self._pending_keys)
            self.busyChanged.emit(False)

    @Slot(int, str)
    def _compute_failed(self, number: int, text: str) -> None:
        if number == self._pending:
            self.message.emit(f"could not compute the trajectories: {text}")
            self.cancel_compute()

    def _publish(self, keys: list[tuple]) -> None:
        self._runs = [self._cache[k] for k in keys]
        self._cache = {k: self._cache[k] for k in keys}  # only what is on show
        self._shown = copy.deepcopy(self._scenario)
        self.runsChanged.emit()
