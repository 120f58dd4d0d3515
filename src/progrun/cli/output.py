"""Small output helpers every command shares: a rich console, a table in the house look, JSON for scripts.

>>> table = make_table("Training paces", ["Pace", "Per km"])
>>> table.add_row("threshold", "4:16/km")
>>> make_console().print(table)  # doctest: +SKIP
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from progrun.cli.safe_text import json_text, terminal_markup
from progrun.errors import ProgrunError

#: Width used when stdout is not a terminal (pipes, CliRunner), so output is the same everywhere.
DEFAULT_WIDTH = 100


def make_console(*, stderr: bool = False) -> Console:
    """A rich console on the current stdout (or stderr), looked up at call time so CliRunner captures it."""
    # emoji=False: a name like ":warning:" from a file stays text (see progrun.cli.safe_text)
    console = Console(file=sys.stderr if stderr else sys.stdout, highlight=False, emoji=False)
    if not console.is_terminal:
        console.width = DEFAULT_WIDTH
    return console


def make_table(title: str | None, columns: Sequence[str], *, right: Sequence[str] = ()) -> Table:
    """A table with the house look; columns named in `right` are right-aligned (numbers).

    Every column but the last keeps its text on one line; the last one wraps when the terminal is narrow.
    """
    table = Table(title=title, title_justify="left", header_style="bold", show_edge=False, pad_edge=False)
    for index, column in enumerate(columns):
        last = index == len(columns) - 1
        table.add_column(column, justify="right" if column in right else "left", no_wrap=not last)
    return table


def _clean(value: Any) -> Any:
    """NaN and infinity become null: JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def json_item(obj: Any) -> str:
    """`obj` as the indented JSON text `print_json` prints."""
    return json_text(_clean(obj))


def print_json(obj: Any) -> None:
    """Print `obj` as indented JSON on stdout (plain text, no colour, so scripts can read it)."""
    click.echo(json_text(_clean(obj)))


def print_warnings(warnings: Sequence[str], console: Console | None = None) -> None:
    """Print each warning on its own line, prefixed "Warning:"."""
    target = console or make_console()
    for warning in warnings:
        target.print(f"[yellow]Warning:[/yellow] {escape(warning)}")


def escape(text: str) -> str:
    """Text with rich markup escaped and control characters replaced (`safe_text.terminal_markup`)."""
    return terminal_markup(text)


def output_file(path: Path, option: str) -> Path:
    """Check that `path` can be written: its folder must exist (progrun never creates a folder not named)."""
    if path.is_dir():
        raise ProgrunError(f"{option} {path}: is a folder; give a file name")
    _require_parent(path, option)
    return path


def output_folder(path: Path, option: str) -> Path:
    """Create the folder `path` (only it, never its parents) if it is new."""
    if path.exists() and not path.is_dir():
        raise ProgrunError(f"{option} {path}: is a file, not a folder; give a folder")
    _require_parent(path, option)
    path.mkdir(exist_ok=True)
    return path


def _require_parent(path: Path, option: str) -> None:
    folder = path.parent
    if not folder.is_dir():
        problem = "is a file, not a folder" if folder.exists() else "does not exist"
        raise ProgrunError(
            f"{option} {path}: the folder {folder} {problem}; create it first or choose another path"
        )
