"""Scenario files: round trips, atomic saves, and a clear message for every kind of bad file."""
import copy
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

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


# --------------------------------------------------------------------------- hostile files

@pytest.mark.parametrize("mutate,words", [
    (lambda d: d.update(start="12"), "start must be 2 numbers"),  # once read as (1, 2)
    (lambda d: d.update(start={"x": 1, "y": 2}), "start must be 2 numbers"),
    (lambda d: d.update(start=[True, False]), "start[0] must be a number"),
    (lambda d: d.update(start=[1e308, 1e308]), "start: f is not a finite number"),  # cannot take one step
    (lambda d: d.update(steps=10**400), "steps must be a whole number"),
    (lambda d: d.update(speed=10**400), "speed must be a number between 0.1 and 10000; got a number with 401 digits"),
    (lambda d: d.update(tol=-1), "tol must be ≥ 0; got -1"),
    (lambda d: d.update(view=[0, 1e300, 0, 1]), "view"),
    (lambda d: d.update(domain=[1, 0, 0, 1]), "domain must have xmin < xmax"),
    (lambda d: d.update(domain="1234"), "domain must be 4 numbers"),
    (lambda d: d.update(title="caf\ud800"), "title has an invalid character at position 4"),
    (lambda d: d.update(explanation=["a"]), "explanation must be text"),
    (lambda d: d.update(surface=["ravine"]), "surface must be text"),
    (lambda d: d.update(surface="custom:exp(exp(10**64))+x"), "surface: number too large"),
    (lambda d: d.update(surface="custom:x\ud800"), "surface"),
    (lambda d: d.update(surface="data:logistic?n=4&seed=1"), "surface: these 4 examples can be split"),
    (lambda d: d["racers"][0].update(name="Ada\udc80"), "racers[0].name has an invalid character"),
    (lambda d: d["racers"][0].update(optimizer=["adam"]), "racers[0].optimizer must be text"),
    (lambda d: d["racers"][0].update(optimizer=10**400), "racers[0].optimizer must be text"),
    (lambda d: d["racers"][0].update(color="#1f77b4\n"), "racers[0].color"),
    (lambda d: d["racers"][0].update(seed=2**64), "racers[0].seed"),
    (lambda d: d["racers"][0].update(seed=1.0), "racers[0].seed"),
    (lambda d: d["racers"][0].update(visible=1), "racers[0].visible"),
    (lambda d: d["racers"][0].update(hyper=[["lr", 1]]), "racers[0].hyper: must be an object"),
    (lambda d: d["racers"][0]["hyper"].update(lr=10**400), "racers[0].hyper: lr (α) must be a number"),
    (lambda d: d["racers"][0]["hyper"].update(lr=[0.1]), "racers[0].hyper: lr (α) must be a number"),
    (lambda d: d["racers"][0]["hyper"].update(form=["ema"]), "racers[0].hyper: form must be one of"),
    (lambda d: d["racers"][0]["hyper"].update(schedule={"name": "step"}), "racers[0].hyper: schedule must be a name"),
    (lambda d: d["racers"][0]["hyper"].update(steps_per_epoch=1e300), "racers[0].hyper: steps_per_epoch"),
    (lambda d: d["racers"][2]["hyper"].update(bias_correction="yes"), "racers[2].hyper: bias_correction"),
    (lambda d: d["racers"][0]["hyper"].update(clip_norm=True), "racers[0].hyper: clip_norm"),
])
def test_wrong_types_anywhere_are_named(mutate, words):
    d = good_dict()
    mutate(d)
    with pytest.raises(ScenarioError) as err:
        sc.loads(json.dumps(d))
    assert words in str(err.value)


@pytest.mark.parametrize("old,new,words", [
    ('"steps": 200', '"steps": ' + "9" * 5000, "steps must be a whole number between 0 and 100000; "
                                                 "got a number with 5000 digits"),
    ('"speed": 120.0', '"speed": NaN', "speed must be a finite number"),
    ('"tol": 0.0001', '"tol": Infinity', "tol must be a finite number"),
    ('"speed": 120.0', '"speed": -Infinity', "speed must be a finite number"),
    ('"speed": 120.0', '"speed": 1e999', "speed must be a finite number"),
    ('"title": "Momentum vs Nesterov"', '"title": "\\ud83d"', "title has an invalid character"),
    ('"view": [', '"junk": ' + "[" * 100_000 + "]" * 100_000 + ', "view": [', "nested too deeply"),
], ids=["5000-digit int", "NaN", "Infinity", "-Infinity", "1e999", "lone surrogate", "deep nesting"])
def test_unreadable_numbers_and_text_are_named(old, new, words):
    text = json.dumps(example().to_dict())
    assert old in text
    with pytest.raises(ScenarioError, match=words):
        sc.loads(text.replace(old, new, 1))


