"""Claims: validated when a scenario loads, saved back, and checked against the race with
sentences and evidence that quote the measured numbers."""
import copy
import math
from types import SimpleNamespace

import numpy as np
import pytest

from landscape_app.core import scenario as sc
from landscape_app.core.claims import KINDS, METRICS, check, parse_claims
from landscape_app.core.resolver import get_surface
from landscape_app.core.scenario import Racer, Scenario, ScenarioError
from landscape_app.core.standings import converged_step


def race(claims=(), hidden=()) -> Scenario:
    """Quadratic bowl: a fast and a slow SGD, a noisy one, and momentum."""
    data = Scenario(surface="quadratic", start=(-2.5, 1.5), steps=200, racers=[
        Racer("sgd", "fast", "#000000", {"lr": 0.1}),
        Racer("sgd", "slow", "#111111", {"lr": 0.01}),
        Racer("sgd", "noisy", "#222222", {"lr": 0.1, "noise": 2.0}, visible="noisy" not in hidden),
        Racer("momentum", "heavy", "#333333", {"lr": 0.1, "beta1": 0.9})]).to_dict()
    data["claims"] = list(claims)
    return Scenario.from_dict(data)


def results(claims, **kw):
    s = race(claims, **kw)
    return check(s, s.run())


def one(claim, **kw):
    return results([claim], **kw)[0]


# --------------------------------------------------------------------------- loading

def test_claims_round_trip_through_a_file(tmp_path):
    claims = [{"kind": "converges_before", "a": "fast", "b": "slow"},
              {"kind": "less", "metric": "path_length", "a": "fast", "b": "heavy", "factor": 0.5},
              {"kind": "ends_in_minimum", "racer": "fast", "minimum": [0, 0]}]
    s = race(claims)
    sc.save(s, tmp_path / "c.json")
    again = sc.load(tmp_path / "c.json")
    assert again.to_dict()["claims"] == s.to_dict()["claims"] == [
        {**c, "minimum": [0.0, 0.0]} if "minimum" in c else c for c in claims]
    assert [r.text for r in check(again, again.run())] == [r.text for r in check(s, s.run())]


def test_a_scenario_without_claims_has_none():
    data = race().to_dict()
    del data["claims"]
    assert Scenario.from_dict(data).claims == []


@pytest.mark.parametrize("claims,words", [
    ("all of them", "claims: must be a list"),
    ([3], "claims[0]: must be an object with a kind"),
    ([{"kind": "wins"}], "claims[0].kind: unknown claim 'wins'"),
    ([{"kind": "ranked_first", "racer": "fast"}, {"kind": "ranked_first", "racer": "Adamm"}],
     "claims[1].racer: no racer called 'Adamm'"),
    ([{"kind": "converges_before", "a": "fast"}], "claims[0].b: missing"),
    ([{"kind": "converges_by", "racer": "fast", "step": 10, "when": 3}], "converges_by takes racer, step; not when"),
    ([{"kind": "converges_by", "racer": "fast", "step": -1}], "claims[0].step must be a whole number"),
    ([{"kind": "converges_by", "racer": "fast", "step": 2.5}], "claims[0].step"),
    ([{"kind": "less", "metric": "speed", "a": "fast", "b": "slow"}], "claims[0].metric: unknown metric 'speed'"),
    ([{"kind": "less", "metric": "path_length", "a": "fast", "b": "slow", "factor": 0}],
     "claims[0].factor"),
    ([{"kind": "ends_in_minimum", "racer": "fast", "minimum": [1, 1]}],
     "claims[0].minimum: (1, 1) is not a minimum of Quadratic bowl; its minima: (0, 0)"),
    ([{"kind": "ends_in_minimum", "racer": "fast", "minimum": [0, "x"]}], "claims[0].minimum[1] must be a number"),
])
def test_bad_claims_are_refused_naming_the_field(claims, words):
    data = race().to_dict()
    data["claims"] = claims
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data)
    assert words in str(info.value)


def test_claims_need_unique_racer_names():
    surface = get_surface("quadratic")
    with pytest.raises(ValueError, match="two racers are called 'SGD'"):
        parse_claims([{"kind": "ranked_first", "racer": "SGD"}], ["SGD", "SGD"], surface)


