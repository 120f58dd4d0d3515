"""`progrun info FILE`: what a recorded run holds, read with `progrun.formats.read_activity`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC

import click

from progrun.activity import CHANNELS, Activity
from progrun.cli.run_input import read_run, salvage_option
from progrun.cli.safe_text import terminal_text
from progrun.device_timer import elapsed_s
from progrun.units import METRES_PER_MILE, round_half_up

_CHANNEL_LABELS = {
    "distance_m": "distance",
    "speed_m_s": "speed",
    "lat_deg": "position",
    "altitude_m": "altitude",
    "heart_rate_bpm": "heart rate",
    "cadence_spm": "cadence",
    "power_w": "power",
}


@dataclass(frozen=True)
class ActivitySummary:
    """The facts `progrun info` shows; also its JSON shape."""

    file: str
    format: str
    sport: str
    device: str
    workout: str
    start: str | None
    distance_m: float
    elapsed_s: float
    timer_s: float
    records: int
    laps: int
    pauses: int
    paused_s: float
    channels: list[str]
    warnings: list[str]


def summarise(activity: Activity, file: str) -> ActivitySummary:
    """Summarise an activity: elapsed as `device_timer.elapsed_s` (the splits' total), timer as
    `Activity.timer_s`
    (the session's total, else the laps' union less the pauses inside it, else elapsed less pauses:
    never a sum of overlapping laps)."""
    elapsed = elapsed_s(activity)  # as the splits' total counts it
    timer_s = activity.timer_s if activity.records else 0.0
    start = activity.start.astimezone(UTC).isoformat().replace("+00:00", "Z") if activity.start else None
    channels = [label for name, label in _CHANNEL_LABELS.items() if name in CHANNELS and activity.has(name)]
    return ActivitySummary(
        file=file,
        format=activity.format.value,
        sport=activity.sport,
        device=activity.device,
        workout=activity.workout_name,
        start=start,
        distance_m=round(activity.total_distance_m, 1),
        elapsed_s=round(elapsed, 1),
        timer_s=round(timer_s, 1),
        records=activity.records,
        laps=len(activity.laps),
        pauses=len(activity.pauses),
        paused_s=round(activity.paused_s, 1),
        channels=channels,
        warnings=list(activity.warnings),
    )


def _clock(seconds: float) -> str:
    whole = round_half_up(seconds)  # as every other duration and pace progrun shows
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def format_summary(summary: ActivitySummary) -> str:
    """The text `progrun info` prints: one fact per line.

    Texts that come from the file (device, workout name, sport, warnings) and the path are data:
    control and bidi characters are replaced (`progrun.cli.safe_text.terminal_text`).
    """
    rows = [
        ("file", summary.file),
        ("format", summary.format.upper()),
        ("sport", summary.sport or "unknown"),
        ("device", summary.device or "unknown"),
        *([("workout", summary.workout)] if summary.workout else []),
        ("start", summary.start.replace("T", " ").replace("Z", " UTC") if summary.start else "unknown"),
        ("distance", f"{summary.distance_m / 1000:.2f} km ({summary.distance_m / METRES_PER_MILE:.2f} mi)"),
        ("duration", f"{_clock(summary.elapsed_s)} elapsed, {_clock(summary.timer_s)} timer"),
        ("records", str(summary.records)),
        ("laps", str(summary.laps)),
        ("pauses", f"{summary.pauses} ({_clock(summary.paused_s)})" if summary.pauses else "none"),
        ("channels", ", ".join(summary.channels) or "time only"),
    ]
    lines = [f"{label:<10}{terminal_text(value)}" for label, value in rows]
    if summary.warnings:
        lines.append(f"{'warnings':<10}{terminal_text(summary.warnings[0])}")
        lines += [f"{'':<10}{terminal_text(warning)}" for warning in summary.warnings[1:]]
    else:
        lines.append(f"{'warnings':<10}none")
    return "\n".join(lines)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@salvage_option
def info(file: str, as_json: bool, salvage: bool) -> None:
    """Show what a recorded run (FIT, GPX or TCX, or gzip of one) holds.

    \b
    Example:
      progrun info morning-run.fit
      progrun info export/activities/123.tcx.gz --json
    """
    summary = summarise(read_run(file, salvage=salvage), file)
    if as_json:
        from progrun.cli.output import print_json

        print_json(asdict(summary))
    else:
        click.echo(format_summary(summary))
