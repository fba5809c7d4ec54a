"""The landscape at true geometry: x and y at one scale by default (gradients cross isolines at right
angles, the ravine's valley runs at its 20°), a toggle that stretches them and says so, the whole
domain after Reset view, global and local minima marked apart, a batch-normalized surface's
minimizing ray, and step vectors at a scale fixed by the surface and the zoom."""
import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from landscape_app.core.resolver import get_surface
from landscape_app.core.standings import is_global
from landscape_app.core.surfaces import SURFACES

BN = "data:logistic?n=200&seed=0&scale=10&standardize=0&bn=1"


def pixel_angle(view, origin, direction) -> float:
    """The angle (degrees, counter-clockwise from +x) a data-space direction is drawn at on screen."""
    a = view.vb.mapViewToScene(QPointF(*origin))
    b = view.vb.mapViewToScene(QPointF(origin[0] + direction[0], origin[1] + direction[1]))
    return math.degrees(math.atan2(-(b.y() - a.y()), b.x() - a.x()))  # the screen's y points down


def pixel_direction(view, origin, direction) -> np.ndarray:
    a = view.vb.mapViewToScene(QPointF(*origin))
    b = view.vb.mapViewToScene(QPointF(origin[0] + direction[0], origin[1] + direction[1]))
    return np.array([b.x() - a.x(), b.y() - a.y()])


def valley_direction(surface) -> np.ndarray:
    """The flattest direction at the minimum: the Hessian's eigenvector of the smallest eigenvalue
    (central differences of the exact gradient)."""
    x, y, _ = surface.minima[0]
    h = 1e-5
    cols = [(np.array(surface.value_and_grad(x + h * e[0], y + h * e[1])[1:])
             - np.array(surface.value_and_grad(x - h * e[0], y - h * e[1])[1:])) / (2 * h) for e in np.eye(2)]
    w, v = np.linalg.eigh(np.column_stack(cols))
    return v[:, 0] * np.sign(v[0, 0])


@pytest.mark.parametrize("surface", ["ravine", "plateau", "rosenbrock", "local_minima", "saddle", BN])
@pytest.mark.parametrize("size", [(1300, 850), (1500, 700)])
def test_x_and_y_are_drawn_at_one_scale_and_the_whole_domain_is_shown(window, qtbot, surface, size):
    window.resize(*size)
    window.state.set_surface(surface)
    qtbot.wait(30)
    view = window.view
    unit_x, unit_y = (np.linalg.norm(pixel_direction(view, (0, 0), e)) for e in ((1, 0), (0, 1)))
    assert unit_y == pytest.approx(unit_x, rel=0.01)  # a unit of x and of y are as long on screen
    assert view.pixel_aspect() == pytest.approx(1.0, rel=0.01)
    x0, x1, y0, y1 = view.visible_extent()
    d = window.state.surface.domain
    tol = 1e-9 * max(d[1] - d[0], d[3] - d[2])
    assert x0 <= d[0] + tol and x1 >= d[1] - tol and y0 <= d[2] + tol and y1 >= d[3] - tol
    # …and it fits one side: no view smaller than the domain, none needlessly larger
    assert min((x1 - x0) / (d[1] - d[0]), (y1 - y0) / (d[3] - d[2])) == pytest.approx(1.0, rel=1e-6)


def test_the_ravines_valley_is_drawn_at_20_degrees(window, qtbot):
    window.state.set_surface("ravine")
    qtbot.wait(20)
    s = window.state.surface
    u = valley_direction(s)
    assert math.degrees(math.atan2(u[1], u[0])) == pytest.approx(20.0, abs=1e-3)  # the surface's own claim
    assert pixel_angle(window.view, s.minima[0][:2], u) == pytest.approx(20.0, abs=0.2)
    window.view.stretch_action.trigger()  # stretched, the same valley is drawn at another angle
    qtbot.wait(20)
    assert abs(pixel_angle(window.view, s.minima[0][:2], u) - 20.0) > 1.0