def test_every_kind_and_metric_is_documented():
    from landscape_app.core import claims as module

    for name in KINDS:
        assert f"``{name}``" in module.__doc__
    for m in METRICS.values():
        assert m.title


# --------------------------------------------------------------------------- checking

def converged(name):
    s = race()
    runs = dict(zip((r.name for r in s.racers), s.run()))
    return converged_step(get_surface("quadratic"), runs[name], s.tol)


def test_converges_before_quotes_both_steps():
    fast, slow = converged("fast"), converged("slow")
    assert fast == 50 and slow is None
    r = one({"kind": "converges_before", "a": "fast", "b": "slow"})
    assert r.passed and r.text == "fast converges before slow (step 50 vs not by step 200)"
    assert r.measured == {"a": 50, "b": None}
    assert not one({"kind": "converges_before", "a": "slow", "b": "fast"}).passed


def test_converges_by_and_not_converged_by():
    r = one({"kind": "converges_by", "racer": "fast", "step": 60})
    assert r.passed and r.text == "fast converges by step 60 (at step 50)"
    assert not one({"kind": "converges_by", "racer": "fast", "step": 49}).passed
    assert one({"kind": "converges_by", "racer": "slow", "step": 100}).evidence == "not by step 200"
    r = one({"kind": "not_converged_by", "racer": "slow", "step": 200})
    s = race()
    gap = s.run()[1].loss[200]
    assert r.passed and r.evidence == f"f − f_min = {gap:.3g} at step 200"
    r = one({"kind": "not_converged_by", "racer": "fast", "step": 100})
    assert not r.passed and r.evidence == "converged at step 50"
    r = one({"kind": "not_converged_by", "racer": "slow", "step": 500})
    assert not r.passed and r.evidence == "the race has only 200 steps"


def test_a_racer_that_only_passes_through_the_tolerance_has_not_converged_yet():
    s = race()
    heavy = s.run()[3]
    surface = get_surface("quadratic")
    first_in = heavy.converged_at  # the engine's first step within tol
    stays = converged_step(surface, heavy, s.tol)
    assert first_in < stays and (heavy.loss[first_in:stays] > s.tol).any()  # swung out again
    assert one({"kind": "not_converged_by", "racer": "heavy", "step": first_in}).passed
    assert one({"kind": "converges_by", "racer": "heavy", "step": stays}).evidence == f"at step {stays}"


def test_ends_in_minimum_reads_the_final_standing():
    r = one({"kind": "ends_in_minimum", "racer": "fast", "minimum": [0, 0]})
    assert r.passed and r.text.startswith("fast ends in the minimum at (0, 0) (converged at step 50, ends at (")
    r = one({"kind": "ends_in_minimum", "racer": "noisy", "minimum": [0, 0]})
    assert not r.passed and r.evidence.startswith("running, ")


def test_local_minima_are_named_by_ends_in_minimum():
    data = Scenario(surface="local_minima", start=(-2.26, 0.89), steps=300,
                    racers=[Racer("sgd", "SGD", "#000000", {"lr": 0.1})]).to_dict()
    data["claims"] = [{"kind": "ends_in_minimum", "racer": "SGD", "minimum": [-1.459, 2.14]},
                      {"kind": "ends_in_minimum", "racer": "SGD", "minimum": [1.951, 0.976]}]
    s = Scenario.from_dict(data)
    shallow, deep = check(s, s.run())
    assert shallow.passed and shallow.evidence == "local minimum at (-1.46, 2.14), step 74"
    assert not deep.passed and deep.sentence == "SGD ends in the minimum at (1.95, 0.976)"


def test_domain_claims():
    data = Scenario(surface="cliff", start=(-3.5, 1.5), steps=150, racers=[
        Racer("sgd", "raw", "#000000", {"lr": 0.5}), Racer("sgd", "clipped", "#111111", {"lr": 0.5, "clip_norm": 1.0})
    ]).to_dict()
    data["claims"] = [{"kind": "stays_within_domain", "racer": "clipped"}, {"kind": "leaves_domain", "racer": "raw"},
                      {"kind": "stays_within_domain", "racer": "raw"}, {"kind": "leaves_domain", "racer": "clipped"}]
    s = Scenario.from_dict(data)
    runs = s.run()
    out = check(s, runs)
    x_max = get_surface("cliff").domain[1]
    worst = int(np.argmax(runs[0].path[:, 0]))
    assert [r.passed for r in out] == [True, True, False, False]
    assert out[0].evidence == "never leaves it"
    assert out[1].evidence == f"{runs[0].path[worst, 0] - x_max:.3g} outside at step {worst}"


