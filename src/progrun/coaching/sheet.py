"""The club night's printable sheet (one A4 landscape page, PDF) and each runner's pace card.

The sheet: the session (date, distance, target) and, for each pace group, its members and its split
targets drawn as the pace band strip (`charts.paceband.draw_strip`: pace per split, band, clock at the
end of each split), so the coach reads the same numbers the runners wear. With more groups than fit at
actual size the whole page is drawn smaller, still on one page. A pace card is the runner's group plan
as the pace band PDF (`charts.paceband.write_paceband`), titled with their name and group.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from progrun.charts.paceband import A4_LANDSCAPE_MM, MM_PER_INCH, STRIP_HEIGHT_MM, draw_strip, write_paceband
from progrun.coaching.club import groups_of
from progrun.coaching.errors import Unavailable
from progrun.coaching.sessions import SessionView
from progrun.coaching.wording import short_name
from progrun.formats.export_model import ExportFormat
from progrun.plan_io import plan_summary

HEADER_MM = 30.0
#: Height of one group: its title line, the strip and a gap.
GROUP_MM = STRIP_HEIGHT_MM + 14.0
MARGIN_MM = 12.0


def club_sheet_pdf(view: SessionView, coach_name: str, *, image_format: str = "pdf") -> bytes:
    """The one-page sheet of a club session (as PDF; "png" draws the same page as an image, 150 dpi)."""
    groups = groups_of(view)
    page_w, page_h = A4_LANDSCAPE_MM
    needed_h = HEADER_MM + GROUP_MM * max(1, len(groups)) + MARGIN_MM
    scale = max(1.0, needed_h / page_h)
    virtual = (page_w * scale, page_h * scale)
    figure = Figure(figsize=(page_w / MM_PER_INCH, page_h / MM_PER_INCH))
    title = f"Club night {view.on.isoformat()}: {view.distance} progression to {view.target} pace"
    figure.text(MARGIN_MM / virtual[0], 1 - 14.0 / virtual[1], title, fontsize=15, fontweight="bold")
    runners = sum(len(group.members) for group in groups)
    figure.text(
        MARGIN_MM / virtual[0],
        1 - 21.0 / virtual[1],
        f"Coach: {coach_name}. {runners} runners in {len(groups)} pace groups, each at its slowest member's "
        "paces. Under each split: target pace, band (slow-fast), clock at its end.",
        fontsize=8.5,
        color="0.3",
    )
    top = virtual[1] - HEADER_MM
    for group in groups:
        names = ", ".join(short_name(member.name) for member in group.members)
        label = f"Group {group.index + 1} ({len(group.members)}): {names}"
        figure.text(MARGIN_MM / virtual[0], (top - 5.0) / virtual[1], label, fontsize=9, fontweight="bold")
        if group.plan is None:
            figure.text(
                MARGIN_MM / virtual[0],
                (top - 12.0) / virtual[1],
                f"no plan: {group.error}",
                fontsize=8,
                color="firebrick",
            )
        else:
            figure.text(
                MARGIN_MM / virtual[0],
                (top - 10.5) / virtual[1],
                plan_summary(group.plan),
                fontsize=7.5,
                color="0.3",
            )
            draw_strip(
                figure,
                group.plan,
                f"Group {group.index + 1}",
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


def pace_card_pdf(view: SessionView, runner_id: int) -> bytes:
    """The runner's pace card: their group's plan as a pace band PDF."""
    for outcome in view.outcomes:
        if outcome.runner_id == runner_id and outcome.plan is not None:
            name = f"{short_name(outcome.name)} G{(outcome.group or 0) + 1}"
            return write_paceband(outcome.plan, ExportFormat.PDF, name=name).data
    raise Unavailable("athlete", f"athletes: no plan for athlete {runner_id} in this session")
