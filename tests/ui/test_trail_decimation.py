import itertools
import os
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from landscape_app.ui.trail_decimation import (
    _moved,
    _moved_numpy,
    exit_point,
    trail_upto,
    visible_steps,
)


def test_steps_inside_one_pixel_are_dropped_but_the_head_is_kept():
    path = np.array([[0.0, 0.0], [0.2, 0.1], [0.4, 0.3], [1.5, 0.2], [1.6, 0.4], [3.0, 3.0]])
    keep = visible_steps(path, 1.0, 1.0)
    np.testing.assert_array_equal(keep, [0, 3, 5])
    x, y = trail_upto(path, keep, 4)
    np.testing.assert_array_equal(x, [0.0, 1.5, 1.6])  # ends exactly at the racer's current point
    np.testing.assert_array_equal(y, [0.0, 0.2, 0.4])


def test_a_degenerate_pixel_size_keeps_everything():
    path = np.zeros((5, 2))
    np.testing.assert_array_equal(visible_steps(path, 0.0, 1.0), np.arange(5))
    x, _ = trail_upto(path, visible_steps(path, 1.0, 1.0), 0)
    assert len(x) == 1


def test_the_crash_mark_sits_where_the_trail_leaves_the_map():
    path = np.array([[0.0, 0.0], [0.5, 0.5], [0.5, 3.0], [100.0, -400.0]])
    np.testing.assert_allclose(exit_point(path, (-1, 1, -1, 1)), [0.5, 1.0])
    np.testing.assert_array_equal(exit_point(path[:2], (-1, 1, -1, 1)), [0.5, 0.5])  # still inside


def test_a_long_noisy_walk_is_drawn_within_budget():
    rng = np.random.default_rng(0)
    path = np.cumsum(rng.normal(scale=0.05, size=(100_000, 2)), axis=0)
    keep = visible_steps(path, 0.01, 0.01, view=(-5, 5, -5, 5), budget=1500)
    assert 1000 < len(keep) <= 1501 and keep[0] == 0 and (np.diff(keep) > 0).all()


def test_wandering_far_off_screen_costs_no_points_but_a_crossing_is_kept():
    # out to 10⁶ and back: the excursion collapses onto the border of the grown view
    out = np.column_stack([np.linspace(0, 1e6, 50_000), np.zeros(50_000)])
    path = np.vstack([out, out[::-1], [[0.0, 0.5]]])
    keep = visible_steps(path, 0.01, 0.01, view=(-1, 1, -1, 1))
    assert len(keep) < 1000
    assert np.abs(path[keep, 0]).max() > 2  # the kept points still leave the view: the line runs off-screen
    jump = np.array([[-1e9, 0.0], [1e9, 0.0], [1e9, 1e9]])  # one huge step straight across the view
    np.testing.assert_array_equal(visible_steps(np.vstack([[[0.0, 0.0]], jump]), 0.01, 0.01, view=(-1, 1, -1, 1)),
                                  [0, 1, 2, 3])


def test_a_first_start_does_not_compile_the_decimation_on_the_gui_thread(tmp_path):
    """Until the warm-up thread has the compiled pass, the NumPy one draws the trails: compiled at
    its first call (the window's first trails) it froze a start with an empty cache ~2 s."""
    code = ("import numpy as np; from landscape_app.ui import trail_decimation as t; "
            "kept = t.visible_steps(np.cumsum(np.ones((1000, 2)), axis=0), 0.5, 0.5, (0, 9, 0, 9)); "
            "print(len(t._moved.signatures), len(kept))")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)},
                         capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["0", "18"]  # nothing compiled; points 1 … 17 inside the grown view, then its edge


def test_the_warm_up_makes_the_window_decimate_with_the_compiled_pass():
    """The warm-up stage once called ``visible_steps``, which takes NumPy until the kernel exists:
    the kernel was never compiled and the window never used it."""
    code = ("from landscape_app.ui.workers import STAGES; from landscape_app.ui import trail_decimation as t; "
            "dict((label, stage) for label, stage in STAGES)['trail decimation'](); print(len(t._moved.signatures))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.split() == ["1"]


special = st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1e-310, -2.4e-322, 1e300, -1e300, np.inf, -np.inf, np.nan])
coordinate = st.one_of(special, st.floats(-3, 3), st.floats(-1e-300, 1e-300))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(points=st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=60),
       repeats=st.lists(st.integers(1, 3), min_size=60, max_size=60),
       pixel=st.sampled_from([(0.01, 0.01), (0.5, 0.25), (1e-300, 1.0), (1e-320, 1e-320)]),
       view=st.sampled_from([None, (-1.0, 1.0, -2.0, 2.0), (0.0, 1e-300, -1.0, 0.0)]),
       budget=st.integers(2, 100))
def test_the_compiled_decimation_keeps_exactly_what_its_definition_keeps(points, repeats, pixel, view, budget):
    # at rest (repeated points), creeping through subnormal numbers, NaN, ±inf, beyond the view
    path = np.repeat(np.array(points), repeats[:len(points)], axis=0)
    x0, x1, y0, y1 = view or (-np.inf, np.inf, -np.inf, np.inf)
    bounds = (x0 - (x1 - x0), x1 + (x1 - x0), y0 - (y1 - y0), y1 + (y1 - y0))
    np.testing.assert_array_equal(_moved(path, *pixel, *bounds), _moved_numpy(path, *pixel, *bounds))
    kept = visible_steps(path, *pixel, view, budget=budget)  # compiled by now
    assert kept[0] == 0 and len(kept) <= budget + 1 and (np.diff(kept) > 0).all()


def _pixel_segments(path: np.ndarray, pixel: float) -> set:
    cells = [tuple(c) for c in np.floor(path / pixel)]
    return {frozenset(pair) for pair in itertools.pairwise(cells) if pair[0] != pair[1]}


def test_an_oscillation_between_two_points_is_drawn_with_a_handful_of_points():
    """SGD at the edge of stability bounces between two points for all its steps: every step lands
    in another pixel than the one before, so 1,500 copies of one segment were kept, and four such
    ghost paths took 70–180 ms each to paint in the monkey run."""
    a, b, c = (-3.986, -3.0), (3.085, 4.071), (1.0, 1.0)
    path = np.array([a, b] * 50_000 + [c])
    kept = visible_steps(path, 0.01, 0.01)
    assert len(kept) <= 6, kept
    drawn = trail_upto(path, kept, len(path) - 1)
    np.testing.assert_array_equal(np.column_stack(drawn)[-2:], path[-2:])  # it leaves from where it was
    assert _pixel_segments(np.column_stack(drawn), 0.01) == _pixel_segments(path, 0.01)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(walk=st.lists(st.sampled_from([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.1, 0.1), (0.6, 0.6)]),
                     min_size=3, max_size=80))
def test_dropping_repeated_segments_keeps_every_segment_on_screen(walk):
    """Walks among a few points, full of cycles: the kept points draw every pixel segment of the
    path and no other, and the compiled pass keeps exactly what its definition keeps."""
    path = np.array(walk)
    bounds = (-np.inf, np.inf, -np.inf, np.inf)
    np.testing.assert_array_equal(_moved(path, 0.5, 0.5, *bounds), _moved_numpy(path, 0.5, 0.5, *bounds))
    kept = visible_steps(path, 0.5, 0.5, budget=10_000)
    drawn = np.column_stack(trail_upto(path, kept, len(path) - 1))
    assert _pixel_segments(drawn, 0.5) == _pixel_segments(path, 0.5)
