"""Tables of plain rows written as CSV or Parquet (`export-data`: activities and splits).

A CSV cell that a spreadsheet would run as a formula (OWASP "CSV injection": a text starting with
`=`, `+`, `-`, `@`, a tab or CR) is written with a leading `'`. Parquet needs pyarrow, an optional
dependency; without it the export is refused with what to do.
"""

from __future__ import annotations

import csv
from enum import StrEnum
from pathlib import Path
from typing import Any

from progrun.errors import ExportError

#: Characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TableFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


def csv_cell(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, prefixed with `'`; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_table(stem: Path, rows: list[dict[str, Any]], fmt: TableFormat) -> Path:
    """Write `rows` (dicts with the same keys) to `stem` + ".csv" or ".parquet"; the path written."""
    if fmt is TableFormat.PARQUET:
        try:
            import pyarrow as pa  # type: ignore[import-not-found,unused-ignore]
            import pyarrow.parquet as pq  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            raise ExportError(
                "Parquet",
                "it needs pyarrow, which is not installed",
                "install it (pip install pyarrow) or write CSV",
            ) from None
        path = stem.with_suffix(".parquet")
        pq.write_table(pa.Table.from_pylist(rows), path)
        return path
    path = stem.with_suffix(".csv")
    with path.open("w", newline="", encoding="utf-8") as handle:
        if rows:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
    return path
