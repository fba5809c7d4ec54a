"""Who is ahead at a step of the race: the ranking rule of the leaderboard and of ranking claims.

Definitions (the whole run is known in advance, so "stays" looks ahead to the end of the run):

* **converged at step k**: from step k to the end of the run, f − f_min ≤ tol.  A racer that only
  passes through the tolerance band while swinging about the minimum has not converged yet.
* **settled in a local minimum at step k**: from step k to the end of the run the racer stays
  within ``NEAR`` (3 % of the domain's diagonal) of a listed minimum that is not global (its
  value is more than tol above f_min), with |f − f_minimum| ≤ tol.
* **diverged at step k**: the run stopped at step k (non-finite or far outside the domain).
* otherwise **running**.

Ranking: converged racers first, by the step they converged; then running racers and racers
settled in a local minimum, by f − f_min; diverged racers last (the later the divergence, the
higher).  Hidden racers are not ranked.  f − f_min is clipped at 0 (values a rounding error below
the minimum show as 0).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .surfaces import Surface

__all__ = ["CONVERGED", "RUNNING", "LOCAL_MINIMUM", "DIVERGED", "NEAR", "Standing", "near_radius",
           "is_global", "stays_from", "converged_step", "settled_minimum", "run_facts", "standing", "standings"]

CONVERGED, RUNNING, LOCAL_MINIMUM, DIVERGED = "converged", "running", "local minimum", "diverged"
NEAR = 0.03  # "near a minimum": within this fraction of the domain's diagonal


@dataclass(frozen=True)
class Standing:
    """One racer's row at a step of the race."""

    index: int  # the racer's position in the scenario
    name: str
    status: str  # CONVERGED | RUNNING | LOCAL_MINIMUM | DIVERGED
    step: int  # the step shown: the play head, or the last step of a run that stopped earlier
    since: int | None  # the step it converged, settled or diverged at (None while running)
    gap: float  # f − f_min at ``step``, never below 0
    distance: float  # from the nearest listed minimum at ``step``
    minimum: tuple[float, float] | None  # the local minimum it settled in

    @property
    def text(self) -> str:
        if self.status == CONVERGED:
            return f"converged at step {self.since}"
        if self.status == LOCAL_MINIMUM:
            return f"local minimum at ({self.minimum[0]:.3g}, {self.minimum[1]:.3g}), step {self.since}"
        if self.status == DIVERGED:
            return f"diverged at step {self.since}"
        return "running"


def near_radius(surface: Surface) -> float:
    x0, x1, y0, y1 = surface.domain
    return NEAR * math.hypot(x1 - x0, y1 - y0)


def is_global(surface: Surface, k: int, tol: float) -> bool:
    """Whether listed minimum ``k`` counts as global: its value is within tol of f_min (markers
    for global and local minima, and what "converged" means, follow this)."""
    return surface.minima[k][2] - surface.f_min <= tol


def stays_from(ok: np.ndarray) -> int | None:
    """The first index from which ``ok`` holds to the end; None when its last entry is false."""
    if len(ok) == 0 or not ok[-1]:
        return None
    failed = np.flatnonzero(~ok)
    return int(failed[-1]) + 1 if len(failed) else 0


def converged_step(surface: Surface, run, tol: float) -> int | None:
    """The step from which the racer stays within tol of the global minimum value (None: never)."""
    if run.diverged_at is not None:
        return None
    return stays_from(run.loss - surface.f_min <= tol)


def settled_minimum(surface: Surface, run, tol: float) -> tuple[int, int] | None:
    """(index into ``surface.minima``, step) of the non-global minimum the racer settles in, or None.
    Only the minimum nearest the last point can be the one it stays near to the end."""
    if run.diverged_at is not None:
        return None
    k = int(surface.minimum_distances(run.path[-1])[0].argmin())
    if is_global(surface, k, tol):
        return None
    near = surface.distance_to_minimum(run.path, k) <= near_radius(surface)
    since = stays_from((np.abs(run.loss - surface.minima[k][2]) <= tol) & near)
    return None if since is None else (k, since)


def run_facts(surface: Surface, run, tol: float) -> tuple[int | None, tuple[int, int] | None]:
    """What a racer's row needs that does not depend on the step: where it converges
    (``converged_step``) and where it settles in a local minimum (``settled_minimum``)."""
    return converged_step(surface, run, tol), settled_minimum(surface, run, tol)


def standing(surface: Surface, index: int, name: str, run, step: int, tol: float, facts=None) -> Standing:
    """One racer's row at ``step`` (past the end of a stopped run, its last point); ``facts`` are
    the run's ``run_facts`` if the caller has them."""
    k = min(step, len(run.path) - 1)
    gap = max(0.0, float(run.loss[k] - surface.f_min))
    distance = float(surface.minimum_distances(run.path[k]).min())
    row = dict(index=index, name=name, step=k, gap=gap, distance=distance, minimum=None)
    if run.diverged_at is not None and step >= run.diverged_at:
        return Standing(status=DIVERGED, since=run.diverged_at, **row)
    converged, settled = facts if facts is not None else run_facts(surface, run, tol)
    if converged is not None and converged <= step:
        return Standing(status=CONVERGED, since=converged, **row)
    if settled is not None and settled[1] <= step:
        row["minimum"] = tuple(float(v) for v in surface.minima[settled[0]][:2])
        return Standing(status=LOCAL_MINIMUM, since=settled[1], **row)
    return Standing(status=RUNNING, since=None, **row)


def _rank_key(row: Standing):
    if row.status == CONVERGED:
        return 0, row.since, row.index
    if row.status == DIVERGED:
        return 2, -row.since, row.index
    return 1, row.gap, row.index


def standings(surface: Surface, racers, runs, step: int, tol: float, memo: dict | None = None) -> list[Standing]:
    """The visible racers' rows at ``step``, best first (see the module docstring for the rule).

    ``racers`` are objects with ``name`` and ``visible`` (scenario racers), ``runs`` their
    trajectories in the same order.  ``memo``: a dict the caller keeps between calls (the
    leaderboard, at every frame of the race): each run's ``run_facts`` are then computed once,
    not at every step (~2 ms a racer for 10⁵ steps).  It keeps only the runs of the last call.
    """
    def facts(run):
        if memo is None:
            return None
        hit = memo.get(id(run))
        if hit is None or hit[0] is not run or hit[1] is not surface or hit[2] != tol:
            hit = memo[id(run)] = (run, surface, tol, run_facts(surface, run, tol))
        return hit[3]

    rows = [standing(surface, i, r.name, run, step, tol, facts(run))
            for i, (r, run) in enumerate(zip(racers, runs)) if r.visible]
    if memo is not None:
        for key in memo.keys() - {id(run) for run in runs}:
            del memo[key]
    return sorted(rows, key=_rank_key)
