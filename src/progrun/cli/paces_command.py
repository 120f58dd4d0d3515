"""`progrun paces`: VDOT, race equivalents and training paces from a race result or from entered paces."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from progrun.cli.fields import error_text, option_name
from progrun.cli.output import escape, make_console, make_table, print_json, print_warnings
from progrun.errors import RequestError, UnitError
from progrun.paces import RACE_DISTANCES_M, PaceExplanation
from progrun.paces_request import PacesReport, PacesRequest, paces_report
from progrun.training_paces import TrainingPaces
from progrun.units import format_distance, format_duration, format_pace

#: JSON key of each training pace -> TrainingPaces attribute.
PACE_KEYS: dict[str, str] = {
    "easy_slow": "easy_slow_s_per_km",
    "easy_fast": "easy_fast_s_per_km",
    "marathon": "marathon_s_per_km",
    "threshold": "threshold_s_per_km",
    "interval": "interval_s_per_km",
    "repetition": "repetition_s_per_km",
    "10k": "race_10k_s_per_km",
    "5k": "race_5k_s_per_km",
}

#: The entered-pace options (by flag name) -> their request fields.
_FIELDS: dict[str, str] = {
    "marathon-pace": "marathon_pace",
    "10k-pace": "pace_10k",
    "5k-pace": "pace_5k",
    "easy-pace": "easy_pace",
    "threshold-pace": "threshold_pace",
}

_PACE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("Marathon (M)", "marathon", "steady runs; progression-run start"),
    ("Threshold (T)", "threshold", "tempo runs, cruise intervals (~1-hour race effort)"),
    ("10k race", "10k", "progression-run target"),
    ("5k race", "5k", "progression-run target"),
    ("Interval (I)", "interval", "3-5 min reps (~3k-5k race effort)"),
    ("Repetition (R)", "repetition", "200-400 m reps, full recovery"),
)

_RACE_NAMES: dict[str, str] = {
    "1500m": "1500 m",
    "mile": "Mile",
    "3k": "3 km",
    "5k": "5 km",
    "10k": "10 km",
    "15k": "15 km",
    "half": "Half marathon",
    "marathon": "Marathon",
}


def build_report(
    race_text: str | None, entered_texts: dict[str, str | None], unit: str, want_explanation: bool
) -> PacesReport:
    """`paces_report` for the options (keyed by flag name, "10k-pace"); bad input as click errors (exit 2)."""
    fields = {_FIELDS[option]: text for option, text in entered_texts.items()}
    request = PacesRequest(race=race_text, unit=unit, explain=want_explanation, **fields)
    try:
        return paces_report(request)
    except UnitError as error:
        if not error.field:
            raise
        raise click.BadParameter(error_text(error), param_hint=f"'{option_name(error.field)}'") from None
    except RequestError as error:
        raise click.UsageError(error_text(error)) from None


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def report_json(report: PacesReport, unit: str) -> dict[str, Any]:
    """The `--json` object: SI units (seconds, seconds per km); the keys are a contract for scripts."""
    paces = report.paces
    data: dict[str, Any] = {
        "vdot": _rounded(paces.vdot),
        "source": paces.source,
        "unit": unit,
        "race": None if report.race is None else {"distance_m": report.race[0], "time_s": report.race[1]},
        "equivalents": {name: _rounded(time_s, 1) for name, time_s in report.equivalents.items()},
        "paces": {key: _rounded(getattr(paces, attribute)) for key, attribute in PACE_KEYS.items()},
        "riegel": None
        if report.riegel is None
        else {name: _rounded(time_s, 1) for name, time_s in report.riegel.items()},
        "warnings": list(paces.warnings),
    }
    if report.explanation is not None:
        working = report.explanation
        data["explain"] = {
            "race_speed_m_per_min": _rounded(working.race_speed_m_per_min, 3),
            "race_oxygen_cost_ml_kg_min": _rounded(working.race_oxygen_cost_ml_kg_min, 3),
            "race_fraction_vo2max": _rounded(working.race_fraction_vo2max, 4),
            "paces": [
                {
                    "name": row.name,
                    "pace_s_per_km": _rounded(row.pace_s_per_km),
                    "oxygen_cost_ml_kg_min": _rounded(row.oxygen_cost_ml_kg_min, 3),
                    "percent_vo2max": _rounded(row.percent_vo2max, 1),
                    "rule": row.rule,
                }
                for row in working.paces
            ],
            "formulas": list(working.formulas),
            "sources": list(working.sources),
        }
    return data


def _pace_text(pace_s_per_km: float | None, unit: str) -> str:
    return "-" if pace_s_per_km is None else format_pace(pace_s_per_km, unit)


def _race_name(distance_m: float) -> str:
    """ "half marathon" for 21097.5 m, "5 km" for 5000 m: the name a runner uses for a race distance."""
    for key, standard_m in RACE_DISTANCES_M.items():
        if abs(distance_m - standard_m) < 0.5 and key in ("mile", "half", "marathon"):
            return _RACE_NAMES[key].lower()
    return format_distance(distance_m, "km")


def _print_header(console: Console, report: PacesReport) -> None:
    paces = report.paces
    if report.race is not None:
        distance_m, time_s = report.race
        where = f"{_race_name(distance_m)} in {format_duration(time_s)}"
        console.print(f"[bold]VDOT {paces.vdot:.1f}[/bold] from your {where}")
    elif paces.vdot is not None:
        console.print(f"[bold]VDOT {paces.vdot:.1f}[/bold] fitted to the paces you entered")
    else:
        console.print("[bold]No VDOT[/bold]: no race pace was entered")


def _print_paces(console: Console, paces: TrainingPaces, unit: str) -> None:
    other = "mi" if unit == "km" else "km"
    table = make_table(
        "Training paces",
        ["Pace", f"per {unit}", f"per {other}", "Use"],
        right=[f"per {unit}", f"per {other}"],
    )
    if paces.easy_slow_s_per_km is not None and paces.easy_fast_s_per_km is not None:
        fast, slow = paces.easy_fast_s_per_km, paces.easy_slow_s_per_km
        table.add_row(
            "Easy (E)",
            f"{format_pace(fast, unit, suffix=False)}-{format_pace(slow, unit)}",
            f"{format_pace(fast, other, suffix=False)}-{format_pace(slow, other)}",
            "warm-up, recovery, long runs; progression-run start",
        )
    for label, key, use in _PACE_ROWS:
        value = getattr(paces, PACE_KEYS[key])
        table.add_row(label, _pace_text(value, unit), _pace_text(value, other), use)
    console.print(table)


def _print_equivalents(console: Console, report: PacesReport, unit: str) -> None:
    if report.paces.vdot is None:
        return
    columns = ["Race", "VDOT time", f"pace /{unit}", "Riegel"]
    table = make_table("Race equivalents", columns, right=columns[1:])
    for name, distance_m in RACE_DISTANCES_M.items():
        time_s = report.equivalents[name]
        assert time_s is not None
        riegel = "-" if report.riegel is None else format_duration(report.riegel[name])
        pace = format_pace(time_s / distance_m * 1000.0, unit, suffix=False)
        table.add_row(_RACE_NAMES[name], format_duration(time_s), pace, riegel)
    console.print(table)
    if report.riegel_from is not None:
        distance_m, time_s = report.riegel_from
        console.print(
            f"Riegel (T2 = T1 × (D2/D1)^1.06, from {_race_name(distance_m)} in "
            f"{format_duration(time_s)}) is a second opinion."
        )


def _print_explanation(console: Console, working: PaceExplanation, unit: str) -> None:
    console.print("\n[bold]How these paces were worked out[/bold]")
    if working.race_distance_m is not None and working.race_time_s is not None:
        minutes = working.race_time_s / 60.0
        speed, cost = working.race_speed_m_per_min, working.race_oxygen_cost_ml_kg_min
        fraction = working.race_fraction_vo2max
        console.print(f"  race: v = {working.race_distance_m:g} m / {minutes:.2f} min = {speed:.1f} m/min")
        console.print(f"  VO2(v) = {cost:.2f} ml/kg/min;  F({minutes:.2f} min) = {fraction:.4f}")
        console.print(f"  VDOT = {cost:.2f} / {fraction:.4f} = {working.vdot:.2f}")
    columns = ["Pace", f"per {unit}", "VO2 cost", "% VO2max", "Rule"]
    table = make_table(None, columns, right=[f"per {unit}", "VO2 cost", "% VO2max"])
    for row in working.paces:
        percent = "-" if row.percent_vo2max is None else f"{row.percent_vo2max:.1f} %"
        table.add_row(
            row.label,
            format_pace(row.pace_s_per_km, unit),
            f"{row.oxygen_cost_ml_kg_min:.1f}",
            percent,
            escape(row.rule),
        )
    console.print(table)
    console.print("[bold]Formulas[/bold] (v in m/min, t in minutes)")
    for formula in working.formulas:
        console.print(f"  {escape(formula)}")
    console.print("[bold]Sources[/bold]")
    for source in working.sources:
        console.print(f"  {escape(source)}")


def print_report(report: PacesReport, unit: str) -> None:
    """The human-readable report: header, training paces, race equivalents, working, warnings."""
    console = make_console()
    _print_header(console, report)
    _print_paces(console, report.paces, unit)
    _print_equivalents(console, report, unit)
    if report.explanation is not None:
        _print_explanation(console, report.explanation, unit)
    print_warnings(report.paces.warnings, console)


@click.command()
@click.option(
    "--race", "race_text", metavar="DIST=TIME", help="A race result: 5k=20:00, 10k=41:28, half=1:31:50."
)
@click.option("--marathon-pace", metavar="PACE", help="Your marathon pace, e.g. 8:30 (in --unit) or 5:17/km.")
@click.option("--10k-pace", "race_10k_pace", metavar="PACE", help="Your 10k race pace.")
@click.option("--5k-pace", "race_5k_pace", metavar="PACE", help="Your 5k race pace.")
@click.option("--threshold-pace", metavar="PACE", help="Your threshold (tempo) pace.")
@click.option("--easy-pace", metavar="PACE", help="Your easy pace.")
@click.option(
    "--unit",
    type=click.Choice(["km", "mi"]),
    default="km",
    show_default=True,
    help="Show paces per km or per mile; also the unit of entered paces without a suffix.",
)
@click.option(
    "--explain", "want_explanation", is_flag=True, help="Show the working: VDOT, %VO2max, formulas."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (seconds and seconds per km) for scripts.")
def paces(  # noqa: PLR0917 (one parameter per click option)
    race_text: str | None,
    marathon_pace: str | None,
    race_10k_pace: str | None,
    race_5k_pace: str | None,
    threshold_pace: str | None,
    easy_pace: str | None,
    unit: str,
    want_explanation: bool,
    as_json: bool,
) -> None:
    """Training paces and race equivalents from a race result (Daniels VDOT), or from paces you know.

    A race from 1500 m to the marathon gives your VDOT, the times it predicts at other distances
    (with Riegel's formula as a second opinion) and your easy, marathon, threshold, interval,
    repetition, 10k and 5k paces. Entered paces are checked against each other.

    \b
    Example:
      progrun paces --race 5k=20:00
      progrun paces --race half=1:45:00 --unit mi --explain
      progrun paces --marathon-pace 8:30 --10k-pace 7:30 --unit mi
      progrun paces --race 10k=50:00 --json
    """
    entered = {
        "marathon-pace": marathon_pace,
        "10k-pace": race_10k_pace,
        "5k-pace": race_5k_pace,
        "easy-pace": easy_pace,
        "threshold-pace": threshold_pace,
    }
    report = build_report(race_text, entered, unit, want_explanation)
    if as_json:
        print_json(report_json(report, unit))
    else:
        print_report(report, unit)