def test_special_files_are_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # no writer: a blocking open would wait forever
    started = time.perf_counter()
    for path, words in [(fifo, "not a regular file"), ("/dev/zero", "not a regular file"),
                        (tmp_path, "is a folder"), ("/dev/null", "not a regular file")]:
        with pytest.raises(ScenarioError, match=words):
            sc.load(path)
    assert time.perf_counter() - started < 1.0


def test_size_is_checked_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(sc.MAX_FILE_BYTES + 1)  # sparse: nothing to read, only the size says no
    monkeypatch.setattr(files.os, "read", lambda *a: pytest.fail("read before the size check"))
    with pytest.raises(ScenarioError, match="too large"):
        sc.load(big)


def test_a_file_that_grows_while_read_is_cut_off(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    path.write_text(sc.dumps(example()))
    monkeypatch.setattr(sc, "MAX_FILE_BYTES", 100)  # the file is larger than this, but fstat said small:
    real_fstat = files.os.fstat
    monkeypatch.setattr(files.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    with pytest.raises(ScenarioError, match="too large"):
        sc.load(path)


def test_saving_a_lone_surrogate_is_refused_and_keeps_the_previous_file(tmp_path):
    target = tmp_path / "race.json"
    sc.save(example(), target)
    before = target.read_bytes()
    bad = example()
    bad.racers[1].name = "Nesterov \ud83d"  # half an emoji, as a broken paste leaves it
    with pytest.raises(ScenarioError, match=r"racers\[1\]\.name has an invalid character"):
        sc.save(bad, target)
    assert target.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["race.json"]


def test_saving_checks_what_loading_checks(tmp_path):
    bad = example()
    bad.steps = 10**6
    with pytest.raises(ScenarioError, match="steps"):
        sc.save(bad, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


# --------------------------------------------------------------------------- fuzz

PRESETS = [json.loads(p.read_text(encoding="utf-8"))
           for p in sorted((Path(sc.__file__).parent.parent / "presets").glob("*.json"))]
HUGE, DEEP = "__huge_number__", "__deep_nesting__"  # spliced into the text: json.dumps cannot write them
JUNK = st.one_of(
    st.floats(0.001, 0.999), st.integers(1, 20),  # plausible values: more mutants load, run and save
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e308, 5e-324, 0, -1, 2**63]),
    st.text(max_size=20), st.sampled_from(["\ud800", "a\udfffb", "12", "#zzzzzz", "adam", "ravine", "cosine",
                                           "custom:x**2+y**2", "custom:exp(exp(10))+x", "custom:sign(x)+y",
                                           "data:logistic?n=5", "data:least_squares?n=20", "", HUGE, DEEP]),
    st.lists(st.floats(-5, 5), max_size=5), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.recursive(st.integers(), lambda inner: st.lists(inner, max_size=3), max_leaves=10),
)


def _paths(node, prefix=()):
    """Every place inside a JSON document, as a tuple of keys and indexes."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        yield prefix + (key,)
        yield from _paths(child, prefix + (key,))


def _mutate(doc, data) -> None:
    """Delete a key or put junk in place of a value, anywhere inside ``doc``."""
    paths = list(_paths(doc))
    if not paths:
        return
    *parents, key = data.draw(st.sampled_from(paths))
    node = doc
    for k in parents:
        node = node[k]
    if isinstance(node, dict) and data.draw(st.integers(0, 3)) == 0:
        del node[key]
    else:
        node[key] = data.draw(JUNK)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_presets_load_and_run_and_round_trip_or_are_refused(data, tmp_path_factory):
    doc = copy.deepcopy(data.draw(st.sampled_from(PRESETS)))
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(doc, data)
    text = json.dumps(doc).replace(f'"{HUGE}"', "7" * 5000).replace(f'"{DEEP}"', "[" * 50_000 + "]" * 50_000)
    try:
        scenario = sc.loads(text)
    except ScenarioError as exc:
        event(f"refused: {str(exc).split(':')[0].split(' must')[0][:30]}")
        return  # anything else fails the test
    event("loaded")
    path = tmp_path_factory.mktemp("fuzz") / "s.json"
    sc.save(scenario, path)
    again = sc.load(path)
    assert again.to_dict() == scenario.to_dict()
    scenario.steps = min(scenario.steps, 20)  # it runs (the length of the run is not the point)
    assert len(scenario.run()) == len(scenario.racers)
