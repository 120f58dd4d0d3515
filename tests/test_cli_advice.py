"""`next`, `block` and `profile` over generated training logs: the hard day leads, next and block agree
on fitness, calendars are in floating local time, and setting a profile re-analyses the stored runs."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from progrun.cli import cli
from progrun.storage import Store
from progrun.training_log.runs import analyse, load_context
from tests.synthetic_runs import fit_bytes, synthetic_run

FIRST_DAY = datetime(2024, 3, 4, 7, 0, tzinfo=UTC)


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _store_runs(db: Path, runs: list[tuple[datetime, list[float]]]) -> None:
    """Analyse synthetic 1 Hz runs (one km per pace, s/km) with the log's profile and store them."""
    with Store.open(f"sqlite:///{db}") as store:
        context = load_context(store)
        for number, (start, paces) in enumerate(runs):
            name = f"run-{number}"
            activity = synthetic_run(start, paces)
            store.add_run(analyse(activity, name.encode(), source_name=name, name=name, context=context))


def _easy_weeks(pace_s_per_km: float, weeks: int = 5) -> list[tuple[datetime, list[float]]]:
    return [(FIRST_DAY + timedelta(days=day), [pace_s_per_km] * 6) for day in range(0, weeks * 7, 2)]


# -- the hard day leads -----------------------------------------------------------------------------


@pytest.mark.parametrize("pace_s_per_km", [300.0, 360.0, 420.0])
def test_next_leads_with_yesterdays_50_km_run(tmp_path: Path, pace_s_per_km: float) -> None:
    db = tmp_path / "log.db"
    _cli("profile", "--hr-max", "190", "--hr-rest", "50", "--db", str(db))
    easy = _easy_weeks(pace_s_per_km + 30.0)
    ultra_day = easy[-1][0] + timedelta(days=1)
    _store_runs(db, [*easy, (ultra_day, [pace_s_per_km] * 50)])
    today = (ultra_day + timedelta(days=1)).date().isoformat()
    first_line = _cli("next", "--today", today, "--db", str(db)).splitlines()[0]
    hard_day = ultra_day.date().isoformat()
    assert first_line.startswith(
        f"{today}: run easy today: a hard session yesterday ({hard_day}: a long run (50 km"
    )
    assert "a progression run is fine" not in first_line
    advice = json.loads(_cli("next", "--today", today, "--json", "--db", str(db)))
    assert advice["progression_ok"] is False and advice["hard_yesterday"] is True
    assert advice["reasons"][0].startswith("a hard session yesterday")
    assert "x your typical session" in advice["reasons"][0]  # its TRIMP is several easy runs' worth
    assert advice["reasons"][1:] == advice["warnings"]  # load warnings follow the hard day, never contradict


def test_next_calls_a_heavy_session_hard_by_load(tmp_path: Path) -> None:
    """A 75-minute run (not long) at a pace near the easy runs' but with twice their load is hard."""
    db = tmp_path / "log.db"
    _cli("profile", "--hr-max", "190", "--hr-rest", "50", "--db", str(db))
    easy = _easy_weeks(360.0)
    heavy_day = easy[-1][0] + timedelta(days=1)
    _store_runs(db, [*easy, (heavy_day, [340.0] * 13)])
    today = (heavy_day + timedelta(days=1)).date().isoformat()
    advice = json.loads(_cli("next", "--today", today, "--json", "--db", str(db)))
    assert advice["reasons"][0].startswith(f"a hard session yesterday ({heavy_day.date().isoformat()}: load ")
    assert "long run" not in advice["reasons"][0]
    the_day_after = (heavy_day + timedelta(days=2)).date().isoformat()
    assert json.loads(_cli("next", "--today", the_day_after, "--json", "--db", str(db)))["progression_ok"]


# -- next and block agree ---------------------------------------------------------------------------


@pytest.mark.parametrize("speed_factor", [0.8, 1.0, 1.25, 1.5])
def test_next_and_block_give_the_same_fitness_and_paces(tmp_path: Path, speed_factor: float) -> None:
    """Logs of runners from fast to slow, two progression runs a week and easy runs: `next`'s next run
    is `block`'s first run, on the log's own dates and on a day long after it (an old log)."""
    db = tmp_path / "log.db"
    runs: list[tuple[datetime, list[float]]] = []
    for week in range(6):
        monday = FIRST_DAY + timedelta(weeks=week)
        build = [speed_factor * (330.0 - 3.0 * week - 10.0 * i) for i in range(7)]
        runs += [(monday, build), (monday + timedelta(days=3), build)]
        runs.append((monday + timedelta(days=5), [speed_factor * 345.0] * 5))
    _store_runs(db, runs)
    for today in (date(2024, 4, 15), date(2024, 12, 1)):
        advice = json.loads(_cli("next", "--today", today.isoformat(), "--json", "--db", str(db)))
        block_args = ("block", "--today", today.isoformat(), "--start", today.isoformat(), "--db", str(db))
        first = json.loads(_cli(*block_args, "--json"))[0]
        upcoming = advice["next_run"]
        # the same fitness gives the same target pace; `next` adapts its session (progrun.adaptation)
        assert upcoming["target_pace_s_per_km"] == first["target_pace_s_per_km"]
        adapted = advice["adaptation"]
        assert upcoming["tempo_splits"] == adapted["tempo_splits"]
        assert upcoming["distance_m"] >= adapted["distance_m"]
        assert f"progression block from VDOT {advice['vdot']:.1f} (" in _cli(*block_args)
    assert advice["vdot_source"] == "the log as of its latest run (2024-04-13)"


