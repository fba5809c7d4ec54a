import time

from PySide6.QtCore import QTimer

from landscape_app.ui.throttle import Later, Throttle


def test_first_request_runs_on_the_next_turn_and_a_burst_collapses_into_one_trailing_call(qtbot):
    calls = []
    t = Throttle(lambda: calls.append(1), 40)
    t.request()
    assert calls == []  # not inside the change that asked
    qtbot.waitUntil(lambda: calls == [1], timeout=100)  # a single edit shows at once
    for _ in range(20):
        t.request()
    assert calls == [1]
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=500)  # the last state is always shown
    qtbot.wait(100)
    assert len(calls) == 2


def test_views_following_a_change_take_one_turn_each_with_the_event_loop_running_between(qtbot):
    """Five views asking for a redraw in one change: Qt fires all due timers in one pass, so their
    own timers froze the window for the sum of their redraws."""
    events = []
    beat = QTimer(interval=1)
    beat.timeout.connect(lambda: events.append("beat"))
    beat.start()

    def redraw(name):
        events.append(name)
        time.sleep(0.02)

    laters = [Later(lambda name=name: redraw(name)) for name in "abcde"]
    for later in laters + laters[::-1]:  # asked for again: once, in its first place
        later.request()
    assert all(later.pending() for later in laters)
    qtbot.waitUntil(lambda: not any(later.pending() for later in laters), timeout=1000)
    beat.stop()
    drawn = [e for e in events if e != "beat"]
    assert drawn == list("abcde")
    between = [events[events.index(a) + 1:events.index(b)] for a, b in zip(drawn, drawn[1:])]
    assert all("beat" in gap for gap in between), events


def test_a_view_deleted_while_waiting_is_skipped_and_one_that_raises_does_not_stall_the_others(qtbot):
    from PySide6.QtCore import QObject
    calls = []
    gone = QObject()
    skipped = Later(lambda: calls.append("deleted view"), gone)

    def fail():
        raise RuntimeError("a view's bug")

    failing, last = Later(fail), Later(lambda: calls.append("last"))
    for later in (skipped, failing, last):
        later.request()
    gone.deleteLater()
    with qtbot.capture_exceptions() as raised:
        qtbot.waitUntil(lambda: calls == ["last"], timeout=1000)
    assert [str(e[1]) for e in raised] == ["a view's bug"]
