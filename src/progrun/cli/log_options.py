"""What the training-log commands share: `--db`, opening the runner's log, paces, dates, notes, JSON streams.

Every log command opens the log named by `--db` (else PROGRUN_DB, else the embedded SQLite file in
the user's data directory) through the application layer (`progrun.training_log.TrainingLog`) and
only renders what it returns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from progrun.cli.log_location import log_may_exist, log_url
from progrun.cli.output import print_json
from progrun.cli.safe_text import terminal_text
from progrun.units import format_pace

if TYPE_CHECKING:
    from progrun.training_log import TrainingLog

F = TypeVar("F", bound=Callable[..., Any])
DB_HELP = (
    "Training log: a postgresql://... URL or an SQLite file [default: PROGRUN_DB, else the user data dir]."
)


def db_option(function: F) -> F:
    return click.option("--db", "db", metavar="URL", help=DB_HELP)(function)


def open_log(db: str | None) -> TrainingLog:
    """The runner's training log on the database `--db` names (created, and said so, when new)."""
    from progrun.training_log import TrainingLog

    log = TrainingLog.open(log_url(db))
    if log.created:
        click.echo(f"created a new training log at {terminal_text(log.shown_url)}", err=True)
    return log


def open_existing_log(db: str | None) -> TrainingLog | None:
    """The training log, or None when it is an SQLite file that does not exist yet.

    For commands that only consult the log (`progrun plan`'s frequency guard): no log means nothing
    to check, nothing is created, and the storage layer is not even imported.
    """
    if not log_may_exist(db):
        return None
    from progrun.training_log import TrainingLog

    return TrainingLog.open(log_url(db), create=False)


def pace_text(value: float | None, unit: str = "km") -> str:
    return format_pace(value, unit) if value is not None and math.isfinite(value) and value > 0 else "-"


def when_text(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "(no date)"


def parse_today(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; write it like 2024-03-04", param_hint="--today"
        ) from None


def print_notes(notes: tuple[str, ...], console: Console) -> None:
    for note in notes:
        console.print(f"Note: {note}", markup=False)


def print_json_stream(items: Iterator[dict[str, Any]]) -> None:
    """A JSON list printed item by item, the same text `print_json(list(items))` prints (a large log's
    history never sits in memory twice)."""
    first = next(items, None)
    if first is None:
        print_json([])
        return
    click.echo("[")
    pending = first
    for item in items:
        click.echo(_indented(pending) + ",")
        pending = item
    click.echo(_indented(pending))
    click.echo("]")


def _indented(item: dict[str, Any]) -> str:
    from progrun.cli.output import json_item

    return "\n".join("  " + line for line in json_item(item).splitlines())
