"""The built-in classroom demos (JSON scenario files shipped inside the package)."""
from __future__ import annotations

import json
from pathlib import Path

from .scenario import Scenario, load

FOLDER = Path(__file__).resolve().parent.parent / "presets"


def preset_files() -> list[Path]:
    return sorted(FOLDER.glob("*.json"))


def title_of(path: Path) -> str:
    """A demo's title for a menu, read without loading the demo (loading makes its surface, and a
    data set's compiles a kernel: not while the window is being built)."""
    try:
        title = json.loads(path.read_text(encoding="utf-8")).get("title")
    except (OSError, ValueError, AttributeError):
        title = None
    return title if isinstance(title, str) and title else path.stem


def load_preset(name: str) -> Scenario:
    """A preset by file stem (e.g. ``01_momentum_vs_nesterov``) or title."""
    for path in preset_files():
        if name in (path.stem, title_of(path)):
            return load(path)
    raise ValueError(f"no demo called {name!r}; choose one of: {', '.join(p.stem for p in preset_files())}")
