"""The training-log commands: import, history, show, profile, reanalyse, export-data (and the shared `--db`).

Each command opens the log named by `--db` (else PROGRUN_DB, else the embedded SQLite file in the
user's data directory), calls the storage layer, and prints the result. `progress`, `next` and
`block` are in `progrun.cli.progress_commands`.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TimeRemainingColumn
from rich.text import Text

from progrun.cli.fields import option_text
from progrun.cli.output import make_console, make_table, output_folder, print_json
from progrun.cli.safe_text import csv_cell, terminal_cell, terminal_text
from progrun.errors import ProgrunError, UnitError, render_parts
from progrun.settings import Settings
from progrun.storage import Profile, Store
from progrun.units import format_distance, format_duration, format_pace, parse_pace, parse_race

if TYPE_CHECKING:
    from progrun.training_log import HistoryEntry, TrainingLog
    from progrun.training_log.importer import ImportReport

F = TypeVar("F", bound=Callable[..., Any])
#: Runs on a page of `history` (the CLI's choice: a page a terminal shows at once).
HISTORY_PAGE_SIZE = 50
DB_HELP = (
    "Training log: a postgresql://... URL or an SQLite file [default: PROGRUN_DB, else the user data dir]."
)


def db_option(function: F) -> F:
    return click.option("--db", "db", metavar="URL", help=DB_HELP)(function)


def open_store(db: str | None) -> Store:
    from progrun.storage.location import default_data_dir

    settings = Settings.from_environment(db, default_data_dir=default_data_dir)
    store = Store.open(settings.db_url)
    if store.created:
        click.echo(f"created a new training log at {terminal_text(store.shown_url)}", err=True)
    return store


def open_log(db: str | None) -> TrainingLog:
    """The runner's training log (the application layer) on the store `--db` names."""
    from progrun.training_log import TrainingLog

    return TrainingLog(open_store(db))


def open_existing_store(db: str | None) -> Store | None:
    """The training log, or None when it is an SQLite file that does not exist yet.

    For commands that only consult the log (`progrun plan`'s frequency guard): no log means nothing
    to check, and nothing is created.
    """
    from progrun.storage.location import default_data_dir

    url = Settings.from_environment(db, default_data_dir=default_data_dir).db_url
    if url.startswith("sqlite:///"):
        database = url.split(":///", 1)[1]
        if database != ":memory:" and not Path(database).is_file():
            return None
    return Store.open(url, create=False)


def pace_text(value: float | None, unit: str = "km") -> str:
    return format_pace(value, unit) if value is not None and math.isfinite(value) and value > 0 else "-"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "(no date)"


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.0f} files/s" if speed else "- files/s")


# -- import ------------------------------------------------------------------------------------


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--workers", type=click.IntRange(0, 64), default=0, help="Worker processes [default: one per core]."
)
@click.option(
    "--salvage",
    is_flag=True,
    help="Store what decodes from a damaged file (cut short, bad CRC) as a partial run, not refuse it.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print {imported, duplicates, skipped, ignored, failed, partial, replaced, warning_count, warnings} "
    "as JSON.",
)
@db_option
def import_command(
    paths: tuple[Path, ...], workers: int, salvage: bool, as_json: bool, db: str | None
) -> None:
    """Import runs: FIT/GPX/TCX files, .gz files, folders, Garmin and Strava export zips.

    Exits 1 when any file failed (0 when every file was imported, a duplicate, or skipped as not a
    run). A damaged file is refused unless --salvage, which stores what decodes as a partial run
    (kept out of fitness and progress; a later complete copy replaces it).

    \b
    Example:
      progrun import export_12345.zip
      progrun import ~/watch/ --json
      progrun import cut-short.fit --salvage
    """
    console = make_console(stderr=True)
    with open_log(db) as log:
        progress = Progress(
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=as_json or not console.is_terminal,
            transient=True,
        )
        with progress:
            task = progress.add_task("import", total=None)
            report = log.import_files(
                list(paths),
                workers=workers,
                on_start=lambda total: progress.update(task, total=total),
                on_file=lambda _name: progress.advance(task),
                salvage=salvage,
            )
    if as_json:
        print_json(report.to_dict())
    else:
        print_import_report(report, make_console())
    if not report.ok:
        raise click.exceptions.Exit(1)


