"""Checkable claims: what a demo says its race shows, stored as data next to the race, and the
check that the race really shows it.

A claim is a small JSON object with a ``kind`` from a closed vocabulary and the fields that kind
takes, e.g. ``{"kind": "converges_before", "a": "Nesterov", "b": "Momentum"}``.  Racers are named
by their names in the scenario.  Every claim has a sentence made from its fields ("Nesterov
converges before Momentum"); :func:`check` runs the checks on a scenario's trajectories and gives
each claim's sentence, whether it holds, and the measured numbers ("step 61 vs step 118").

Kinds (fields in brackets):

* ``converges_before`` (a, b): a converges at an earlier step than b (b may never converge).
* ``converges_by`` (racer, step) / ``not_converged_by`` (racer, step).
* ``ends_in_minimum`` (racer, minimum [x, y]): the racer ends settled in that listed minimum.
* ``stays_within_domain`` (racer) / ``leaves_domain`` (racer): every point of the path lies inside
  the surface's domain (framed on the map) / some point lies outside it (a diverged run counts as out).
* ``less`` (metric, a, b, optional factor): metric(a) < factor × metric(b); metrics in METRICS.
* ``same_path`` (a, b): the two paths coincide (within a millionth of the domain's diagonal).
* ``paths_split`` (a, b) / ``paths_close`` (a, b): at some step the two racers are visibly apart
  (more than ``NEAR``, 3 % of the domain's diagonal) / they never are.
* ``ranked_first`` (racer): first on the leaderboard at the end of the race.

"Converged" and "settled" mean what the leaderboard means (see :mod:`.standings`): from that step
to the end of the run the racer stays within tol of the minimum's value.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import checks
from .checks import shown
from .resolver import get_surface
from .standings import (CONVERGED, LOCAL_MINIMUM, converged_step, near_radius, standing, standings)
from .surfaces import Surface

__all__ = ["Claim", "ClaimResult", "KINDS", "METRICS", "parse_claims", "check"]

MAX_STEP = 100_000


# --------------------------------------------------------------------------- metrics

@dataclass(frozen=True)
class Metric:
    name: str
    title: str  # as it reads in a sentence: "<title>: A < B"
    measure: Callable  # (surface, run, tol) -> float


METRICS: dict[str, Metric] = {}


def metric(name: str, title: str):
    def register(measure):
        METRICS[name] = Metric(name, title, measure)
        return measure

    return register


def _steps(run) -> np.ndarray:
    return np.linalg.norm(np.diff(run.path, axis=0), axis=1)


@metric("path_length", "path length")
def _path_length(surface, run, tol):
    """The distance travelled: the sum of the step lengths."""
    return float(_steps(run).sum())


@metric("overshoot", "overshoot")
def _overshoot(surface, run, tol):
    """The most f climbs back above the lowest value reached before: the height wasted by running
    past the valley floor and up the opposite wall (0 for a racer that only ever goes down)."""
    return float(np.max(run.loss - np.minimum.accumulate(run.loss)))


@metric("turns", "number of turns back")
def _turns(surface, run, tol):
    """Steps that turn back (more than 90° from the previous step), counted until the racer
    converges (over the whole run when it never does): the zig-zag."""
    end = converged_step(surface, run, tol)
    d = np.diff(run.path[:None if end is None else end + 1], axis=0)
    return float(np.count_nonzero(np.einsum("ij,ij->i", d[1:], d[:-1]) < 0))


@metric("first_step", "first step")
def _first_step(surface, run, tol):
    """The length of step 1."""
    return float(_steps(run)[0]) if run.steps else 0.0


@metric("last_step", "last step")
def _last_step(surface, run, tol):
    """The length of the final step: small for a racer that settles, about its step size for one
    that keeps hopping."""
    return float(_steps(run)[-1]) if run.steps else 0.0


@metric("max_step", "longest step")
def _max_step(surface, run, tol):
    return float(_steps(run).max()) if run.steps else 0.0


@metric("final_norm", "final distance from the origin")
def _final_norm(surface, run, tol):
    """|θ| at the end: on a batch-normalized surface, how far out along its ray the racer ends."""
    return float(np.hypot(*run.path[-1]))


@metric("final_gap", "final f − f_min")
def _final_gap(surface, run, tol):
    return max(0.0, float(run.loss[-1] - surface.f_min))


@metric("late_gap", "mean f − f_min over the last quarter of the race")
def _late_gap(surface, run, tol):
    """The typical distance above the minimum once the race has settled down (noisy racers never
    converge; this is the size of the cloud they end in)."""
    return max(0.0, float(np.mean(run.loss[-max(1, len(run.loss) // 4):] - surface.f_min)))


@metric("steps_to_99", "steps to get 99 % of the way down")
def _steps_to_99(surface, run, tol):
    """The first step with f − f_min ≤ 1 % of its value at the start (infinite when never): how
    soon the racer is essentially down, before the fine print of converging."""
    gap = run.loss - surface.f_min
    below = np.flatnonzero(gap <= 0.01 * gap[0])
    return float(below[0]) if len(below) else math.inf


@metric("converge_step", "steps to converge")
def _converge_step(surface, run, tol):
    """The step the racer converged at (infinite when it never does)."""
    step = converged_step(surface, run, tol)
    return math.inf if step is None else float(step)


# --------------------------------------------------------------------------- claims

@dataclass
class Claim:
    kind: str
    fields: dict  # the kind's fields, validated (points as [x, y] lists, as in the file)

    def sentence(self, surface: Surface) -> str:
        return KINDS[self.kind].sentence(self.fields, surface)

    def to_dict(self) -> dict:
        return {"kind": self.kind, **{k: list(v) if isinstance(v, (list, tuple)) else v
                                      for k, v in self.fields.items()}}


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    sentence: str  # "Nesterov converges before Momentum"
    passed: bool
    evidence: str  # "step 61 vs step 118"
    measured: dict  # the numbers behind the evidence

    @property
    def text(self) -> str:
        return f"{self.sentence} ({self.evidence})"


@dataclass(frozen=True)
class Kind:
    name: str
    fields: tuple[str, ...]
    optional: tuple[str, ...]
    sentence: Callable  # (fields, surface) -> str
    check: Callable  # (race, fields) -> (passed, evidence, measured)


KINDS: dict[str, Kind] = {}


def kind(name: str, fields, sentence, optional=()):
    def register(check):
        KINDS[name] = Kind(name, tuple(fields), tuple(optional), sentence, check)
        return check

    return register


class Unanswerable(Exception):
    """The race cannot answer the claim (a racer renamed away, a minimum on another surface)."""


@dataclass(frozen=True)
class Race:
    """A scenario's racers and their trajectories, looked up by racer name."""

    surface: Surface
    racers: list
    runs: list
    tol: float
    steps: int

    def index(self, name: str) -> int:
        found = [i for i, r in enumerate(self.racers) if r.name == name]
        if len(found) != 1:
            raise Unanswerable(f"no racer called {name!r}" if not found else f"two racers are called {name!r}")
        return found[0]

    def run(self, name: str):
        return self.runs[self.index(name)]

    def converged(self, name: str) -> int | None:
        return converged_step(self.surface, self.run(name), self.tol)

    def measure(self, metric_name: str, name: str) -> float:
        return METRICS[metric_name].measure(self.surface, self.run(name), self.tol)

    def minimum(self, point) -> int:
        k = named_minimum(self.surface, point)
        if k is None:
            raise Unanswerable(f"{_point(point)} is not a minimum of {self.surface.title}")
        return k


