"""The grid-vs-random-search demo (seed 001) is what its text says: its two racers are the best
settings a 3 × 3 grid and nine random draws (seed 0) find, and the numbers it quotes are measured
here from the searches themselves."""
import numpy as np
import pytest

from landscape_app import simulate
from landscape_app.core import analysis
from landscape_app.core.presets import load_preset
from landscape_app.core.resolver import get_surface
from landscape_app.core.standings import converged_step

DEMO = "18_grid_vs_random_search"
LR, EPS, STEPS, BUDGET = (0.003, 1.0), (1e-8, 1e-4), 300, 9


def steps_to_converge(lr, eps) -> int:
    """The leaderboard's "converged at step k" (STEPS + 1: not in this race)."""
    s = get_surface("beale")
    k = converged_step(s, simulate("beale", "adam", s.start, STEPS, lr=float(lr), eps=float(eps)), 1e-4)
    return STEPS + 1 if k is None else k


def best(alphas, epsilons) -> tuple[int, float, float]:
    """The search's pick: the setting that converges first (the race's own measure)."""
    return min((steps_to_converge(a, e), a, e) for a, e in zip(alphas, epsilons))


def grid():
    a, e = np.meshgrid(analysis.axis_values("adam", "lr", *LR, 3), analysis.axis_values("adam", "eps", *EPS, 3))
    return a.ravel(), e.ravel()


def random_search(seed: int):
    rng = np.random.default_rng(seed)
    return (analysis.sample_values("adam", "lr", *LR, BUDGET, rng),
            analysis.sample_values("adam", "eps", *EPS, BUDGET, rng))


@pytest.fixture(scope="module")
def demo():
    s = load_preset(DEMO)
    return s, {r.name: r for r in s.racers}


def test_the_grid_tries_three_alphas_and_epsilon_hardly_matters(demo):
    s, racers = demo
    alphas, epsilons = grid()
    assert len(alphas) == BUDGET and len(np.unique(alphas)) == 3
    np.testing.assert_allclose(np.unique(alphas), [0.003, 0.0548, 1.0], rtol=1e-3)  # "0.003, 0.055 and 1"
    steps = np.array([steps_to_converge(a, e) for a, e in zip(alphas, epsilons)]).reshape(3, 3)
    assert (steps == steps[0]).all()  # the three rows (ε) give the same results
    assert steps[0].tolist() == [STEPS + 1, STEPS + 1, 226]  # only α = 1 converges, in 226 steps
    pick = racers["Grid's best (α = 1)"].hyper
    assert pick["lr"] == 1.0 and steps_to_converge(pick["lr"], pick["eps"]) == 226


def test_the_random_search_tries_nine_alphas_and_finds_a_faster_one(demo):
    s, racers = demo
    alphas, epsilons = random_search(0)
    assert len(np.unique(alphas)) == BUDGET and len(np.unique(epsilons)) == BUDGET
    k, a, e = best(alphas, epsilons)
    assert k == 131
    pick = racers["Random's best (α = 0.338)"].hyper
    assert (pick["lr"], pick["eps"]) == (float(f"{a:.3g}"), float(f"{e:.3g}"))  # rounded as shown
    assert steps_to_converge(pick["lr"], pick["eps"]) == 131


def test_random_beats_the_grid_in_39_of_40_searches():
    grid_steps = best(*grid())[0]
    wins = sum(best(*random_search(seed))[0] < grid_steps for seed in range(40))
    assert wins == 39


def test_the_text_quotes_the_measured_numbers(demo):
    s, _ = demo
    for quoted in ("0.003, 0.055 and 1", "226 steps", "α = 0.338", "131 steps", "39 of 40", "seed 0", "n = 3"):
        assert quoted in s.explanation