def import_summary(report: ImportReport) -> str:
    """The counts on one line: imported 36, duplicates 0, skipped 0 (not runs), failed 0."""
    text = (
        f"imported {report.imported}, duplicates {report.duplicates}, "
        f"skipped {len(report.skipped)} (not runs), failed {len(report.failed)}"
    )
    if report.partial:
        text += f", partial {len(report.partial)}"
    if report.ignored:
        text += f", ignored {report.ignored} (macOS metadata)"
    if report.warnings:
        text += f", warnings {len(report.warnings)}"
    return text


def print_import_report(report: ImportReport, console: Console) -> None:
    """The import's counts, then one line per partial, replacing, duplicate, skipped and failed file and
    per warning."""
    console.print(import_summary(report), markup=False)
    for name, activity_id, reason in report.partial:
        console.print(f"  partial    {terminal_text(name)}: activity {activity_id}, {reason}", markup=False)
    for name, activity_id, reason in report.replaced:
        console.print(f"  replaced   {terminal_text(name)}: activity {activity_id} {reason}", markup=False)
    for name, _activity_id, reason in report.duplicate_of:
        console.print(f"  duplicate  {terminal_text(name)}: {reason}", markup=False)
    for skipped in report.skipped:
        console.print(f"  skipped    {terminal_text(skipped.file)}: {skipped.reason}", markup=False)
    for failed in report.failed:
        reason = render_parts(failed.parts, option_text) if failed.parts else failed.reason
        console.print(f"  failed     {terminal_text(failed.file)}: {terminal_text(reason)}", markup=False)
    for name, warning in report.warnings:
        console.print(f"  warning    {terminal_text(name)}: {warning}", markup=False)


# -- history, show -----------------------------------------------------------------------------


@click.command()
@click.option("--limit", type=click.IntRange(1), help="Only the latest N runs.")
@click.option(
    "--page",
    type=click.IntRange(1),
    help=f"Page N of the history, {HISTORY_PAGE_SIZE} runs a page [default: the latest page].",
)
@click.option("--all", "everything", is_flag=True, help="Every run, on one page.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON list for scripts (every run unless --page/--limit)."
)
@db_option
def history(limit: int | None, page: int | None, everything: bool, as_json: bool, db: str | None) -> None:
    """List the runs in the training log, oldest first: the latest page of them unless --page or --all.

    \b
    Example:
      progrun history --limit 10
      progrun history --page 1
    """
    with open_log(db) as log:
        if as_json and limit is None and page is None:
            print_json_stream(entry.to_dict() for entry in log.iter_history())
            return
        if limit is not None:
            shown = log.latest(limit)
        else:
            shown = log.history(page=page, page_size=None if everything else HISTORY_PAGE_SIZE)
        runner = log.profile()
        notes = log.notes()
    if as_json:
        print_json(shown.to_dict())
        return
    unit = runner.units
    title = f"{len(shown.entries)} runs"
    if shown.page_size is not None and shown.pages > 1:
        title += f" (page {shown.page} of {shown.pages}, {shown.total} runs: --page N, --all)"
    elif len(shown.entries) < shown.total:
        title += f" (the latest of {shown.total}: --all)"
    table = make_table(
        title,
        ["ID", "Start", "Distance", "Time", "Pace", "Kind", "Score", "Name"],
        right=["ID", "Distance", "Time", "Pace", "Score"],
    )
    for entry in shown.entries:
        table.add_row(*_history_row(entry, unit))
    make_console().print(table)
    print_notes(notes, make_console())