def named_minimum(surface: Surface, point) -> int | None:
    """The listed minimum a claim's point names: the nearest one, if it lies within NEAR."""
    distances = surface.minimum_distances(point)[0]
    k = int(distances.argmin())
    return k if distances[k] <= near_radius(surface) else None


def _when(step: int | None, steps: int) -> str:
    return f"step {step}" if step is not None else f"not by step {steps}"


def _point(p) -> str:
    return f"({p[0]:.3g}, {p[1]:.3g})"


@kind("converges_before", ("a", "b"), lambda c, s: f"{c['a']} converges before {c['b']}")
def _converges_before(race: Race, c):
    a, b = race.converged(c["a"]), race.converged(c["b"])
    passed = a is not None and (b is None or a < b)
    return passed, f"{_when(a, race.steps)} vs {_when(b, race.steps)}", {"a": a, "b": b}


@kind("converges_by", ("racer", "step"), lambda c, s: f"{c['racer']} converges by step {c['step']}")
def _converges_by(race: Race, c):
    at = race.converged(c["racer"])
    evidence = f"at step {at}" if at is not None else _when(at, race.steps)
    return at is not None and at <= c["step"], evidence, {"racer": at}


@kind("not_converged_by", ("racer", "step"), lambda c, s: f"{c['racer']} has not converged by step {c['step']}")
def _not_converged_by(race: Race, c):
    run = race.run(c["racer"])
    at = race.converged(c["racer"])
    if at is not None and at <= c["step"]:
        return False, f"converged at step {at}", {"racer": at}
    if run.diverged_at is None and run.steps < c["step"]:
        return False, f"the race has only {run.steps} steps", {"racer": at}
    k = min(c["step"], run.steps)
    gap = max(0.0, float(run.loss[k] - race.surface.f_min))
    return True, f"f − f_min = {gap:.3g} at step {k}", {"racer": at, "gap": gap}


