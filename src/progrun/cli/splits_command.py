"""`progrun splits FILE`: splits per km, mile, any distance or device lap, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import math
import sys
from typing import Any

import click

from progrun.activity import Activity
from progrun.cli.run_input import read_run, salvage_option
from progrun.errors import UnitError
from progrun.splits import Split, Splits, split_by_distance, split_by_lap
from progrun.units import format_duration, format_pace, normalise_unit, parse_distance, unit_metres

#: The JSON `laps` entries: the device's own laps, as the file records them.
LAP_FIELDS = ("index", "distance_m", "elapsed_s", "timer_s", "trigger")


def parse_split_unit(text: str) -> tuple[float, str]:
    """Split length in metres and the pace unit to show ("km" or "mi") for --unit: mi, km, 400m, 1.5mi."""
    try:
        unit = normalise_unit(text)
    except UnitError:
        pass
    else:
        return unit_metres(unit), unit
    metres = parse_distance(text)
    return metres, "mi" if "mi" in text.lower() else "km"


def compute_splits(activity: Activity, split_m: float, by_lap: bool) -> Splits:
    return split_by_lap(activity) if by_lap else split_by_distance(activity, split_m)


def to_json(file: str, activity: Activity, splits: Splits) -> dict[str, Any]:
    """The JSON contract: {file, format, unit, splits: [...], laps: [...]} (NaN becomes null on output)."""
    laps = [
        {
            "index": number,
            "distance_m": lap.distance_m,
            "elapsed_s": lap.elapsed_s,
            "timer_s": lap.timer_s,
            "trigger": lap.trigger.value,
        }
        for number, lap in enumerate(activity.laps, start=1)
    ]
    return {
        "file": file,
        "format": activity.format.value,
        "unit": splits.unit,
        "split_m": splits.split_m,
        "splits": splits.to_rows(),
        "total": splits.total.to_row(),
        "laps": laps,
    }


def _pace(pace_s_per_km: float, unit: str) -> str:
    return format_pace(pace_s_per_km, unit) if math.isfinite(pace_s_per_km) and pace_s_per_km > 0 else "-"


def _distance(distance_m: float, unit: str) -> str:
    if not math.isfinite(distance_m):
        return "-"
    return f"{distance_m / unit_metres(unit):.2f} {unit}"


def _number(value: float, width: int = 0) -> str:
    return f"{value:{width}.0f}" if math.isfinite(value) else "-"


def _row(split: Split, unit: str, label: str) -> list[str]:
    elevation = (
        f"+{split.elevation_gain_m:.0f}/-{split.elevation_loss_m:.0f}"
        if math.isfinite(split.elevation_gain_m)
        else "-"
    )
    heart = (
        f"{_number(split.heart_rate_avg_bpm)}/{_number(split.heart_rate_max_bpm)}"
        if math.isfinite(split.heart_rate_avg_bpm)
        else "-"
    )
    return [
        label,
        _distance(split.distance_m, unit),
        format_duration(split.elapsed_s),
        format_duration(max(split.moving_s, 0.0)),
        _pace(split.pace_s_per_km, unit),
        _pace(split.gap_s_per_km, unit),
        elevation,
        heart,
        _number(split.cadence_avg),
    ]


def print_table(file: str, activity: Activity, splits: Splits, unit: str) -> None:
    from progrun.cli.output import escape, make_console, make_table

    what = "device laps" if splits.unit == "lap" else f"{splits.unit} splits"
    columns = ["#", "Distance", "Time", "Moving", "Pace", "GAP", "Elev +/-", "HR avg/max", "Cadence"]
    table = make_table(f"{escape(file)}: {what}", columns, right=columns[1:])
    for split in splits:
        label = str(split.index) + (f" {split.trigger}" if split.trigger else "")
        table.add_row(*_row(split, unit, label))
    table.add_section()
    table.add_row(*_row(splits.total, unit, "total"))
    console = make_console()
    console.print(table)
    if not len(splits):
        reason = "the file has no laps" if splits.unit == "lap" else "the file has no distance"
        console.print(f"no splits: {reason}")
    moving = "timer pauses from the file" if activity.pauses else "speed above 30:00/mile"
    console.print(f"Pace on moving time ({moving}); GAP after Minetti 2002.")


def print_csv(splits: Splits) -> None:
    rows = splits.to_rows()
    fields = list(rows[0]) if rows else list(splits.total.to_row())
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--unit",
    "unit_text",
    default="km",
    show_default=True,
    metavar="mi|km|DISTANCE",
    help="Split length: mi, km, or a distance such as 400m, 2km, 1.5mi.",
)
@click.option("--by-lap", is_flag=True, help="One split per device lap instead of per distance.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the splits as CSV.")
@salvage_option
def splits(file: str, unit_text: str, by_lap: bool, as_json: bool, as_csv: bool, *, salvage: bool) -> None:
    """Split a recorded run (FIT, GPX or TCX) per km, mile, any distance, or device lap.

    Crossing times are interpolated on the run's distance; pace is on moving time; GAP is the
    grade-adjusted pace (Minetti 2002).

    \b
    Example:
      progrun splits morning-run.fit
      progrun splits morning-run.fit --unit mi
      progrun splits track.fit --unit 400m --csv
      progrun splits race.tcx --by-lap --json
    """
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    split_m, unit = parse_split_unit(unit_text)
    activity = read_run(file, salvage=salvage)
    result = compute_splits(activity, split_m, by_lap)
    if as_json:
        from progrun.cli.output import print_json

        print_json(to_json(file, activity, result))
    elif as_csv:
        print_csv(result)
    else:
        print_table(file, activity, result, unit)
