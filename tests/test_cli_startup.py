"""CLI start-up stays light: listing, the plan-side commands and PNG exports import no SQLAlchemy, Alembic or
matplotlib.

The CPU figures are measured by `benchmarks/cli_startup.py`; here we check which modules get imported,
which is what the figures depend on.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from progrun.cli import COMMANDS, SUMMARIES, cli

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "alembic", "matplotlib", "psycopg", "numpy")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_the_commands_own_short_help(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    for limit in (30, 45, 80, 300):
        assert click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit) == (
            command.get_short_help_str(limit)
        ), limit


def _heavy_modules_after(argv: list[str], tmp_path: Path) -> list[str]:
    code = (
        "import sys\n"
        "from progrun.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('heavy:' + ','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    env = {"PROGRUN_DATA_DIR": str(tmp_path / "no-log-here"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("heavy:"), result.stderr
    return [name for name in last.removeprefix("heavy:").split(",") if name]


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["paces", "--race", "5k=20:00"],
        ["plan", "--race", "5k=20:00", "--distance", "5mi"],
        ["export", "--race", "5k=20:00", "--distance", "5mi", "--to", "fit", "-o", "p.fit"],
        ["export", "--race", "5k=20:00", "--distance", "5mi", "--to", "json", "-o", "p.json"],
        ["export", "--race", "5k=20:00", "--distance", "5mi", "--to", "png", "-o", "p.png"],
        [
            "export",
            "--race",
            "5k=20:00",
            "--distance",
            "5mi",
            "--treadmill",
            "kmh",
            "--to",
            "png",
            "-o",
            "t.png",
        ],
    ],
    ids=["help", "paces", "plan", "export-fit", "export-json", "export-png", "export-treadmill-png"],
)
def test_commands_that_do_not_open_the_log_import_no_heavy_packages(argv: list[str], tmp_path: Path) -> None:
    assert _heavy_modules_after(argv, tmp_path) == []
    if argv[-2:] in (["-o", "p.png"], ["-o", "t.png"]):  # drawn with Pillow, not matplotlib
        assert (tmp_path / argv[-1]).read_bytes()[:4] == b"\x89PNG"


def test_a_pace_band_pdf_does_import_matplotlib(tmp_path: Path) -> None:
    """The check above can fail: the PDF is drawn with matplotlib (and numpy), and they show up."""
    argv = ["export", "--race", "5k=20:00", "--distance", "5mi", "--to", "pdf", "-o", "band.pdf"]
    assert _heavy_modules_after(argv, tmp_path) == ["matplotlib", "numpy"]
    assert (tmp_path / "band.pdf").read_bytes()[:4] == b"%PDF"


def test_the_light_log_location_agrees_with_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from progrun.cli.log_location import default_data_dir, log_may_exist
    from progrun.storage import location

    assert default_data_dir() == location.default_data_dir()
    assert not log_may_exist(str(tmp_path / "absent.db"))
    (tmp_path / "present.db").write_bytes(b"")
    assert log_may_exist(str(tmp_path / "present.db"))
    assert log_may_exist("postgresql://runner@localhost/log")
    monkeypatch.delenv("PROGRUN_DB", raising=False)
    monkeypatch.setenv("PROGRUN_DATA_DIR", str(tmp_path))
    assert not log_may_exist(None)


def _collector_after(code: str, tmp_path: Path) -> list[str]:
    env = {"PROGRUN_DATA_DIR": str(tmp_path / "no-log-here"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.strip().splitlines()[-1].split()


_REPORT = "print(gc.isenabled(), gc.get_freeze_count() > 0, gc.get_threshold()[0], file=sys.stderr)\n"


def test_the_program_pauses_the_collector_only_while_it_starts(tmp_path: Path) -> None:
    """As `progrun` (no argv), the start-up's objects end frozen and the collector runs again after it."""
    code = (
        "import gc, sys\n"
        "sys.argv = ['progrun', 'paces', '--race', '5k=20:00']\n"
        "from progrun.cli import main\n"
        "main()\n" + _REPORT
    )
    assert _collector_after(code, tmp_path) == ["True", "True", "700"]


def test_a_caller_with_its_own_argv_keeps_its_collector_as_it_was(tmp_path: Path) -> None:
    """The check above can fail: called as a library (tests, scripts), nothing is frozen or paused."""
    code = "import gc, sys\nfrom progrun.cli import main\nmain(['paces', '--race', '5k=20:00'])\n" + _REPORT
    assert _collector_after(code, tmp_path) == ["True", "False", "700"]