def _minimum_sentence(c, surface: Surface) -> str:
    k = named_minimum(surface, c["minimum"])
    where = surface.minimum_text(k) if k is not None else f"in a minimum at {_point(c['minimum'])}"
    return f"{c['racer']} ends {where}"


@kind("ends_in_minimum", ("racer", "minimum"), _minimum_sentence)
def _ends_in_minimum(race: Race, c):
    k = race.minimum(c["minimum"])
    i = race.index(c["racer"])
    run = race.runs[i]
    row = standing(race.surface, i, c["racer"], run, run.steps, race.tol)
    nearest = int(race.surface.minimum_distances(run.path[-1])[0].argmin())
    passed = row.status in (CONVERGED, LOCAL_MINIMUM) and nearest == k
    if row.status == CONVERGED:
        evidence = f"{row.text}, ends at {_point(run.path[-1])}"
    elif row.status == LOCAL_MINIMUM:
        evidence = row.text
    else:
        evidence = f"{row.text}, {row.distance:.3g} from the nearest minimum"
    return passed, evidence, {"minimum": nearest, "since": row.since}


def _outside(race: Race, name: str) -> tuple[float, int]:
    """How far the racer's path gets outside the domain at most, and at which step."""
    run = race.run(name)
    x0, x1, y0, y1 = race.surface.domain
    x, y = run.path[:, 0], run.path[:, 1]
    outside = np.maximum.reduce([x0 - x, x - x1, y0 - y, y - y1, np.zeros_like(x)])
    worst = int(outside.argmax())
    return (math.inf, run.diverged_at) if run.diverged_at is not None else (float(outside[worst]), worst)


def _where_outside(distance: float, step: int) -> str:
    if math.isinf(distance):
        return f"diverged at step {step}"
    return f"{distance:.3g} outside at step {step}" if distance > 0 else "never leaves it"


@kind("stays_within_domain", ("racer",), lambda c, s: f"{c['racer']} stays within the framed domain")
def _stays_within_domain(race: Race, c):
    distance, step = _outside(race, c["racer"])
    return distance == 0, _where_outside(distance, step), {"outside": distance}


@kind("leaves_domain", ("racer",), lambda c, s: f"{c['racer']} is thrown out of the framed domain")
def _leaves_domain(race: Race, c):
    distance, step = _outside(race, c["racer"])
    return distance > 0, _where_outside(distance, step), {"outside": distance}


def _less_sentence(c, surface) -> str:
    factor = c.get("factor", 1)
    times = "" if factor == 1 else f"{factor:g} × "
    return f"{METRICS[c['metric']].title}: {c['a']} < {times}{c['b']}"


@kind("less", ("metric", "a", "b"), _less_sentence, optional=("factor",))
def _less(race: Race, c):
    a, b = race.measure(c["metric"], c["a"]), race.measure(c["metric"], c["b"])
    passed = a < c.get("factor", 1) * b
    return passed, f"{a:.3g} vs {b:.3g}", {"a": a, "b": b}


SAME = 1e-6  # paths closer than this fraction of the domain's diagonal are the same path


def _apart(race: Race, a: str, b: str) -> tuple[float, int]:
    """The largest distance between two racers' points at the same step, and that step."""
    pa, pb = race.run(a).path, race.run(b).path
    n = min(len(pa), len(pb))
    distance = np.hypot(*(pa[:n] - pb[:n]).T)
    k = int(distance.argmax())
    return float(distance[k]), k


@kind("same_path", ("a", "b"), lambda c, s: f"{c['a']} and {c['b']} trace the same path")
def _same_path(race: Race, c):
    distance, step = _apart(race, c["a"], c["b"])
    x0, x1, y0, y1 = race.surface.domain
    passed = distance <= SAME * math.hypot(x1 - x0, y1 - y0)
    return passed, f"at most {distance:.3g} apart (step {step})", {"distance": distance, "step": step}


@kind("paths_split", ("a", "b"), lambda c, s: f"{c['a']} and {c['b']} visibly split apart")
def _paths_split(race: Race, c):
    distance, step = _apart(race, c["a"], c["b"])
    passed = distance > near_radius(race.surface)
    return passed, f"{distance:.3g} apart at step {step}", {"distance": distance, "step": step}