def _history_row(entry: HistoryEntry, unit: str) -> list[str | Text]:
    from progrun.training_log.objects import shown_name

    run = entry.run
    return [
        str(run.id),
        _when(run.start),
        format_distance(run.distance_m, unit),
        format_duration(run.duration_s),
        pace_text(entry.pace_s_per_km, unit),
        run.kind,
        f"{run.score:.0f}" if run.score is not None else "",
        terminal_cell(shown_name(run)) + (" (partial)" if run.partial else ""),
    ]


@click.command()
@click.argument("activity_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
@db_option
def show(activity_id: int, as_json: bool, db: str | None) -> None:
    """Show one run: summary, splits and verdict.

    \b
    Example:
      progrun show 12
    """
    with open_log(db) as log:
        view = log.activity(activity_id)
        runner = log.profile()
        notes = log.notes()
    unit = runner.units
    detail, run = view.detail, view.run
    if as_json:
        print_json(view.to_dict())
        return
    console = make_console()
    console.print(f"Run {run.id}: {terminal_text(run.name or run.source_name)}", markup=False)
    console.print(
        f"  {_when(run.start)}  {run.sport}  {format_distance(run.distance_m, unit)} in "
        f"{format_duration(run.duration_s)} (moving {format_duration(run.moving_s)})  kind: {run.kind}"
        + (f"  score {run.score:.0f}" if run.score is not None else "")
        + (f"  load {run.load:.0f}" if run.load is not None else ""),
        markup=False,
    )
    if run.partial:
        console.print(
            f"  Partial run ({run.partial}): left out of fitness and progress; "
            "importing a complete copy of it replaces it.",
            markup=False,
        )
    table = make_table(
        "Splits", ["#", "Distance", "Time", "Pace", "HR"], right=["#", "Distance", "Time", "Pace", "HR"]
    )
    for split in detail.splits:
        table.add_row(
            str(split.index),
            format_distance(split.distance_m, unit),
            format_duration(split.elapsed_s),
            pace_text(split.pace_s_per_km, unit),
            f"{split.avg_hr_bpm:.0f}" if split.avg_hr_bpm is not None else "",
        )
    console.print(table)
    if detail.verdict is not None:
        details = detail.verdict.details
        cooldown_s = details.get("cooldown_s")
        cooldown = format_duration(float(cooldown_s)) if isinstance(cooldown_s, int | float) else "-"
        console.print(
            f"Judged against {terminal_text(str(details.get('judged_against', 'a plan')))}:", markup=False
        )
        console.print(f"  {terminal_text(str(details.get('verdict', '')))}", markup=False)
        console.print(
            f"  progressed: {'yes' if detail.verdict.progressed else 'no'}, target reached: "
            f"{'yes' if detail.verdict.target_reached else 'no'}, tempo splits: "
            f"{details.get('tempo_splits', '-')}, cooldown: {cooldown} (--json: every split's verdict)",
            markup=False,
        )
    print_notes(notes, console)


# -- profile, reanalyse ------------------------------------------------------------------------


def print_profile_notes(runner: Profile, console: Console) -> None:
    """One "Note:" line per thing the stored analysis lacks for want of a profile."""
    from progrun.training_log.runs import profile_notes

    print_notes(profile_notes(runner), console)


def print_notes(notes: tuple[str, ...], console: Console) -> None:
    for note in notes:
        console.print(f"Note: {note}", markup=False)


def print_json_stream(items: Iterator[dict[str, Any]]) -> None:
    """A JSON list printed item by item, the same text `print_json(list(items))` prints (a large log's
    history never sits in memory twice)."""
    first = next(items, None)
    if first is None:
        print_json([])
        return
    click.echo("[")
    pending = first
    for item in items:
        click.echo(_indented(pending) + ",")
        pending = item
    click.echo(_indented(pending))
    click.echo("]")


def _indented(item: dict[str, Any]) -> str:
    from progrun.cli.output import json_item

    return "\n".join("  " + line for line in json_item(item).splitlines())


def _parse_pace_option(text: str | None, option: str) -> float | None:
    if text is None:
        return None
    try:
        return parse_pace(text)
    except UnitError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


#: The option that sets each profile field (a ProfileError names the field).
PROFILE_OPTIONS = {"hr_max_bpm": "--hr-max", "hr_rest_bpm": "--hr-rest"}


@click.command()
@click.option("--name", help="Your name.")
@click.option("--hr-max", type=click.FloatRange(100, 230), help="Maximum heart rate (bpm).")
@click.option("--hr-rest", type=click.FloatRange(25, 100), help="Resting heart rate (bpm).")
@click.option("--threshold-pace", metavar="PACE", help="Threshold (tempo) pace, e.g. 4:30/km or 7:15/mi.")
@click.option("--easy-pace", metavar="PACE", help="Easy pace, e.g. 5:45/km.")
@click.option(
    "--race", metavar="DIST=TIME", help="A recent race; sets VDOT and threshold pace, e.g. 5k=20:00."
)
@click.option("--units", type=click.Choice(["km", "mi"]), help="Units to show.")
@click.option("--sex", type=click.Choice(["f", "m", ""]), help="For TRIMP's constants.")
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON.")
@db_option
def profile(  # noqa: PLR0917 (one parameter per option)
    name: str | None,
    hr_max: float | None,
    hr_rest: float | None,
    threshold_pace: str | None,
    easy_pace: str | None,
    race: str | None,
    units: str | None,
    sex: str | None,
    as_json: bool,
    db: str | None,
) -> None:
    """Show or set the runner's profile: paces, heart-rate values, units.

    \b
    Example:
      progrun profile --hr-max 188 --hr-rest 48 --race 5k=20:00
    """
    from progrun.training_log import ProfileError
    from progrun.training_log.profile import race_profile_fields

    changes: dict[str, Any] = {}
    if race is not None:
        try:
            distance_m, time_s = parse_race(race)
        except UnitError as error:
            raise click.BadParameter(str(error), param_hint="--race") from None
        changes.update(race_profile_fields(distance_m, time_s))
    for key, value in (
        ("name", name),
        ("hr_max_bpm", hr_max),
        ("hr_rest_bpm", hr_rest),
        ("threshold_s_per_km", _parse_pace_option(threshold_pace, "--threshold-pace")),
        ("easy_s_per_km", _parse_pace_option(easy_pace, "--easy-pace")),
        ("units", units),
        ("sex", sex),
    ):
        if value is not None:
            changes[key] = value
    with open_log(db) as log:
        try:
            update = log.set_profile(**changes)
        except ProfileError as error:
            raise click.BadParameter(error.message, param_hint=PROFILE_OPTIONS.get(error.field)) from None
    current = update.profile
    if update.reanalysed is not None:
        done = update.reanalysed
        report = make_console(stderr=as_json)
        report.print(
            f"re-analysed {done} stored run{'' if done == 1 else 's'} with the new profile (threshold "
            f"pace: kinds and rTSS loads; heart rate max/rest: TRIMP loads), failed {len(update.failed)}",
            markup=False,
        )
        for activity_id, reason in update.failed:
            report.print(f"  failed {activity_id}: {reason}", markup=False)
    if as_json:
        print_json(update.to_dict())
        return
    console = make_console()
    for key, value in update.to_dict().items():
        shown = (
            pace_text(value, current.units)
            if key.endswith("_s_per_km")
            else f"{value:.1f}"
            if key == "vdot" and isinstance(value, float)
            else ("-" if value in (None, "") else value)
        )
        console.print(f"{key:20} {shown}", markup=False)


@click.command()
@click.argument("activity_ids", nargs=-1, type=int)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Re-analyse every run (default: those analysed by an older version).",
)
@click.option("--json", "as_json", is_flag=True, help="Print {reanalysed, failed} as JSON.")
@click.option(
    "--broker", metavar="URL", help="Fan every runner's runs out to `progrun worker`s (PROGRUN_BROKER)."
)
@click.option("--batch", "batch_size", type=click.IntRange(1, 10_000), default=50, show_default=True)
@db_option
def reanalyse(  # noqa: PLR0917 (click passes every option)
    activity_ids: tuple[int, ...],
    everything: bool,
    as_json: bool,
    broker: str | None,
    batch_size: int,
    db: str | None,
) -> None:
    """Re-analyse stored runs from their raw files (after progrun's algorithms improve).

    With a broker, every runner's runs go to the workers in batches, with progress; run it again
    after a crash and it resumes the unfinished job.

    \b
    Example:
      progrun reanalyse --all
      progrun reanalyse --all --db postgresql://db/progrun --broker redis://queue:6379
    """
    from progrun.storage.location import default_data_dir
    from progrun.training_log.reanalyse import reanalyse_activities

    settings = Settings.from_environment(db, default_data_dir=default_data_dir, broker=broker)
    if settings.broker_url and not activity_ids:
        from progrun.cli.reanalyse_fanout import fan_out

        result = fan_out(settings.db_url, settings.broker_url, everything=everything, batch_size=batch_size)
        progress = result.progress
        if as_json:
            print_json({"job": result.job_id, "reanalysed": progress.done, "failed": progress.failed})
            return
        make_console().print(
            f"job {result.job_id}: re-analysed {progress.done} runs, failed {progress.failed} "
            f"in {result.elapsed_s:.1f} s"
        )
        return

    with open_store(db) as store:
        done, failed = reanalyse_activities(store, list(activity_ids) or None, everything=everything)
    if as_json:
        print_json({"reanalysed": done, "failed": [{"id": i, "reason": r} for i, r in failed]})
        return
    make_console().print(f"re-analysed {done} runs, failed {len(failed)}")
    for activity_id, reason in failed:
        make_console().print(f"  failed {activity_id}: {reason}", markup=False)


