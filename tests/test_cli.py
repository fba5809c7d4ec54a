"""The command line: help, listing, and a tiny benchmark run (benchmarks are not tests:
nothing here asserts a time)."""
import subprocess
import sys

from landscape_app import bench, cli


def test_help_lists_every_command(capsys):
    try:
        cli.main(["--help"])
    except SystemExit as stop:
        assert stop.code == 0
    out = capsys.readouterr().out
    for command in ("gui", "bench", "list"):
        assert command in out


def test_list_shows_registries(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "rosenbrock" in out and "nesterov" in out and "bold_driver" in out and "β₁" in out


def test_module_entry_point_runs():
    proc = subprocess.run([sys.executable, "-m", "landscape_app", "--version"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and "landscape-app" in proc.stdout


def test_quick_core_bench_measures_every_row():
    lines = []
    rows = bench.run(quick=True, gui=False, out=lines.append)
    names = [r.name for r in rows]
    assert any("adam" in n for n in names) and any("simulate_many" in n for n in names)
    assert all(r.value > 0 for r in rows)
    assert len(lines) == len(rows) + 2


def test_export_data_writes_csv_and_reports_bad_input(tmp_path, capsys):
    from landscape_app.core.scenario import Racer, Scenario, save

    save(Scenario(surface="quadratic", start=(1, 1), steps=10, racers=[Racer("adam", hyper={"lr": 0.1})]),
         tmp_path / "s.json")
    assert cli.main(["export-data", str(tmp_path / "s.json"), "--out", str(tmp_path / "r.csv")]) == 0
    assert len((tmp_path / "r.csv").read_text().splitlines()) == 12
    (tmp_path / "bad.json").write_text('{"schema_version": 1, "surface": "moon"}')
    assert cli.main(["export-data", str(tmp_path / "bad.json"), "--out", str(tmp_path / "r.csv")]) == 2
    assert "surface: unknown surface 'moon'" in capsys.readouterr().err
