"""The import pipeline: walk paths, open archives safely, analyse files in a process pool, store each run.

```
paths ─► plan_sources (parent: folders, .gz, zips, one level of nested zip, Strava activities.csv)
      ─► analyse_source (worker processes: read bytes, gunzip, SHA-256, parse, split, classify)
      ─► Store.run_writer (parent: one connection, one transaction per activity, dedup inside it)
```

Damaged files follow the readers' policy (docs/formats.md): a file whose CRC fails, whose structure
is broken or which was cut short is refused (failed, with the reason and `--salvage` named), unless
the import salvages (`salvage=True`): then what decodes is stored flagged partial. Every reader
warning reaches the report. A worker process that dies (out of memory, a crash) fails only the file
it was reading: the chunks it held are read again one file per task to find that file, and the
import goes on. Workers die with their parent (`prctl(PR_SET_PDEATHSIG)` on Linux, and a watchdog
thread comparing the parent pid everywhere).

Workers return plain `ImportedRun` / `Skipped` / `Failed` objects; results are written in the
order the files were listed, so a re-import meets the same runs in the same order. Files go to
the workers in chunks of up to `CHUNK_FILES` (one message each way per chunk), and at most
`CHUNKS_IN_FLIGHT_PER_WORKER x workers` chunks are in flight, so memory stays flat however many
files an export holds. A zip member's deflate stream is kept as the run's raw-file blob as it is
(`archive.read_member_with_deflate`, `analysis.compress_raw`): no compressing again.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from progrun.analysis import AnalysisContext, is_run
from progrun.errors import ActivityFileError, DiskFull, NotAnActivity, ProgrunError, Suggestion, UnsafeFile
from progrun.formats import archive
from progrun.formats.compression import gunzip, is_gzip
from progrun.storage.records import AddOutcome, ImportedRun
from progrun.storage.store import Store
from progrun.training_log.runs import analyse, load_context, sha256_hex
from progrun.training_log.worker_guard import die_with_parent
from progrun.training_log.workspace import import_workspace

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")
MAX_FILE_BYTES = archive.MAX_MEMBER_BYTES
#: Below this many files the work runs in this process (a pool costs more than it saves).
POOL_THRESHOLD = 16
#: Files per task sent to a worker: one message each way per chunk instead of per file (16 rather
#: than 8 cut the parent's share of the pool's messaging by a quarter, about 0.06 ms a run).
CHUNK_FILES = 16
#: Chunks in flight per worker, so a worker never waits for the parent to hand it work.
CHUNKS_IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class Source:
    """One file to import: a path on disk, or a member (by index) of a zip on disk."""

    display: str
    path: str
    member: int | None = None
    name: str = ""
    strava_type: str = ""
    #: Read a damaged file leniently and store what decodes as a partial run (`import --salvage`).
    salvage: bool = False
    #: (offset, length) of the zip within `path` when it is a zip stored inside another, read in place.
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Skipped:
    file: str
    reason: str


@dataclass(frozen=True)
class Failed:
    file: str
    reason: str
    #: `reason` as text and suggestions (`ProgrunError.parts`), so a client renders suggestions its own way.
    parts: tuple[str | Suggestion, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Known:
    """A file whose content is already in the log (its hash matched before it was decoded)."""

    file: str
    activity_id: int


@dataclass(frozen=True)
class KnownFiles:
    """The runner's stored files, by the SHA-256 of their content and of their deflate stream
    (`Store.known_files`), each with its activity id."""

    content: dict[str, int] = field(default_factory=dict)
    deflate: dict[str, int] = field(default_factory=dict)


WorkResult = ImportedRun | Skipped | Failed | Known


@dataclass
class ImportReport:
    """The end report of an import."""

    imported: int = 0
    duplicates: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    duplicate_of: list[tuple[str, int, str]] = field(default_factory=list)
    imported_ids: list[int] = field(default_factory=list)
    #: macOS metadata members skipped silently (`__MACOSX/`, `._name`)
    ignored: int = 0
    #: (file, warning) for every warning of every file read: damage salvaged, clock jumps, fixes
    warnings: list[tuple[str, str]] = field(default_factory=list)
    #: (file, activity id, why) of the runs stored as partial
    partial: list[tuple[str, int, str]] = field(default_factory=list)
    #: (file, activity id, what it replaced) of complete runs that replaced a partial one
    replaced: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file was imported, a duplicate, or skipped as not a run."""
        return not self.failed

    def to_dict(self) -> dict[str, object]:
        """What `import --json` prints."""
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "skipped": len(self.skipped),
            "ignored": self.ignored,
            "failed": [{"file": f.file, "reason": f.reason} for f in self.failed],
            "partial": [{"file": f, "id": i, "reason": r} for f, i, r in self.partial],
            "replaced": [{"file": f, "id": i, "reason": r} for f, i, r in self.replaced],
            "warning_count": len(self.warnings),
            "warnings": [{"file": f, "warning": w} for f, w in self.warnings],
        }


