"""The treadmill card as PNG (a phone screen) or PDF (A5, to tape on the console).

One row per step: length, belt speed (large: it is what the runner sets), incline, the pace that speed
gives and the cue; the notes (the 1 % rule's source) below. The numbers are those of
`progrun.treadmill.treadmill_card`, which the text card prints too.

`card_layout` places every text and line once (`charts.drawing`); the PNG is drawn from it with Pillow
(`charts.drawing_png`, no matplotlib import) and the PDF with matplotlib (`charts.drawing_mpl`).
"""

from __future__ import annotations

import textwrap

from progrun.charts.drawing import Align, Drawing, Line, Text, grey
from progrun.errors import ExportError
from progrun.formats.export_model import ExportFormat, ExportResult, Fidelity, TargetFidelity
from progrun.treadmill import TreadmillCard
from progrun.units import format_pace

A5_PORTRAIT_MM = (148.0, 210.0)
PNG_DPI = 200
#: The card's frame on the page (fractions of its width and height: left, bottom, width, height).
FRAME = (0.05, 0.03, 0.9, 0.94)
#: The card is laid out in units of a 100-wide frame, rows 10 units apart, notes 6 apart.
FRAME_UNITS = 100.0
ROW_UNITS, NOTE_UNITS, TOP_UNITS = 10.0, 6.0, 12.0
#: A note longer than this many characters goes on to a second line (5.5 pt across the page).
NOTE_CHARACTERS = 125
NOTE_SIZE_PT = 5.5
POINTS_PER_MM = 72.0 / 25.4
DIM_GREY = grey(0.412)  # matplotlib's "dimgray"
RULE_GREY = grey(0.827)  # matplotlib's "lightgray"


def card_layout(card: TreadmillCard) -> Drawing:
    """The card's texts and lines on an A5 portrait page, in millimetres."""
    page_w, page_h = A5_PORTRAIT_MM
    notes = [textwrap.wrap(note, NOTE_CHARACTERS) or [""] for note in card.notes]
    rows = len(card.rows)
    low = -(rows + 2) * ROW_UNITS - len(card.notes) * NOTE_UNITS
    mm_per_x = FRAME[2] * page_w / FRAME_UNITS
    mm_per_y = FRAME[3] * page_h / (TOP_UNITS - low)

    def x(units: float) -> float:
        return FRAME[0] * page_w + units * mm_per_x

    def y(units: float) -> float:
        return FRAME[1] * page_h + (units - low) * mm_per_y

    texts = [Text(card.title, x(0), y(8), 14.0, bold=True, align=Align.LEFT)]
    heads = ("#", "Length", f"Speed {card.unit.label}", "Incline", f"Pace /{card.pace_unit}")
    columns = (2, 22, 50, 68, 88)
    texts += [
        Text(head, x(column), y(-2), 8.0, colour=DIM_GREY)
        for column, head in zip(columns, heads, strict=True)
    ]
    rules = []
    for index, row in enumerate(card.rows):
        row_y = -(index + 1) * ROW_UNITS - 2
        values = (
            row.label,
            row.length_text,
            f"{row.speed:.1f}",
            f"{row.incline_percent:g} %",
            format_pace(row.pace_s_per_km, card.pace_unit, suffix=False),
        )
        for column, value, size in zip(columns, values, (10, 10, 20, 12, 10), strict=True):
            texts.append(Text(value, x(column), y(row_y), size, bold=size == 20))
        cue = row.cue + (f" ({row.note})" if row.note else "")
        texts.append(Text(cue, x(2), y(row_y - 4.2), 6.5, colour=DIM_GREY, align=Align.LEFT, baseline=True))
        rules.append(Line(x(0), y(row_y - 6), x(FRAME_UNITS), y(row_y - 6), 0.5, RULE_GREY))
    for index, lines in enumerate(notes):
        top = y(-(rows + 1) * ROW_UNITS - 4 - index * NOTE_UNITS)
        for number, line in enumerate(lines):
            line_y = top - number * NOTE_SIZE_PT * 1.2 / POINTS_PER_MM
            texts.append(Text(line, x(0), line_y, NOTE_SIZE_PT, align=Align.LEFT, baseline=True))
    return Drawing(page_w, page_h, tuple(rules), tuple(texts))


def draw_card(card: TreadmillCard, fmt: ExportFormat) -> bytes:
    """The card's bytes as PNG or PDF."""
    if fmt is ExportFormat.PNG:
        from progrun.charts.drawing_png import png_bytes

        return png_bytes(card_layout(card), PNG_DPI)
    if fmt is ExportFormat.PDF:
        from progrun.charts.drawing_mpl import pdf_bytes

        return pdf_bytes(card_layout(card))
    raise ExportError(fmt.value, "a treadmill card is drawn as pdf or png only")


def write_card(card: TreadmillCard, fmt: ExportFormat) -> ExportResult:
    """The card as an export, with what it carries."""
    rows = (
        TargetFidelity(
            None,
            "target paces",
            Fidelity.APPROXIMATE,
            f"as belt speed rounded to 0.1 {card.unit.label}, as treadmills are set",
        ),
        TargetFidelity(None, "pace bands", Fidelity.NOT_CARRIED, "a belt runs at one speed"),
        TargetFidelity(None, "cues", Fidelity.EXACT, "printed under each step"),
    )
    return ExportResult(fmt, draw_card(card, fmt), rows)
