"""The runner's profile and re-analysis: `profile` (show or set; re-analyses when a field the analysis
reads changes) and `reanalyse`."""

from __future__ import annotations

from typing import Any

import click

from progrun.cli.log_options import db_option, open_log, pace_text
from progrun.cli.output import make_console, print_json
from progrun.errors import UnitError
from progrun.units import parse_pace, parse_race


def _parse_pace_option(text: str | None, option: str) -> float | None:
    if text is None:
        return None
    try:
        return parse_pace(text)
    except UnitError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


#: The option that sets each profile field (a ProfileError names the field).
PROFILE_OPTIONS = {"max_heart_rate_bpm": "--hr-max", "resting_heart_rate_bpm": "--hr-rest"}


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
        ("max_heart_rate_bpm", hr_max),
        ("resting_heart_rate_bpm", hr_rest),
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
            "pace: kinds and rTSS loads; heart rate max/rest: TRIMP loads; units: km or mile splits), "
            f"failed {len(update.failed)}",
            markup=False,
        )
        for activity_id, reason in update.failed:
            report.print(f"  failed {activity_id}: {reason}", markup=False)
    if as_json:
        print_json(update.to_dict())
        return
    console = make_console()
    fields = update.to_dict()
    width = max(map(len, fields))
    for key, value in fields.items():
        shown = (
            pace_text(value, current.units)
            if key.endswith("_s_per_km")
            else f"{value:.1f}"
            if key == "vdot" and isinstance(value, float)
            else ("-" if value in (None, "") else value)
        )
        console.print(f"{key:{width}} {shown}", markup=False)


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
    from progrun.cli.log_location import default_data_dir
    from progrun.settings import Settings

    settings = Settings.from_environment(db, default_data_dir=default_data_dir, broker=broker)
    if settings.broker_url and not activity_ids:
        from progrun.training_log.reanalyse_fanout import fan_out

        say = None if as_json else (lambda line: click.echo(line, err=True))
        fanned = fan_out(
            settings.db_url, settings.broker_url, everything=everything, batch_size=batch_size, say=say
        )
        progress = fanned.progress
        if as_json:
            print_json({"job": fanned.job_id, "reanalysed": progress.done, "failed": progress.failed})
            return
        make_console().print(
            f"job {fanned.job_id}: re-analysed {progress.done} runs, failed {progress.failed} "
            f"in {fanned.elapsed_s:.1f} s"
        )
        return
    with open_log(db) as log:
        result = log.reanalyse(activity_ids, everything=everything)
    if as_json:
        print_json(result.to_dict())
        return
    make_console().print(f"re-analysed {result.reanalysed} runs, failed {len(result.failed)}")
    for activity_id, reason in result.failed:
        make_console().print(f"  failed {activity_id}: {reason}", markup=False)
