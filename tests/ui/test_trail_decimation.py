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
