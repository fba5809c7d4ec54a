"""The leaderboard's rule: converged racers first by the step they converged, then running ones
(and ones settled in a local minimum) by f − f_min, diverged ones last; hidden racers unranked."""
from types import SimpleNamespace

import numpy as np

from landscape_app import simulate
from landscape_app.core.resolver import get_surface
from landscape_app.core.standings import (CONVERGED, DIVERGED, LOCAL_MINIMUM, RUNNING, converged_step, is_global,
                                          near_radius, settled_minimum, standing, standings, stays_from)

QUADRATIC = get_surface("quadratic")
TOL = 1e-4


def fake(loss, diverged_at=None, path=None):
    loss = np.asarray(loss, float)
    path = np.zeros((len(loss), 2)) if path is None else np.asarray(path, float)
    return SimpleNamespace(loss=loss, path=path, diverged_at=diverged_at, steps=len(loss) - 1)


def racer(name, visible=True):
    return SimpleNamespace(name=name, visible=visible)


def test_stays_from_is_the_first_index_of_the_final_run_of_trues():
    assert stays_from(np.array([False, True, False, True, True])) == 3
    assert stays_from(np.array([True, True])) == 0
    assert stays_from(np.array([True, False])) is None
    assert stays_from(np.array([], bool)) is None


def test_converged_means_within_tol_from_then_to_the_end():
    assert converged_step(QUADRATIC, fake([1, 1e-5, 1, 1e-5, 1e-6]), TOL) == 3  # not 1: it left again
    assert converged_step(QUADRATIC, fake([1, 1e-5, 1e-5], diverged_at=3), TOL) is None


def test_converged_racers_rank_by_the_step_they_converged_not_by_their_gap():
    early = fake([1, 1e-4, 1e-4, 1e-4])  # converged at 1, gap 1e-4
    late = fake([1, 1, 1e-9, 1e-12])  # converged at 2, gap 1e-12
    running = fake([1, 0.5, 0.2, 0.1])
    closer = fake([1, 0.5, 0.2, 0.01])
    crashed = fake([1, 2], diverged_at=2)
    rows = standings(QUADRATIC, [racer(n) for n in "abcde"], [late, running, crashed, early, closer], 3, TOL)
    assert [r.name for r in rows] == ["d", "a", "e", "b", "c"]
    assert [r.status for r in rows] == [CONVERGED, CONVERGED, RUNNING, RUNNING, DIVERGED]
    assert [r.text for r in rows] == ["converged at step 1", "converged at step 2", "running", "running",
                                      "diverged at step 2"]


def test_later_divergence_ranks_higher_and_hidden_racers_are_not_ranked():
    runs = [fake([1, 2], diverged_at=2), fake([1, 2, 3, 4], diverged_at=4), fake([1, 0.1])]
    rows = standings(QUADRATIC, [racer("a"), racer("b"), racer("c", visible=False)], runs, 10, TOL)
    assert [r.name for r in rows] == ["b", "a"]


def test_the_play_head_decides_what_is_known():
    run = fake([1, 0.1, 1e-5, 1e-6, 1e-7])
    assert standing(QUADRATIC, 0, "a", run, 1, TOL).status == RUNNING
    row = standing(QUADRATIC, 0, "a", run, 3, TOL)
    assert row.status == CONVERGED and row.since == 2 and row.step == 3 and row.gap == 1e-6
    assert standing(QUADRATIC, 0, "a", run, 99, TOL).step == 4  # past the end: the last point
    crashed = fake([1, 2, 3], diverged_at=3)
    assert standing(QUADRATIC, 0, "a", crashed, 2, TOL).status == RUNNING
    assert standing(QUADRATIC, 0, "a", crashed, 3, TOL).status == DIVERGED


def test_gaps_a_rounding_error_below_the_minimum_show_as_zero():
    cliff = get_surface("cliff")
    run = fake([cliff.f_min - 7.13e-17] * 3, path=[cliff.minima[0][:2]] * 3)
    row = standing(cliff, 0, "a", run, 2, TOL)
    assert row.gap == 0.0 and f"{row.gap:.3g}" == "0" and row.status == CONVERGED


def test_a_racer_settled_in_a_local_minimum_says_so_and_where():
    s = get_surface("local_minima")
    run = simulate("local_minima", "sgd", (-2.26, 0.89), 300, lr=0.1)
    k, since = settled_minimum(s, run, TOL)
    x, y, value = s.minima[k]
    assert value > s.f_min + TOL and np.hypot(*(run.path[-1] - (x, y))) < near_radius(s)
    # from `since` on it stays near that minimum, within tol of its value; just before, it did not
    assert np.all(np.abs(run.loss[since:] - value) <= TOL) and abs(run.loss[since - 1] - value) > TOL
    row = standing(s, 0, "SGD", run, 300, TOL)
    assert row.status == LOCAL_MINIMUM and row.minimum == (x, y)
    assert row.text == f"local minimum at ({x:.3g}, {y:.3g}), step {since}" == "local minimum at (-1.46, 2.14), step 74"
    assert standing(s, 0, "SGD", run, since - 1, TOL).status == RUNNING


def test_local_minimum_racers_rank_among_the_running_by_their_gap():
    s = get_surface("local_minima")
    stuck = simulate("local_minima", "sgd", (-2.26, 0.89), 300, lr=0.1)  # shallow well, gap 1.2
    moving = simulate("local_minima", "sgd", (3.5, 3.5), 3, lr=0.001)  # far out on the bowl, still moving
    rows = standings(s, [racer("stuck"), racer("moving")], [stuck, moving], 300, TOL)
    assert [(r.name, r.status) for r in rows] == [("stuck", LOCAL_MINIMUM), ("moving", RUNNING)]
    assert rows[0].gap < rows[1].gap


def test_a_global_minimum_is_never_called_local():
    saddle = get_surface("saddle")  # two global minima of equal depth
    run = simulate("saddle", "sgd", saddle.start, 300, lr=0.1)
    assert settled_minimum(saddle, run, TOL) is None
    assert standing(saddle, 0, "a", run, 300, TOL).status == CONVERGED


def test_global_minima_are_those_within_tol_of_f_min():
    assert [is_global(get_surface("local_minima"), k, TOL) for k in range(4)] == [True, False, False, False]
    assert [is_global(get_surface("himmelblau"), k, TOL) for k in range(4)] == [True] * 4


def test_a_memo_gives_the_same_rows_at_every_step_and_keeps_only_the_last_runs():
    s = get_surface("local_minima")
    stuck = simulate("local_minima", "sgd", (-2.26, 0.89), 300, lr=0.1)
    fast = simulate("local_minima", "adam", (3.0, 3.0), 300, lr=0.1)
    racers, runs, memo = [racer("stuck"), racer("fast")], [stuck, fast], {}
    for step in (0, 50, 74, 75, 200, 300, 400):
        assert standings(s, racers, runs, step, TOL, memo) == standings(s, racers, runs, step, TOL)
    assert set(memo) == {id(stuck), id(fast)}
    other = simulate("local_minima", "momentum", (-2.26, 0.89), 300, lr=0.05)
    assert standings(s, racers, [stuck, other], 300, TOL, memo) == standings(s, racers, [stuck, other], 300, TOL)
    assert set(memo) == {id(stuck), id(other)}  # the replaced run's facts are gone
    # the facts belong to a surface and a tolerance: another tolerance computes them again
    assert standings(s, racers, runs, 300, 10.0, memo) == standings(s, racers, runs, 300, 10.0)