def isoline_crossings(view, surface, n: int = 40) -> list[float]:
    """Angles (degrees) between drawn isoline segments and the gradient at their midpoints, on screen."""
    xs, ys = view.isolines.xData, view.isolines.yData
    ok = np.flatnonzero(np.isfinite(xs[:-1]) & np.isfinite(xs[1:]))
    rng = np.random.default_rng(0)
    angles = []
    for k in rng.choice(ok, size=min(n, len(ok)), replace=False):
        p, q = np.array([xs[k], ys[k]]), np.array([xs[k + 1], ys[k + 1]])
        mid = (p + q) / 2
        _, gx, gy = surface.value_and_grad(*mid)
        g = np.array([gx, gy])
        if np.linalg.norm(q - p) == 0 or np.linalg.norm(g) == 0:
            continue
        t = pixel_direction(view, mid, q - p)
        gp = pixel_direction(view, mid, 1e-3 * g / np.linalg.norm(g))
        cos = abs(t @ gp) / (np.linalg.norm(t) * np.linalg.norm(gp))
        angles.append(math.degrees(math.acos(min(cos, 1.0))))
    return angles


def test_gradients_cross_the_drawn_isolines_at_right_angles(window, qtbot):
    window.state.set_surface("ravine")
    qtbot.wait(20)
    angles = isoline_crossings(window.view, window.state.surface)
    assert len(angles) >= 30 and np.median(angles) > 88.0  # segments of a 240² grid: nearly exact
    window.view.stretch_action.trigger()
    qtbot.wait(200)  # the landscape is redrawn for the new view (debounced)
    assert np.median(isoline_crossings(window.view, window.state.surface)) < 85.0


def test_stretching_fills_the_view_and_says_so_on_the_plot(window, qtbot):
    view = window.view
    window.state.set_surface("ravine")
    assert not view.notes.isVisible() or "stretched" not in view.notes.toPlainText()
    view.stretch_action.trigger()
    qtbot.wait(20)
    assert view.stretched and view.pixel_aspect() != pytest.approx(1.0, rel=0.01)
    np.testing.assert_allclose(view.visible_extent(), window.state.surface.domain, atol=1e-9)
    assert view.notes.isVisible() and "stretched: x and y at different scales" in view.notes.toPlainText()
    x0, _, y0, _ = view.visible_extent()  # the note sits in the plot's bottom-left corner
    assert (view.notes.pos().x(), view.notes.pos().y()) == pytest.approx((x0, y0))
    view.stretch_action.trigger()
    qtbot.wait(20)
    assert view.pixel_aspect() == pytest.approx(1.0, rel=0.01) and "stretched" not in view.notes.toPlainText()


def test_the_trails_are_decimated_with_the_views_own_pixel_size(window, qtbot, settle):
    """After the axes are locked or unlocked, the trails are thinned for the pixels now on screen
    (pyqtgraph's cached viewPixelSize kept the old ones)."""
    from landscape_app.ui.trail_decimation import visible_steps

    view, state = window.view, window.state
    state.set_step(state.max_steps)
    for stretched in (False, True, False):
        view.set_stretched(stretched)
        qtbot.wait(20)
        unit_x, unit_y = (np.linalg.norm(pixel_direction(view, (0, 0), e)) for e in ((1, 0), (0, 1)))
        pw, ph = view.pixel_size()
        assert (pw * unit_x, ph * unit_y) == pytest.approx((1, 1), rel=0.005)  # the transform on screen
        for run, kept in zip(state.runs, view._kept_steps()):
            np.testing.assert_array_equal(kept, visible_steps(run.path, pw, ph, view.visible_extent()))


def test_global_and_local_minima_are_marked_apart(window, qtbot):
    state = window.state
    state.set_surface("local_minima")
    s, marks = state.surface, window.view.minima
    kinds = ["global" if is_global(s, k, state.scenario.tol) else "local" for k in range(len(s.minima))]
    assert kinds.count("global") == 1 and kinds.count("local") == 3 and marks.kinds == kinds
    glob = np.column_stack(marks.glob.getData())
    local = np.column_stack(marks.local.getData())
    np.testing.assert_allclose(glob, [m[:2] for m, k in zip(s.minima, kinds) if k == "global"])
    np.testing.assert_allclose(local, [m[:2] for m, k in zip(s.minima, kinds) if k == "local"])
    assert marks.glob.opts["brush"].color().alpha() > 200 and marks.local.opts["brush"].color().alpha() == 0
    # the key is in the legend line above the picture: in a corner it hid some of Rastrigin's stars
    title = window.view.getPlotItem().titleLabel.text
    assert "★ global minimum" in title and "☆ local minimum" in title and not window.view.notes.isVisible()
    state.set_surface("ravine")  # one minimum: nothing to tell apart, no key
    title = window.view.getPlotItem().titleLabel.text
    assert window.view.minima.kinds == ["global"] and "minimum" not in title and "SGD" in title


