"""`progrun export-data`: every run and split of the log as CSV (or Parquet) tables."""

from __future__ import annotations

from pathlib import Path

import click

from progrun.cli.log_options import db_option, open_log
from progrun.cli.output import make_console, output_folder


@click.command("export-data")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@db_option
def export_data(out_dir: Path, fmt: str, db: str | None) -> None:
    """Write everything out: activities.csv and splits.csv (or Parquet when pyarrow is installed).

    \b
    Example:
      progrun export-data ./my-runs
    """
    from progrun.formats.tables import TableFormat, write_table

    output_folder(out_dir, "export-data")
    with open_log(db) as log:
        data = log.data_export()
    activity_rows, split_rows = data.activities, data.splits
    written = [
        write_table(out_dir / "activities", activity_rows, TableFormat(fmt)),
        write_table(out_dir / "splits", split_rows, TableFormat(fmt)),
    ]
    make_console().print(
        f"wrote {len(activity_rows)} runs and {len(split_rows)} splits: " + ", ".join(map(str, written)),
        markup=False,
    )
