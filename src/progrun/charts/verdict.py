"""Draw a Verdict as a chart (PNG or SVG): split paces as bars against the target bands.

What the chart shows, per planned split (x axis), paces per mile or km on the left axis with faster
paces higher up, so a progression climbs from left to right:

- a bar for the actual pace: green inside the band, amber faster than the band, red slower, a grey
  outline for a split not run;
- the target band as a pale box and the planned progression as a dark dashed line through the targets;
- the grade-adjusted pace as a white diamond (it differs from the bar on hills);
- the average heart rate on a second axis (right), as a red line;
- the score, the two headline checks and the first sentence of the verdict in the title.

Drawn on matplotlib's object API (a Figure of its own, no pyplot state), so it is safe in a server thread;
the image is rendered by matplotlib's Agg (PNG) or SVG backend, no display needed.
"""

from __future__ import annotations

import io
import math
import os
import textwrap
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from progrun.judge import SplitVerdict, Verdict
from progrun.plan import SplitUnit

IN_BAND = "#2e9e5b"
TOO_FAST = "#e8a317"
TOO_SLOW = "#d1495b"
#: A split whose GPS distance is suspect (`progrun.gps_trust`): not judged on pace.
GPS_SUSPECT = "#bbbbbb"
#: The headline under the title is cut to this many characters.
HEADLINE_CHARS = 110
BAND = "#9cc3e6"
BAND_EDGE = "#3d7ab8"
PLAN_LINE = "#1f3b57"
HEART = "#b5179e"
_FORMATS = {"png", "svg"}


def _per_unit(pace_s_per_km: float, unit: SplitUnit) -> float:
    return pace_s_per_km * unit.metres / 1000.0


def _clock(value: float, _position: object = None) -> str:
    if not math.isfinite(value) or value <= 0:
        return ""
    whole = round(value)
    return f"{whole // 60}:{whole % 60:02d}"


def _colour(split: SplitVerdict) -> str:
    if split.gps_suspect:
        return GPS_SUSPECT
    if split.in_band is None or not math.isfinite(split.off_s_per_km):
        return "none"
    if split.off_s_per_km > 0:
        return TOO_SLOW
    if split.off_s_per_km < 0:
        return TOO_FAST
    return IN_BAND


def _short_label(split: SplitVerdict) -> str:
    if split.label.startswith("The warm"):
        return "WU"
    word, _, number = split.label.partition(" ")
    return f"{word} {number}" if number else word


