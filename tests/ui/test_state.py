"""AppState without a window: the defaults it suggests and the signals it sends."""
from landscape_app import simulate
from landscape_app.core.resolver import get_surface
from landscape_app.core.surfaces import SURFACES
from landscape_app.ui.state import AppState, suggested_hyper


def test_suggested_learning_rates_do_not_diverge_from_the_start_on_any_surface():
    for s in (s for s in SURFACES.values() if ":" not in s.name):  # custom:/data: ones come and go
        for name in ("sgd", "momentum", "nesterov", "rmsprop", "adam"):
            lr = suggested_hyper(name, s)["lr"]
            assert simulate(s.name, name, s.start, 500, lr=lr).diverged_at is None, (s.name, name, lr)


def test_momentum_methods_get_a_smaller_rate_than_plain_descent():
    s = get_surface("ravine")
    assert suggested_hyper("nesterov", s, check=False)["lr"] < suggested_hyper("sgd", s, check=False)["lr"]


def test_switching_surface_moves_start_and_resets_the_play_head(qtbot):
    state = AppState()
    state.set_step(40)
    with qtbot.waitSignals([state.surfaceChanged, state.runsChanged]):
        state.set_surface("himmelblau")
    s = get_surface("himmelblau")
    assert state.start == s.start and state.step == 0
    assert all(tuple(run.path[0]) == s.start for run in state.runs)


def test_a_start_where_f_is_undefined_is_refused_with_a_message(qtbot):
    state = AppState()
    before = state.start
    with qtbot.waitSignal(state.message):
        state.set_start(1e308, 1e308)  # f overflows there
    assert state.start == before


import pytest  # noqa: E402

from landscape_app.core.presets import load_preset  # noqa: E402
from landscape_app.ui.state import follow_name, pretty_number  # noqa: E402


@pytest.mark.parametrize("name,optimizer,old,new,expected", [
    ("Momentum β₁ = 0.9", "momentum", {"beta1": 0.9}, {"beta1": 0.7423}, "Momentum β₁ = 0.742"),
    ("β = 0.90", "momentum", {"beta1": 0.9}, {"beta1": 0.95}, "β = 0.95"),
    ("EMA, α = 0.05", "momentum", {"lr": 0.05}, {"lr": 0.5}, "EMA, α = 0.5"),
    ("Adadelta (ε = 10⁻⁴)", "adadelta", {"eps": 1e-4}, {"eps": 1e-6}, "Adadelta (ε = 10⁻⁶)"),
    ("Adadelta (ε = 10⁻⁴)", "adadelta", {"eps": 1e-4}, {"eps": 2.5e-5}, "Adadelta (ε = 2.5×10⁻⁵)"),
    ("SGD, clip_norm = 1", "sgd", {"clip_norm": 1.0}, {"clip_norm": None}, "SGD"),
    ("SGD (clip_norm = 1)", "sgd", {"clip_norm": 1.0}, {"clip_norm": None}, "SGD"),
    ("σ = 0.5", "sgd", {"noise": 0.5}, {"noise": 2.0}, "σ = 2"),
    ("batch of 10", "sgd", {"batch_size": 10}, {"batch_size": 20}, "batch of 20"),
    ("Adam β₂ = 0.99", "adam", {"beta1": 0.9}, {"beta1": 0.8}, "Adam β₂ = 0.99"),  # another setting changed
    ("fast, α_min = 0.1", "sgd", {"lr": 0.1}, {"lr": 0.3}, "fast, α_min = 0.1"),  # α_min is not α
])
def test_a_name_that_states_a_setting_follows_it(name, optimizer, old, new, expected):
    assert follow_name(name, optimizer, old, new) == expected


def test_numbers_in_names_are_written_as_the_demos_write_them():
    assert [pretty_number(v) for v in (0.7423, 1e-6, 2.5e-5, 12345.0, 0.0)] == ["0.742", "10⁻⁶", "2.5×10⁻⁵",
                                                                               "1.23×10⁴", "0"]


