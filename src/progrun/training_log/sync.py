"""Watch sync over USB: the next planned workout onto the watch, the new recordings into the log.

A Garmin watch mounted as USB mass storage shows a `GARMIN` folder with `Activity/` (its recordings,
`*.fit`), `NewFiles/` (files the watch takes in at its next disconnect: a FIT workout put there is
moved into `Workouts/` and shows up under Training > Workouts) and `Workouts/`. `sync_watch`:

1. imports every `Activity/*.fit` not listed in the sync manifest (`GARMIN/progrun-sync.json`: name
   and size of each file already imported) through the training log's import, which also drops
   duplicates by content, then adds them to the manifest;
2. writes the next progression run (`progrun next`'s adapted session) as a FIT workout
   `PROGRUN-YYYYMMDD.FIT` into `NewFiles/`, unless a file of that name with the same bytes is already
   in `NewFiles/` or `Workouts/` (a changed plan for the same day replaces it); it follows the runs
   just imported.

So a second sync with nothing new on the watch copies and imports nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from progrun.errors import ProgrunError
from progrun.formats.fit_workout import write_fit_workout
from progrun.training_log.advice import advise
from progrun.training_log.importer import ImportReport
from progrun.training_log.log import TrainingLog

#: The manifest of the recordings already imported, kept in the watch's GARMIN folder.
MANIFEST_NAME = "progrun-sync.json"


@dataclass
class SyncReport:
    """What a sync did: workouts copied (or already there), recordings imported."""

    garmin: Path
    copied: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    new_recordings: list[str] = field(default_factory=list)
    known_recordings: int = 0
    imported: ImportReport | None = None
    no_workout: str = ""

    def to_dict(self) -> dict[str, object]:
        report = self.imported
        return {
            "garmin": str(self.garmin),
            "copied": self.copied,
            "already_there": self.already_there,
            "new_recordings": self.new_recordings,
            "known_recordings": self.known_recordings,
            "imported": report.imported if report is not None else 0,
            "duplicates": report.duplicates if report is not None else 0,
            "failed": [failure.file for failure in report.failed] if report is not None else [],
            "no_workout": self.no_workout,
        }


def garmin_folder(mount: Path) -> Path:
    """The watch's GARMIN folder: `mount/GARMIN`, or `mount` itself; ProgrunError naming it otherwise."""
    for candidate in (mount / "GARMIN", mount):
        if (candidate / "Activity").is_dir() or (candidate / "NewFiles").is_dir():
            return candidate
    raise ProgrunError(
        f"{mount}: no GARMIN/Activity or GARMIN/NewFiles folder; connect the watch by USB and give the "
        "folder it mounts as (e.g. /media/GARMIN)"
    )


def sync_watch(log: TrainingLog, mount: Path, today: date) -> SyncReport:
    """Sync the watch mounted at `mount` (module docstring); the workout is the next run from `today`."""
    garmin = garmin_folder(mount)
    report = SyncReport(garmin)
    _import_recordings(log, garmin, report)  # first, so the next workout follows the runs just imported
    _copy_next_workout(log, garmin, today, report)
    return report


def _copy_next_workout(log: TrainingLog, garmin: Path, today: date, report: SyncReport) -> None:
    advice = advise(log.store, today)
    upcoming = advice.next_run
    if upcoming is None:
        report.no_workout = "no fitness to plan from (import runs of 3 km or more, or set a profile race)"
        return
    session, plan = upcoming
    name = f"PROGRUN-{session.day:%Y%m%d}.FIT"
    created = datetime(session.day.year, session.day.month, session.day.day, 6, tzinfo=UTC)
    data = write_fit_workout(plan, name=f"Progression {session.day:%d %b}", created=created).data
    new_files = garmin / "NewFiles"
    for folder in (new_files, garmin / "Workouts"):
        existing = folder / name
        if existing.is_file() and existing.read_bytes() == data:
            report.already_there.append(str(existing.relative_to(garmin)))
            return
    new_files.mkdir(exist_ok=True)
    (new_files / name).write_bytes(data)
    report.copied.append(f"NewFiles/{name}")


def _import_recordings(log: TrainingLog, garmin: Path, report: SyncReport) -> None:
    activity = garmin / "Activity"
    if not activity.is_dir():
        return
    manifest_path = garmin / MANIFEST_NAME
    manifest = _read_manifest(manifest_path)
    recordings = sorted(
        path for path in activity.iterdir() if path.is_file() and path.suffix.lower() == ".fit"
    )
    new = [path for path in recordings if manifest.get(path.name) != path.stat().st_size]
    report.known_recordings = len(recordings) - len(new)
    report.new_recordings = [path.name for path in new]
    if not new:
        return
    report.imported = log.import_files(new, workers=1)
    failed = {failure.file for failure in report.imported.failed}
    for path in new:
        if path.name not in failed and str(path) not in failed:
            manifest[path.name] = path.stat().st_size
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _read_manifest(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(name): size for name, size in data.items() if isinstance(size, int)}
