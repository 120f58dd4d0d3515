"""One runner's training log: the use-cases every client (the CLI, later the web app and workers) calls.

```
log = TrainingLog(database.runner(runner_id))   # or TrainingLog.open(url) for the CLI's runner
log.import_files([path]) / log.import_bytes(name, data)  -> ImportReport
log.history(page=1, page_size=50)                        -> HistoryPage
log.activity(activity_id)                                -> RunView
log.progress()                                           -> ProgressView
log.profile() / log.set_profile(...)                     -> Profile, ProfileUpdate
log.save_plan(plan, planned_on=day) / log.plans()        -> StoredPlan, [StoredPlan]
log.guard(today) / log.advice(today) / log.block(...)    -> GuardResult, Advice, Block
log.progress_report() / log.reanalyse() / log.data_export()
```

Every object returned has `to_dict()`, the shape `--json` prints. Nothing here knows about flags,
forms or HTTP; the store is the runner's own, so a runner only ever sees their own runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from progrun.analysis import StoredPlan
from progrun.errors import ProgrunError
from progrun.plan import Plan
from progrun.storage import Profile, Store
from progrun.training_log.importer import ImportReport, import_paths
from progrun.training_log.objects import HistoryEntry, HistoryPage, RunView
from progrun.training_log.views import ProgressView, progress_view

if TYPE_CHECKING:
    from progrun.activity import Activity
    from progrun.training_guard import GuardResult
    from progrun.training_log.advice import Advice, Block, ProgressReport
    from progrun.training_log.data_export import DataExport

#: Runs on a page of `history` unless asked otherwise.
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class ProfileUpdate:
    """A profile after a change, and the stored runs re-analysed because of it (threshold, heart rate)."""

    profile: Profile
    reanalysed: int | None = None
    failed: tuple[tuple[int, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The profile's fields (what `profile --json` prints)."""
        return asdict(self.profile)


