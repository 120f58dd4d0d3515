"""One database, three runners and a coach: each runner's use-cases see only their own runs.

Runs are imported for each runner through the application layer (`TrainingLog` on
`Database.runner`), on SQLite and PostgreSQL (the `store_url` fixture). The runners' runs are
generated across a range of paces (a 4:40/km to a 6:30/km runner) and weeks; one file is imported by
two runners, which each keep their own copy.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from progrun.errors import NotFound, StorageError
from progrun.storage.database import Database
from progrun.training_log import TrainingLog, third_person
from tests.synthetic_runs import BASE_START, easy_paces, gpx_text, synthetic_run

#: Each runner's first-split pace (s/km): a fast, a middling and a slow runner.
RUNNER_PACES = {"ann": 300.0, "bob": 345.0, "cleo": 410.0}


def _progression(first_s_per_km: float, week: int) -> list[float]:
    """6 km, 10 s/km faster each km, 3 s/km faster each week."""
    first = first_s_per_km - 3.0 * week
    return [first - 10.0 * i for i in range(6)]


def _write_runs(folder: Path, first_s_per_km: float, weeks: int, hour: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for week in range(weeks):
        start = BASE_START + timedelta(weeks=week, hours=hour)
        progression = folder / f"progression-{week}.gpx"
        progression.write_text(gpx_text(synthetic_run(start, _progression(first_s_per_km, week))), "utf-8")
        easy = folder / f"easy-{week}.gpx"
        paces = [pace - 345.0 + first_s_per_km + 30.0 for pace in easy_paces(week)]
        easy.write_text(gpx_text(synthetic_run(start + timedelta(days=2), paces)), "utf-8")
        paths += [progression, easy]
    return paths


@pytest.fixture
def database(store_url: str) -> Database:
    opened = Database.open(store_url)
    yield opened  # type: ignore[misc]
    opened.close()


def test_each_runner_sees_only_their_own_runs(database: Database, tmp_path: Path) -> None:
    coach = database.create_user("coach@example.org", "Coach")
    runners = {}
    for number, name in enumerate(RUNNER_PACES):
        user = database.create_user(f"{name}@example.org", name.title())
        runners[name] = database.create_runner(name.title(), user_id=user.id)
        assert runners[name].user_id == user.id
        if number < 2:
            database.add_coach(coach.id, runners[name].id)
    weeks = {"ann": 3, "bob": 2, "cleo": 1}
    imported: dict[str, set[int]] = {}
    for hour, (name, pace) in enumerate(RUNNER_PACES.items()):
        log = TrainingLog(database.runner(runners[name].id))
        report = log.import_files(_write_runs(tmp_path / name, pace, weeks[name], hour), workers=1)
        assert (report.imported, report.duplicates, report.failed) == (2 * weeks[name], 0, [])
        imported[name] = set(report.imported_ids)
    # one file imported by two runners: each keeps a copy (a duplicate only within one runner's log)
    shared = tmp_path / "ann" / "progression-0.gpx"
    bob = TrainingLog(database.runner(runners["bob"].id))
    assert bob.import_files([shared], workers=1).imported == 1
    imported["bob"] = {entry.run.id for entry in bob.history(page_size=None).entries}
    assert len(imported["bob"]) == 2 * weeks["bob"] + 1

    everyone = set().union(*imported.values())
    for name in RUNNER_PACES:
        log = TrainingLog(database.runner(runners[name].id))
        history = log.history(page_size=None)
        ids = {entry.run.id for entry in history.entries}
        assert ids == imported[name]
        assert history.total == len(ids)
        progression_ids = {run.activity_id for run in log.progress().runs}
        assert progression_ids and progression_ids <= ids
        assert len(progression_ids) == weeks[name] + (1 if name == "bob" else 0)
        mine = min(ids)
        assert log.activity(mine).to_dict()["id"] == mine
        for other in everyone - ids:
            with pytest.raises(NotFound):
                log.activity(other)
    # the CLI's own runner (1) has none of them
    assert TrainingLog(database.runner(1)).history().total == 0
    # the coach reads the two runners they coach, in the third person, and no other
    assert [runner.id for runner in database.coached_by(coach.id)] == [runners["ann"].id, runners["bob"].id]
    coached = TrainingLog(database.coached_runner(coach.id, runners["ann"].id))
    run = coached.activity(min(imported["ann"]))
    for_runner, for_coach = run.finding("runner"), run.finding("coach")
    assert "Target reached" in for_runner and "bring your heart rate down" in for_runner
    assert for_coach == for_runner.replace("your heart rate", "their heart rate")
    with pytest.raises(NotFound):
        database.coached_runner(coach.id, runners["cleo"].id)


def test_account_constraints(database: Database) -> None:
    user = database.create_user("dan@example.org")
    runner = database.create_runner("Dan", user_id=user.id)
    with pytest.raises(StorageError, match="already taken"):
        database.create_user("dan@example.org")
    with pytest.raises(StorageError, match="already taken"):
        database.create_user("  ")
    with pytest.raises(StorageError, match="already has a runner"):
        database.create_runner("Dan again", user_id=user.id)
    with pytest.raises(StorageError, match="cannot also coach"):
        database.add_coach(user.id, runner.id)
    coach = database.create_user("eve@example.org")
    database.add_coach(coach.id, runner.id)
    with pytest.raises(StorageError, match="already"):
        database.add_coach(coach.id, runner.id)
    with pytest.raises(NotFound):
        database.runner(runner.id + 100)


@pytest.mark.parametrize("text", ["You progressed split by split (82).", "Your last km: you were 3 s fast."])
def test_a_coach_reads_findings_in_the_third_person(text: str) -> None:
    coach = third_person(text)
    assert "you" not in coach.lower().split()
    assert coach.startswith(("The runner ", "Their "))


def test_uploaded_bytes_are_imported_under_their_own_name(database: Database) -> None:
    runner = database.create_runner("Uploader")
    log = TrainingLog(database.runner(runner.id))
    data = gpx_text(synthetic_run(BASE_START, _progression(330.0, 0))).encode()
    first = log.import_bytes("C:\\Users\\ann\\morning run.gpx", data)
    assert (first.imported, first.failed) == (1, [])
    (entry,) = log.history().entries
    assert entry.run.source_name == "morning run.gpx"
    again = log.import_bytes("morning run.gpx", data)
    assert again.duplicate_of == [
        ("morning run.gpx", entry.run.id, f"same content as activity {entry.run.id}")
    ]
    broken = log.import_bytes("notes.gpx", b"this is not xml")
    assert [failed.file for failed in broken.failed] == ["notes.gpx"]
