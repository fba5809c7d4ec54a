"""The leaderboard shows core.standings: ranked by the rule, hidden racers left out, local minima
named, rounding below the minimum shown as 0."""
from landscape_app.core.presets import load_preset
from landscape_app.core.scenario import Racer
from landscape_app.core.standings import standings
from landscape_app.ui.leaderboard import COLUMNS, Leaderboard
from landscape_app.ui.state import AppState


def table(board):
    return [[board.item(i, j).text() for j in range(len(COLUMNS))] for i in range(board.rowCount())]


def board_at_end(qtbot, scenario):
    state = AppState(scenario)
    board = Leaderboard(state)
    qtbot.addWidget(board)
    state.set_step(state.max_steps)
    board.refresh()
    return state, board


def test_rows_are_the_core_standings(qtbot):
    state, board = board_at_end(qtbot, load_preset("05_start_decides_the_minimum"))
    rows = standings(state.surface, state.racers, state.runs, state.step, state.scenario.tol)
    assert [r[0] for r in table(board)] == [row.name for row in rows]
    assert [r[4] for r in table(board)] == [
        "converged at step 147", "local minimum at (-1.94, -1.46), step 101", "local minimum at (-1.46, 2.14), step 74"]


def test_the_racer_that_converged_first_ranks_first(qtbot):
    state, board = board_at_end(qtbot, load_preset("02_sgd_vs_adam_plateau"))
    names = [r[0] for r in table(board)]
    assert names == ["Adam", "Momentum", "SGD", "RMSProp"]  # SGD ends closest but arrived last of the three


def test_hidden_racers_are_not_ranked(qtbot):
    scenario = load_preset("02_sgd_vs_adam_plateau")
    scenario.racers[3].visible = False
    state, board = board_at_end(qtbot, scenario)
    assert [r[0] for r in table(board)] == ["Momentum", "SGD", "RMSProp"]
    state.set_visible(3, True)
    board.refresh()
    assert board.rowCount() == 4


def test_gaps_below_the_minimum_from_rounding_show_as_zero(qtbot):
    scenario = load_preset("04_clipping_on_the_cliff")
    scenario.steps = 500
    state, board = board_at_end(qtbot, scenario)
    lowest = min(range(scenario.steps + 1), key=lambda k: state.runs[0].loss[k])
    assert state.runs[0].loss[lowest] - state.surface.f_min < 0  # the cliff's rounding: about −1e-16
    state.set_step(lowest)
    board.refresh()
    row = next(r for r in table(board) if r[0] == scenario.racers[0].name)
    assert row[2] == "0"


def test_diverged_racers_come_last_in_red(qtbot):
    scenario = load_preset("01_momentum_vs_nesterov")
    scenario.racers.append(Racer("sgd", "too fast", "#123456", {"lr": 0.5}))
    state, board = board_at_end(qtbot, scenario)
    last = board.rowCount() - 1
    assert table(board)[last][0] == "too fast" and table(board)[last][4].startswith("diverged at step")
    assert board.item(last, 4).foreground().color().name() == "#b00020"
    assert board.item(last, 0).foreground().color().name() == "#123456"
