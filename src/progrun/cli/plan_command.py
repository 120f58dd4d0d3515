"""`progrun plan`: a progression run split by split, as a table, JSON, CSV or Markdown."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import click
from rich.console import Console

from progrun.cli.output import escape, make_console, make_table, print_json, print_warnings
from progrun.cli.plan_options import PlanRequest, build_requested_plan, plan_options
from progrun.errors import PlanError
from progrun.heart_rate import hr_bands_of
from progrun.plan import Plan, StepKind
from progrun.plan_io import (
    plan_length_text,
    plan_rows,
    plan_summary,
    plan_to_csv,
    plan_to_dict,
    plan_to_json,
    plan_to_markdown,
)
from progrun.units import format_pace

_FORMATS_BY_SUFFIX = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown"}


def print_plan(plan: Plan, console: Console, *, title: str | None = None) -> None:
    """The plan as a rich table, then totals, why it looks this way, and warnings."""
    unit = plan.unit.value
    bands = hr_bands_of(plan)
    columns = [
        "#",
        "Distance",
        f"Pace /{unit}",
        "Band",
        *(["HR bpm"] if bands else []),
        "Time",
        "Clock",
        "Cue",
    ]
    if title is None:
        title = (
            f"Progression run: {plan_length_text(plan)}, {plan.start_kind} start to {plan.target_kind} pace"
        )
    table = make_table(title, columns, right=columns[1:-1])
    for index, row in enumerate(plan_rows(plan)):
        style = "bold" if row.step.kind is StepKind.TEMPO else None
        band = bands[index] if bands else None
        hr_cell = [f"{band.low_bpm:.0f}-{band.high_bpm:.0f} {band.zone}" if band else "-"] if bands else []
        table.add_row(
            row.number,
            row.distance_text,
            format_pace(row.step.pace_s_per_km, unit, suffix=False),
            row.band_text,
            *hr_cell,
            row.time_text,
            row.cumulative_text,
            escape(row.step.cue),
            style=style,
        )
    console.print(table)
    console.print(f"Total: {escape(plan_summary(plan))}.")
    for reason in plan.reasons:
        console.print(f"  {escape(reason)}")
    treadmill = plan.options.get("treadmill")
    if isinstance(treadmill, str):
        from progrun.treadmill import card_text, treadmill_card

        console.print()
        for line in card_text(treadmill_card(plan, treadmill, title="Treadmill card")).splitlines():
            console.print(escape(line), soft_wrap=True)
    print_warnings(plan.warnings, console)


def _output_format(as_json: bool, as_csv: bool, as_markdown: bool, output: Path | None) -> str:
    chosen = [name for name, flag in (("json", as_json), ("csv", as_csv), ("markdown", as_markdown)) if flag]
    if len(chosen) > 1:
        raise click.UsageError("choose one of --json, --csv and --markdown")
    if chosen:
        return chosen[0]
    if output is not None:
        found = _FORMATS_BY_SUFFIX.get(output.suffix.lower())
        if found is None:
            raise click.UsageError(f"say which format to write to {output} (--json, --csv or --markdown)")
        return found
    return "table"


@click.command()
@plan_options(distance_required=True)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse a request outside the method, or a run too soon after hard ones, instead of warning.",
)
@click.option(
    "--db",
    "db",
    metavar="URL",
    help="Training log to check how often you ran hard [default: PROGRUN_DB, else the user data dir; "
    "skipped while no log exists].",
)
@click.option(
    "--save",
    is_flag=True,
    help="Keep the plan in the training log: a run on --on's date, or a FIT workout of the plan's name, "
    "is then judged against it on import.",
)
@click.option(
    "--on", "on_date", type=click.DateTime(["%Y-%m-%d"]), help="The day the plan is for (with --save)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON (SI units) for scripts.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the plan as CSV, one row per step.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the plan as a Markdown table.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of printing (format from --json/--csv/--markdown or the file's suffix).",
)
def plan(  # noqa: PLR0917 (one parameter per click option)
    request: PlanRequest,
    strict: bool,
    db: str | None,
    save: bool,
    on_date: datetime | None,
    as_json: bool,
    as_csv: bool,
    as_markdown: bool,
    output: Path | None,
) -> None:
    """Plan a progression run: start easy or at marathon pace, speed up each split, finish at 10k/5k pace.

    The method: 3-6 miles (5-10 km), each split 15-30 s/mi (9-19 s/km) faster than the one before, at
    most 2 splits at the target (--tempo-splits 3 at most), then a 5-minute walk/jog. The planner picks
    the start and a whole-second step that fit, and says why. Paces without a unit are read in --unit.
    When a training log exists, it warns (--strict: refuses) if it holds 2 progression or threshold
    sessions in the last 7 days, or a hard session yesterday.

    \b
    Example:
      progrun plan --race 5k=20:00 --distance 5mi
      progrun plan --race 10k=50:00 --distance 8km --json
      progrun plan --marathon-pace 8:30 --target-pace 7:30 --distance 4mi
      progrun plan --race 5k=22:30 --distance 5.5mi --warmup --markdown -o plan.md
      progrun plan --race 5k=20:00 --distance 5mi --save --on 2026-12-01
    """
    kind = _output_format(as_json, as_csv, as_markdown, output)
    result, _ = build_requested_plan(request, strict=strict)
    _frequency_guard(db, strict=strict)
    if on_date is not None and not save:
        raise click.UsageError("--on gives the day of a saved plan; add --save")
    if output is not None:
        text = {"json": plan_to_json, "csv": plan_to_csv, "markdown": plan_to_markdown}[kind](result)
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        click.echo(f"Wrote {output} ({plan_summary(result)})")
    elif kind == "json":
        print_json(plan_to_dict(result))
    elif kind == "csv":
        click.echo(plan_to_csv(result), nl=False)
    elif kind == "markdown":
        click.echo(plan_to_markdown(result), nl=False)
    else:
        print_plan(result, make_console())
    if save:
        _save(result, db, on_date.date() if on_date is not None else None)


def _save(result: Plan, db: str | None, on: date | None) -> None:
    """Store the plan in the training log (created if need be) and say how runs will be linked to it."""
    from progrun.cli.log_options import open_log

    with open_log(db) as log:
        stored = log.save_plan(result, planned_on=on)
    when = f"a run on {on.isoformat()} or " if on is not None else ""
    click.echo(
        f"Saved plan {stored.plan_id} to the training log: {when}a run of the FIT workout {stored.name!r} "
        "(progrun export --to fit) is judged against it on import.",
        err=True,
    )


def _frequency_guard(db: str | None, *, strict: bool) -> None:
    """Warn on stderr (or, strict, refuse) when the training log says a progression run is too soon.

    No log yet (the SQLite file does not exist): nothing to check, no file is created, and the storage
    layer is not even imported.
    """
    from progrun.cli.log_options import open_existing_log

    log = open_existing_log(db)
    if log is None:
        return
    with log:
        result = log.guard(datetime.now(UTC).date())
    if result.ok:
        return
    why = "; ".join(result.reasons)
    if strict:
        raise PlanError("training log", why, "plan an easy run instead, or drop --strict to be warned only")
    click.echo(f"Warning: {why} (--strict refuses)", err=True)
