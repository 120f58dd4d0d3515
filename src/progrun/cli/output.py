"""Small output helpers every command shares: a rich console, a table in the house look, JSON for scripts.

>>> table = make_table("Training paces", ["Pace", "Per km"])
>>> table.add_row("threshold", "4:16/km")
>>> make_console().print(table)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table

#: Width used when stdout is not a terminal (pipes, CliRunner), so output is the same everywhere.
DEFAULT_WIDTH = 100


def make_console(*, stderr: bool = False) -> Console:
    """A rich console on the current stdout (or stderr), looked up at call time so CliRunner captures it."""
    console = Console(file=sys.stderr if stderr else sys.stdout, highlight=False)
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


def print_json(obj: Any) -> None:
    """Print `obj` as indented JSON on stdout (plain text, no colour, so scripts can read it)."""
    click.echo(json.dumps(_clean(obj), indent=2, ensure_ascii=False))


def print_warnings(warnings: Sequence[str], console: Console | None = None) -> None:
    """Print each warning on its own line, prefixed "Warning:"."""
    target = console or make_console()
    for warning in warnings:
        target.print(f"[yellow]Warning:[/yellow] {escape(warning)}")


def escape(text: str) -> str:
    """Text with rich markup characters escaped, for printing user or library text through rich."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)
