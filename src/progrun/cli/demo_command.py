"""`progrun demo`: a sample runner through plan, export, twelve weeks of training, import, judge, progress.

Everything the demo shows comes from the same functions the other commands use, on files it writes into
one folder (a new temporary one, or `--out`): the exporters, the FIT writer, the importer into a
training log of its own (never the user's), the judge, the progress view and the advice of `next`.
The training itself is simulated (`progrun.demo_history`), so the improvement the analysis finds is
one that was put in, by known amounts.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import datetime, time, timedelta
from pathlib import Path

import click
from rich.console import Console

from progrun.cli.export_command import FORMAT_USES, default_file_name, pace_band_fidelity
from progrun.cli.judge_command import print_verdict
from progrun.cli.log_commands import import_summary, print_import_report
from progrun.cli.log_options import pace_text
from progrun.cli.output import escape, make_console, make_table, output_folder
from progrun.cli.plan_command import print_plan
from progrun.cli.progress_commands import print_advice, print_progress, write_progress_chart
from progrun.demo_history import (
    FIRST_MONDAY,
    FIRST_RACE_TIME_S,
    HR_DROP_BPM_PER_WEEK,
    RACE_DISTANCE_M,
    RECORD_EVERY_S,
    DemoRun,
    demo_history,
    easy_pace_s_per_km,
    pace_error_s_per_km,
    plan_for_race,
)
from progrun.errors import ProgrunError
from progrun.formats.export import ExportFormat, Repeat, export_plan
from progrun.paces import training_paces_from_race
from progrun.plan import Plan, StepKind
from progrun.training_log import TrainingLog
from progrun.training_paces import TrainingPaces
from progrun.units import format_distance, format_duration, format_pace, pace_per_unit

#: The sample runner's heart rate (bpm), for the training load.
HR_MAX_BPM = 190.0
HR_REST_BPM = 50.0
UNIT = "mi"
#: The formats `progrun demo` exports the plan to, in the order of its table.
DEMO_FORMATS = (
    ExportFormat.FIT,
    ExportFormat.ICS,
    ExportFormat.INTERVALS,
    ExportFormat.ZWO,
    ExportFormat.PDF,
    ExportFormat.PNG,
)


def _section(console: Console, number: int, title: str) -> None:
    console.print()
    console.rule(f"[bold]{number}. {escape(title)}[/bold]", align="left")


def _size(size_bytes: int) -> str:
    return f"{size_bytes} B" if size_bytes < 1000 else f"{size_bytes / 1000:,.1f} kB"


def _demo_folder(out: Path | None) -> Path:
    """A new temporary folder, or `out` when it is new or empty (created if need be)."""
    if out is None:
        return Path(tempfile.mkdtemp(prefix="progrun-demo-"))
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        what = "a file" if not out.is_dir() else "not empty"
        raise ProgrunError(f"--out {out} is {what}; give a new or empty folder, or leave --out out")
    return output_folder(out, "--out")


# -- 1. paces and plan -------------------------------------------------------------------------


def paces_line(paces: TrainingPaces, unit: str) -> str:
    """The training paces on one line: "easy 8:53-10:01, marathon 8:11, threshold 7:41, ..."."""
    parts: list[str] = []
    if paces.easy_fast_s_per_km is not None and paces.easy_slow_s_per_km is not None:
        fast = format_pace(paces.easy_fast_s_per_km, unit, suffix=False)
        parts.append(f"easy {fast}-{format_pace(paces.easy_slow_s_per_km, unit, suffix=False)}")
    for label, pace in (
        ("marathon", paces.marathon_s_per_km),
        ("threshold", paces.threshold_s_per_km),
        ("10k", paces.race_10k_s_per_km),
        ("5k", paces.race_5k_s_per_km),
    ):
        if pace is not None:
            parts.append(f"{label} {format_pace(pace, unit, suffix=False)}")
    return ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 or noun == "km" else f"{number} {noun}s"


def what_to_do(plan: Plan) -> list[str]:
    """The plan as four instructions a runner can remember."""
    unit = plan.unit.value
    first = next(step for step in plan.steps if step.kind is StepKind.BUILD)
    tempos = [step for step in plan.steps if step.kind is StepKind.TEMPO]
    noun = "mile" if unit == "mi" else "km"
    return [
        f"Start at {format_pace(first.pace_s_per_km, unit)}: relaxed, you could hold a conversation.",
        f"Each {noun} after that, pick up about {plan.step_s_per_unit:g} s; "
        "stay inside the band, and a little fast is better than a little slow while building.",
        f"The last {_count(len(tempos), noun)} at {format_pace(plan.target_pace_s_per_km, unit)} are the "
        "point of the run: hard but controlled, the same effort to the end.",
        "Then walk or jog 5 minutes to bring your heart rate down. Once or twice a week at most.",
    ]


def _paces_and_plan(console: Console) -> tuple[Plan, TrainingPaces]:
    paces = training_paces_from_race(RACE_DISTANCE_M, FIRST_RACE_TIME_S)
    plan = plan_for_race(FIRST_RACE_TIME_S)
    _section(console, 1, "Paces and plan")
    vdot = f" (VDOT {paces.vdot:.1f})" if paces.vdot is not None else ""
    console.print(
        f"[bold]A sample runner[/bold] ran 5 km in {format_duration(FIRST_RACE_TIME_S)}{vdot}. Their paces "
        f"per mile: {paces_line(paces, UNIT)}."
    )
    print_plan(plan, console, title="Their progression run, mile by mile")
    console.print()
    console.print("[bold]What to do[/bold]")
    for number, line in enumerate(what_to_do(plan), start=1):
        console.print(f"  {number}. {escape(line)}")
    return plan, paces


# -- 2. export ---------------------------------------------------------------------------------


def _export(console: Console, plan: Plan, paces: TrainingPaces, folder: Path) -> None:
    _section(console, 2, "Export")
    first_run = datetime.combine(FIRST_MONDAY + timedelta(days=1), time(7, 0))
    created = datetime.combine(FIRST_MONDAY, time(7, 0))
    console.print(
        f"The plan for the watch, the calendar (Tuesdays and Fridays at 07:00 from {first_run.date()}), "
        f"training platforms and the wrist, in {escape(str(folder))}:"
    )
    table = make_table(None, ["File", "Format", "Size", "Pace bands", "What to do with it"], right=["Size"])
    for fmt in DEMO_FORMATS:
        result = export_plan(
            plan,
            fmt,
            threshold_pace_s_per_km=paces.threshold_s_per_km,
            start=first_run,
            repeat=Repeat.TWICE_WEEKLY,
            weeks=12,
            created=created,
        )
        path = folder / default_file_name(plan, fmt)
        path.write_bytes(result.data)
        name, use = FORMAT_USES[fmt]
        bands = pace_band_fidelity(result)
        table.add_row(path.name, name, _size(len(result.data)), bands.value if bands else "-", escape(use))
    console.print(table)
    console.print(
        "Pace bands: whether each split's band reaches the device exactly (FIT: as a speed range), "
        "approximately (text, whole seconds) or not at all; `progrun export` reports every target."
    )


# -- 3. twelve weeks of training ---------------------------------------------------------------


def _run_cell(run: DemoRun, weeks: int) -> str:
    """What the runner did on one day, in a few words."""
    if run.behaviour == "too_fast":
        return "too fast"
    if run.plan is not None:
        return f"±{pace_per_unit(pace_error_s_per_km(run.week, weeks), UNIT):.0f} s/{UNIT}"
    if run.kind == "time trial":
        return f"5k time trial, {format_duration(run.race_time_s)}"
    distance = format_distance(run.activity.total_distance_m, UNIT)
    return f"easy {distance}, {pace_text(easy_pace_s_per_km(run.race_time_s), UNIT)}"


def _training(console: Console, folder: Path) -> tuple[DemoRun, ...]:
    from progrun.formats.fit_writer import write_fit_activity

    _section(console, 3, "Twelve weeks of training")
    runs = demo_history()
    weeks = max(run.week for run in runs)
    console.print(
        f"{weeks} weeks, simulated second by second (`progrun.simulate`): two progression runs a week "
        "(Tuesday, Friday) on plans rebuilt each week from a 5k time that improves, and an easy run on "
        f"Sunday (a 5k time trial in the last week). Heart rate at a given pace drops "
        f"{HR_DROP_BPM_PER_WEEK:g} bpm a week."
    )
    table = make_table(
        None, ["Week", "5k level", f"Plans /{UNIT}", "Tue", "Fri", "Sun"], right=["Week", "5k level"]
    )
    for week in range(1, weeks + 1):
        of_week = [run for run in runs if run.week == week]
        plan = next(run.plan for run in of_week if run.plan is not None)
        table.add_row(
            str(week),
            format_duration(of_week[0].race_time_s),
            f"{format_pace(plan.start_pace_s_per_km, UNIT, suffix=False)} to "
            f"{format_pace(plan.target_pace_s_per_km, UNIT, suffix=False)}",
            *(_run_cell(run, weeks) for run in of_week),
        )
    console.print(table)
    console.print(
        f"±N s/{UNIT}: the spread of each split's pace around its target (a normal draw per split). "
        "Too fast: out at tempo pace from the start, then a fade."
    )
    watch = folder / "watch"
    watch.mkdir()
    total = 0
    for run in runs:
        assert run.activity.start is not None
        data = write_fit_activity(run.activity)
        (watch / f"{run.activity.start:%Y-%m-%d-%H-%M-%S}.fit").write_bytes(data)
        total += len(data)
    console.print(
        f"The watch's recordings: {len(runs)} FIT activity files ({_size(total)}, one sample every "
        f"{RECORD_EVERY_S} s) in {escape(str(watch))}"
    )
    return runs


# -- 4. import ---------------------------------------------------------------------------------


def _import(console: Console, log: TrainingLog, runs: tuple[DemoRun, ...], folder: Path) -> None:
    from progrun.training_log.profile import race_profile_fields

    _section(console, 4, "Import")
    fields = race_profile_fields(RACE_DISTANCE_M, FIRST_RACE_TIME_S)
    log.set_profile(max_heart_rate_bpm=HR_MAX_BPM, resting_heart_rate_bpm=HR_REST_BPM, units=UNIT, **fields)
    planned = [run for run in runs if run.plan is not None]
    for run in planned:
        assert run.plan is not None
        log.save_plan(run.plan, planned_on=run.day, name=run.name)
    console.print(
        f"A new training log, {escape(str(folder / 'progrun.db'))} (never your own). Profile: 5k in "
        f"{format_duration(FIRST_RACE_TIME_S)}, HR max {HR_MAX_BPM:.0f}, rest {HR_REST_BPM:.0f}, miles "
        f"(progrun profile). {len(planned)} plans saved under the workout names the watch ran (progrun "
        "plan --save), so each run is judged against its own plan."
    )
    console.print(f"$ progrun import {escape(str(folder / 'watch'))}")
    report = log.import_files([folder / "watch"])
    print_import_report(report, console)
    stored = log.history(page_size=None).entries
    kinds = Counter(entry.run.kind for entry in stored).most_common()
    found = ", ".join(f"{count} {kind}" for kind, count in kinds)
    console.print(f"Kinds found on import: {found} (the 5k time trial: threshold pace or faster)")
    again = log.import_files([folder / "watch"])
    console.print(f"Importing the same folder again: {import_summary(again)}", markup=False)


# -- 5. judge ----------------------------------------------------------------------------------


def _judge(console: Console, log: TrainingLog, folder: Path) -> None:
    from progrun.charts.verdict import render_verdict_chart
    from progrun.judge import judge

    _section(console, 5, "Judge")
    latest = [entry.run for entry in log.history(page_size=None).entries if entry.run.is_progression][-1]
    detail = log.activity(latest.id).detail
    if detail.verdict is None or detail.verdict.plan_id is None:
        raise ProgrunError(f"demo: run {latest.id} was not linked to its plan on import")
    plan = log.plan(detail.verdict.plan_id).plan
    activity = log.recording(latest.id)
    console.print(
        f"The latest progression run, {latest.name} on {latest.start:%Y-%m-%d}: "
        f"{format_distance(latest.distance_m, UNIT)} in {format_duration(latest.duration_s)} with the "
        "cooldown jog, judged against "
        f"{escape(str(detail.verdict.details.get('judged_against', 'its plan')))}:"
    )
    verdict = judge(plan, activity)
    print_verdict(verdict, console)
    chart = folder / "verdict.png"
    render_verdict_chart(verdict, chart)
    console.print(f"Chart: {escape(str(chart))}")


# -- 6. progress -------------------------------------------------------------------------------


def _progress(console: Console, log: TrainingLog, folder: Path) -> None:
    _section(console, 6, "Progress")
    view = log.progress()
    print_progress(view, UNIT, console)
    chart = write_progress_chart(view, UNIT, folder / "progress.png")
    console.print(f"Chart: {escape(str(chart))}")
    last = log.latest(1).entries[-1].run.start
    assert last is not None
    day = last.date() + timedelta(days=1)
    console.print()
    console.print("[bold]What next[/bold] (progrun next, the day after the last run)")
    print_advice(log.advice(day), console)


def _your_turn(console: Console, folder: Path) -> None:
    _section(console, 7, "Your turn")
    for command, why in (
        ("progrun plan --race 5k=YOUR_TIME --distance 5mi --save", "your plan, kept in your log"),
        ("progrun export --race 5k=YOUR_TIME --distance 5mi --to fit", "the workout for your watch"),
        ("progrun import ~/Downloads/export.zip", "your Garmin or Strava export"),
        ("progrun progress --chart progress.png", "your weeks, like section 6"),
        ("progrun next", "what to run next"),
    ):
        console.print(f"  {command:<62} # {why}", markup=False)
    console.print(f"The demo's files: {escape(str(folder))}")


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Folder for the demo's files; must be new or empty [default: a new temporary folder].",
)
@click.option(
    "--serve/--no-serve",
    default=False,
    help="Afterwards serve the web app over the demo's log at 127.0.0.1:8000 until Ctrl-C.",
)
def demo(out: Path | None, serve: bool) -> None:
    """Walk a sample runner through plan, export, twelve weeks of training, import, judge and progress.

    Writes the exported plan, 36 simulated watch recordings, a training log and two charts into one
    folder; your own training log is never touched. Takes about 10 seconds.

    \b
    Example:
      progrun demo
      progrun demo --out demo-files
      progrun plan --race 5k=22:30 --distance 5mi   # the demo's plan: put in your own 5k time
    """
    folder = _demo_folder(out)
    console = make_console()
    console.print(f"Demo folder: {escape(str(folder))}")
    plan, paces = _paces_and_plan(console)
    _export(console, plan, paces, folder)
    runs = _training(console, folder)
    with TrainingLog.open(f"sqlite:///{folder / 'progrun.db'}") as log:
        _import(console, log, runs, folder)
        _judge(console, log, folder)
        _progress(console, log, folder)
    _your_turn(console, folder)
    if serve:
        from progrun.cli.serve_command import DEFAULT_HOST, DEFAULT_PORT, serve_log

        console.print()
        serve_log(f"sqlite:///{folder / 'progrun.db'}", DEFAULT_HOST, DEFAULT_PORT, data_dir=str(folder))
