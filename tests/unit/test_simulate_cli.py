"""The simulator's command line: help, clear errors for bad input."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dashboard.simulate import main


def test_help_runs_as_a_module():
    result = subprocess.run([sys.executable, "-m", "dashboard.simulate", "--help"], capture_output=True, text=True, check=True)
    for option in ("--database-url", "--families", "--seed", "--start", "--deadline", "--as-of", "--live"):
        assert option in result.stdout


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--families", "0"], "at least 1"),
        (["--start", "2025-03-31", "--deadline", "2025-02-26"], "must not precede --start"),
        (["--slowdown", "2025-03-01:2025-03-30"], "START:END:FACTOR"),
        (["--defect-rate", "teleport=0.1"], "KIND=RATE"),
        (["--defect-rate", "short_interview=0.9"], "must lie in [0, 0.5]"),
        (["--start", "31-03-2025"], "invalid fromisoformat"),
    ],
)
def test_bad_input_is_refused_with_a_message(argv, message, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["--database-url", f"sqlite:///{tmp_path}/x.sqlite", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_an_existing_round_is_refused_without_replace(tmp_path, capsys):
    """And ``--replace`` without the boundary files keeps the round it would have replaced
    (one round made for both: a simulation takes 5 s)."""
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    args = ["--database-url", url, "--families", "3000", "--as-of", "2026-11-24T06:00", "--quiet"]
    assert main(args) == 0
    assert main(args) == 2
    assert "--replace" in capsys.readouterr().err
    assert main([*args, "--replace", "--geodata-dir", str(tmp_path / "nowhere")]) == 2
    assert "regencies.geojson not found" in capsys.readouterr().err
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM target")).scalar_one() == 3000
    engine.dispose()


def test_without_boundary_files_the_demo_and_the_simulator_say_what_is_missing(tmp_path, monkeypatch, capsys):
    """``make run`` on a checkout without ``../shared/geodata``: a message naming the file and
    the setting, exit code 2, no traceback. (``--replace`` without them keeps the round:
    ``test_an_existing_round_is_refused_without_replace``.)"""
    from dashboard import manage
    from dashboard.settings import get_settings

    monkeypatch.setenv("GEODATA_DIR", str(tmp_path / "nowhere"))
    get_settings.cache_clear()
    try:
        assert manage.main(["demo", "--database-url", f"sqlite:///{tmp_path}/demo.sqlite"]) == 2
        error = capsys.readouterr().err
        assert "regencies.geojson not found" in error and "GEODATA_DIR" in error and "Traceback" not in error
        assert main(["--database-url", f"sqlite:///{tmp_path}/sim.sqlite", "--families", "100", "--geodata-dir", str(tmp_path / "nowhere")]) == 2
        assert "regencies.geojson not found" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
