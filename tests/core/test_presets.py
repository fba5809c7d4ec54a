"""The classroom demos load, round-trip, and show their lesson."""
import numpy as np
import pytest

from landscape_app.core import scenario as sc
from landscape_app.core.presets import load_preset, preset_files
from landscape_app.core.resolver import get_surface

PRESETS = [p.stem for p in preset_files()]


def test_there_are_the_nine_demos():
    assert len(PRESETS) >= 9


@pytest.mark.parametrize("name", PRESETS)
def test_preset_round_trips_to_identical_trajectories(name, tmp_path):
    s = load_preset(name)
    assert s.title and len(s.explanation) > 150 and s.racers
    sc.save(s, tmp_path / "again.json")
    again = sc.load(tmp_path / "again.json")
    assert again.to_dict() == s.to_dict()
    for a, b in zip(s.run(), again.run()):
        np.testing.assert_array_equal(a.path, b.path)


@pytest.mark.parametrize("name", PRESETS)
def test_preset_lesson_is_visible_within_ten_seconds_of_play(name):
    s = load_preset(name)
    runs = s.run()
    assert all(r.diverged_at is None for r in runs)
    assert s.steps / s.speed <= 10  # the whole race fits in ~10 s of play


def final_gap(s, runs):
    return [r.loss[-1] - get_surface(s.surface).f_min for r in runs]


def test_nesterov_beats_momentum_in_the_ravine():
    s = load_preset("01_momentum_vs_nesterov")
    sgd, mom, nest = s.run()
    assert nest.converged_at < mom.converged_at < sgd.converged_at


def test_adam_escapes_the_plateau_long_before_sgd():
    s = load_preset("02_sgd_vs_adam_plateau")
    runs = {r.name: t for r, t in zip(s.racers, s.run())}
    assert runs["Adam"].converged_at < runs["SGD"].converged_at / 3


def test_sgd_lingers_at_the_saddle_longer_than_momentum_and_adam():
    s = load_preset("03_escaping_the_saddle")
    near = [int((np.linalg.norm(t.path, axis=1) < 0.3).sum()) for t in s.run()]
    assert near[0] > 3 * near[1] and near[0] > 3 * near[2]


def test_clipping_saves_the_racer_at_the_cliff():
    s = load_preset("04_clipping_on_the_cliff")
    raw, clipped = s.run()
    assert np.linalg.norm(np.diff(raw.path, axis=0), axis=1).max() > 5 * np.linalg.norm(
        np.diff(clipped.path, axis=0), axis=1).max()


def test_one_start_three_different_minima():
    s = load_preset("05_start_decides_the_minimum")
    minima = get_surface(s.surface).minima
    wells = {int(np.argmin([np.hypot(*(t.path[-1] - m[:2])) for m in minima])) for t in s.run()}
    assert len(wells) == 3


def test_more_noise_ends_farther_from_the_minimum():
    s = load_preset("06_noisy_gradients")
    gaps = [np.mean(t.loss[-100:]) for t in s.run()]
    assert gaps == sorted(gaps)


def test_decay_beats_a_constant_rate_under_noise():
    s = load_preset("07_decay_schedules")
    gaps = [np.mean(t.loss[-50:]) for t in s.run()]
    assert min(gaps[1:]) < gaps[0] / 5


def test_bias_correction_changes_the_first_steps():
    corrected, raw = load_preset("08_adam_bias_correction").run()
    first = [np.linalg.norm(t.path[1] - t.path[0]) for t in (corrected, raw)]
    assert first[1] > 2 * first[0]


def test_momentum_forms_agree_at_constant_rate_and_split_with_decay():
    classical, ema, ema10, classical_decay, inside_decay = load_preset("09_ema_vs_classical_momentum").run()
    np.testing.assert_allclose(ema10.path, classical.path, atol=1e-9)
    assert np.abs(classical_decay.path - inside_decay.path).max() > 1e-2
