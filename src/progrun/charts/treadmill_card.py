"""The treadmill card as PNG (a phone screen) or PDF (A5, to tape on the console).

One row per step: length, belt speed (large: it is what the runner sets), incline, the pace that speed
gives and the cue; the notes (the 1 % rule's source) below. The numbers are those of
`progrun.treadmill.treadmill_card`, which the text card prints too.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from progrun.errors import ExportError
from progrun.formats.export_model import ExportFormat, ExportResult, Fidelity, TargetFidelity
from progrun.treadmill import TreadmillCard
from progrun.units import format_pace

MM_PER_INCH = 25.4
A5_PORTRAIT_MM = (148.0, 210.0)
PNG_DPI = 200


def draw_card(card: TreadmillCard, fmt: ExportFormat) -> bytes:
    """The card's bytes as PNG or PDF."""
    width_mm, height_mm = A5_PORTRAIT_MM
    figure = Figure(figsize=(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH))
    axes = figure.add_axes((0.05, 0.03, 0.9, 0.94))
    axes.set_axis_off()
    axes.set_xlim(0, 100)
    rows = len(card.rows)
    axes.set_ylim(-(rows + 2) * 10 - len(card.notes) * 6, 12)
    axes.text(0, 8, card.title, fontsize=14, fontweight="bold", va="center")
    heads = ("#", "Length", f"Speed {card.unit.label}", "Incline", f"Pace /{card.pace_unit}")
    columns = (2, 22, 50, 68, 88)
    for x, head in zip(columns, heads, strict=True):
        axes.text(x, -2, head, fontsize=8, ha="center", va="center", color="dimgray")
    for index, row in enumerate(card.rows):
        y = -(index + 1) * 10 - 2
        values = (
            row.label,
            row.length_text,
            f"{row.speed:.1f}",
            f"{row.incline_percent:g} %",
            format_pace(row.pace_s_per_km, card.pace_unit, suffix=False),
        )
        for x, value, size in zip(columns, values, (10, 10, 20, 12, 10), strict=True):
            axes.text(
                x,
                y,
                value,
                fontsize=size,
                ha="center",
                va="center",
                fontweight="bold" if size == 20 else None,
            )
        axes.text(2, y - 4.2, row.cue + (f" ({row.note})" if row.note else ""), fontsize=6.5, color="dimgray")
        axes.plot([0, 100], [y - 6, y - 6], color="lightgray", linewidth=0.5)
    for index, note in enumerate(card.notes):
        axes.text(0, -(rows + 1) * 10 - 4 - index * 6, note, fontsize=5.5, wrap=True)
    buffer = io.BytesIO()
    if fmt is ExportFormat.PNG:
        figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    elif fmt is ExportFormat.PDF:
        figure.savefig(buffer, format="pdf", metadata={"CreationDate": None, "Creator": "progrun"})
    else:
        raise ExportError(fmt.value, "a treadmill card is drawn as pdf or png only")
    return buffer.getvalue()


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
