"""What a surface's story says holds in the race the app starts with on that surface
(ui.state.default_scenario: SGD, Momentum, Nesterov, RMSProp, Adam at their suggested rates)."""
import pytest

from landscape_app.core.claims import check, parse_claims
from landscape_app.core.resolver import get_surface
from landscape_app.ui.state import default_scenario

STORY_CLAIMS = {
    "ravine": [  # GD zig-zags; momentum's zig-zag becomes a few wide swings and it arrives sooner; Nesterov brakes
        {"kind": "less", "metric": "turns", "a": "Momentum", "b": "SGD", "factor": 0.5},
        {"kind": "less", "metric": "overshoot", "a": "SGD", "b": "Momentum"},
        {"kind": "converges_before", "a": "Momentum", "b": "SGD"},
        {"kind": "less", "metric": "overshoot", "a": "Nesterov", "b": "Momentum", "factor": 0.1},
        {"kind": "converges_before", "a": "Nesterov", "b": "Momentum"}],
    "plateau": [  # SGD crawls; RMSProp and Adam stride across; RMSProp then hops around the minimum
        {"kind": "less", "metric": "steps_to_99", "a": "Adam", "b": "SGD", "factor": 0.25},
        {"kind": "less", "metric": "steps_to_99", "a": "RMSProp", "b": "SGD", "factor": 0.25},
        {"kind": "not_converged_by", "racer": "RMSProp", "step": 500},
        {"kind": "converges_before", "a": "Adam", "b": "SGD"}],
    "saddle": [  # GD lingers at the saddle; momentum and adaptive methods escape sooner
        {"kind": "less", "metric": "steps_to_99", "a": name, "b": "SGD", "factor": 0.6}
        for name in ("Momentum", "Nesterov", "RMSProp", "Adam")],
    "cliff": [  # one unclipped step at the edge throws the racer far across the valley
        {"kind": "leaves_domain", "racer": "SGD"}],
    "local_minima": [  # GD rolls into the nearest well; momentum may carry a racer past it into a better one
        {"kind": "ends_in_minimum", "racer": "SGD", "minimum": [-1.459, 2.14]},
        {"kind": "ends_in_minimum", "racer": "Momentum", "minimum": [1.951, 0.976]}],
}


@pytest.mark.parametrize("name", STORY_CLAIMS)
def test_the_default_race_shows_the_surface_story(name):
    scenario = default_scenario(name)
    surface = get_surface(name)
    scenario.claims = parse_claims(STORY_CLAIMS[name], [r.name for r in scenario.racers], surface)
    failed = [r.text for r in check(scenario, scenario.run()) if not r.passed]
    assert failed == []


def test_sgd_starts_nearest_the_well_it_ends_in():
    s = get_surface("local_minima")
    nearest = s.minimum_distances(s.start)[0].argmin()
    assert tuple(round(v, 3) for v in s.minima[nearest][:2]) == (-1.459, 2.14)
