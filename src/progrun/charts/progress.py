"""The progress chart: final-split pace, pace-control score and heart rate at a reference pace, by week.

Drawn on matplotlib's object API (a Figure of its own, no pyplot state, safe in a server thread); PNG or
SVG chosen by the file suffix.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from progrun.errors import ExportError
from progrun.progression_trend import Trend


def _pace_label(seconds: float, _position: object = None) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def render_progress_chart(trend: Trend, path: Path, *, unit_label: str = "/km") -> Path:
    """Draw the weekly trend to `path` (.png or .svg) and return the path."""
    suffix = path.suffix.lower()
    if suffix not in {".png", ".svg"}:
        raise ExportError("chart", f"cannot write {path.name}: use a .png or .svg file name")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    weeks = [row.week_start for row in trend.weeks]
    figure = Figure(figsize=(8, 8))
    axes = figure.subplots(3, 1, sharex=True)
    pace_axis, score_axis, hr_axis = axes
    pace_axis.plot(weeks, [row.final_split_pace_s_per_km for row in trend.weeks], marker="o", color="#c0392b")
    pace_axis.invert_yaxis()  # faster is up
    pace_axis.yaxis.set_major_formatter(FuncFormatter(_pace_label))
    pace_axis.set_ylabel(f"final split {unit_label}")
    title = textwrap.fill(f"Progression runs by week: {trend.verdict}", 95)
    pace_axis.set_title(title, fontsize=9, loc="left")
    scores = [(w, row.score) for w, row in zip(weeks, trend.weeks, strict=True) if row.score is not None]
    score_axis.plot([w for w, _ in scores], [s for _, s in scores], marker="o", color="#2980b9")
    score_axis.set_ylabel("pace-control score")
    score_axis.set_ylim(0, 105)
    hrs = [(w, row.hr_at_reference_bpm) for w, row in zip(weeks, trend.weeks, strict=True)]
    hr_points = [(w, h) for w, h in hrs if h is not None]
    hr_axis.plot([w for w, _ in hr_points], [h for _, h in hr_points], marker="o", color="#27ae60")
    hr_axis.set_ylabel("HR at reference pace (bpm)")
    for axis in axes:
        axis.grid(True, alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path, format=suffix[1:])
    return path
