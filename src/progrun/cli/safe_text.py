"""Text that came from a file is data: made safe for the terminal, a spreadsheet and JSON, in one place.

An activity's name (a Strava `activities.csv` cell, a FIT workout name), a file or archive member name,
a device string: any of them may hold

* **rich markup** (`[/x]` ends a style that was never opened and makes rich raise, `[link=...]` makes a
  hyperlink, `[red]` a colour) and rich emoji codes (`:warning:`);
* **control characters**: ESC starts terminal escape sequences (colours, cursor moves, a title change,
  OSC 8 hyperlinks, OSC 52 which writes the clipboard), CR and BS overwrite what was printed, and the C1
  range (U+0080-U+009F) holds the 8-bit forms of the same controls; bidirectional overrides
  (U+202A-U+202E, U+2066-U+2069) reorder what the reader sees ("Trojan Source");
* **a spreadsheet formula**: a CSV cell starting with `=`, `+`, `-` or `@` (or a tab or CR, which
  some spreadsheets skip before those) is run as a formula when the CSV is opened (OWASP "CSV
  injection").

`terminal_text` replaces every control and bidi character with U+FFFD; `terminal_markup` also escapes
rich markup, for text placed inside a markup string; `terminal_cell` is a rich `Text` (never parsed as
markup) for table cells. `csv_cell` (from `progrun.formats.tables`) prefixes a formula-like text with
`'`. `json_text` writes JSON whose strings carry those characters as `\\uXXXX` escapes: the same data,
nothing raw on a terminal.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.markup import escape as escape_markup
from rich.text import Text

from progrun.formats.tables import FORMULA_START, csv_cell

#: C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, line and paragraph separators.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def terminal_text(text: str) -> str:
    """`text` with every control and bidi-override character replaced by U+FFFD (a tab by a space)."""
    return UNSAFE.sub(lambda match: " " if match.group() == "\t" else REPLACEMENT, text)


def terminal_markup(text: str) -> str:
    """`terminal_text`, with rich markup escaped: for file text placed inside a rich markup string."""
    return escape_markup(terminal_text(text))


def terminal_cell(text: str) -> Text:
    """A rich Text of `terminal_text` (never parsed as markup or emoji), for a table cell."""
    return Text(terminal_text(text))


def json_text(obj: Any, *, indent: int | None = 2) -> str:
    """`json.dumps` (UTF-8 kept), with control and bidi characters inside strings as `\\uXXXX` escapes."""
    encoded = json.dumps(obj, indent=indent, ensure_ascii=False)
    # json.dumps escapes C0 controls itself (its own newlines are layout); the others can only sit
    # inside strings, where \uXXXX is the same data
    return UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)


__all__ = ["FORMULA_START", "csv_cell", "json_text", "terminal_cell", "terminal_markup", "terminal_text"]
