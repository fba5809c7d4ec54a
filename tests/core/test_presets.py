"""The classroom demos load, round-trip, fit about ten seconds of play, and show every lesson they
claim: each preset's claims (core/claims.py) are run and checked, and the numbers their texts quote
are computed here from the formulas."""
import math

import numpy as np
import pytest

from landscape_app import simulate
from landscape_app.core import claims, scenario as sc
from landscape_app.core.datasets import condition_number
from landscape_app.core.presets import load_preset, preset_files
from landscape_app.core.resolver import get_surface
from landscape_app.core.standings import converged_step

PRESETS = [p.stem for p in preset_files()]


def test_the_demos_cover_the_lessons():
    assert len(PRESETS) == 18
    for topic in ("momentum_vs_nesterov", "plateau", "saddle", "cliff", "minimum", "noisy", "decay",
                  "bias_correction", "ema", "adagrad", "adadelta", "rprop", "beta", "batch_norm", "minibatch",
                  "random_search"):
        assert any(topic in name for name in PRESETS), topic


@pytest.mark.parametrize("name", PRESETS)
def test_preset_round_trips_to_identical_trajectories(name, tmp_path):
    s = load_preset(name)
    assert s.title and len(s.explanation) > 300 and s.racers
    sc.save(s, tmp_path / "again.json")
    again = sc.load(tmp_path / "again.json")
    assert again.to_dict() == s.to_dict()
    for a, b in zip(s.run(), again.run()):
        np.testing.assert_array_equal(a.path, b.path)


@pytest.mark.parametrize("name", PRESETS)
def test_preset_fits_ten_seconds_of_play_without_diverging(name):
    s = load_preset(name)
    assert all(r.diverged_at is None for r in s.run())
    assert s.steps / s.speed <= 10


@pytest.mark.parametrize("name", PRESETS)
def test_every_claim_of_the_preset_holds(name):
    s = load_preset(name)
    assert len(s.claims) >= 4, "a demo states its lesson as several checkable claims"
    results = claims.check(s, s.run())
    failed = [r.text for r in results if not r.passed]
    assert failed == []


@pytest.mark.parametrize("name", PRESETS)
def test_every_racer_of_the_preset_is_in_a_claim(name):
    s = load_preset(name)
    named = {c.fields[f] for c in s.claims for f in ("a", "b", "racer") if f in c.fields}
    assert named == {r.name for r in s.racers}


def test_claim_sentences_quote_the_measured_steps():
    s = load_preset("01_momentum_vs_nesterov")
    runs = dict(zip((r.name for r in s.racers), s.run()))
    surface = get_surface(s.surface)
    first = claims.check(s, list(runs.values()))[0]
    n, m = (converged_step(surface, runs[k], s.tol) for k in ("Nesterov", "Momentum"))
    assert first.text == f"Nesterov converges before Momentum (step {n} vs step {m})"
    assert first.measured == {"a": n, "b": m} and n < m


# --------------------------------------------------------------------------- numbers quoted in the texts

def uncorrected_factor(t, b1=0.9, b2=0.999):
    """How much longer Adam's step is without bias correction, for a steady gradient."""
    return (1 - b1 ** t) / math.sqrt(1 - b2 ** t)


def test_bias_correction_factors_in_the_text_follow_the_formula():
    text = load_preset("08_adam_bias_correction").explanation
    factors = [uncorrected_factor(t) for t in range(1, 1001)]
    assert f"{factors[0]:.2f} α at step 1" in text  # 3.16
    peak = int(np.argmax(factors)) + 1
    assert f"grows to {max(factors):.1f} α around step {peak}" in text  # 6.6 at step 12
    assert f"still {factors[99]:.1f} α at step 100" in text  # 3.2


def test_the_engine_steps_by_the_bias_correction_factor_on_a_steady_gradient():
    kw = dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-12)
    on = simulate("custom:x + y", "adam", (0, 0), 120, **kw)
    off = simulate("custom:x + y", "adam", (0, 0), 120, bias_correction=False, **kw)
    ratio = np.linalg.norm(np.diff(off.path, axis=0), axis=1) / np.linalg.norm(np.diff(on.path, axis=0), axis=1)
    np.testing.assert_allclose(ratio, [uncorrected_factor(t) for t in range(1, 121)], rtol=1e-9)


def test_batch_norm_trio_compares_like_with_like():
    raw, std, bn = (load_preset(n) for n in ("14_batch_norm_1_raw_features", "15_batch_norm_2_standardized_inputs",
                                             "16_batch_norm_3_batch_normalized"))
    def racers(s):
        return [(r.optimizer, r.name, r.hyper["lr"], r.hyper["beta1"]) for r in s.racers]

    assert racers(raw) == racers(std) == racers(bn) and raw.steps == std.steps == bn.steps
    steps = {}
    for s in (raw, bn):
        surface = get_surface(s.surface)
        steps[s.surface] = {r.name: converged_step(surface, t, s.tol) for r, t in zip(s.racers, s.run())}
    best_raw = steps[raw.surface]["Momentum, α = 0.1"]
    # "the larger ones converge sooner than the best racer on raw features"
    assert steps[bn.surface]["Momentum, α = 1"] < best_raw and steps[bn.surface]["Momentum, α = 3"] < best_raw
    # the numbers the texts quote
    assert f"condition number {condition_number(get_surface(raw.surface)):.0f}" in raw.explanation  # 377
    assert f"condition number {condition_number(get_surface(std.surface)):.0f}" in std.explanation  # 5
    assert f"the best loss, {get_surface(bn.surface).f_min:.2f}" in bn.explanation  # 0.45
    assert f"plain model's {get_surface(raw.surface).f_min:.2f}" in bn.explanation  # 0.30


def test_rprop_text_quotes_the_starting_gradient():
    s = load_preset("12_rprop_sign_steps")
    g = math.hypot(*get_surface(s.surface).value_and_grad(*s.start)[1:])
    assert round(g, -4) == 280_000 and "about 280 000" in s.explanation


def test_adadelta_first_step_is_sqrt_eps_over_sqrt_one_minus_rho():
    s = load_preset("11_adadelta_units")
    racer = next(r for r in s.racers if r.name == "Adadelta (ε = 10⁻⁶)")
    run = simulate(s.surface, "adadelta", s.start, 1, **racer.hyper)
    expected = math.sqrt(racer.hyper["eps"]) / math.sqrt(1 - racer.hyper["beta2"])
    np.testing.assert_allclose(np.abs(run.path[1] - run.path[0]), expected, rtol=1e-3)
    assert f"≈ {expected:.3f} per coordinate" in s.explanation
