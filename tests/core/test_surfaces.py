"""Every surface: exact gradients, documented minima, and the lesson it is built to show."""
import math

import numpy as np
import pytest

from landscape_app import simulate
from landscape_app.core.surfaces import SURFACES, evaluate

NAMES = ["quadratic", "rosenbrock", "ravine", "plateau", "saddle", "cliff", "local_minima", "beale", "himmelblau",
         "rastrigin", "ackley", "booth", "six_hump_camel", "goldstein_price", "styblinski_tang", "matyas"]
BUILT_IN = [SURFACES[n] for n in NAMES]


def test_registry_holds_exactly_the_documented_surfaces():
    assert [n for n in SURFACES if ":" not in n] == NAMES  # custom: and data: ones come and go
    for s in BUILT_IN:
        assert s.title and len(s.story) > 60 and s.lr > 0
        x0, x1, y0, y1 = s.domain
        assert x0 < s.start[0] < x1 and y0 < s.start[1] < y1


@pytest.mark.parametrize("s", BUILT_IN, ids=NAMES)
def test_analytic_gradient_matches_central_differences(s):
    rng = np.random.default_rng(s.sid)
    x0, x1, y0, y1 = s.domain
    for x, y in np.column_stack([rng.uniform(x0, x1, 250), rng.uniform(y0, y1, 250)]):
        f, gx, gy = s.value_and_grad(x, y)
        h = 1e-6 * max(1.0, abs(x), abs(y))
        nx = (s.value_and_grad(x + h, y)[0] - s.value_and_grad(x - h, y)[0]) / (2 * h)
        ny = (s.value_and_grad(x, y + h)[0] - s.value_and_grad(x, y - h)[0]) / (2 * h)
        scale = 1e-6 * max(1.0, abs(f) / h * 1e-9, abs(gx), abs(gy))  # FD noise grows with |f|/h
        assert abs(nx - gx) <= 1e-4 * abs(gx) + scale * 10, (x, y, gx, nx)
        assert abs(ny - gy) <= 1e-4 * abs(gy) + scale * 10, (x, y, gy, ny)


@pytest.mark.parametrize("s", BUILT_IN, ids=NAMES)
def test_listed_minima_are_stationary_with_their_documented_values(s):
    x0, x1, y0, y1 = s.domain
    for mx, my, mf in s.minima:
        assert x0 <= mx <= x1 and y0 <= my <= y1
        f, gx, gy = s.value_and_grad(mx, my)
        assert f == pytest.approx(mf, rel=1e-9, abs=1e-12)
        assert math.hypot(gx, gy) <= 1e-7 * max(1.0, abs(f))
        # a minimum, not a saddle: every small step goes up
        for a in np.linspace(0, 2 * np.pi, 12, endpoint=False):
            assert s.value_and_grad(mx + 1e-3 * np.cos(a), my + 1e-3 * np.sin(a))[0] >= f - 1e-12
    assert s.f_min == min(m[2] for m in s.minima)


@pytest.mark.parametrize("s", BUILT_IN, ids=NAMES)
def test_nothing_on_the_domain_is_below_the_global_minimum(s):
    x0, x1, y0, y1 = s.domain
    z = s.grid(np.linspace(x0, x1, 401), np.linspace(y0, y1, 401))
    assert np.isfinite(z).all()
    assert z.min() >= s.f_min - 1e-9 * max(1.0, abs(s.f_min))


def test_dispatcher_reaches_every_surface():
    for s in BUILT_IN:
        for x, y in ((0.3, -0.7), s.start):
            assert evaluate(s.sid, x, y) == s.kernel(x, y)


def test_ackley_gradient_is_finite_at_the_origin():
    assert SURFACES["ackley"].value_and_grad(0.0, 0.0) == pytest.approx((0.0, 0.0, 0.0), abs=1e-12)


def hessian(s, x, y, h=1e-5):
    gx1, gy1 = s.value_and_grad(x + h, y)[1:]
    gx0, gy0 = s.value_and_grad(x - h, y)[1:]
    gx3, gy3 = s.value_and_grad(x, y + h)[1:]
    gx2, gy2 = s.value_and_grad(x, y - h)[1:]
    return np.array([[gx1 - gx0, gx3 - gx2], [gy1 - gy0, gy3 - gy2]]) / (2 * h)


def test_ravine_is_ill_conditioned_and_gd_zigzags_at_its_suggested_rate():
    s = SURFACES["ravine"]
    eig = np.linalg.eigvalsh(hessian(s, 0, 0))
    assert eig.max() / eig.min() >= 50
    assert 0.9 * 2 / eig.max() < s.lr < 2 / eig.max()  # just below GD's limit: the zig-zag lasts
    gd = simulate("ravine", "sgd", s.start, 300, lr=s.lr)
    steps = np.diff(gd.path, axis=0)
    across = np.array([-np.sin(np.radians(20)), np.cos(np.radians(20))])
    signs = np.sign(steps[:40] @ across)
    assert np.all(signs[1:] != signs[:-1])  # every one of the first 40 steps crosses the valley
    assert gd.converged_at is not None and gd.diverged_at is None


def test_plateau_is_flat_so_sgd_crawls_while_adam_escapes():
    s = SURFACES["plateau"]
    x0, x1, y0, y1 = s.domain
    rng = np.random.default_rng(0)
    norms = [math.hypot(*s.value_and_grad(x, y)[1:]) for x, y in
             zip(rng.uniform(x0, x1, 2000), rng.uniform(y0, y1, 2000))]
    assert np.mean(np.array(norms) < 1e-2) > 0.5
    sgd = simulate("plateau", "sgd", s.start, 150, lr=s.lr)
    adam = simulate("plateau", "adam", s.start, 150, lr=0.1)
    assert sgd.loss[-1] > 0.99 and adam.loss[-1] < 0.01


