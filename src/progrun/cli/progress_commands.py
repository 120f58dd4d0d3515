"""The progress commands over the training log: progress, next, block."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from progrun.cli.log_options import db_option, open_log, pace_text, parse_today, print_notes
from progrun.cli.output import (
    make_console,
    make_table,
    output_file,
    output_folder,
    print_json,
)
from progrun.units import format_distance, format_duration

if TYPE_CHECKING:
    from progrun.training_log import ProgressView
    from progrun.training_log.advice import Advice


#: Weeks the progress table shows unless --all: the latest year (the trend is over every week).
PROGRESS_WEEKS_SHOWN = 52


def print_progress(view: ProgressView, unit: str, console: Console, *, every_week: bool = False) -> None:
    """The progression runs week by week as a table (paces per `unit`; the latest PROGRESS_WEEKS_SHOWN
    weeks unless `every_week`), then the trend over every week in words."""
    weeks = view.trend.weeks
    shown = weeks if every_week else weeks[-PROGRESS_WEEKS_SHOWN:]
    title = (
        f"Progression runs by week (HR at {pace_text(view.reference_pace_s_per_km, unit)}; "
        "tempo splits as judged)"
    )
    if len(shown) < len(weeks):
        title += f" (the latest {len(shown)} of {len(weeks)} weeks: --all)"
    table = make_table(
        title,
        ["Week of", "Runs", "Final split", "Score", "HR at ref.", "Tempo splits"],
        right=["Runs", "Final split", "Score", "HR at ref.", "Tempo splits"],
    )
    for row in shown:
        table.add_row(
            row.week_start.isoformat(),
            str(row.runs),
            pace_text(row.final_split_pace_s_per_km, unit),
            f"{row.score:.0f}" if row.score is not None else "-",
            f"{row.hr_at_reference_bpm:.0f}" if row.hr_at_reference_bpm is not None else "-",
            f"{row.tempo_splits_held:.1f}",
        )
    console.print(table)
    console.print(f"Trend: {view.trend.verdict}", markup=False)


def write_progress_chart(view: ProgressView, unit: str, path: Path) -> Path:
    """Draw the weekly trend (final-split pace per `unit`, score, HR) to a .png or .svg file.

    The chart plots the pace values it is given and only labels the axis, so for a runner in miles
    the weekly paces are converted to seconds per mile here, for display only.
    """
    from dataclasses import replace

    from progrun.charts.progress import render_progress_chart
    from progrun.units import pace_per_unit

    weeks = tuple(
        replace(row, final_split_pace_s_per_km=pace_per_unit(row.final_split_pace_s_per_km, unit))
        for row in view.trend.weeks
    )
    return render_progress_chart(replace(view.trend, weeks=weeks), path, unit_label=f"/{unit}")


@click.command()
@click.option(
    "--chart", type=click.Path(dir_okay=False, path_type=Path), help="Also draw the trend (.png or .svg)."
)
@click.option(
    "--all",
    "every_week",
    is_flag=True,
    help=f"Every week in the table [default: the latest {PROGRESS_WEEKS_SHOWN}].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the weekly rows and trend as JSON (every week).")
@db_option
def progress(chart: Path | None, every_week: bool, as_json: bool, db: str | None) -> None:
    """Progression runs week by week: final-split pace, score, HR at a fixed pace, tempo splits held.

    \b
    Example:
      progrun progress --chart progress.png
    """
    if chart is not None:
        output_file(chart, "--chart")
    with open_log(db) as log:
        report = log.progress_report()
        unit = log.profile().units
    view = report.view
    if as_json:
        print_json(report.to_dict())
    else:
        console = make_console()
        print_progress(view, unit, console, every_week=every_week)
        print_notes(report.notes, console)
    if chart is not None:
        written = write_progress_chart(view, unit, chart)
        if not as_json:
            make_console().print(f"chart written to {written}", markup=False)


def print_advice(advice: Advice, console: Console) -> None:
    """What to run next and why, in a few lines: the decision first, led by a hard day."""
    current, series, unit, upcoming = advice.fitness, advice.load, advice.unit, advice.next_run
    what = (
        "a progression run is fine today"
        if advice.progression_ok
        else "run easy today: " + "; ".join(advice.reasons)
    )
    console.print(f"{advice.day.isoformat()}: {what}", markup=False)
    best = current.estimate.best
    if current.vdot is not None and current.estimate.vdot is not None and best is not None:
        console.print(
            f"Fitness: VDOT {current.vdot} from {format_distance(best.distance_m, unit)} in "
            f"{format_duration(best.time_s)} on {best.day.isoformat()} ({current.estimate.method})",
            markup=False,
        )
    elif current.vdot is not None:
        console.print(f"Fitness: VDOT {current.vdot:.1f} from {current.source}", markup=False)
    else:
        console.print("Fitness: no run of 3 km or more in the last 8 weeks to estimate VDOT from")
    if upcoming is not None:
        session, plan = upcoming
        tempo = session.tempo_splits
        console.print(
            f"Next progression run: {format_distance(session.distance_m, 'mi')} in mile splits, start near "
            f"{pace_text(plan.start_pace_s_per_km, unit)}, build to "
            f"{pace_text(plan.target_pace_s_per_km, unit)} ({plan.target_kind} pace) for the last "
            f"{'mile' if tempo == 1 else f'{tempo} miles'}",
            markup=False,
        )
    if advice.adaptation is not None:
        console.print(f"Why: {advice.adaptation.sentence}", markup=False)
    ctl, atl, tsb, acwr = (
        advice.latest(values) for values in (series.ctl, series.atl, series.tsb, series.acwr)
    )
    if ctl is not None and atl is not None and tsb is not None:
        console.print(
            f"Load (GoldenCheetah constants 42/7 days): fitness CTL {ctl:.0f}, "
            f"fatigue ATL {atl:.0f}, form TSB {tsb:+.0f}; acute:chronic {acwr:.2f}"
            if acwr is not None
            else f"Load: fitness CTL {ctl:.0f}, fatigue ATL {atl:.0f}, "
            f"form TSB {tsb:+.0f}; acute:chronic needs 4 weeks of data",
            markup=False,
        )


@click.command("next")
@click.option("--today", metavar="DATE", help="Pretend today is DATE (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the advice as JSON.")
@db_option
def next_command(today: str | None, as_json: bool, db: str | None) -> None:
    """What to run next and why: frequency guard, fitness (VDOT) re-estimate, training load.

    \b
    Example:
      progrun next
    """
    with open_log(db) as log:
        advice = log.advice(parse_today(today))
    if as_json:
        print_json(advice.to_dict())
    else:
        print_advice(advice, make_console())


@click.command()
@click.option("--weeks", type=click.IntRange(1, 26), default=8, show_default=True)
@click.option("--per-week", type=click.Choice(["1", "2"]), default="2", show_default=True)
@click.option("--start", "start_text", metavar="DATE", help="First day of the block [default: next Monday].")
@click.option(
    "--today", "today_text", metavar="DATE", help="Pretend today is DATE (YYYY-MM-DD), as `next` does."
)
@click.option("--ics", type=click.Path(dir_okay=False, path_type=Path), help="Write the block as a calendar.")
@click.option(
    "--fit-dir", type=click.Path(file_okay=False, path_type=Path), help="Write one FIT workout per run."
)
@click.option("--json", "as_json", is_flag=True, help="Print the sessions as JSON.")
@db_option
def block(  # noqa: PLR0917
    weeks: int,
    per_week: str,
    start_text: str | None,
    today_text: str | None,
    ics: Path | None,
    fit_dir: Path | None,
    as_json: bool,
    db: str | None,
) -> None:
    """A multi-week progression block from your current level, with down weeks.

    \b
    Example:
      progrun block --weeks 8 --ics block.ics --fit-dir workouts/
    """
    from datetime import timedelta

    if ics is not None:
        output_file(ics, "--ics")
    if fit_dir is not None and not fit_dir.is_dir():
        output_file(fit_dir, "--fit-dir")  # its parent must exist; the folder is made when writing
    today = parse_today(today_text)
    first = parse_today(start_text) if start_text else today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    with open_log(db) as log:
        planned_block = log.block(today, first, weeks, per_week=int(per_week))
    current, vdot, planned = planned_block.fitness, planned_block.vdot, planned_block.sessions
    if fit_dir is not None:
        output_folder(fit_dir, "--fit-dir")
        for file_name, data in planned_block.workouts():
            (fit_dir / file_name).write_bytes(data)
    if ics is not None:
        ics.write_bytes(planned_block.calendar())
    if as_json:
        print_json(planned_block.to_dict())
        return
    table = make_table(
        f"{weeks}-week progression block from VDOT {vdot:.1f} ({current.source})",
        ["Week", "Day", "Distance", "Tempo splits", "Start", "Target", ""],
        right=["Week", "Distance", "Tempo splits", "Start", "Target"],
    )
    for s, p in planned:
        table.add_row(
            str(s.week),
            s.day.isoformat(),
            format_distance(s.distance_m, "mi"),
            str(s.tempo_splits),
            pace_text(p.start_pace_s_per_km, "mi"),
            pace_text(p.target_pace_s_per_km, "mi"),
            "down week" if s.down_week else "",
        )
    make_console().print(table)