# -- planning (parent) ---------------------------------------------------------------------------


def _is_activity_name(name: str) -> bool:
    return name.lower().endswith(ACTIVITY_SUFFIXES)


def _csv_key(name: str) -> str:
    key = archive.base_name(name).lower()
    return key[:-3] if key.endswith(".gz") else key


def read_strava_csv(text: str) -> dict[str, tuple[str, str]]:
    """Strava's activities.csv as {file name without .gz: (activity name, activity type)}.

    Tolerates a BOM, quoted newlines and duplicate column names (the first of each is used).
    """
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(rows, [])
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        columns.setdefault(title.strip().lower(), index)
    if "filename" not in columns:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for row in rows:

        def cell(title: str, row: list[str] = row) -> str:
            index = columns.get(title)
            return row[index].strip() if index is not None and index < len(row) else ""

        filename = cell("filename")
        if filename:
            out[_csv_key(filename)] = (cell("activity name"), cell("activity type"))
    return out


@dataclass
class Plan:
    """The sources to import and the problems found while listing them."""

    sources: list[Source] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    #: macOS metadata members skipped (`__MACOSX/`, `._name`), only counted
    ignored: int = 0
    budget: archive.UploadBudget = field(default_factory=archive.UploadBudget)


def plan_sources(paths: Sequence[Path], workdir: Path) -> Plan:
    """List every file to import. Archives are checked here; a nested zip is read where it lies when
    stored as it is, else copied (bounded) to workdir."""
    plan = Plan()
    for path in paths:
        if path.is_dir():
            metadata = {}
            csv_path = path / "activities.csv"
            if csv_path.is_file():
                metadata = read_strava_csv(csv_path.read_text(encoding="utf-8", errors="replace"))
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if archive.is_zip(child):
                    _plan_zip(child, str(child), plan, workdir, depth=0)
                elif _is_activity_name(child.name):
                    meta = metadata.get(_csv_key(child.name), ("", ""))
                    plan.sources.append(Source(str(child), str(child), None, meta[0], meta[1]))
        elif path.is_file():
            if archive.is_zip(path):
                _plan_zip(path, str(path), plan, workdir, depth=0)
            else:
                plan.sources.append(Source(str(path), str(path)))
        else:
            plan.failed.append(Failed(str(path), "no such file or folder"))
    return plan


