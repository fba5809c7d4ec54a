"""The GUI rows of `landscape-app bench` run and measure something (times are not asserted: the
targets live in the bench, not in tests)."""
from landscape_app.ui import benchmarks


def test_the_drag_row_moves_the_start():
    row = benchmarks.drag_latency(racers=2, steps=50, moves=5)
    assert "NO MOVE" not in row["name"] and row["value"] > 0


def test_the_play_row_with_the_step_arrows_plays():
    row = benchmarks.play_fps(racers=2, steps=100, seconds=0.2, vectors=True)
    assert row["name"].endswith("step arrows and readout") and row["value"] > 0
