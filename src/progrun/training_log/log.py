"""One runner's training log: the use-cases every client (the CLI, later the web app and workers) calls.

```
log = TrainingLog(database.runner(runner_id))   # or TrainingLog.open(url) for the CLI's runner
log.import_files([path]) / log.import_bytes(name, data)  -> ImportReport
log.history(page=1, page_size=50)                        -> HistoryPage
log.activity(activity_id)                                -> RunView
log.progress()                                           -> ProgressView
log.profile() / log.set_profile(...)                     -> Profile, ProfileUpdate
```

Every object returned has `to_dict()`, the shape `--json` prints. Nothing here knows about flags,
forms or HTTP; the store is the runner's own, so a runner only ever sees their own runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from progrun.errors import ProgrunError
from progrun.storage import Profile, Store
from progrun.training_log.importer import ImportReport, import_paths
from progrun.training_log.objects import HistoryEntry, HistoryPage, RunView
from progrun.training_log.views import ProgressView, progress_view

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


class TrainingLog:
    """One runner's use-cases over their store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def open(url: str, *, create: bool = True) -> TrainingLog:
        """The CLI's runner's log at `url` (`Store.open`); close it with `close()` or `with`."""
        return TrainingLog(Store.open(url, create=create))

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

        Raises ProfileError (field "hr_max_bpm") when the maximum heart rate is not above the resting one.
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
