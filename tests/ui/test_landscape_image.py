"""The landscape picture: readable colours and isolines on every registered surface."""
import numpy as np
import pytest

from landscape_app.core.resolver import get_surface
from landscape_app.core.surfaces import SURFACES
from landscape_app.ui import landscape_image
from landscape_app.ui.landscape_image import INK_BUDGET, LEVELS, ColourScale, isolines, label_of, render


@pytest.mark.parametrize("name", list(SURFACES))
def test_every_surface_renders_colours_isolines_and_ticks(name):
    s = SURFACES[name]
    img = render(s, s.domain, n=120)
    assert np.isfinite(img.colour).all() and 0 <= img.colour.min() and img.colour.max() <= 1
    assert img.colour.std() > 0.15  # uses the colour map, not one flat colour
    assert len(img.lines_x) > 0 and np.isnan(img.lines_x).any()  # several NaN-separated isolines
    positions = [p for p, _ in img.ticks]
    assert len(img.ticks) >= 2 and positions == sorted(positions)


def test_a_plateau_is_not_one_flat_colour():
    s = get_surface("plateau")
    img = render(s, s.domain, n=160)
    xs = np.linspace(*s.domain[:2], 160)
    ys = np.linspace(*s.domain[2:], 160)
    r = np.hypot(*np.meshgrid(xs, ys))
    plain = img.colour[r > 3]  # where f is within a few thousandths of its maximum
    assert plain.max() - plain.min() > 0.2
    lines_r = np.hypot(img.lines_x, img.lines_y)
    assert (lines_r[np.isfinite(lines_r)] > 3).any()  # isolines reach into the plain


def test_egg_crate_surfaces_get_fewer_levels_instead_of_hatching(monkeypatch):
    s = get_surface("rastrigin")
    img = render(s, s.domain)
    monkeypatch.setattr(landscape_image, "INK_BUDGET", np.inf)
    dense = render(s, s.domain)  # what a fixed level count would draw

    def ink(image):
        width = (s.domain[1] - s.domain[0] + s.domain[3] - s.domain[2]) / 2
        return (np.nansum(np.abs(np.diff(image.lines_x))) + np.nansum(np.abs(np.diff(image.lines_y)))) / width

    assert len(img.levels) <= LEVELS // 2
    assert ink(img) < 2 * INK_BUDGET < ink(dense)


def test_colour_ticks_are_labelled_in_f_minus_f_min():
    gap = np.linspace(0, 100, 10_000).reshape(100, 100)
    scale = ColourScale(gap, log=False)
    ticks = dict((label, pos) for pos, label in scale.ticks())
    assert "50" in ticks and "100" not in ticks  # 100 sits at the clipped top
    assert scale.position(50.0) == pytest.approx(ticks["50"])
    assert 0.5 < ticks["50"] < 1
    assert [label_of(g) for g in (0.5, 20, 1e4, 2e-5)] == ["0.5", "20", "10⁴", "2·10⁻⁵"]


@pytest.mark.parametrize("name", ["rosenbrock", "rastrigin", "ackley"])
def test_isolines_are_contourpys_lines_each_ended_by_a_gap(name):
    """One array for every level (one draw call): each of contourpy's separate lines, in order,
    followed by a NaN row; the ink is their summed Manhattan length."""
    import contourpy

    surface = SURFACES[name]
    x0, x1, y0, y1 = surface.domain
    xs, ys = np.linspace(x0, x1, 120), np.linspace(y0, y1, 100)
    z = np.sqrt(np.maximum(surface.grid(xs, ys) - surface.f_min, 0.0))
    z = z / z.max()
    levels = np.linspace(0, 1, 9)[1:-1]
    separate = contourpy.contour_generator(xs, ys, z, line_type=contourpy.LineType.Separate)
    expected = [piece for level in levels for line in separate.lines(level) for piece in (line, [[np.nan, np.nan]])]
    expected = np.concatenate(expected)
    ink = sum(np.abs(np.diff(line, axis=0)).sum() for level in levels for line in separate.lines(level))
    combined = contourpy.contour_generator(xs, ys, z, line_type=contourpy.LineType.ChunkCombinedNan)
    lx, ly, got_ink = isolines(combined, levels)
    np.testing.assert_array_equal(lx, expected[:, 0])
    np.testing.assert_array_equal(ly, expected[:, 1])
    assert got_ink == pytest.approx(ink, rel=1e-12)