# -- one time-zone rule for calendars ---------------------------------------------------------------


def _starts(data: bytes) -> list[object]:
    return [event.decoded("dtstart") for event in Calendar.from_ical(data).walk("VEVENT")]


def test_block_and_export_write_floating_local_time(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _cli("profile", "--race", "5k=20:00", "--db", str(db))
    _cli("block", "--weeks", "2", "--start", "2026-12-01", "--ics", str(tmp_path / "b.ics"), "--db", str(db))
    block_ics = (tmp_path / "b.ics").read_bytes()
    days = [date(2026, 12, 1), date(2026, 12, 4), date(2026, 12, 8), date(2026, 12, 11)]
    assert _starts(block_ics) == [datetime.combine(day, datetime.min.time()).replace(hour=7) for day in days]
    export = ("export", "--race", "5k=20:00", "--distance", "5mi", "--to", "ics", "--date", "2026-12-01")
    _cli(*export, "--time", "07:00", "--output", str(tmp_path / "e.ics"))
    export_ics = (tmp_path / "e.ics").read_bytes()
    assert _starts(export_ics) == [datetime(2026, 12, 1, 7, 0)]
    for data in (block_ics, export_ics):
        starts = [line for line in data.decode().splitlines() if line.startswith(("DTSTART", "DTEND"))]
        assert starts and all(":" in line and not line.endswith("Z") for line in starts)
        assert all(line.split(":")[0] in {"DTSTART", "DTEND"} for line in starts)  # no TZID parameter


# -- the profile and the stored analysis ----------------------------------------------------------


@pytest.mark.parametrize("threshold_s_per_km", [225.0, 270.0, 330.0, 400.0])
def test_setting_a_profile_reanalyses_a_tempo_run_stored_as_easy(
    tmp_path: Path, threshold_s_per_km: float
) -> None:
    """A steady run 1 % slower than threshold (a tempo run that did not progress), imported without a
    profile, is "easy" with no load and a note says why; setting the threshold pace re-analyses it."""
    folder = tmp_path / "runs"
    folder.mkdir()
    tempo = synthetic_run(FIRST_DAY, [threshold_s_per_km * 1.01] * 5)
    easy = synthetic_run(FIRST_DAY + timedelta(days=2), [threshold_s_per_km * 1.25] * 5)
    (folder / "1-tempo.fit").write_bytes(fit_bytes(tempo, record_every_s=3))
    (folder / "2-easy.fit").write_bytes(fit_bytes(easy, record_every_s=3))
    db = str(tmp_path / "log.db")
    _cli("import", str(folder), "--db", db)
    note = "Note: runs were classified without a profile"
    kinds = {json.loads(_cli("show", str(i), "--json", "--db", db))["kind"] for i in (1, 2)}
    assert kinds == {"easy"}
    assert json.loads(_cli("show", "1", "--json", "--db", db))["load"] is None
    for command in (("history",), ("show", "1"), ("progress",)):
        assert note in " ".join(_cli(*command, "--db", db).split())
    assert json.loads(_cli("progress", "--json", "--db", db))["notes"][0].startswith("runs were classified")
    minutes, seconds = divmod(round(threshold_s_per_km), 60)
    out = _cli("profile", "--threshold-pace", f"{minutes}:{seconds:02d}/km", "--db", db)
    assert out.startswith("re-analysed 2 stored runs with the new profile")
    tempo_run, easy_run = (json.loads(_cli("show", str(i), "--json", "--db", db)) for i in (1, 2))
    assert (tempo_run["kind"], easy_run["kind"]) == ("threshold", "easy")
    # rTSS from the threshold pace: 100 x hours x (threshold / pace)^2.
    hours = tempo_run["moving_s"] / 3600.0
    assert tempo_run["load"] == pytest.approx(100.0 * hours / 1.01**2, rel=0.02)
    for command in (("history",), ("show", "1"), ("progress",)):
        assert "Note:" not in _cli(*command, "--db", db)
    # A change the analysis does not read (the name, the easy pace) re-analyses nothing; the units
    # re-split every run (issue 11: a mile runner sees mile splits).
    assert "re-analysed" not in _cli("profile", "--name", "Ann", "--easy-pace", "5:40/km", "--db", db)
    assert _cli("profile", "--units", "mi", "--db", db).startswith("re-analysed 2 stored runs")
    assert json.loads(_cli("show", "1", "--json", "--db", db))["split_unit"] == "mi"
