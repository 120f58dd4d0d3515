"""`progrun sync`: the next workout onto a USB-mounted watch, its new recordings into the log."""

from __future__ import annotations

from pathlib import Path

import click

from progrun.cli.log_options import db_option, open_log, parse_today
from progrun.cli.output import print_json


@click.command("sync")
@click.argument("mount", type=click.Path(file_okay=False, path_type=Path))
@click.option("--today", metavar="DATE", help="Pretend today is DATE (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print what was copied and imported as JSON.")
@db_option
def sync(mount: Path, today: str | None, as_json: bool, db: str | None) -> None:
    """Sync a watch over USB: copy the next workout to GARMIN/NewFiles, import new GARMIN/Activity runs.

    Run it again at any time: a workout already on the watch and recordings already imported are left
    alone (the list of imported recordings is kept in GARMIN/progrun-sync.json).

    \b
    Example:
      progrun sync /media/GARMIN
    """
    from progrun.training_log.sync import sync_watch

    with open_log(db) as log:
        report = sync_watch(log, mount, parse_today(today))
    if as_json:
        print_json(report.to_dict())
        return
    for name in report.copied:
        click.echo(f"copied the next workout to {name}")
    for name in report.already_there:
        click.echo(f"the next workout is already on the watch ({name})")
    if report.no_workout:
        click.echo(f"no workout copied: {report.no_workout}")
    imported = report.imported
    if imported is None:
        click.echo(f"no new recordings ({report.known_recordings} imported before)")
    else:
        click.echo(
            f"recordings: {len(report.new_recordings)} new, {imported.imported} imported, "
            f"{imported.duplicates} already in the log, {len(imported.failed)} failed "
            f"({report.known_recordings} imported before)"
        )
        for failure in imported.failed:
            click.echo(f"  {failure.file}: {failure.reason}", err=True)
