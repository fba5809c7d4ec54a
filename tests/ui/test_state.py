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
