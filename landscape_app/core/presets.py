"""The built-in classroom demos (JSON scenario files shipped inside the package)."""
from __future__ import annotations

from pathlib import Path

from .scenario import Scenario, load

FOLDER = Path(__file__).resolve().parent.parent / "presets"


def preset_files() -> list[Path]:
    return sorted(FOLDER.glob("*.json"))


def load_preset(name: str) -> Scenario:
    """A preset by file stem (e.g. ``01_momentum_vs_nesterov``) or title."""
    for path in preset_files():
        if name == path.stem:
            return load(path)
    for path in preset_files():
        scenario = load(path)
        if scenario.title == name:
            return scenario
    raise ValueError(f"no demo called {name!r}; choose one of: {', '.join(p.stem for p in preset_files())}")
