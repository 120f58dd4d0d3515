"""Draw a club night's sheet: one A4 landscape page with each pace group's members and split targets.

Each group is a title line (its members), the plan's one-line summary and the pace band strip
(`paceband_layout`, drawn by `drawing_mpl.draw_on`: pace per split, band, clock at the end of each
split), so the coach's sheet carries the numbers the runners wear. With more groups than fit at
actual size the whole page is drawn smaller, still on one page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from progrun.charts.drawing import MM_PER_INCH
from progrun.charts.drawing_mpl import draw_on
from progrun.charts.paceband import A4_LANDSCAPE_MM
from progrun.charts.paceband_layout import STRIP_HEIGHT_MM, paceband_layout
from progrun.plan import Plan
from progrun.plan_io import plan_summary

HEADER_MM = 30.0
#: Height of one group: its title line, the summary, the strip and a gap.
GROUP_MM = STRIP_HEIGHT_MM + 14.0
MARGIN_MM = 12.0


@dataclass(frozen=True)
class SheetGroup:
    """One group on the sheet: its label ("Group 1"), members' names, and plan or why there is none."""

    label: str
    members: tuple[str, ...]
    plan: Plan | None
    error: str = ""


def draw_club_sheet(
    title: str, note: str, groups: Sequence[SheetGroup], *, image_format: str = "pdf"
) -> bytes:
    """The page as PDF (or "png" at 150 dpi, the same drawing)."""
    page_w, page_h = A4_LANDSCAPE_MM
    needed_h = HEADER_MM + GROUP_MM * max(1, len(groups)) + MARGIN_MM
    scale = max(1.0, needed_h / page_h)
    virtual = (page_w * scale, page_h * scale)
    figure = Figure(figsize=(page_w / MM_PER_INCH, page_h / MM_PER_INCH))
    left = MARGIN_MM / virtual[0]
    figure.text(left, 1 - 14.0 / virtual[1], title, fontsize=15, fontweight="bold")
    figure.text(left, 1 - 21.0 / virtual[1], note, fontsize=8.5, color="0.3")
    top = virtual[1] - HEADER_MM
    for group in groups:
        label = f"{group.label} ({len(group.members)}): {', '.join(group.members)}"
        figure.text(left, (top - 5.0) / virtual[1], label, fontsize=9, fontweight="bold")
        if group.plan is None:
            figure.text(
                left, (top - 12.0) / virtual[1], f"no plan: {group.error}", fontsize=8, color="firebrick"
            )
        else:
            figure.text(left, (top - 10.5) / virtual[1], plan_summary(group.plan), fontsize=7.5, color="0.3")
            draw_on(
                figure,
                paceband_layout(group.plan, group.label),
                left_mm=MARGIN_MM,
                bottom_mm=top - 12.0 - STRIP_HEIGHT_MM,
                page_mm=virtual,
            )
        top -= GROUP_MM
    buffer = io.BytesIO()
    if image_format == "png":
        figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    else:
        figure.savefig(buffer, format="pdf", metadata={"CreationDate": None, "Creator": "progrun"})
    return buffer.getvalue()
