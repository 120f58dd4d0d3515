"""`progrun detect`: was a recorded run a progression run, and what were its start, target and step?"""

from __future__ import annotations

import math
from pathlib import Path

import click

from progrun.cli.output import escape, make_console, print_json
from progrun.cli.run_input import read_run, require_distance, salvage_option
from progrun.detect import detect_progression
from progrun.units import format_pace


def _pace(value: float, unit: str) -> str:
    return format_pace(value, unit, suffix=False) if math.isfinite(value) and value > 0 else "-"


@click.command()
@click.argument("run_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the detection as JSON for scripts.")
@salvage_option
def detect(run_file: Path, as_json: bool, salvage: bool) -> None:
    """Decide whether a recorded run was a progression run; infer its start, target, step and tempo splits.

    \b
    Example:
      progrun detect run.tcx
      progrun detect run.fit --json
    """
    found = detect_progression(require_distance(read_run(run_file, salvage=salvage), run_file))
    if as_json:
        print_json(found.to_dict())
        return
    console = make_console()
    u = found.unit
    verdict = "a progression run" if found.is_progression else "not a progression run"
    console.print(f"[bold]{escape(run_file.name)}[/bold]: {verdict} (confidence {found.confidence:.2f})")
    if found.split_paces_s_per_km:
        paces = " ".join(_pace(pace, u) for pace in found.split_paces_s_per_km)
        console.print(f"Split paces (per {u}, grade-adjusted): {paces}")
    if found.is_progression:
        console.print(
            f"Start {_pace(found.start_s_per_km, u)}/{u}, target {_pace(found.target_s_per_km, u)}/{u}, "
            f"step {found.step_s:.0f} s/{u}, "
            f"{found.tempo_splits} split{'s' if found.tempo_splits != 1 else ''} at tempo, "
            f"cooldown {found.cooldown_s:.0f} s"
        )
    for reason in found.reasons:
        console.print(f"  - {escape(reason)}")
