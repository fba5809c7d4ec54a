import numpy as np

from landscape_app.ui.trail_decimation import exit_point, trail_upto, visible_steps


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
