"""Custom surfaces work everywhere a built-in one does: simulate, batches, sweeps, scenarios."""
import numpy as np
import pytest

from landscape_app import simulate, simulate_many
from landscape_app.core import scenario as sc
from landscape_app.core.custom import custom_surface
from landscape_app.core.engine import simulate_settings
from landscape_app.core.resolver import get_surface


def test_custom_quadratic_matches_the_built_in_one():
    s = custom_surface("0.5*(x**2 + 4*y**2)")
    assert s.minima[0][:2] == pytest.approx((0, 0), abs=1e-9) and s.f_min == pytest.approx(0, abs=1e-15)
    a = simulate(s.name, "nesterov", (-2.5, 1.5), 100, lr=0.05)
    b = simulate("quadratic", "nesterov", (-2.5, 1.5), 100, lr=0.05)
    np.testing.assert_allclose(a.path, b.path, rtol=1e-12, atol=1e-15)


def test_minima_of_himmelblau_are_found():
    s = custom_surface("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", (-5, 5, -5, 5))
    found = sorted((round(m[0], 6), round(m[1], 6)) for m in s.minima)
    assert (3.0, 2.0) in found and len(found) == 4
    assert all(abs(m[2]) < 1e-12 for m in s.minima)


def test_batches_and_sweeps_run_custom_surfaces_like_single_runs():
    s = custom_surface("x**2 + 10*y**2 + 0.5*sin(3*x)")
    starts = np.random.default_rng(0).uniform(-2, 2, (50, 2))
    batch = simulate_many(s.name, "adam", starts, 100, lr=0.05)
    for i in (0, 17, 49):
        np.testing.assert_allclose(batch.final[i], simulate(s.name, "adam", starts[i], 100, lr=0.05).path[-1])
    sweep = simulate_settings(s.name, "sgd", (1, 1), 50, [{"lr": 1e-3}, {"lr": 1e-2}, {"lr": 0.5}])
    assert sweep.diverged_at[2] > 0 and sweep.diverged_at[0] == -1


def test_non_finite_regions_are_reported_not_drawn():
    s = custom_surface("log(x) + y**2", (-1, 3, -1, 1))
    assert 0.2 < s.nonfinite_fraction < 0.3
    assert not np.isfinite(s.grid(np.array([-0.5]), np.array([0.0]))).any()
    run = simulate(s.name, "sgd", (0.05, 0.5), 200, lr=0.1)  # steps into log's pole: divergence is data
    assert np.isfinite(run.path).all()


def test_custom_surface_by_name_and_in_scenario_files(tmp_path):
    name = "custom:x**2 + 3*y**2"
    assert get_surface(name).formula == "x**2 + 3*y**2"
    s = sc.Scenario(surface="custom:(x-1)**2 + 5*y**2", domain=(-2, 4, -2, 2), start=(-1.5, 1.5),
                    racers=[sc.Racer("momentum", hyper={"lr": 0.05})], steps=80)
    sc.save(s, tmp_path / "c.json")
    again = sc.load(tmp_path / "c.json")
    assert again.domain == (-2, 4, -2, 2) and get_surface(again.surface).domain == (-2, 4, -2, 2)
    np.testing.assert_array_equal(s.run()[0].path, again.run()[0].path)


def test_bad_custom_surfaces_are_refused_with_a_reason(tmp_path):
    with pytest.raises(ValueError, match="not allowed"):
        get_surface("custom:__import__('os')")
    with pytest.raises(ValueError, match="domain"):
        custom_surface("x**2 + y**2", (1, -1, 0, 1))
    with pytest.raises(ValueError, match="no finite value"):
        custom_surface("log(-1 - x**2) + y", (-1, 1, -1, 1))
    (tmp_path / "bad.json").write_text('{"schema_version": 1, "surface": "custom:os.system(1)", "start": [0, 0],'
                                       ' "racers": []}')
    with pytest.raises(sc.ScenarioError, match="surface: calling “os.system” is not allowed"):
        sc.load(tmp_path / "bad.json")
