"""The training-log commands that read and fill the log: import, history, show.

`profile` and `reanalyse` are in `progrun.cli.profile_commands`, `export-data` in
`progrun.cli.export_data_command`, `progress`, `next` and `block` in `progrun.cli.progress_commands`;
what they share (`--db`, opening the log) in `progrun.cli.log_options`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TimeRemainingColumn
from rich.text import Text

from progrun.cli.fields import option_text
from progrun.cli.log_options import (
    db_option,
    open_log,
    pace_text,
    print_json_stream,
    print_notes,
    when_text,
)
from progrun.cli.output import make_console, make_table, print_json
from progrun.cli.safe_text import terminal_cell, terminal_text
from progrun.errors import render_parts
from progrun.units import format_distance, format_duration

if TYPE_CHECKING:
    from progrun.training_log import HistoryEntry, ImportReport

#: Runs on a page of `history` (the CLI's choice: a page a terminal shows at once).
HISTORY_PAGE_SIZE = 50


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
        when_text(run.start),
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
        f"  {when_text(run.start)}  {run.sport}  {format_distance(run.distance_m, unit)} in "
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
            f"{split.heart_rate_avg_bpm:.0f}" if split.heart_rate_avg_bpm is not None else "",
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


__all__ = ["history", "import_command", "import_summary", "print_import_report", "show"]
