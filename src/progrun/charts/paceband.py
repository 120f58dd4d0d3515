"""Draw a Plan as a printable pace band: a 230 x 25 mm strip that wraps a wrist.

The strip reads left to right around the wrist: a legend column, then one column per step with the
step (M1, M2, ... or K1 ...; WU, CD), its target pace in large bold figures, the band (slow edge
first) and the cumulative time on the clock at the end of the step, so a runner can check the watch
at each split. The cooldown column shows its duration and cue.

- PNG: the strip alone, at 300 dpi (2717 x 295 px).
- PDF: an A4 landscape page with the strip at actual size, a cut outline, and a 100 mm scale bar to
  check that the printer did not rescale it.

Fonts shrink when a plan has many steps, so every column keeps its text inside.
"""

from __future__ import annotations

import io

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from progrun.errors import ExportError
from progrun.formats.export_model import (
    ExportFormat,
    ExportOptions,
    ExportResult,
    Fidelity,
    TargetFidelity,
    split_number,
)
from progrun.plan import Plan, SplitUnit, StepKind
from progrun.units import format_duration, format_pace

STRIP_WIDTH_MM = 230.0
STRIP_HEIGHT_MM = 25.0
LEGEND_WIDTH_MM = 26.0
PNG_DPI = 300
A4_LANDSCAPE_MM = (297.0, 210.0)
MM_PER_INCH = 25.4
#: Below this column width (mm) the fonts shrink in proportion.
COMFORTABLE_COLUMN_MM = 18.0
#: Fonts grow up to this factor when columns are wide (few steps).
MAX_FONT_SCALE = 1.3


def write_paceband(plan: Plan, fmt: ExportFormat, *, name: str) -> ExportResult:
    """The pace band as PNG (the strip) or PDF (A4 page with the strip at actual size)."""
    if fmt is ExportFormat.PNG:
        figure = Figure(figsize=(STRIP_WIDTH_MM / MM_PER_INCH, STRIP_HEIGHT_MM / MM_PER_INCH))
        draw_strip(figure, plan, name, left_mm=0.0, bottom_mm=0.0, page_mm=(STRIP_WIDTH_MM, STRIP_HEIGHT_MM))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    elif fmt is ExportFormat.PDF:
        page_w, page_h = A4_LANDSCAPE_MM
        figure = Figure(figsize=(page_w / MM_PER_INCH, page_h / MM_PER_INCH))
        left = (page_w - STRIP_WIDTH_MM) / 2
        bottom = page_h - 40.0 - STRIP_HEIGHT_MM
        draw_strip(figure, plan, name, left_mm=left, bottom_mm=bottom, page_mm=A4_LANDSCAPE_MM)
        _draw_print_notes(figure, left, bottom, A4_LANDSCAPE_MM)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="pdf", metadata={"CreationDate": None, "Creator": "progrun"})
    else:
        raise ExportError(fmt.value, "a pace band is drawn as pdf or png only")
    rows = (
        TargetFidelity(
            None, "target paces", Fidelity.APPROXIMATE, "printed to the second per unit, as runners read them"
        ),
        TargetFidelity(None, "pace bands", Fidelity.APPROXIMATE, "printed to the second, slow edge first"),
        TargetFidelity(
            None,
            "cumulative times",
            Fidelity.APPROXIMATE,
            "clock time at the end of each step, to the second",
        ),
        TargetFidelity(
            None, "cues", Fidelity.NOT_CARRIED, "no room on a 25 mm strip; only the cooldown's cue"
        ),
    )
    return ExportResult(fmt, buffer.getvalue(), rows)