def test_the_key_to_the_stars_is_in_every_legend_and_never_on_the_picture(window, qtbot):
    """In the plot's corner, the key hid some of Rastrigin's hundred stars: it goes in the legend
    line above the picture, the story line while presenting, and an exported frame's legend."""
    from landscape_app.ui import scene

    state = window.state
    state.set_surface("rastrigin")
    window.present_action.setChecked(True)
    qtbot.waitUntil(lambda: window.isFullScreen() and window.presentation_settled())
    assert "★ global minimum" in window.story.text() and "☆ local minimum" in window.story.text()
    assert not window.view.notes.isVisible()
    window.present_action.setChecked(False)
    qtbot.waitUntil(window.presentation_settled)
    assert "☆ local minimum" in window.view.getPlotItem().titleLabel.text and not window.view.notes.isVisible()
    frame = scene.Scene(state.scenario, (640, 480))
    try:
        assert "★ global minimum" in frame.legend.text() and not frame.view.notes.isVisible()
    finally:
        frame.close()


def test_a_batch_normalized_surface_shows_its_minimum_as_a_ray(window, qtbot, settle):
    state = window.state
    state.set_surface(BN)
    settle(state)
    s, marks = state.surface, window.view.minima
    assert marks.kinds == ["ray"] and marks.ray.isVisible() and len(marks.glob.getData()[0]) == 0
    x, y = marks.ray.getData()
    assert (x[0], y[0]) == (0.0, 0.0)
    u = np.array(s.minima[0][:2]) / math.hypot(*s.minima[0][:2])
    end = np.array([x[-1], y[-1]])
    assert np.linalg.norm(end) > 10 * (s.domain[1] - s.domain[0])  # out of any view
    np.testing.assert_allclose(end / np.linalg.norm(end), u)
    assert "the minimum is a ray" in window.view.getPlotItem().titleLabel.text
    state.set_surface("ravine")
    assert not marks.ray.isVisible()


# --------------------------------------------------------------------------- step vectors

def test_step_vectors_keep_their_scale_at_convergence(window, qtbot):
    """The issue's "arrows ×3.1e+22": at convergence the rounding noise of a vanishing gradient was
    magnified to fill the view.  The scale is now the surface's and the zoom's, at every step."""
    state, view = window.state, window.view
    state.select(0)  # SGD on the ravine converges well before step 500
    window.vectors_action.setChecked(True)
    state.set_step(0)
    scale = view.vectors.scale
    assert math.log10(scale) == round(math.log10(scale))  # a power of ten
    state.set_step(state.max_steps)
    assert view.vectors.scale == scale
    caption = view.vectors.caption.textItem.toPlainText()
    assert "arrows at true size" in caption if scale == 1 else "fixed for this surface and zoom" in caption
    assert "shorter than a pixel" in caption  # the vanished step is said, not drawn
    assert not any(a.isVisible() for a in view.vectors.arrows)


def test_arrows_at_true_size_end_on_the_next_point(window, qtbot):
    state, view = window.state, window.view
    state.select(1)  # Momentum
    state.set_step(3)
    window.vectors_action.setChecked(True)
    assert view.vectors.scale == 1.0
    run = state.runs[1]
    tips = [np.array(s.getData()).T[-1] for s in view.vectors.shafts if s.isVisible()]
    assert any(np.allclose(tip, run.path[4]) for tip in tips)