def test_a_sweep_click_renames_the_racer_and_its_claims_follow(qtbot):
    state = AppState(load_preset("13_beta_on_a_log_scale"))
    i = next(k for k, r in enumerate(state.racers) if r.name == "β = 0.90")
    before = [c.to_dict() for c in state.scenario.claims]
    state.set_hypers(i, {"lr": state.racers[i].hyper["lr"], "beta1": 0.7423})  # what a sweep cell loads
    assert state.racers[i].name == "β = 0.742"
    after = [c.to_dict() for c in state.scenario.claims]
    assert len(after) == len(before) and any("β = 0.742" in c.values() for c in after)
    assert not any("β = 0.90" in c.values() for c in after)


def test_a_rename_carries_the_demos_claims_along(qtbot):
    state = AppState(load_preset("01_momentum_vs_nesterov"))
    n = len(state.scenario.claims)
    state.rename_racer(2, "NAG")
    assert len(state.scenario.claims) == n and any("NAG" in c.to_dict().values() for c in state.scenario.claims)


def test_a_name_that_would_repeat_another_gets_a_number(qtbot):
    state = AppState()
    state.rename_racer(0, "SGD α = 0.1")
    state.rename_racer(1, "SGD α = 0.2")
    state.set_optimizer(1, "sgd")
    state.set_hyper(1, "lr", 0.1)
    assert state.racers[1].name == "SGD α = 0.1 2"


def test_the_selection_fits_the_new_racers_before_any_view_hears_of_a_change(qtbot):
    """A view redrawing on surfaceChanged (the selected racer's step vectors) must find the selected
    index among the new racers (the GUI monkey found an IndexError: a demo with fewer racers)."""
    state = AppState()
    state.add_racer("rprop")
    state.select(len(state.racers) - 1)
    seen = []
    state.surfaceChanged.connect(lambda: seen.append(state.selected < len(state.racers)))
    state.load(load_preset("08_adam_bias_correction"))
    assert seen == [True]


def test_before_the_kernels_a_small_race_is_previewed_and_a_large_one_waits():
    """A cold start's first race comes from the interpreter (core.interpreted); a setup it cannot
    run leaves no trails of the earlier one on show."""
    from landscape_app.ui.state import PREVIEW_STEPS, AppState

    state = AppState(ready=False)
    assert len(state.runs) == len(state.racers)  # the default race, at once
    state.set_max_steps(PREVIEW_STEPS)  # too long for the interpreter: wait for the kernels
    assert state.runs == []
    state.set_max_steps(300)
    assert len(state.runs) == len(state.racers)
    state.set_surface("custom:x**2 + 3*y**2")  # a formula surface has its own compiled evaluator
    assert state.runs == []
    state.set_ready()
    assert len(state.runs) == len(state.racers) and all(run.steps > 0 for run in state.runs)


def test_a_race_measured_slower_than_estimated_goes_to_the_worker_next_time(qtbot):
    """Small races run at once on the GUI thread, by an estimate of a step's cost that missed by up
    to 7× (noise, step schedules, costly surfaces): a race "of 6 ms" blocked the window 42 ms.
    Each run's measured cost now corrects the estimate for its surface and optimizer."""
    from landscape_app.ui.state import SYNC_BUDGET_NS

    state = AppState()
    state.set_max_steps(5000)
    assert not state.busy  # small: computed at once
    r = state.racers[state.selected]
    measured = state._step_ns[(state.surface.name, r.optimizer)]
    assert 0 < measured < 1e5  # ns a step: measured, and plausible
    state._step_ns[(state.surface.name, r.optimizer)] = SYNC_BUDGET_NS / 1000  # as if each step took 8 µs
    state.set_hyper(state.selected, "lr", r.hyper["lr"] * 0.9)
    assert state.busy  # the next run of that racer goes to the worker
    qtbot.waitUntil(lambda: not state.busy, timeout=10_000)
    assert state.runs[state.selected].steps > 0
    state.shutdown()
