"""Scenario files: round trips, atomic saves, and a clear message for every kind of bad file."""
import json

import numpy as np
import pytest

from landscape_app.core import files
from landscape_app.core import scenario as sc
from landscape_app.core.scenario import Racer, Scenario, ScenarioError


def example() -> Scenario:
    return Scenario(
        surface="rosenbrock", start=(-1.5, 2.0), steps=200, speed=120.0, view=(-2, 2, -1, 3),
        title="Momentum vs Nesterov", explanation="Two racers.",
        racers=[Racer("momentum", "Momentum", "#e41a1c", {"lr": 1e-3, "beta1": 0.9}),
                Racer("nesterov", "Nesterov", "#377eb8", {"lr": 1e-3, "schedule": "step", "decay": 0.5,
                                                          "every": 50, "clip_norm": 10.0, "noise": 0.5}, seed=7),
                Racer("adam", "Adam (hidden)", "#4daf4a", {"lr": 0.05}, visible=False)])


def good_dict() -> dict:
    return Scenario.from_dict(json.loads(sc.dumps(example()))).to_dict()


def test_save_and_load_give_identical_trajectories(tmp_path):
    s = Scenario.from_dict(example().to_dict())
    sc.save(s, tmp_path / "race.json")
    again = sc.load(tmp_path / "race.json")
    assert again.to_dict() == s.to_dict()
    for a, b in zip(s.run(), again.run()):
        np.testing.assert_array_equal(a.path, b.path)
        assert a.diverged_at == b.diverged_at


def test_loading_fills_every_hyperparameter():
    s = Scenario.from_dict(example().to_dict())
    assert s.racers[0].hyper["form"] == "classical" and s.racers[0].hyper["schedule"] == "constant"
    assert s.racers[2].hyper["beta2"] == 0.999


@pytest.mark.parametrize("mutate,words", [
    (lambda d: d.pop("surface"), "surface: missing"),
    (lambda d: d.update(surface="moon"), "surface: unknown surface 'moon'"),
    (lambda d: d.update(start=[1, "x"]), "start[1]"),
    (lambda d: d.update(start=[1]), "start must be 2 numbers"),
    (lambda d: d.update(steps=-5), "steps"),
    (lambda d: d.update(steps="many"), "steps"),
    (lambda d: d.update(view=[1, 0, 0, 1]), "view"),
    (lambda d: d.update(schema_version=99), "newer Landscape"),
    (lambda d: d.update(schema_version="1"), "schema_version"),
    (lambda d: d.pop("schema_version"), "schema_version: missing"),
    (lambda d: d["racers"][1].update(optimizer="adamm"), "racers[1].optimizer: unknown optimizer 'adamm'"),
    (lambda d: d["racers"][0]["hyper"].update(lr=-1), "racers[0].hyper: lr (α) must be between"),
    (lambda d: d["racers"][0]["hyper"].update(beta1="high"), "racers[0].hyper: beta1"),
    (lambda d: d["racers"][0]["hyper"].update(warp=1), "racers[0].hyper: Momentum has no hyperparameter 'warp'"),
    (lambda d: d["racers"][0].update(color="red"), "racers[0].color"),
    (lambda d: d["racers"][0].update(seed=-1), "racers[0].seed"),
    (lambda d: d.update(racers="all"), "racers: must be a list"),
    (lambda d: d["racers"].append(3), "racers[3]: must be an object"),
])
def test_bad_fields_are_named(mutate, words):
    d = good_dict()
    mutate(d)
    with pytest.raises(ScenarioError) as err:
        sc.loads(json.dumps(d))
    assert words in str(err.value)


@pytest.mark.parametrize("content,words", [
    (b"this is not json", "not valid JSON"),
    (b"[1, 2, 3]", "JSON object"),
    (b"\xff\xfe\x00binary", "not a text"),
    (b"", "not valid JSON"),
])
def test_bad_files_give_a_clear_message(tmp_path, content, words):
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(ScenarioError, match=words):
        sc.load(tmp_path / "bad.json")


def test_truncated_file_is_reported(tmp_path):
    text = sc.dumps(example())
    (tmp_path / "cut.json").write_text(text[: len(text) // 2])
    with pytest.raises(ScenarioError, match="truncated"):
        sc.load(tmp_path / "cut.json")


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read"):
        sc.load(tmp_path / "nope.json")


def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "keep.json"
    sc.save(example(), target)
    before = target.read_bytes()

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", explode)
    changed = example()
    changed.steps = 999
    with pytest.raises(ScenarioError, match="No space left"):
        sc.save(changed, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]  # no temporary left behind


def test_unwritable_folder_is_reported(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files, "_reserve", denied)  # as in a read-only folder (root ignores chmod)
    with pytest.raises(ScenarioError, match="Permission denied"):
        sc.save(example(), tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_saving_into_a_missing_folder_is_reported(tmp_path):
    with pytest.raises(ScenarioError, match="cannot write"):
        sc.save(example(), tmp_path / "no" / "such" / "x.json")
