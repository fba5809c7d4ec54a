import csv
import os
import stat
import json

import numpy as np
import pytest

from landscape_app.core.scenario import Racer, Scenario
from landscape_app.export import data


def scenario():
    return Scenario(surface="quadratic", start=(-2.5, 1.5), steps=30,
                    racers=[Racer("sgd", "SGD", "#ff0000", {"lr": 0.1}),
                            Racer("adam", "Adam", "#0000ff", {"lr": 0.2, "clip_norm": 1.0})])


def test_csv_has_one_row_per_racer_and_step(tmp_path):
    s = scenario()
    data.export(s, tmp_path / "runs.csv")
    rows = list(csv.DictReader(open(tmp_path / "runs.csv")))
    assert list(rows[0]) == list(data.CSV_COLUMNS)
    assert len(rows) == 2 * 31
    runs = s.run()
    sgd = [r for r in rows if r["racer"] == "SGD"]
    np.testing.assert_allclose([[float(r["x"]), float(r["y"])] for r in sgd], runs[0].path)
    assert sgd[0]["lr"] == "" and float(sgd[1]["lr"]) == 0.1
    assert float(sgd[1]["grad_x"]) == pytest.approx(-2.5)  # ∇f at the start: (x, 4y)


def test_json_holds_paths_and_settings(tmp_path):
    data.export(scenario(), tmp_path / "runs.json")
    doc = json.loads((tmp_path / "runs.json").read_text())
    assert [r["name"] for r in doc["runs"]] == ["SGD", "Adam"]
    assert doc["runs"][1]["hyper"]["clip_norm"] == 1.0
    assert len(doc["runs"][0]["path"]) == 31 and doc["scenario"]["surface"] == "quadratic"


def test_bad_export_paths_are_refused(tmp_path):
    with pytest.raises(ValueError, match=".csv or .json"):
        data.export(scenario(), tmp_path / "runs.xlsx")
    with pytest.raises(ValueError, match="does not exist"):
        data.export(scenario(), tmp_path / "missing" / "runs.csv")


def test_diverged_racer_exports_only_finite_points(tmp_path):
    s = Scenario(surface="rosenbrock", start=(-1.5, 2), steps=50, racers=[Racer("sgd", hyper={"lr": 1.0})])
    data.export(s, tmp_path / "d.csv")
    rows = list(csv.DictReader(open(tmp_path / "d.csv")))
    assert 0 < len(rows) < 51 and all(r["x"] and r["loss"] for r in rows)


def test_exports_get_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        data.export(scenario(), tmp_path / "runs.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "runs.csv").stat().st_mode) == 0o644  # tempfile.mkstemp made it 0600
