"""Draw a Plan as a printable pace band: a 230 x 25 mm strip that wraps a wrist.

The strip's texts, shaded columns and lines are computed once (`charts.paceband_layout`) and drawn
unchanged by either renderer:

- PNG: the strip alone, at 300 dpi (2716 x 295 px), drawn with Pillow (`charts.drawing_png`), so a
  PNG export does not import matplotlib.
- PDF: an A4 landscape page with the strip at actual size, a cut outline, and a 100 mm scale bar to
  check that the printer did not rescale it, drawn with matplotlib (`charts.drawing_mpl`).
"""

from __future__ import annotations

from progrun.charts.drawing import Align, Drawing, Line, Text
from progrun.charts.paceband_layout import STRIP_HEIGHT_MM, STRIP_WIDTH_MM, column_title, paceband_layout
from progrun.errors import ExportError
from progrun.formats.export_model import ExportFormat, ExportOptions, ExportResult, Fidelity, TargetFidelity
from progrun.plan import Plan

__all__ = [
    "A4_LANDSCAPE_MM",
    "PNG_DPI",
    "STRIP_HEIGHT_MM",
    "STRIP_WIDTH_MM",
    "column_title",
    "pdf_page_layout",
    "write_export",
    "write_paceband",
]

PNG_DPI = 300
A4_LANDSCAPE_MM = (297.0, 210.0)
#: The strip's top edge sits this far below the page's top edge.
STRIP_TOP_MARGIN_MM = 40.0
SCALE_BAR_MM = 100.0


def write_paceband(plan: Plan, fmt: ExportFormat, *, name: str) -> ExportResult:
    """The pace band as PNG (the strip) or PDF (A4 page with the strip at actual size)."""
    strip = paceband_layout(plan, name)
    if fmt is ExportFormat.PNG:
        from progrun.charts.drawing_png import png_bytes

        data = png_bytes(strip, PNG_DPI)
    elif fmt is ExportFormat.PDF:
        from progrun.charts.drawing_mpl import pdf_bytes

        data = pdf_bytes(pdf_page_layout(strip))
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
    return ExportResult(fmt, data, rows)


def pdf_page_layout(strip: Drawing) -> Drawing:
    """The A4 landscape page: the strip at actual size, how to print it, and a 100 mm scale bar."""
    page_w, page_h = A4_LANDSCAPE_MM
    left = (page_w - STRIP_WIDTH_MM) / 2
    bottom = page_h - STRIP_TOP_MARGIN_MM - STRIP_HEIGHT_MM
    shapes, texts = strip.moved(left, bottom)
    note = "Pace band: print at 100 % (actual size), cut along the outline and tape it round your wrist."
    bar_y = bottom - 20.0
    bar = [Line(left, bar_y, left + SCALE_BAR_MM, bar_y, 1.0)]
    bar += [Line(left + tick, bar_y - 1, left + tick, bar_y + 1, 0.6) for tick in range(0, 101, 10)]
    bar_note = "100 mm: if this bar is not 100 mm, the printer rescaled the page"
    return Drawing(
        page_w,
        page_h,
        (*shapes, *bar),
        (
            *texts,
            Text(note, left, bottom + STRIP_HEIGHT_MM + 9.0, 9.0, align=Align.LEFT),
            Text(bar_note, left + SCALE_BAR_MM + 2.0, bar_y, 8.0, align=Align.LEFT),
        ),
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