# -- export-data -------------------------------------------------------------------------------


@click.command("export-data")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@db_option
def export_data(out_dir: Path, fmt: str, db: str | None) -> None:
    """Write everything out: activities.csv and splits.csv (or Parquet when pyarrow is installed).

    \b
    Example:
      progrun export-data ./my-runs
    """
    from progrun.training_log.data_export import export_rows

    output_folder(out_dir, "export-data")
    with open_store(db) as store:
        data = export_rows(store)
    activity_rows, split_rows = data.activities, data.splits
    written = [
        _write_table(out_dir / "activities", activity_rows, fmt),
        _write_table(out_dir / "splits", split_rows, fmt),
    ]
    make_console().print(
        f"wrote {len(activity_rows)} runs and {len(split_rows)} splits: " + ", ".join(map(str, written)),
        markup=False,
    )


def _write_table(stem: Path, rows: list[dict[str, Any]], fmt: str) -> Path:
    if fmt == "parquet":
        try:
            import pyarrow as pa  # type: ignore[import-not-found,unused-ignore]
            import pyarrow.parquet as pq  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            raise ProgrunError(
                "Parquet export needs pyarrow; install it (pip install pyarrow) or use --format csv"
            ) from None
        path = stem.with_suffix(".parquet")
        pq.write_table(pa.Table.from_pylist(rows), path)
        return path
    path = stem.with_suffix(".csv")
    with path.open("w", newline="", encoding="utf-8") as handle:
        if rows:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
    return path


def parse_today(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; write it like 2024-03-04", param_hint="--today"
        ) from None


__all__ = [
    "db_option",
    "export_data",
    "history",
    "import_command",
    "import_summary",
    "open_existing_store",
    "open_store",
    "pace_text",
    "parse_today",
    "print_import_report",
    "print_profile_notes",
    "profile",
    "reanalyse",
    "show",
]