def _plan_zip(
    path: Path, display: str, plan: Plan, workdir: Path, *, depth: int, span: tuple[int, int] | None = None
) -> None:
    """List one zip's members into `plan`; a nested zip stored as it is gets opened where it lies
    (`span`), a compressed one is copied (bounded) to `workdir` first."""
    planned, failed = len(plan.sources), len(plan.failed)
    try:
        with archive.open_zip(path, display, span) as opened:
            if depth == 0:
                plan.budget.add_archive(path.stat().st_size)
            listing = archive.list_members(opened, display, budget=plan.budget)
            plan.ignored += listing.ignored
            metadata: dict[str, tuple[str, str]] = {}
            for member in listing.members:
                if archive.base_name(member.name).lower() == "activities.csv":
                    raw = archive.read_member(opened, member.index, f"{display}!{member.name}")
                    metadata.update(read_strava_csv(raw.decode("utf-8", errors="replace")))
            for refused in listing.refused:
                plan.failed.append(Failed(f"{display}!{refused.name!r}", refused.reason))
            for member in listing.members:
                shown = f"{display}!{member.name}"
                if member.name.lower().endswith(".zip"):
                    if depth >= 1:
                        plan.failed.append(Failed(shown, "archive nested more than one level deep; refused"))
                        continue
                    nested_span = archive.stored_member_span(opened, member.index)
                    if nested_span is not None:
                        _plan_zip(path, shown, plan, workdir, depth=depth + 1, span=nested_span)
                        continue
                    target = workdir / f"nested-{len(list(workdir.iterdir()))}.zip"
                    try:
                        archive.copy_member(opened, member.index, target, shown)
                    except ActivityFileError as error:
                        plan.failed.append(Failed(shown, error.reason))
                        continue
                    _plan_zip(target, shown, plan, workdir, depth=depth + 1)
                elif _is_activity_name(member.name):
                    meta = metadata.get(_csv_key(member.name), ("", ""))
                    plan.sources.append(Source(shown, str(path), member.index, meta[0], meta[1], span=span))
    except archive.BudgetExceeded as error:
        if depth > 0:
            raise  # the whole top-level archive is refused
        del plan.sources[planned:], plan.failed[failed:]  # one line for the archive, none of it imported
        plan.failed.append(Failed(display, error.reason))
    except ActivityFileError as error:
        plan.failed.append(Failed(display, error.reason))


# -- analysis (worker) ---------------------------------------------------------------------------

_CONTEXT = AnalysisContext()
#: The runner's stored files (by content and deflate SHA-256 -> activity id), sent once to each worker.
_KNOWN = KnownFiles()
_ZIPS: dict[tuple[str, tuple[int, int] | None], zipfile.ZipFile] = {}


def _init_worker(context: AnalysisContext, parent_pid: int, known: KnownFiles | None = None) -> None:
    global _CONTEXT, _KNOWN  # noqa: PLW0603  (per-process worker state)
    _CONTEXT = context
    _KNOWN = known or KnownFiles()
    _ZIPS.clear()
    die_with_parent(parent_pid)