def test_saddle_slows_gradient_descent_then_lets_it_escape():
    s = SURFACES["saddle"]
    run = simulate("saddle", "sgd", s.start, 300, lr=s.lr)
    speeds = np.linalg.norm(np.diff(run.path, axis=0), axis=1)
    arrived = np.argmax(run.loss < -0.24)
    slowest = speeds[:arrived].argmin()
    assert 10 < slowest < arrived and np.linalg.norm(run.path[slowest]) < 0.2  # lingers at the saddle
    assert speeds[slowest] < 0.05 * speeds[0]
    assert run.loss[-1] == pytest.approx(-0.25, abs=1e-6)  # and escapes to a minimum


def test_cliff_throws_an_unclipped_step_far_and_clipping_saves_it():
    s = SURFACES["cliff"]
    raw = simulate("cliff", "sgd", s.start, 200, lr=s.lr)
    clipped = simulate("cliff", "sgd", s.start, 200, lr=s.lr, clip_norm=1.0)
    raw_steps = np.linalg.norm(np.diff(raw.path, axis=0), axis=1)
    clipped_steps = np.linalg.norm(np.diff(clipped.path, axis=0), axis=1)
    assert raw_steps.max() > 10 * clipped_steps.max()
    assert raw.diverged_at is None and clipped.loss[-1] - s.f_min < 1e-6


def test_local_minima_start_decides_the_ending():
    s = SURFACES["local_minima"]
    endings = set()
    for mx, my, _ in s.minima:
        run = simulate("local_minima", "sgd", (mx + 0.3, my - 0.2), 400, lr=s.lr)
        endings.add(min(range(len(s.minima)), key=lambda k: np.hypot(*(run.path[-1] - s.minima[k][:2]))))
    assert endings == set(range(len(s.minima)))
    assert len({round(m[2], 3) for m in s.minima}) == len(s.minima)  # different depths


@pytest.mark.parametrize("s", BUILT_IN, ids=NAMES)
def test_every_local_minimum_in_the_domain_is_listed(s):
    """Newton (analytic gradient) from every local minimum of a fine grid finds the listed minima, all of them."""
    x0, x1, y0, y1 = s.domain
    dx, dy = (x1 - x0) / 300, (y1 - y0) / 300  # one cell beyond each edge, so edge minima are interior
    xs, ys = np.linspace(x0 - dx, x1 + dx, 303), np.linspace(y0 - dy, y1 + dy, 303)
    z = s.grid(xs, ys)
    c = z[1:-1, 1:-1]
    low = np.ones_like(c, bool)
    for j in (-1, 0, 1):
        for i in (-1, 0, 1):
            if i or j:
                low &= c <= z[1 + j:z.shape[0] - 1 + j, 1 + i:z.shape[1] - 1 + i]
    scale = max(x1 - x0, y1 - y0)
    listed = np.array([m[:2] for m in s.minima])
    seen = set()
    for j, i in zip(*np.nonzero(low)):
        p = np.array([xs[i + 1], ys[j + 1]])
        for _ in range(50):
            H = hessian(s, *p)
            H = (H + H.T) / 2
            if np.linalg.eigvalsh(H).min() <= 0:
                break
            step = np.linalg.solve(H, s.value_and_grad(*p)[1:])
            if np.linalg.norm(step) > 0.05 * scale:
                break
            p = p - step
            if np.linalg.norm(step) < 1e-14 * scale:
                break
        f, gx, gy = s.value_and_grad(*p)
        H = hessian(s, *p)
        if (x0 <= p[0] <= x1 and y0 <= p[1] <= y1 and math.hypot(gx, gy) < 1e-7 * max(1.0, abs(f))
                and np.linalg.eigvalsh((H + H.T) / 2).min() > 0):
            d = np.hypot(*(listed - p).T)
            assert d.min() < 1e-6 * scale, f"unlisted minimum at {tuple(p)}, f = {f}"
            seen.add(int(d.argmin()))
    assert seen == set(range(len(s.minima)))


@pytest.mark.parametrize("s", BUILT_IN, ids=NAMES)
def test_kernels_stay_finite_out_to_the_divergence_bound(s):
    # the engine stops a run only beyond the domain grown by 50 widths per side (engine.BOUND_FACTOR)
    x0, x1, y0, y1 = s.domain
    w, h = 50 * (x1 - x0), 50 * (y1 - y0)
    rng = np.random.default_rng(5)
    for x, y in zip(rng.uniform(x0 - w, x1 + w, 300), rng.uniform(y0 - h, y1 + h, 300)):
        assert np.isfinite(s.value_and_grad(x, y)).all(), (x, y)


@pytest.mark.parametrize("s", BUILT_IN, ids=NAMES)
def test_gradient_descent_from_the_suggested_start_heads_for_a_minimum(s):
    run = simulate(s.name, "sgd", s.start, 500, lr=s.lr)
    assert run.diverged_at is None and run.loss[-1] < run.loss[0]
    listed = np.array([m[:2] for m in s.minima])
    distance = lambda p: np.hypot(*(listed - p).T).min()
    assert distance(run.path[-1]) < distance(run.path[0])
