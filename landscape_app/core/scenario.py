"""A whole setup as plain data: surface, view, start, racers, steps, speed.

Scenarios are JSON files with a ``schema_version``.  Loading validates every field and
raises :class:`ScenarioError` naming the field and the problem; saving is atomic (write a
temporary file next to the target, then rename), so a failed save never destroys the
previous file.
"""
from __future__ import annotations

import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .claims import Claim, parse_claims
from .engine import DEFAULT_TOL, Trajectory, resolve_racer, simulate
from .optimizers import get_optimizer
from .resolver import get_surface

__all__ = ["SCHEMA_VERSION", "Racer", "Scenario", "ScenarioError", "load", "save", "loads", "dumps",
           "write_atomic"]

SCHEMA_VERSION = 1
MAX_RACERS = 32
MAX_STEPS = 100_000
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


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

def _need(data: dict, key: str, where: str):
    if key not in data:
        raise ScenarioError(f"{where}{key}: missing")
    return data[key]


def _number(value, where: str, lo=-math.inf, hi=math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScenarioError(f"{where}: must be a finite number, got {value!r}")
    if not lo <= value <= hi:
        raise ScenarioError(f"{where}: must be between {lo:g} and {hi:g}, got {value!r}")
    return float(value)


def _integer(value, where: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ScenarioError(f"{where}: must be a whole number between {lo} and {hi}, got {value!r}")
    return value


def _text(value, where: str, limit: int = 4000) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ScenarioError(f"{where}: must be text of at most {limit} characters")
    return value


def _point(value, where: str, n: int) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise ScenarioError(f"{where}: must be a list of {n} numbers, got {value!r}")
    return tuple(_number(v, f"{where}[{i}]") for i, v in enumerate(value))


def _parse(data) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError("the file must hold a JSON object (a scenario), not "
                            f"{type(data).__name__}")
    version = _need(data, "schema_version", "")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioError(f"schema_version: must be a positive whole number, got {version!r}")
    if version > SCHEMA_VERSION:
        raise ScenarioError(f"schema_version: this file was written by a newer Landscape (schema "
                            f"{version}; this version reads up to {SCHEMA_VERSION}); please update")
    surface = _need(data, "surface", "")
    domain = data.get("domain")
    if domain is not None:
        domain = _point(domain, "domain", 4)
    try:
        get_surface(surface, domain)
    except ValueError as exc:
        raise ScenarioError(f"surface: {exc}") from None
    view = data.get("view")
    if view is not None:
        view = _point(view, "view", 4)
        if not (view[0] < view[1] and view[2] < view[3]):
            raise ScenarioError(f"view: must be [xmin, xmax, ymin, ymax] with min < max, got {list(view)}")
    start = _point(_need(data, "start", ""), "start", 2)
    steps = _integer(data.get("steps", 500), "steps", 0, MAX_STEPS)
    speed = _number(data.get("speed", 60.0), "speed", 0.1, 10_000)
    tol = _number(data.get("tol", DEFAULT_TOL), "tol", 0.0)
    racers_data = _need(data, "racers", "")
    if not isinstance(racers_data, list) or len(racers_data) > MAX_RACERS:
        raise ScenarioError(f"racers: must be a list of at most {MAX_RACERS} racers")
    racers = [_parse_racer(r, f"racers[{i}]", surface) for i, r in enumerate(racers_data)]
    try:
        claims = parse_claims(data.get("claims", []), [r.name for r in racers], get_surface(surface, domain))
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None
    return Scenario(surface=surface, start=start, racers=racers, steps=steps, speed=speed, view=view,
                    domain=domain, claims=claims,
                    title=_text(data.get("title", ""), "title", 200),
                    explanation=_text(data.get("explanation", ""), "explanation"), tol=tol)


def _parse_racer(data, where: str, surface: str) -> Racer:
    if not isinstance(data, dict):
        raise ScenarioError(f"{where}: must be an object with at least an optimizer")
    optimizer = _need(data, "optimizer", f"{where}.")
    hyper = data.get("hyper", {})
    if not isinstance(hyper, dict):
        raise ScenarioError(f"{where}.hyper: must be an object of name: value pairs")
    try:
        get_optimizer(optimizer)
    except ValueError as exc:
        raise ScenarioError(f"{where}.optimizer: {exc}") from None
    try:
        hyper = resolve_racer(surface, optimizer, hyper)
    except ValueError as exc:
        raise ScenarioError(f"{where}.hyper: {exc}") from None
    color = data.get("color", "#1f77b4")
    if not isinstance(color, str) or not _COLOR.match(color):
        raise ScenarioError(f"{where}.color: must look like #1f77b4, got {color!r}")
    visible = data.get("visible", True)
    if not isinstance(visible, bool):
        raise ScenarioError(f"{where}.visible: must be true or false, got {visible!r}")
    return Racer(optimizer=optimizer, name=_text(data.get("name", ""), f"{where}.name", 80), color=color,
                 hyper=hyper, seed=_integer(data.get("seed", 0), f"{where}.seed", 0, 2**63 - 1),
                 visible=visible)


# --------------------------------------------------------------------------- files

def dumps(scenario: Scenario) -> str:
    return json.dumps(scenario.to_dict(), indent=2, ensure_ascii=False) + "\n"


def loads(text: str) -> Scenario:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                            "the file may be truncated or not a scenario") from None
    return _parse(data)


def load(path) -> Scenario:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > 5_000_000:
        raise ScenarioError(f"{path.name} is too large to be a scenario ({len(raw):,} bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path.name} is not a text (UTF-8) file; is it really a scenario?") from None
    return loads(text)


def write_atomic(path, text: str) -> None:
    """Write next to the target, then rename: a failure never leaves half a file or destroys
    the previous one.  Raises ``OSError``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(scenario: Scenario, path) -> None:
    """Write atomically: the previous file survives any failure."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ScenarioError(f"cannot write to {path.parent}: the folder does not exist")
    try:
        write_atomic(path, dumps(scenario))
    except OSError as exc:
        raise ScenarioError(f"cannot save {path}: {exc.strerror or exc}") from None