def _read_source(source: Source, known: KnownFiles) -> archive.MemberBytes | Known:
    """The file's bytes, and for a deflated zip member its deflate stream as well (kept as the blob).

    A deflated member whose compressed bytes are a stored file's deflate stream is that file: `Known`,
    without inflating it (equal deflate streams inflate to equal bytes).
    """
    if source.member is None:
        with open(source.path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise UnsafeFile(source.display, f"larger than {MAX_FILE_BYTES} bytes", format="file")
        return archive.MemberBytes(data)
    opened = _ZIPS.get((source.path, source.span))
    if opened is None:
        opened = archive.open_zip(source.path, source.display, source.span)
        _ZIPS[source.path, source.span] = opened
    deflate = archive.read_deflate(opened, source.member)
    if deflate is not None and known.deflate:
        stored = known.deflate.get(sha256_hex(deflate))
        if stored is not None:
            return Known(source.display, stored)
    return archive.inflate_member(opened, source.member, deflate, source.display)


def analyse_source(
    source: Source, context: AnalysisContext | None = None, known: KnownFiles | None = None
) -> WorkResult:
    """Read, decompress, hash, parse and analyse one file; never raises for bad input.

    Hash before decode: a file whose content is already in the log (`known`, else the worker's) is
    reported `Known` without being parsed, so re-importing an export costs its reading and hashing
    only; a zip member whose deflate stream is stored is known before it is even inflated.
    """
    from progrun.formats import read_activity
    from progrun.formats.on_error import OnError

    try:
        known = _KNOWN if known is None else known
        read = _read_source(source, known)
        if isinstance(read, Known):
            return read
        data, deflate = read.data, read.deflate
        if not data:
            return Failed(source.display, "empty file (0 bytes)")
        if is_gzip(data):
            data, deflate = gunzip(data, name=source.display).data, None
        digest = sha256_hex(data)
        stored = known.content.get(digest)
        if stored is not None:
            return Known(source.display, stored)
        base = archive.base_name(source.display)
        parse_name = base[:-3] if base.lower().endswith(".gz") else base
        on_error = OnError.WARN if source.salvage else OnError.RAISE
        activity = read_activity(data, name=parse_name, on_error=on_error)
        run, reason = is_run(activity, source.strava_type)
        if not run:
            return Skipped(source.display, reason)
        return analyse(  # one PreparedRun inside: the splits, detector and judge share their work
            activity,
            data,
            source_name=source.display,
            name=source.name,
            context=context or _CONTEXT,
            digest=digest,
            deflate=deflate,
        )
    except NotAnActivity as error:  # a Garmin export's monitoring and settings files
        return Skipped(source.display, _reason(error))
    except ProgrunError as error:
        parts = error.detail_parts if isinstance(error, ActivityFileError) else error.parts
        return Failed(source.display, _reason(error, hint=True), parts)
    except (OSError, MemoryError) as error:
        return Failed(source.display, f"cannot read the file: {error}")
    except Exception as error:  # a parser bug must not stop the import; report it per file
        return Failed(source.display, f"unexpected {type(error).__name__}: {error}")


def _reason(error: ProgrunError, *, hint: bool = False) -> str:
    """The error without the file name (the report line names it); a failure keeps what to do about it."""
    if isinstance(error, ActivityFileError):
        text = error.reason + (f" ({error.where})" if error.where else "")
        return text + (f"; {error.hint}" if hint and error.hint else "")
    return str(error)


# -- the whole import (parent) -------------------------------------------------------------------


def analyse_chunk(sources: Sequence[Source]) -> list[WorkResult]:
    """`analyse_source` on each of a few sources: one task, one message back (less IPC per file)."""
    return [analyse_source(source) for source in sources]


#: The reason given for a file whose worker process died while reading it.
WORKER_DIED = (
    "the worker process reading this file died (out of memory, or a crash); nothing of it was stored, "
    "the other files were imported"
)


def _pool(context: AnalysisContext, workers: int, known: KnownFiles) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(context, os.getpid(), known)
    )


