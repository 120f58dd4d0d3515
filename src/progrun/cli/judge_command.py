"""`progrun judge`: a recorded run against its plan: splits, checks, score and the coach's words."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from progrun.cli.output import escape, make_console, make_table, print_json, print_warnings
from progrun.cli.plan_options import PlanRequest, build_requested_plan, plan_file_option, plan_options
from progrun.cli.run_input import read_run, require_distance, salvage_option
from progrun.judge import Verdict
from progrun.judge import judge as judge_run
from progrun.plan import Plan
from progrun.verdict_words import table_columns, table_rows

if TYPE_CHECKING:
    from progrun.judge_heart_rate import HeartRateVerdict


def print_verdict(verdict: Verdict, console: Console | None = None) -> None:
    """The verdict as a split table, the checks and the coach's words (on `console`, default stdout)."""
    console = console or make_console()
    u = verdict.unit.value
    columns = table_columns(verdict.unit)
    table = make_table(
        f"Judged against the plan (matched by {verdict.matched_by}; judged on {verdict.judged_on}; "
        f"paces per {u})",
        columns,
        right=columns[1:-1],
    )
    for row in table_rows(verdict):
        table.add_row(*(row[column] for column in columns))
    console.print(table)
    yes = {True: "yes", False: "no"}
    console.print(
        f"Score [bold]{verdict.score.value:g}[/bold] / 100   progressed: {yes[verdict.progressed]}   "
        f"target reached: {yes[verdict.target_reached]}   "
        f"tempo splits: {verdict.tempo_splits} (cap {verdict.tempo_cap})   "
        f"cooldown: {verdict.cooldown_s:.0f} s"
    )
    for deduction in verdict.score.deductions:
        console.print(f"  -{deduction.points:.1f}  {escape(deduction.check)}: {escape(deduction.detail)}")
    console.print(escape(verdict.text))
    print_warnings(verdict.warnings, console)


def print_heart_rate_verdict(verdict: HeartRateVerdict | None, console: Console | None = None) -> None:
    """The heart-rate verdict of an HR-guided plan: split averages against their bands, score, words."""
    console = console or make_console()
    if verdict is None:
        console.print("By heart rate: the recording holds no heart rate, so the run is judged on pace only.")
        return
    table = make_table(
        "By heart rate",
        ["Split", "Zone", "Band bpm", "Drift", "Avg bpm", "Off bpm"],
        right=["Band bpm", "Drift", "Avg bpm", "Off bpm"],
    )
    for split in verdict.splits:
        table.add_row(
            escape(split.label),
            split.band.zone,
            f"{split.band.low_bpm:.0f}-{split.band.high_bpm:.0f}",
            f"+{split.drift_bpm:.0f}",
            f"{split.average_bpm:.0f}",
            f"{split.off_bpm:+.0f}" if split.off_bpm else "0",
        )
    console.print(table)
    for check, points, detail in verdict.deductions:
        console.print(f"  -{points:.1f}  {check}: {escape(detail)}")
    console.print(escape(verdict.text))


def _by_heart_rate(plan: Plan, verdict: Verdict) -> tuple[bool, HeartRateVerdict | None]:
    """(whether the plan is guided by heart rate, its heart-rate verdict); the heart-rate modules load
    only for a plan that carries heart-rate options."""
    if "heart_rate" not in plan.options:
        return False, None
    from progrun.heart_rate import hr_bands_of
    from progrun.judge_heart_rate import heart_rate_verdict

    if hr_bands_of(plan) is None:
        return False, None
    return True, heart_rate_verdict(plan, verdict)


@click.command()
@click.argument("run_file", type=click.Path(dir_okay=False, path_type=Path))
@plan_file_option
@plan_options(distance_required=False)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the verdict chart (.png or .svg).",
)
@click.option(
    "--distance-scale",
    "distance_scale",
    type=float,
    default=1.0,
    metavar="FACTOR",
    help="Treadmill calibration: belt distance / watch distance (1.03 when the watch reads 3 % short).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON for scripts.")
@salvage_option
def judge(  # noqa: PLR0917 (one parameter per click option)
    run_file: Path,
    request: PlanRequest,
    chart: Path | None,
    distance_scale: float,
    as_json: bool,
    salvage: bool,
) -> None:
    """Judge a recorded run (FIT, TCX or GPX) against its progression plan: splits, checks, score 0-100.

    The plan is one saved with `progrun plan --json` (--plan), or built here from a race result or your
    paces, with the same options as `progrun plan`. A treadmill run needs no GPS: a foot pod's or the
    watch's own distance is judged; --distance-scale corrects it to the belt's (docs/treadmill.md).

    \b
    Example:
      progrun judge run.fit --race 5k=20:00 --distance 5mi --chart verdict.png
      progrun judge run.fit --plan plan.json --json
      progrun judge run.fit --marathon-pace 8:30 --target-pace 7:30 --distance 4mi
      progrun judge treadmill.fit --race 5k=20:00 --distance 8km --treadmill kmh --distance-scale 1.03
    """
    if chart is not None and chart.suffix.lower() not in {".png", ".svg"}:
        raise click.BadParameter(f"{chart} is neither .png nor .svg", param_hint="'--chart'")
    plan, _ = build_requested_plan(request)
    recorded = require_distance(read_run(run_file, salvage=salvage), run_file)
    activity = recorded
    if distance_scale != 1.0:  # a treadmill calibration (NaN included: it is refused with a reason)
        from progrun.treadmill import distance_scaled

        activity = distance_scaled(recorded, distance_scale)
    verdict = judge_run(plan, activity)
    guided, by_heart_rate = _by_heart_rate(plan, verdict)
    if chart is not None:
        from progrun.charts.verdict import render_verdict_chart

        render_verdict_chart(verdict, chart)
    if as_json:
        data = verdict.to_dict()
        if guided:
            data["heart_rate"] = None if by_heart_rate is None else by_heart_rate.to_dict()
        print_json(data)
        return
    print_verdict(verdict)
    if guided:
        print_heart_rate_verdict(by_heart_rate)
    if chart is not None:
        make_console().print(f"Chart written to {escape(str(chart))}")
