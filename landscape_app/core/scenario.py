"""A whole setup as plain data: surface, view, start, racers, steps, speed.

Scenarios are JSON files with a ``schema_version``.  Loading validates every field and
raises :class:`ScenarioError` (and nothing else) naming the field and the problem; a file is read
only when it is a regular file of at most ``MAX_FILE_BYTES``.  Saving checks the scenario by the
same rules (what is saved can be loaded and run) and is atomic (write a temporary file next to
the target, then rename), so a failed save never destroys the previous file.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import checks
from .claims import Claim, parse_claims
from .custom import check_domain
from .engine import DEFAULT_TOL, Trajectory, resolve_racer, simulate
from .files import read_regular, write_atomic
from .optimizers import get_optimizer
from .resolver import get_surface

__all__ = ["SCHEMA_VERSION", "Racer", "Scenario", "ScenarioError", "load", "save", "loads", "dumps",
           "write_atomic"]

SCHEMA_VERSION = 1
MAX_RACERS = 32
MAX_STEPS = 100_000
MAX_FILE_BYTES = 5_000_000
MAX_VIEW = 1e12  # view corners: far beyond any surface, still safe to subtract and draw
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message names the field and what is wrong."""


@dataclass
class Racer:
    optimizer: str
    name: str = ""
    color: str = "#1f77b4"
    hyper: dict = field(default_factory=dict)  # every hyperparameter, schedule included
    seed: int = 0
    visible: bool = True

    def __post_init__(self):
        self.name = self.name or self.optimizer


@dataclass
class Scenario:
    surface: str
    start: tuple[float, float]
    racers: list[Racer]
    steps: int = 500
    speed: float = 60.0  # steps per second during play
    view: tuple[float, float, float, float] | None = None  # xmin, xmax, ymin, ymax; None = domain
    title: str = ""
    explanation: str = ""
    tol: float = DEFAULT_TOL
    domain: tuple[float, float, float, float] | None = None  # custom surfaces only; None = default
    claims: list[Claim] = field(default_factory=list)  # what the race shows, checked by claims.check

    def run(self) -> list[Trajectory]:
        return [simulate(self.surface, r.optimizer, self.start, self.steps, seed=r.seed, tol=self.tol,
                         **r.hyper) for r in self.racers]

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION, "title": self.title, "explanation": self.explanation,
            "surface": self.surface, "domain": list(self.domain) if self.domain else None,
            "view": list(self.view) if self.view else None,
            "start": list(self.start), "steps": self.steps, "speed": self.speed, "tol": self.tol,
            "racers": [{"optimizer": r.optimizer, "name": r.name, "color": r.color, "seed": r.seed,
                        "visible": r.visible, "hyper": dict(r.hyper)} for r in self.racers],
            "claims": [c.to_dict() for c in self.claims],
        }

    @classmethod
    def from_dict(cls, data) -> "Scenario":
        return _parse(data)


# --------------------------------------------------------------------------- validation
# Every field is read by one small function; the checks (``checks``) raise ValueError naming the
# field, and ``_parse`` turns any ValueError into a ScenarioError.  A new field is one more line in
# ``_parse_fields`` and, if it needs one, one more function here.

def _need(data: dict, key: str, where: str):
    if key not in data:
        raise ScenarioError(f"{where}{key}: missing")
    return data[key]


def _named(where: str, call, *args):
    """``call(*args)``; a ValueError it raises is reported under the field ``where``."""
    try:
        return call(*args)
    except ValueError as exc:
        raise ScenarioError(f"{where}: {exc}") from None


def _version(data: dict) -> int:
    version = _need(data, "schema_version", "")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioError(f"schema_version: must be a positive whole number, got {checks.shown(version)}")
    if version > SCHEMA_VERSION:
        raise ScenarioError(f"schema_version: this file was written by a newer Landscape (schema "
                            f"{version}; this version reads up to {SCHEMA_VERSION}); please update")
    return version


def _surface(data: dict):
    """(name, domain, the surface itself) — made now, so a formula or data set that cannot be used is
    refused here."""
    name = checks.text(_need(data, "surface", ""), "surface", 600)
    domain = data.get("domain")
    if domain is not None:
        domain = check_domain(domain)
    return name, domain, _named("surface", get_surface, name, domain)


def _view(value):
    if value is None:
        return None
    view = checks.reals(value, "view", 4, "numbers [xmin, xmax, ymin, ymax]")
    if not (view[0] < view[1] and view[2] < view[3]) or max(map(abs, view)) > MAX_VIEW:
        raise ScenarioError(f"view: must be [xmin, xmax, ymin, ymax] with min < max, within ±{MAX_VIEW:g}; "
                            f"got {list(view)}")
    return view