def test_less_compares_metrics_with_a_factor():
    s = race()
    runs = s.run()
    lengths = [float(np.linalg.norm(np.diff(t.path, axis=0), axis=1).sum()) for t in runs]
    r = one({"kind": "less", "metric": "path_length", "a": "fast", "b": "heavy"})
    assert r.passed == (lengths[0] < lengths[3])
    assert r.text == f"path length: fast < heavy ({lengths[0]:.3g} vs {lengths[3]:.3g})"
    r = one({"kind": "less", "metric": "path_length", "a": "fast", "b": "heavy", "factor": 0.1})
    assert r.passed == (lengths[0] < 0.1 * lengths[3]) and r.sentence == "path length: fast < 0.1 × heavy"


def test_path_claims():
    data = race().to_dict()
    data["racers"].append({**data["racers"][0], "name": "twin"})
    data["claims"] = [{"kind": "same_path", "a": "fast", "b": "twin"}, {"kind": "same_path", "a": "fast", "b": "slow"},
                      {"kind": "paths_split", "a": "fast", "b": "slow"},
                      {"kind": "paths_close", "a": "fast", "b": "twin"},
                      {"kind": "paths_close", "a": "fast", "b": "slow"}]
    s = Scenario.from_dict(data)
    assert [r.passed for r in check(s, s.run())] == [True, False, True, True, False]


def test_ranked_first_uses_the_leaderboard_rule():
    r = one({"kind": "ranked_first", "racer": "fast"})
    assert r.passed and r.evidence == "first, converged at step 50"
    r = one({"kind": "ranked_first", "racer": "heavy"})  # converged after fast: second
    assert not r.passed and r.evidence == "2nd, behind fast (converged at step 50)"
    assert one({"kind": "ranked_first", "racer": "slow"}).measured == {"place": 3}  # running: after both
    r = one({"kind": "ranked_first", "racer": "noisy"}, hidden=("noisy",))
    assert not r.passed and r.evidence == "hidden, so not ranked"


def test_a_claim_the_race_cannot_answer_fails_and_says_why():
    s = race([{"kind": "ranked_first", "racer": "fast"}])
    renamed = copy.deepcopy(s)
    renamed.racers[0].name = "quick"
    r = check(renamed, renamed.run())[0]
    assert not r.passed and r.evidence == "no racer called 'fast'"


# --------------------------------------------------------------------------- metrics

def fake(path, loss):
    path = np.asarray(path, float)
    return SimpleNamespace(path=path, loss=np.asarray(loss, float), diverged_at=None, steps=len(path) - 1)


def measure(name, run, surface="quadratic", tol=1e-4):
    return METRICS[name].measure(get_surface(surface), run, tol)


def test_metrics_on_a_hand_made_path():
    run = fake([(0, 0), (3, 4), (3, 0), (6, 0), (6, 0)], [5.0, 2.0, 3.5, 1.0, 1.0])
    assert measure("path_length", run) == 12  # 5 + 4 + 3 + 0
    assert measure("first_step", run) == 5 and measure("max_step", run) == 5 and measure("last_step", run) == 0
    assert measure("overshoot", run) == 1.5  # 3.5 after having been at 2
    assert measure("turns", run) == 1  # (3, 4) then (0, −4): back; (0, −4) then (3, 0): a right angle is not back
    assert measure("final_gap", run) == 1.0 and measure("final_norm", run) == 6
    assert measure("late_gap", run) == 1.0  # the last quarter: the last point
    assert measure("steps_to_99", run) == math.inf and measure("converge_step", run) == math.inf


def test_gaps_never_go_below_zero():
    run = fake([(0, 0), (0, 0)], [-1e-16, -7e-17])
    assert measure("final_gap", run) == 0.0 and measure("late_gap", run) == 0.0


def test_turns_stop_counting_once_the_racer_has_converged():
    zigzag = [(0, 1 - 0.1 * k) if k % 2 else (0.5, 1 - 0.1 * k) for k in range(10)]
    loss = [1.0] * 6 + [0.0] * 4  # converged from step 6 on
    assert measure("turns", fake(zigzag, loss)) == 5  # every step of the first six turns back, none after
