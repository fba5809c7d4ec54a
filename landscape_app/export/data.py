"""Trajectories as CSV (one row per racer and step) and JSON (one object per racer)."""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from ..core.engine import Trajectory
from ..core.files import write_atomic
from ..core.scenario import Scenario

CSV_COLUMNS = ("racer", "step", "x", "y", "loss", "lr", "grad_x", "grad_y")


def _cell(value: float) -> str:
    return repr(float(value)) if math.isfinite(value) else ""


def to_csv(names: list[str], runs: list[Trajectory]) -> str:
    """Step 0 is the start: it has no learning rate or gradient, so those cells are empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for name, run in zip(names, runs):
        for k in range(len(run.path)):
            used = k - 1  # step k used grad[k - 1] and lr[k - 1]
            writer.writerow([name, k, _cell(run.path[k, 0]), _cell(run.path[k, 1]), _cell(run.loss[k]),
                             _cell(run.lr[used]) if k else "", _cell(run.grad[used, 0]) if k else "",
                             _cell(run.grad[used, 1]) if k else ""])
    return out.getvalue()


def to_json(scenario: Scenario, runs: list[Trajectory]) -> str:
    racers = []
    for racer, run in zip(scenario.racers, runs):
        racers.append({
            "name": racer.name, "optimizer": run.optimizer, "color": racer.color, "seed": run.seed,
            "hyper": run.hyper, "diverged_at": run.diverged_at, "converged_at": run.converged_at,
            "path": run.path.tolist(), "loss": run.loss.tolist(), "lr": run.lr.tolist(),
            "grad": run.grad.tolist()})
    return json.dumps({"scenario": scenario.to_dict(), "runs": racers}, indent=1) + "\n"


def export(scenario: Scenario, path) -> Path:
    """Run the scenario and write its trajectories; the format follows the suffix (.csv or .json)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ValueError(f"choose a .csv or .json file name for trajectory data, not {path.name!r}")
    if not path.parent.is_dir():
        raise ValueError(f"the folder {path.parent} does not exist")
    runs = scenario.run()
    text = to_csv([r.name for r in scenario.racers], runs) if suffix == ".csv" else to_json(scenario, runs)
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise ValueError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
