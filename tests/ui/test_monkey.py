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