def _results(
    sources: Sequence[Source], context: AnalysisContext, workers: int, known: KnownFiles
) -> Iterator[tuple[Source, WorkResult]]:
    if workers <= 1 or len(sources) < POOL_THRESHOLD:
        for source in sources:
            yield source, analyse_source(source, context, known)
        return
    # Small enough that every worker gets several chunks even for a short import.
    chunk = max(1, min(CHUNK_FILES, len(sources) // (4 * workers)))
    parts = [sources[start : start + chunk] for start in range(0, len(sources), chunk)]
    done = 0
    while done < len(parts):
        try:
            for part, results in _pooled(parts[done:], context, workers, known):
                done += 1
                yield from zip(part, results, strict=True)
        except BrokenProcessPool:
            # A worker died: every chunk in flight is lost. Read the first one file by file to find the
            # file that killed it (or clear it), then go on with a fresh pool from the next chunk.
            yield from _isolate(parts[done], context, known)
            done += 1


def _pooled(
    parts: Sequence[Sequence[Source]], context: AnalysisContext, workers: int, known: KnownFiles
) -> Iterator[tuple[Sequence[Source], list[WorkResult]]]:
    """Each chunk with its results, in order, at most CHUNKS_IN_FLIGHT_PER_WORKER x workers in flight."""
    chunks = iter(parts)
    window = CHUNKS_IN_FLIGHT_PER_WORKER * workers
    with _pool(context, workers, known) as pool:
        pending: deque[tuple[Sequence[Source], Future[list[WorkResult]]]] = deque()
        for part in chunks:
            pending.append((part, pool.submit(analyse_chunk, part)))
            if len(pending) >= window:
                break
        while pending:
            part, future = pending.popleft()
            following = next(chunks, None)
            if following is not None:
                pending.append((following, pool.submit(analyse_chunk, following)))
            yield part, future.result()


def _isolate(
    part: Sequence[Source], context: AnalysisContext, known: KnownFiles
) -> Iterator[tuple[Source, WorkResult]]:
    """The chunk's files one task each in a one-worker pool: the task running when it dies is the culprit."""
    remaining = list(part)
    while remaining:
        finished = 0
        try:
            with _pool(context, 1, known) as pool:
                futures = [pool.submit(analyse_chunk, [source]) for source in remaining]
                for source, future in zip(remaining, futures, strict=True):
                    result = future.result()[0]
                    finished += 1
                    yield source, result
        except BrokenProcessPool:
            culprit = remaining[finished]
            yield culprit, Failed(culprit.display, WORKER_DIED)
            remaining = remaining[finished + 1 :]
        else:
            remaining = []


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    context: AnalysisContext | None = None,
    workers: int = 0,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[str], None] | None = None,
    salvage: bool = False,
    shown_as: tuple[Path, str] | None = None,
) -> ImportReport:
    """Import files, folders, .gz files and zip exports into the store; one bad file never stops it.

    `salvage`: store what decodes from a damaged file as a partial run instead of refusing it.
    """
    if context is None:
        context = load_context(store)
    workers = workers or os.cpu_count() or 1
    known = KnownFiles(*store.known_files())
    report = ImportReport()
    with import_workspace() as workdir:
        plan = plan_sources(list(paths), workdir)
        if shown_as is not None:
            _show_as(plan, *shown_as)
        report.failed.extend(plan.failed)
        report.ignored = plan.ignored
        sources = [dataclasses.replace(s, salvage=True) for s in plan.sources] if salvage else plan.sources
        if on_start is not None:
            on_start(len(sources))
        with store.run_writer() as add_run:
            for source, result in _results(sources, context, workers, known):
                _record(report, source, result, add_run)
                if on_file is not None:
                    on_file(source.display)
    return report


def _show_as(plan: Plan, path: Path, name: str) -> None:
    """Name the files read from `path` (an upload's temporary copy) by the name it was uploaded as, in
    the report and in the stored runs' source names."""
    prefix = str(path)

    def shown(display: str) -> str:
        return name + display[len(prefix) :] if display.startswith(prefix) else display

    plan.sources = [dataclasses.replace(source, display=shown(source.display)) for source in plan.sources]
    plan.failed = [Failed(shown(failed.file), failed.reason) for failed in plan.failed]


def _record(
    report: ImportReport, source: Source, result: WorkResult, add_run: Callable[[ImportedRun], AddOutcome]
) -> None:
    """Store one analysed file (its own transaction) and count what happened to it."""
    if isinstance(result, ImportedRun):
        warnings = result.summary.get("warnings", [])
        if isinstance(warnings, list):
            report.warnings.extend((source.display, str(warning)) for warning in warnings)
        try:
            outcome = add_run(result)
        except DiskFull:
            raise  # every later run would fail the same way: stop at the first
        except ProgrunError as error:
            report.failed.append(Failed(source.display, str(error)))
        else:
            if outcome.status == "imported":
                report.imported += 1
                report.imported_ids.append(outcome.activity_id)
                if result.partial:
                    report.partial.append((source.display, outcome.activity_id, result.partial))
                if outcome.reason:
                    report.replaced.append((source.display, outcome.activity_id, outcome.reason))
            else:
                report.duplicates += 1
                report.duplicate_of.append((source.display, outcome.activity_id, outcome.reason))
    elif isinstance(result, Known):
        report.duplicates += 1
        report.duplicate_of.append(
            (source.display, result.activity_id, f"same content as activity {result.activity_id}")
        )
    elif isinstance(result, Skipped):
        report.skipped.append(result)
    else:
        report.failed.append(result)