@dataclass(frozen=True)
class Reanalysis:
    """Runs re-analysed from their kept raw files, and those that failed with why (`reanalyse`)."""

    reanalysed: int
    failed: tuple[tuple[int, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"reanalysed": self.reanalysed, "failed": [{"id": i, "reason": r} for i, r in self.failed]}


class TrainingLog:
    """One runner's use-cases over their store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def open(url: str, *, create: bool = True) -> TrainingLog:
        """The CLI's runner's log at `url` (`Store.open`); close it with `close()` or `with`."""
        return TrainingLog(Store.open(url, create=create))

    @property
    def created(self) -> bool:
        """Whether opening created the log (it had no schema yet)."""
        return self.store.created

    @property
    def shown_url(self) -> str:
        """Where the log is, with any password masked."""
        return self.store.shown_url

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> TrainingLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- import --------------------------------------------------------------------------------

    def import_files(
        self,
        paths: Iterable[Path],
        *,
        workers: int = 0,
        salvage: bool = False,
        on_start: Callable[[int], None] | None = None,
        on_file: Callable[[str], None] | None = None,
    ) -> ImportReport:
        """Import files, folders, .gz files and export zips; one bad file never stops it."""
        return import_paths(
            self.store, list(paths), workers=workers, salvage=salvage, on_start=on_start, on_file=on_file
        )

    def import_bytes(self, name: str, data: bytes, *, salvage: bool = False) -> ImportReport:
        """Import one uploaded file (a FIT/GPX/TCX file, .gz or export zip) given as bytes and its name.

        The bytes go to a private temporary folder (removed afterwards) under the file's own base name,
        so the report names the upload as the runner called it.
        """
        from progrun.training_log.workspace import import_workspace

        base = PurePosixPath(name.replace("\\", "/")).name or "upload"
        with import_workspace() as folder:
            target = folder / "upload" / base
            target.parent.mkdir(mode=0o700)
            target.write_bytes(data)
            return import_paths(self.store, [target], workers=1, salvage=salvage, shown_as=(target, base))

    # -- reading ---------------------------------------------------------------------------------

    def history(self, *, page: int | None = None, page_size: int | None = DEFAULT_PAGE_SIZE) -> HistoryPage:
        """One page of the runs, oldest first; `page` counts from 1, None is the last (newest) page.

        `page_size=None` gives every run on one page.
        """
        total = self.store.count_activities()
        if not page_size:
            runs = self.store.list_activities()
            return HistoryPage(tuple(HistoryEntry(run) for run in runs), total, 1, None)
        pages = max(1, -(-total // page_size))
        number = pages if page is None else page
        if number < 1 or number > pages:
            raise ProgrunError(
                f"there is no page {number} of the history: it has {pages} (of {page_size} runs)"
            )
        runs = self.store.list_activities(offset=(number - 1) * page_size, limit=page_size)
        return HistoryPage(tuple(HistoryEntry(run) for run in runs), total, number, page_size)

    def latest(self, limit: int) -> HistoryPage:
        """The latest `limit` runs, oldest first (`history --limit`)."""
        total = self.store.count_activities()
        offset = max(0, total - limit)
        runs = self.store.list_activities(offset=offset, limit=limit)
        return HistoryPage(tuple(HistoryEntry(run) for run in runs), total, 1, None)

    def iter_history(self) -> Iterator[HistoryEntry]:
        """Every run, oldest first, read in batches (for streaming `history --json` of a large log)."""
        for run in self.store.iter_activities():
            yield HistoryEntry(run)

    def activity(self, activity_id: int) -> RunView:
        """One of the runner's runs with its splits and verdict (NotFound for another runner's)."""
        return RunView(self.store.detail(activity_id))

    def progress(self) -> ProgressView:
        return progress_view(self.store)

    # -- profile -----------------------------------------------------------------------------------

    def profile(self) -> Profile:
        return self.store.profile()

    def notes(self) -> tuple[str, ...]:
        """What the stored analysis lacks for want of a profile."""
        from progrun.training_log.runs import profile_notes

        return profile_notes(self.store.profile())

    def set_profile(self, **changes: Any) -> ProfileUpdate:
        """Change profile fields; the stored runs are re-analysed when a field the analysis reads changed.

        Raises ProfileError (field "max_heart_rate_bpm") when the maximum heart rate is not above the
        resting one.
        """
        from progrun.training_log.profile import check_profile
        from progrun.training_log.reanalyse import reanalyse_activities
        from progrun.training_log.runs import profile_changes_analysis

        before = self.store.profile()
        if not changes:
            return ProfileUpdate(before)
        after = replace(before, **changes)
        check_profile(after)
        self.store.set_profile(after)
        if profile_changes_analysis(before, after) and self.store.count_activities():
            done, failed = reanalyse_activities(self.store, everything=True)
            return ProfileUpdate(after, done, tuple(failed))
        return ProfileUpdate(after)

    def reanalyse(self, activity_ids: Iterable[int] | None = None, *, everything: bool = False) -> Reanalysis:
        """Re-analyse the given runs, or every run (`everything`), or those an older version analysed."""
        from progrun.training_log.reanalyse import reanalyse_activities

        ids = None if activity_ids is None else list(activity_ids)
        done, failed = reanalyse_activities(self.store, ids or None, everything=everything)
        return Reanalysis(done, tuple(failed))

    def recording(self, activity_id: int) -> Activity:
        """One of the runner's runs read again from its kept raw file (as `progrun.read_activity` does)."""
        from progrun.formats import read_activity

        summary = self.store.summary(activity_id)
        return read_activity(self.store.raw_file(activity_id), name=PurePosixPath(summary.source_name).name)

    # -- plans -----------------------------------------------------------------------------------

    def save_plan(self, plan: Plan, *, planned_on: date | None = None, name: str | None = None) -> StoredPlan:
        """Keep a plan: a run on `planned_on`, or a FIT workout of its name, is judged against it on import.

        `name`: the plan's own name when not given ("Progression 5mi" for an unnamed 5-mile plan).
        """
        from progrun.formats.export_model import plan_name

        return self.store.add_plan(
            plan, planned_on=planned_on, name=plan_name(plan) if name is None else name
        )

    def plans(self) -> list[StoredPlan]:
        return self.store.plans()

    def plan(self, plan_id: int) -> StoredPlan:
        """One of the runner's plans (NotFound for another runner's)."""
        return self.store.plan(plan_id)

    # -- progress and advice ---------------------------------------------------------------------

    def guard(self, today: date) -> GuardResult:
        """Whether a progression run on `today` is too soon after hard sessions (`plan`'s warning)."""
        from progrun.training_log.views import guard

        return guard(self.store, today)

    def progress_report(self) -> ProgressReport:
        from progrun.training_log.advice import progress_report

        return progress_report(self.store)

    def advice(self, today: date) -> Advice:
        """What to run next on `today` and why (`next`)."""
        from progrun.training_log.advice import advise

        return advise(self.store, today)

    def block(self, today: date, first_day: date, weeks: int, *, per_week: int = 2) -> Block:
        """A block of `weeks` weeks from `first_day`, from the fitness on `today` (`block`)."""
        from progrun.training_log.advice import plan_block

        return plan_block(self.store, today, first_day, weeks, per_week=per_week)

    def data_export(self) -> DataExport:
        """Every run and split as plain rows (`export-data`)."""
        from progrun.training_log.data_export import export_rows

        return export_rows(self.store)
