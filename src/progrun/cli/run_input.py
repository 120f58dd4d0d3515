"""How every command reads a recorded run: one damage policy, one `--salvage` option.

A damaged file (CRC fails, broken structure) is refused, and the error names `--salvage`; with
`--salvage` what decodes is read and the run is marked partial. A truncated recording (a watch that
died mid-run: cut short, header CRC valid, clean up to the cut) is read without it, as a partial run.
Either way the command says so on stderr. See docs/formats.md, "Damaged files".
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from progrun.activity import Activity
from progrun.cli.safe_text import terminal_text
from progrun.errors import ActivityFileError
from progrun.formats import read_activity
from progrun.formats.on_error import OnError

F = TypeVar("F", bound=Callable[..., Any])
SALVAGE_HELP = "Read a damaged file (bad CRC, broken structure) anyway: what decodes, as a partial run."


def salvage_option(function: F) -> F:
    """The `--salvage` flag, passed to the command as `salvage`."""
    return click.option("--salvage", is_flag=True, help=SALVAGE_HELP)(function)


def read_run(path: str | os.PathLike[str], *, salvage: bool = False) -> Activity:
    """Read a run file under the damage policy; a salvaged partial run is announced on stderr."""
    activity = read_activity(path, on_error=OnError.WARN if salvage else OnError.RAISE)
    partial = activity.extra.get("partial")
    if partial:
        click.echo(terminal_text(f"Warning: {os.fspath(path)}: partial run ({partial})"), err=True)
    return activity


def require_distance(activity: Activity, path: str | os.PathLike[str]) -> Activity:
    """The activity, if it has a distance to judge by; else ActivityFileError saying what cannot be judged."""
    if activity.total_distance_m > 0 and activity.has("distance_m"):
        return activity
    raise ActivityFileError(
        os.fspath(path),
        "the recording has no distance (no positions, speed or distance samples), so its splits, paces "
        "and progression cannot be judged",
        hint="judge a recording made with GPS or a foot pod",
    )
