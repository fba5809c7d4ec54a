from landscape_app.ui.throttle import Throttle


def test_first_request_runs_at_once_and_a_burst_collapses_into_one_trailing_call(qtbot):
    calls = []
    t = Throttle(lambda: calls.append(1), 40)
    t.request()
    assert calls == [1]  # a single edit shows immediately
    for _ in range(20):
        t.request()
    assert calls == [1]
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=500)  # the last state is always shown
    qtbot.wait(100)
    assert len(calls) == 2