def draw_verdict(verdict: Verdict) -> Figure:
    """The verdict chart as a matplotlib Figure of its own (no pyplot state; dropped when unused)."""
    unit = verdict.unit
    splits = verdict.splits
    positions = list(range(1, len(splits) + 1))
    targets = [_per_unit(split.target_s_per_km, unit) for split in splits]
    lows = [_per_unit(split.low_s_per_km, unit) for split in splits]
    highs = [_per_unit(split.high_s_per_km, unit) for split in splits]
    actual = [_per_unit(split.actual_s_per_km, unit) for split in splits]
    judged = [_per_unit(split.gap_s_per_km, unit) for split in splits]
    values = [value for value in [*lows, *highs, *actual, *judged] if math.isfinite(value)]
    fastest, slowest = min(values), max(values)
    span = max(slowest - fastest, 20.0)
    top = fastest - 0.12 * span
    floor = slowest + 0.35 * span

    figure = Figure(figsize=(9.0, 5.2), dpi=110)
    axis = figure.subplots()
    for x, split, pace in zip(positions, splits, actual, strict=True):
        low, high = _per_unit(split.low_s_per_km, unit), _per_unit(split.high_s_per_km, unit)
        axis.add_patch(
            Rectangle(
                (x - 0.42, low), 0.84, high - low, facecolor=BAND, alpha=0.5, edgecolor=BAND_EDGE, zorder=3
            )
        )
        if math.isfinite(pace):
            colour = _colour(split)
            axis.bar(
                x,
                pace - floor,
                bottom=floor,
                width=0.56,
                color=colour,
                alpha=0.9,
                zorder=2,
                edgecolor="white",
            )
            axis.annotate(
                _clock(pace),
                (x, pace),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=9,
                fontweight="bold",
                color="#222222",
                zorder=5,
            )
        else:
            axis.bar(
                x,
                top - floor,
                bottom=floor,
                width=0.56,
                color="none",
                edgecolor="#999999",
                hatch="//",
                zorder=2,
            )
            axis.text(x, (floor + top) / 2, "not run", ha="center", va="center", rotation=90, color="#777777")
    axis.plot(
        positions,
        targets,
        color=PLAN_LINE,
        linestyle="--",
        linewidth=1.6,
        marker="_",
        markersize=22,
        zorder=3,
    )
    gap_x = [x for x, value in zip(positions, judged, strict=True) if math.isfinite(value)]
    gap_y = [value for value in judged if math.isfinite(value)]
    axis.scatter(gap_x, gap_y, marker="D", s=46, color="white", edgecolor="#222222", linewidth=1.2, zorder=4)

    axis.set_ylim(floor, top)  # inverted: faster paces higher
    axis.yaxis.set_major_formatter(FuncFormatter(_clock))
    axis.set_ylabel(f"pace (min/{unit.value}, faster up)")
    axis.set_xticks(positions, [_short_label(split) for split in splits])
    axis.set_xlim(0.4, len(splits) + 0.6)
    axis.grid(axis="y", color="#dddddd", linewidth=0.8, zorder=0)
    axis.set_axisbelow(True)
    for side in ("top",):
        axis.spines[side].set_visible(False)

    heart = [split.heart_rate_avg_bpm for split in splits]
    has_heart = any(math.isfinite(value) for value in heart)
    if has_heart:
        twin = axis.twinx()
        twin.plot(
            positions, heart, color=HEART, marker="o", linewidth=1.4, linestyle=":", markersize=5, zorder=6
        )
        finite = [value for value in heart if math.isfinite(value)]
        spread = max(max(finite) - min(finite), 10.0)
        twin.set_ylim(min(finite) - 2.5 * spread, max(finite) + 0.3 * spread)
        twin.set_ylabel("heart rate (bpm)", color=HEART)
        twin.tick_params(axis="y", colors=HEART)
        twin.spines["top"].set_visible(False)

    handles = [
        Patch(facecolor=IN_BAND, label="in band (by GAP)"),
        Patch(facecolor=TOO_FAST, label="faster than band"),
        Patch(facecolor=TOO_SLOW, label="slower than band"),
        Patch(facecolor=BAND, alpha=0.5, edgecolor=BAND_EDGE, label="target band"),
        Line2D([], [], color=PLAN_LINE, linestyle="--", label="planned pace"),
        Line2D(
            [], [], marker="D", color="white", markeredgecolor="#222222", linestyle="", label="grade-adjusted"
        ),
    ]
    if has_heart:
        handles.append(Line2D([], [], color=HEART, marker="o", linestyle=":", label="heart rate"))
    axis.legend(
        handles=handles, loc="lower center", ncol=4, fontsize=8, frameon=False, bbox_to_anchor=(0.5, -0.3)
    )

    tick = "yes" if verdict.progressed else "no"
    target = "yes" if verdict.target_reached else "no"
    axis.set_title(
        f"Pace-control score {verdict.score.value:g}   ·   progressed: {tick}   ·   target reached: {target}",
        fontsize=12,
        fontweight="bold",
        loc="left",
        pad=26,
    )
    headline = verdict.findings[1] if len(verdict.findings) > 1 else verdict.text
    headline = textwrap.shorten(headline, HEADLINE_CHARS, placeholder=" …")
    axis.text(
        0.0, 1.02, headline, transform=axis.transAxes, fontsize=9, color="#444444", ha="left", va="bottom"
    )
    figure.tight_layout()
    return figure


def render_verdict_chart(verdict: Verdict, path_or_format: str | os.PathLike[str]) -> bytes:
    """Draw the verdict and return the image bytes: PNG or SVG.

    `path_or_format` is "png"/"svg" (only the bytes are returned) or a file path ending in .png or .svg
    (the image is also written there).
    """
    text = os.fspath(path_or_format)
    path: Path | None = None
    if text.lower() in _FORMATS:
        image_format = text.lower()
    else:
        path = Path(text)
        image_format = path.suffix.lower().lstrip(".")
        if image_format not in _FORMATS:
            raise ValueError(f"a chart is PNG or SVG; {text!r} ends in neither .png nor .svg")
    figure = draw_verdict(verdict)
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format=image_format,
        bbox_inches="tight",
        metadata={"Software": "progrun"} if image_format == "png" else None,
    )
    data = buffer.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data