def draw_strip(
    figure: Figure, plan: Plan, name: str, *, left_mm: float, bottom_mm: float, page_mm: tuple[float, float]
) -> Axes:
    """Draw the band on `figure` at (`left_mm`, `bottom_mm`) of a page `page_mm` wide and high."""
    page_w, page_h = page_mm
    axes = figure.add_axes(
        (left_mm / page_w, bottom_mm / page_h, STRIP_WIDTH_MM / page_w, STRIP_HEIGHT_MM / page_h)
    )
    axes.set_xlim(0, STRIP_WIDTH_MM)
    axes.set_ylim(0, STRIP_HEIGHT_MM)
    axes.set_axis_off()
    unit = plan.unit.value
    column_mm = (STRIP_WIDTH_MM - LEGEND_WIDTH_MM) / len(plan.steps)
    scale = min(MAX_FONT_SCALE, column_mm / COMFORTABLE_COLUMN_MM)
    legend_x = LEGEND_WIDTH_MM / 2
    axes.text(legend_x, 21.0, name, ha="center", va="center", fontsize=5.5, fontweight="bold")
    for y, text in ((14.5, f"pace /{unit}"), (9.0, "band"), (4.0, "clock at end")):
        axes.text(legend_x, y, text, ha="center", va="center", fontsize=6, color="0.35")
    axes.axvline(LEGEND_WIDTH_MM, color="black", linewidth=0.6)
    clock_s = 0.0
    for index, step in enumerate(plan.steps):
        clock_s += step.expected_time_s
        x0 = LEGEND_WIDTH_MM + index * column_mm
        centre = x0 + column_mm / 2
        if index % 2 == 1:
            axes.add_patch(Rectangle((x0, 0), column_mm, STRIP_HEIGHT_MM, color="0.92", linewidth=0))
        if index:
            axes.axvline(x0, color="0.6", linewidth=0.3)
        tempo = step.kind is StepKind.TEMPO
        axes.text(
            centre, 21.0, column_title(plan, index), ha="center", va="center", fontsize=7 * scale,
            fontweight="bold", color="firebrick" if tempo else "black",
        )  # fmt: skip
        if step.kind is StepKind.COOLDOWN:
            assert step.duration_s is not None
            axes.text(
                centre, 14.5, format_duration(step.duration_s), ha="center", va="center", fontsize=11 * scale
            )
            axes.text(centre, 9.0, step.cue or "easy", ha="center", va="center", fontsize=5 * scale)
        else:
            axes.text(
                centre, 14.5, format_pace(step.pace_s_per_km, unit, suffix=False), ha="center", va="center",
                fontsize=12 * scale, fontweight="bold",
            )  # fmt: skip
            band = f"{format_pace(step.high_s_per_km, unit, suffix=False)}-"
            band += format_pace(step.low_s_per_km, unit, suffix=False)
            axes.text(centre, 9.0, band, ha="center", va="center", fontsize=5.5 * scale)
        axes.text(centre, 4.0, format_duration(clock_s), ha="center", va="center", fontsize=7.5 * scale)
    outline = Rectangle((0, 0), STRIP_WIDTH_MM, STRIP_HEIGHT_MM, fill=False, linewidth=1.0, clip_on=False)
    outline.set_zorder(10)
    axes.add_patch(outline)
    return axes


def column_title(plan: Plan, index: int) -> str:
    """ "M1" ... for mile splits, "K1" ... for km splits, "S1 8:00" for timed ones, "WU" and "CD"; a partial
    split shows its length."""
    step = plan.steps[index]
    if step.kind is StepKind.WARMUP:
        return "WU"
    if step.kind is StepKind.COOLDOWN:
        return "CD"
    if step.distance_m is None:  # a plan by time: the split's number and its minutes, "S1 8'"
        return f"S{split_number(plan, index)} {format_duration(step.expected_time_s)}"
    letter = "M" if plan.unit is SplitUnit.MILE else "K"
    title = f"{letter}{split_number(plan, index)}"
    fraction = step.distance_m / plan.unit.metres
    if abs(fraction - 1.0) * plan.unit.metres > 0.5:
        title += f" ({fraction:.2f})".replace("0.", ".")
    return title


def _draw_print_notes(figure: Figure, left_mm: float, bottom_mm: float, page_mm: tuple[float, float]) -> None:
    page_w, page_h = page_mm
    figure.text(
        left_mm / page_w,
        (bottom_mm + STRIP_HEIGHT_MM + 8) / page_h,
        "Pace band: print at 100 % (actual size), cut along the outline and tape it round your wrist.",
        fontsize=9,
    )
    bar_y = bottom_mm - 20.0
    axes = figure.add_axes((left_mm / page_w, (bar_y - 2) / page_h, 100.0 / page_w, 6.0 / page_h))
    axes.set_xlim(0, 100)
    axes.set_ylim(0, 6)
    axes.set_axis_off()
    axes.plot([0, 100], [2, 2], color="black", linewidth=1.0)
    for tick in range(0, 101, 10):
        axes.plot([tick, tick], [1, 3], color="black", linewidth=0.6)
    axes.text(
        102, 2, "100 mm: if this bar is not 100 mm, the printer rescaled the page", va="center", fontsize=8
    )


def write_export(plan: Plan, options: ExportOptions) -> ExportResult:
    """The registry's entry (`formats.export.WRITERS`): the pace band as PNG or PDF.

    A plan for the treadmill (`options["treadmill"]`) is drawn as its treadmill card instead.
    """
    treadmill = plan.options.get("treadmill")
    if isinstance(treadmill, str):
        from progrun.charts.treadmill_card import write_card
        from progrun.treadmill import treadmill_card

        return write_card(treadmill_card(plan, treadmill, title=options.name), options.format)
    return write_paceband(plan, options.format, name=options.name)
