"""The pace band's layout: every text, shaded column and line of the 230 x 25 mm strip, from a Plan.

The strip reads left to right around the wrist: a legend column, then one column per step with the
step (M1, M2, ... or K1 ...; WU, CD), its target pace in large bold figures, the band (slow edge
first) and the cumulative time on the clock at the end of the step, so a runner can check the watch
at each split. The cooldown column shows its duration and cue. Tempo titles are red; every other
column is shaded. Fonts shrink when a plan has many steps, so every column keeps its text inside.

`paceband_layout` computes it once; `charts.paceband` draws it as PNG (Pillow) or PDF (matplotlib),
and `charts.club_sheet` places it on the coach's sheet.
"""

from __future__ import annotations

from progrun.charts.drawing import Box, Drawing, Line, Shape, Text, grey
from progrun.formats.export_model import split_number
from progrun.plan import Plan, SplitUnit, StepKind
from progrun.units import format_duration, format_pace

STRIP_WIDTH_MM = 230.0
STRIP_HEIGHT_MM = 25.0
LEGEND_WIDTH_MM = 26.0
#: Below this column width (mm) the fonts shrink in proportion.
COMFORTABLE_COLUMN_MM = 18.0
#: Fonts grow up to this factor when columns are wide (few steps).
MAX_FONT_SCALE = 1.3
#: The rows' centres, from the strip's bottom: title, pace, band (or cue), clock.
TITLE_Y_MM, PACE_Y_MM, BAND_Y_MM, CLOCK_Y_MM = 21.0, 14.5, 9.0, 4.0
LEGEND_GREY = grey(0.35)
SHADE_GREY = grey(0.92)
SEPARATOR_GREY = grey(0.6)
TEMPO_RED = "#b22222"  # matplotlib's "firebrick"
BLACK = "#000000"


def column_width_mm(plan: Plan) -> float:
    """The width of each step's column."""
    return (STRIP_WIDTH_MM - LEGEND_WIDTH_MM) / len(plan.steps)


def column_left_mm(plan: Plan, index: int) -> float:
    """The left edge of step `index`'s column."""
    return LEGEND_WIDTH_MM + index * column_width_mm(plan)


def paceband_layout(plan: Plan, name: str) -> Drawing:
    """The strip for `plan`, titled `name` in its legend column."""
    unit = plan.unit.value
    column_mm = column_width_mm(plan)
    scale = min(MAX_FONT_SCALE, column_mm / COMFORTABLE_COLUMN_MM)
    legend_x = LEGEND_WIDTH_MM / 2
    texts = [Text(name, legend_x, TITLE_Y_MM, 5.5, bold=True)]
    for y, label in ((PACE_Y_MM, f"pace /{unit}"), (BAND_Y_MM, "band"), (CLOCK_Y_MM, "clock at end")):
        texts.append(Text(label, legend_x, y, 6.0, colour=LEGEND_GREY))
    shapes: list[Shape] = []
    lines: list[Shape] = [Line(LEGEND_WIDTH_MM, 0.0, LEGEND_WIDTH_MM, STRIP_HEIGHT_MM, 0.6)]
    clock_s = 0.0
    for index, step in enumerate(plan.steps):
        clock_s += step.expected_time_s
        x0 = column_left_mm(plan, index)
        centre = x0 + column_mm / 2
        if index % 2 == 1:
            shapes.append(Box(x0, 0.0, column_mm, STRIP_HEIGHT_MM, fill=SHADE_GREY))
        if index:
            lines.append(Line(x0, 0.0, x0, STRIP_HEIGHT_MM, 0.3, SEPARATOR_GREY))
        colour = TEMPO_RED if step.kind is StepKind.TEMPO else BLACK
        texts.append(Text(column_title(plan, index), centre, TITLE_Y_MM, 7 * scale, bold=True, colour=colour))
        if step.kind is StepKind.COOLDOWN:
            assert step.duration_s is not None
            texts.append(Text(format_duration(step.duration_s), centre, PACE_Y_MM, 11 * scale))
            texts.append(Text(step.cue or "easy", centre, BAND_Y_MM, 5 * scale))
        else:
            pace = format_pace(step.pace_s_per_km, unit, suffix=False)
            texts.append(Text(pace, centre, PACE_Y_MM, 12 * scale, bold=True))
            band = f"{format_pace(step.high_s_per_km, unit, suffix=False)}-"
            band += format_pace(step.low_s_per_km, unit, suffix=False)
            texts.append(Text(band, centre, BAND_Y_MM, 5.5 * scale))
        texts.append(Text(format_duration(clock_s), centre, CLOCK_Y_MM, 7.5 * scale))
    outline = Box(0.0, 0.0, STRIP_WIDTH_MM, STRIP_HEIGHT_MM, edge=BLACK, edge_pt=1.0)
    return Drawing(STRIP_WIDTH_MM, STRIP_HEIGHT_MM, (*shapes, *lines, outline), tuple(texts))


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