@kind("paths_close", ("a", "b"), lambda c, s: f"{c['a']} and {c['b']} stay close together")
def _paths_close(race: Race, c):
    distance, step = _apart(race, c["a"], c["b"])
    passed = distance <= near_radius(race.surface)
    return passed, f"at most {distance:.3g} apart (step {step})", {"distance": distance, "step": step}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@kind("ranked_first", ("racer",), lambda c, s: f"{c['racer']} is ranked first at the end of the race")
def _ranked_first(race: Race, c):
    i = race.index(c["racer"])
    rows = standings(race.surface, race.racers, race.runs, race.steps, race.tol)
    place = next((p for p, row in enumerate(rows, 1) if row.index == i), None)
    if place is None:
        return False, "hidden, so not ranked", {"place": None}
    if place == 1:
        return True, f"first, {rows[0].text}", {"place": 1}
    return False, f"{_ordinal(place)}, behind {rows[0].name} ({rows[0].text})", {"place": place}


# --------------------------------------------------------------------------- loading

def _racer_field(value, where: str, names: list[str]) -> str:
    if not isinstance(value, str) or value not in names:
        raise ValueError(f"{where}: no racer called {shown(value)}; the racers are {', '.join(map(repr, names))}")
    if names.count(value) > 1:
        raise ValueError(f"{where}: two racers are called {value!r}; claims need unique racer names")
    return value


def _step_field(value, where: str) -> int:
    return checks.whole(value, where, 0, MAX_STEP)


def _minimum_field(value, where: str, surface: Surface) -> list[float]:
    point = checks.reals(value, where, 2, "numbers [x, y]")
    if named_minimum(surface, point) is None:
        listed = ", ".join(_point(m) for m in surface.minima[:6])
        raise ValueError(f"{where}: {_point(point)} is not a minimum of {surface.title}; its minima: {listed}")
    return list(point)


def _metric_field(value, where: str) -> str:
    if not isinstance(value, str) or value not in METRICS:
        raise ValueError(f"{where}: unknown metric {shown(value)}; choose one of: {', '.join(METRICS)}")
    return value


def _factor_field(value, where: str) -> float:
    factor = checks.real(value, where, 0.0)
    if factor == 0:
        raise ValueError(f"{where}: must be a positive number, got 0")
    return factor


def _field(name: str, value, where: str, names: list[str], surface: Surface):
    if name in ("a", "b", "racer"):
        return _racer_field(value, where, names)
    if name == "step":
        return _step_field(value, where)
    if name == "minimum":
        return _minimum_field(value, where, surface)
    if name == "metric":
        return _metric_field(value, where)
    return _factor_field(value, where)


def parse_claim(data, where: str, names: list[str], surface: Surface) -> Claim:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: must be an object with a kind, e.g. "
                         '{"kind": "converges_before", "a": "Nesterov", "b": "Momentum"}')
    name = data.get("kind")
    if not isinstance(name, str) or name not in KINDS:
        raise ValueError(f"{where}.kind: unknown claim {shown(name)}; choose one of: {', '.join(KINDS)}")
    k = KINDS[name]
    unknown = sorted(set(data) - {"kind", *k.fields, *k.optional})
    if unknown:
        raise ValueError(f"{where}: {name} takes {', '.join(k.fields + k.optional)}; not {', '.join(unknown)}")
    for f in k.fields:
        if f not in data:
            raise ValueError(f"{where}.{f}: missing")
    fields = {f: _field(f, data[f], f"{where}.{f}", names, surface) for f in k.fields + k.optional if f in data}
    return Claim(name, fields)


def parse_claims(data, racer_names: list[str], surface: Surface) -> list[Claim]:
    """Validate a scenario's ``claims`` list; raises ValueError naming the field, e.g.
    ``claims[2].racer: no racer called 'Adamm'``."""
    if not isinstance(data, list):
        raise ValueError("claims: must be a list of claims")
    return [parse_claim(c, f"claims[{i}]", list(racer_names), surface) for i, c in enumerate(data)]


# --------------------------------------------------------------------------- checking

def check(scenario, runs) -> list[ClaimResult]:
    """Check every claim of ``scenario`` against its trajectories ``runs`` (one per racer, in order).

    A claim the race cannot answer (a racer renamed or removed since, a surface changed) fails
    and says why.
    """
    surface = get_surface(scenario.surface, scenario.domain)
    race = Race(surface, list(scenario.racers), list(runs), scenario.tol, scenario.steps)
    results = []
    for claim in scenario.claims:
        try:
            passed, evidence, measured = KINDS[claim.kind].check(race, claim.fields)
        except Unanswerable as exc:
            passed, evidence, measured = False, str(exc), {}
        results.append(ClaimResult(claim, claim.sentence(surface), bool(passed), evidence, measured))
    return results
