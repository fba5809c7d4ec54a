"""The seeded GUI monkey: thousands of random actions through the widgets a user touches, and the
window checked whole after each one.  LANDSCAPE_MONKEY_ACTIONS=10000 (and _SEED) for a long run."""
import os

import pytest

from landscape_app.ui.monkey import Monkey

ACTIONS = int(os.environ.get("LANDSCAPE_MONKEY_ACTIONS", "2000"))
SEED = int(os.environ.get("LANDSCAPE_MONKEY_SEED", "0"))


def test_the_monkey_cannot_break_the_window(window, tmp_path, monkey_report):
    window.resize(1024, 640)  # a projector's size; smaller frames keep 2000 actions under two minutes
    monkey = Monkey(window, seed=SEED, folder=tmp_path)
    monkey.run(ACTIONS)
    monkey_report.append(f"GUI monkey, seed {SEED}: " + monkey.report())
    assert monkey.counts["actions"] == ACTIONS


def test_the_monkey_sees_a_broken_window(window, tmp_path):
    """The checks can fail: a racer without a trail is caught."""
    monkey = Monkey(window, seed=1, folder=tmp_path)
    window.view.curves.pop()
    with pytest.raises(AssertionError, match="trails"):
        monkey.check("a sabotaged view")


def test_the_monkey_report_tells_how_many_actions_blocked_over_100_ms(window, tmp_path):
    monkey = Monkey(window, seed=0, folder=tmp_path)
    monkey.timings = {"demo": [0.25] + [0.02] * 49, "zoom": [0.101] + [0.005] * 149}
    over, p99 = monkey.spread()
    assert over == 2 / 200 and 0.02 < p99 < 0.101
    assert "1.00% of actions blocked the GUI thread over 100 ms" in monkey.report()
    assert monkey.slowest() == ("demo", 0.25)