def _start(value, surface) -> tuple[float, float]:
    start = checks.reals(value, "start", 2, "numbers [x, y]")
    f = surface.value_and_grad(*start)[0]
    if not math.isfinite(f):  # a racer could not take a single step
        raise ScenarioError(f"start: f is not a finite number at ({start[0]:g}, {start[1]:g}) on {surface.title}")
    return start


def _parse(data) -> Scenario:
    try:
        return _parse_fields(data)
    except ScenarioError:
        raise
    except ValueError as exc:  # from a check: the message already names the field
        raise ScenarioError(str(exc)) from None


def _parse_fields(data) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError("the file must hold a JSON object (a scenario), not "
                            f"{type(data).__name__}")
    _version(data)
    surface, domain, made = _surface(data)
    racers_data = _need(data, "racers", "")
    if not isinstance(racers_data, list) or len(racers_data) > MAX_RACERS:
        raise ScenarioError(f"racers: must be a list of at most {MAX_RACERS} racers")
    racers = [_parse_racer(r, f"racers[{i}]", made) for i, r in enumerate(racers_data)]
    return Scenario(
        surface=surface, domain=domain, view=_view(data.get("view")),
        start=_start(_need(data, "start", ""), made),
        steps=checks.whole(data.get("steps", 500), "steps", 0, MAX_STEPS),
        speed=checks.real(data.get("speed", 60.0), "speed", 0.1, 10_000),
        tol=checks.real(data.get("tol", DEFAULT_TOL), "tol", 0.0),
        title=checks.text(data.get("title", ""), "title", 200),
        explanation=checks.text(data.get("explanation", ""), "explanation", 4000),
        racers=racers, claims=parse_claims(data.get("claims", []), [r.name for r in racers], made))


def _parse_racer(data, where: str, surface) -> Racer:
    if not isinstance(data, dict):
        raise ScenarioError(f"{where}: must be an object with at least an optimizer")
    optimizer = checks.text(_need(data, "optimizer", f"{where}."), f"{where}.optimizer", 40)
    _named(f"{where}.optimizer", get_optimizer, optimizer)
    hyper = data.get("hyper", {})
    if not isinstance(hyper, dict):
        raise ScenarioError(f"{where}.hyper: must be an object of name: value pairs")
    hyper = _named(f"{where}.hyper", resolve_racer, surface, optimizer, hyper)
    color = data.get("color", "#1f77b4")
    if not isinstance(color, str) or not _COLOR.fullmatch(color):
        raise ScenarioError(f"{where}.color: must look like #1f77b4, got {checks.shown(color)}")
    visible = data.get("visible", True)
    if not isinstance(visible, bool):
        raise ScenarioError(f"{where}.visible: must be true or false, got {checks.shown(visible)}")
    return Racer(optimizer=optimizer, name=checks.text(data.get("name", ""), f"{where}.name", 80), color=color,
                 hyper=hyper, seed=checks.whole(data.get("seed", 0), f"{where}.seed", 0, 2**63 - 1),
                 visible=visible)


# --------------------------------------------------------------------------- files

class _LongNumber:
    """A JSON integer too long to be any field's value (Python refuses to read one of 4,300 digits)."""

    def __init__(self, digits: int):
        self.digits = digits

    def __repr__(self) -> str:
        return f"a number with {self.digits} digits"


def _integer(text: str):
    return int(text) if len(text) <= 300 else _LongNumber(len(text.lstrip("-")))


def dumps(scenario: Scenario) -> str:
    return json.dumps(scenario.to_dict(), indent=2, ensure_ascii=False) + "\n"


def loads(text: str) -> Scenario:
    try:
        data = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                            "the file may be truncated or not a scenario") from None
    except RecursionError:
        raise ScenarioError("the file is nested too deeply to be a scenario") from None
    return _parse(data)


def load(path) -> Scenario:
    path = Path(path)
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except ValueError as exc:
        raise ScenarioError(f"{exc}; choose a scenario (.json) file") from None
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path.name} is not a text (UTF-8) file; is it really a scenario?") from None
    return loads(text)


def save(scenario: Scenario, path) -> None:
    """Check by the loader's rules, then write atomically: the previous file survives any failure."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ScenarioError(f"cannot write to {path.parent}: the folder does not exist")
    text = dumps(_parse(scenario.to_dict()))
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise ScenarioError(f"cannot save {path}: {exc.strerror or exc}") from None
