"""The 3-D view's heights and colours (pure NumPy: runs anywhere, no OpenGL)."""
import numpy as np
import pytest

from landscape_app.core.resolver import get_surface
from landscape_app.ui import landscape_image
from landscape_app.ui.colormap import landscape_colormap
from landscape_app.ui.height_map import HeightMap, clip_segments, nice_ticks


def height_map(name="rosenbrock", n=64, log=False, exaggeration=1.0, extent=None):
    s = get_surface(name)
    image = landscape_image.render(s, extent or s.domain, n=n)
    lut = landscape_colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
    return s, HeightMap(image, lut, log=log, exaggeration=exaggeration)


def test_log_height_is_log_of_the_gap_and_the_axis_reads_original_units():
    s, hm = height_map("rosenbrock", log=True)
    gaps = np.array([1e-3, 0.1, 1.0, 10.0, 100.0, 1000.0])
    z = hm.z_of_gap(gaps)
    assert np.all(np.diff(z) > 0)
    assert 0 < hm.delta < 1  # δ keeps a minimum of exactly 0 at a finite depth
    assert np.allclose(z, (np.log10(gaps + hm.delta) - hm.lo) / (hm.hi - hm.lo) * hm.top)
    assert np.allclose(hm.gap_of_z(z), gaps, rtol=1e-9)
    ticks = hm.ticks()
    labels = [text for _, text in ticks]
    assert "1000" in labels and "1" in labels
    for z_tick, text in ticks:  # every label is the gap at its own height, in f's units
        assert hm.gap_of_z(z_tick) == pytest.approx(value_of(text), rel=1e-6)


def value_of(label: str) -> float:
    """Read a tick label back ("1000", "10⁻³", "2·10⁵")."""
    digits = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
    if any(c in label for c in "⁰¹²³⁴⁵⁶⁷⁸⁹"):
        mantissa, _, power = label.rpartition("10")
        return (float(mantissa.rstrip("·")) if mantissa else 1.0) * 10.0 ** int(power.translate(digits))
    return float(label)


def test_linear_height_spans_the_range_and_ticks_are_evenly_spaced():
    s, hm = height_map("ravine")
    assert hm.z.min() == pytest.approx(0.0, abs=1e-6) and hm.z.max() == pytest.approx(hm.top)
    values = [float(text) for _, text in hm.ticks()]
    assert values[0] == 0 and np.allclose(np.diff(values), values[1] - values[0])
    assert nice_ticks(-5.5, 5.5) == [-5.0, 0.0, 5.0] and nice_ticks(-2, 2) == [-2.0, -1.0, 0.0, 1.0, 2.0]


def test_exaggeration_scales_heights_only():
    _, a = height_map("ravine", exaggeration=1.0)
    _, b = height_map("ravine", exaggeration=2.5)
    assert np.allclose(b.z, 2.5 * a.z, atol=1e-5)
    assert np.array_equal(a.x, b.x) and b.lift == pytest.approx(2.5 * a.lift)


def test_colours_are_the_2d_colours_where_the_surface_is_flat():
    s, hm = height_map("plateau", n=48)
    lut = landscape_colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
    position = hm.image.colour.T.reshape(-1)
    expected = lut[np.rint(position * 255).astype(int)] / 255.0
    gx, gy = np.gradient(hm.z.astype(float), hm.x.astype(float), hm.y.astype(float))
    flat = (np.hypot(gx, gy) < 1e-3).reshape(-1)
    assert flat.sum() > 10
    assert np.allclose(hm.colours[flat, :3], expected[flat], atol=0.02)
    assert hm.colours.shape == (48 * 48, 4) and hm.colours.dtype == np.float32


def test_building_colours_leaves_the_shared_colour_maps_alone():
    import pyqtgraph as pg

    before = pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 16).copy()
    height_map("beale", log=True)
    assert np.array_equal(pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 16), before)


def test_trail_points_sit_on_the_mesh_plus_the_lift():
    s, hm = height_map("himmelblau", n=40)
    rng = np.random.default_rng(1)
    x0, x1, y0, y1 = s.domain
    x, y = rng.uniform(x0, x1, 200), rng.uniform(y0, y1, 200)
    pos = hm.lifted(x, y)
    assert np.allclose(pos[:, 2] - hm.z_at(pos[:, 0], pos[:, 1]), hm.lift, atol=1e-5)
    # at grid points the mesh height is the grid's
    i, j = 7, 23
    xw, yw = hm.x[i], hm.y[j]
    assert hm.z_at(xw, yw) == pytest.approx(hm.z[i, j], abs=1e-6)


def test_a_trail_is_clipped_to_the_map_and_diverged_steps_dropped():
    path = np.array([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0], [np.inf, 0.0], [0.5, 0.5]])
    pairs, steps = clip_segments(path, (-1, 3, -1, 1))
    assert list(steps) == [0, 1]  # 0→1 inside, 1→2 clipped at x = 3, the rest not finite
    assert np.allclose(pairs, [[0, 0], [2, 0], [2, 0], [3, 0]])
    assert clip_segments(path[:1], (-1, 1, -1, 1))[0].shape == (0, 2)


def test_a_ray_straight_down_hits_the_point_below_it():
    s, hm = height_map("quadratic", n=64)
    for x, y in ((0.5, -1.0), (-2.0, 2.2), (0.0, 0.0)):
        xw, yw = hm.to_world(x, y)
        hit = hm.ray_hit((xw, yw, 5.0), (0.0, 0.0, -1.0))
        assert hit == pytest.approx((x, y), abs=1e-9)
    assert hm.ray_hit((5.0, 5.0, 5.0), (0.0, 0.0, -1.0)) is None  # beside the surface
    assert hm.ray_hit((0.0, 0.0, 5.0), (0.0, 0.0, 1.0)) is None  # looking away


def test_a_slanted_ray_hits_where_it_crosses_the_mesh():
    s, hm = height_map("rastrigin", n=64, log=False)
    origin, direction = np.array([-1.5, -1.2, 1.5]), np.array([1.0, 0.8, -1.0])
    x, y = hm.ray_hit(origin, direction)
    xw, yw = hm.to_world(x, y)
    t = (xw - origin[0]) / direction[0]
    assert yw == pytest.approx(origin[1] + t * direction[1], abs=1e-6)
    assert origin[2] + t * direction[2] == pytest.approx(float(hm.z_at(xw, yw)), abs=1e-6)
    # and nothing nearer along the ray is below the surface
    ts = np.linspace(0, t, 400)[:-1]
    p = origin + np.outer(ts, direction)
    inside = (np.abs(p[:, 0]) <= 1) & (np.abs(p[:, 1]) <= 1)
    assert np.all(p[inside, 2] >= hm.z_at(p[inside, 0], p[inside, 1]) - 1e-9)
