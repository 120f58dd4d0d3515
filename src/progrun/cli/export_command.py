"""`progrun export`: a plan to a Garmin workout (FIT), Zwift, intervals.icu, a calendar, JSON or paper."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import click

from progrun.cli.output import escape, make_console, make_table, print_warnings
from progrun.cli.plan_options import PlanRequest, build_requested_plan, plan_file_option, plan_options
from progrun.errors import ExportError, UnitError
from progrun.formats.export import ExportFormat, ExportResult, Fidelity, Repeat, export_plan, step_label
from progrun.plan import Plan

_FIDELITY_STYLE = {Fidelity.EXACT: "green", Fidelity.APPROXIMATE: "yellow", Fidelity.NOT_CARRIED: "red"}

#: Each format in a runner's words, and what to do with the file, in a few words (`progrun demo`'s table).
FORMAT_USES: dict[ExportFormat, tuple[str, str]] = {
    ExportFormat.FIT: ("Garmin workout", "copy to GARMIN/NewFiles (USB)"),
    ExportFormat.ZWO: ("Zwift workout", "copy to Documents/Zwift/Workouts"),
    ExportFormat.ICS: ("calendar", "open it in your calendar"),
    ExportFormat.INTERVALS: ("intervals.icu", "paste into an intervals.icu workout"),
    ExportFormat.JSON: ("plan (JSON)", "judge and export read it (--plan)"),
    ExportFormat.PDF: ("pace band, A4", "print at 100 %, cut, tape round wrist"),
    ExportFormat.PNG: ("pace band, image", "keep it on your phone"),
}

_WORST_FIRST = (Fidelity.NOT_CARRIED, Fidelity.APPROXIMATE, Fidelity.EXACT)


def pace_band_fidelity(result: ExportResult) -> Fidelity | None:
    """How the file carries the plan's pace bands: the worst of its pace-band targets (None: none)."""
    found = {row.fidelity for row in result.fidelity if row.target.startswith("pace band")}
    return next((fidelity for fidelity in _WORST_FIRST if fidelity in found), None)


@click.command()
@plan_file_option
@plan_options(distance_required=False)
@click.option(
    "--to",
    "fmt",
    required=True,
    type=click.Choice([export_format.value for export_format in ExportFormat]),
    help="fit (Garmin), zwo (Zwift), ics (calendar), intervals (intervals.icu), json, pdf/png (pace band).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write [default: progression-<distance>.<ext>].",
)
@click.option("--date", "run_date", type=click.DateTime(["%Y-%m-%d"]), help="Date of the run, for --to ics.")
@click.option(
    "--time", "run_time", default="07:00", show_default=True, help="Local start time, for --to ics."
)
@click.option(
    "--repeat",
    type=click.Choice([choice.value for choice in Repeat]),
    default="none",
    show_default=True,
    help="Make the calendar event recur (twice-weekly: the start's weekday and 3 days later), for --weeks.",
)
@click.option(
    "--weeks",
    type=int,
    metavar="N",
    help="How many weeks a --repeat runs, 1-52 (needed with --repeat; alone it means --repeat weekly).",
)
def export(  # noqa: PLR0917 (one parameter per click option)
    request: PlanRequest,
    fmt: str,
    output: Path | None,
    run_date: datetime | None,
    run_time: str,
    repeat: str,
    weeks: int | None,
) -> None:
    """Export a progression-run plan for a watch, a training platform, a calendar or the wrist.

    Build the plan from a race result or your paces, with the same options as `progrun plan`, or load
    one saved with `progrun plan --json`; --name names it (the watch workout, the calendar event).
    Prints where the file went and, for every target of the plan, whether the format carries it
    exactly, approximately or not at all. A calendar repeat runs for --weeks weeks, never forever.

    \b
    Example:
      progrun export --race 5k=20:00 --distance 5mi --to fit -o progression.fit
      progrun export --plan plan.json --to zwo -o progression.zwo
      progrun export --race 5k=20:00 --distance 5mi --to ics --date 2026-12-01 --repeat weekly --weeks 8
      progrun export --plan plan.json --name "Tuesday build" --to fit -o tuesday.fit
      progrun export --race 10k=50:00 --distance 8km --unit km --to png -o band.png
      progrun export --marathon-pace 8:30 --target-pace 7:30 --distance 4mi --cooldown 10min --to fit
    """
    export_format = ExportFormat(fmt)
    plan, _ = build_requested_plan(request)
    start_at = _start_time(run_date, run_time) if run_date is not None else None
    if export_format is ExportFormat.ICS and start_at is None:
        raise ExportError("ICS", "a calendar event needs a date; pass --date 2026-12-01 (and --time 07:00)")
    chosen = Repeat(repeat)
    if weeks is not None and chosen is Repeat.NONE:
        chosen = Repeat.WEEKLY
    result = export_plan(plan, export_format, start=start_at, repeat=chosen, weeks=weeks)
    path = output or Path(default_file_name(plan, export_format))
    try:
        path.write_bytes(result.data)
    except OSError as error:
        raise ExportError(
            export_format.value, f"cannot write {path}: {error.strerror}; choose another -o path"
        ) from None
    _report(plan, result, path)


def default_file_name(plan: Plan, fmt: ExportFormat) -> str:
    """ "progression-5mi.fit", "progression-8km.txt" (intervals.icu text)..."""
    miles_or_km = plan.total_distance_m / plan.unit.metres
    number = f"{miles_or_km:.2f}".rstrip("0").rstrip(".")
    return f"progression-{number}{plan.unit.value}.{fmt.extension}"


def _start_time(run_date: datetime, run_time: str) -> datetime:
    try:
        clock = time.fromisoformat(run_time.strip())
    except ValueError:
        raise UnitError(run_time, "time of day", "07:00 or 18:30") from None
    day: date = run_date.date()
    return datetime.combine(day, clock)


def _report(plan: Plan, result: ExportResult, path: Path) -> None:
    console = make_console()
    console.print(f"Wrote {escape(str(path))} ({len(result.data):,} bytes, {result.format.value}).")
    if result.format is ExportFormat.FIT:
        console.print(
            "Copy it to GARMIN/NewFiles on the watch (USB); after you unplug, the watch lists it under "
            "Training > Workouts."
        )
        if path.suffix.lower() != ".fit":
            print_warnings(
                [f"{path.name} does not end in .fit; Garmin watches import only .fit files"], console
            )
    elif result.format is ExportFormat.ZWO:
        console.print("Copy it to Documents/Zwift/Workouts/<your id>; Zwift lists it under Custom Workouts.")
    elif result.format is ExportFormat.INTERVALS:
        console.print("Paste the text into a new workout's description on intervals.icu.")
    table = make_table("What the file carries", ["Step", "Target", "Carried", "Detail"])
    for row in result.fidelity:
        where = "all steps" if row.step is None else step_label(plan, row.step)
        style = _FIDELITY_STYLE[row.fidelity]
        table.add_row(where, row.target, f"[{style}]{row.fidelity.value}[/{style}]", escape(row.reason))
    console.print(table)
    print_warnings(plan.warnings, console)