def test_the_arrow_scale_follows_the_zoom_not_the_vectors(window, qtbot):
    from landscape_app.ui.step_vectors import arrow_scale

    from landscape_app.ui.step_vectors import scale_text

    s = get_surface("plateau")
    assert arrow_scale(s, s.domain) == 10  # plain gradient steps on a plateau are short
    assert arrow_scale(SURFACES["ravine"], SURFACES["ravine"].domain) == 1
    # on a quadratic bowl the gradient shrinks with the view: zooming keeps the scale
    assert arrow_scale(SURFACES["ravine"], (-0.1, 0.1, -0.1, 0.1)) == 1
    # on the plateau it depends on where you look: the basin at true size, the flat plain ×10⁴
    assert arrow_scale(s, (-1, 1, -1, 1)) == 1 and arrow_scale(s, (3, 5, -4, -2)) == 1e4
    # never shrunk: Beale's steep corners would ask for ×0.01, its arrows stay at true size
    assert arrow_scale(SURFACES["beale"], SURFACES["beale"].domain) == 1
    assert scale_text(1e6) == "arrows ×10⁶ (fixed for this surface and zoom)" and scale_text(10) .startswith("arrows ×10 ")


def test_step_vectors_survive_a_demo_with_fewer_racers_computing_in_the_background(window, qtbot, settle):
    """Found by the GUI monkey: with vectors on and the fifth racer selected, loading a demo of three
    racers on a data surface (runs computed in a worker) moved the view while the old five runs were
    still on show, and the vectors looked up racer 5 of 3."""
    from landscape_app.core.presets import preset_files, title_of

    state = window.state
    window.vectors_action.setChecked(True)
    state.select(4)
    title = title_of(next(p for p in preset_files() if p.stem == "16_batch_norm_3_batch_normalized"))
    next(a for a in window.file_actions.demo_actions if a.text() == title).trigger()
    settle(state)
    assert len(state.racers) == 3 and len(state.runs) == 3


def test_the_domain_is_framed_and_the_map_beyond_it_faded(window, qtbot):
    """At equal scales the view is wider than the domain: demo 4's racer "thrown out of the domain"
    lands at x = 3.73, inside the window but outside the frame, which is what the claim means."""
    from landscape_app.core.presets import load_preset

    state, view = window.state, window.view
    state.apply(load_preset("04_clipping_on_the_cliff"), "open demo 4")
    qtbot.waitUntil(lambda: not state.busy, timeout=10_000)
    x0, x1, y0, y1 = state.surface.domain
    (vx0, vx1), (vy0, vy1) = view.vb.viewRange()
    assert vx0 < x0 and x1 < vx1  # the window shows more than the domain
    veil, edge = view.frame.path(), view.frame.edge.path()
    assert not veil.contains(QPointF((x0 + x1) / 2, (y0 + y1) / 2))  # the domain itself is not faded
    assert veil.contains(QPointF(x1 + 0.05 * (x1 - x0), (y0 + y1) / 2))
    assert veil.contains(QPointF(vx0 + 1e-3, vy1 - 1e-3))
    box = edge.boundingRect()
    assert (box.left(), box.right(), box.top(), box.bottom()) == pytest.approx((x0, x1, y0, y1))
    unclipped = next(i for i, r in enumerate(state.racers) if "no clipping" in r.name)
    path = state.runs[unclipped].path
    assert path[:, 0].max() > x1 and path[:, 0].max() < vx1  # out of the frame, still in the window

def test_a_long_legend_wraps_and_leaves_the_colour_bar_in_the_window(window, qtbot, settle):
    """The legend is the plot's title, whose width is a minimum of the plot's column: demo 9's five
    racers at 1280 px pushed the colour bar out of the window."""
    view = window.view
    next(a for a in window.file_actions.demo_actions if a.text().startswith("EMA momentum")).trigger()
    settle(window.state)
    window.resize(1024, 640)
    qtbot.wait(100)
    bar = view.colorbar.mapRectToScene(view.colorbar.boundingRect())
    assert bar.right() <= view.width() + 1
    assert "<br>" in view.getPlotItem().titleLabel.text  # on two lines, broken between racers
    window.resize(1600, 1000)
    qtbot.wait(100)
    assert "<br>" not in view.getPlotItem().titleLabel.text
