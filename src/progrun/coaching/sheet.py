"""The club night's printable sheet (one A4 landscape page, PDF) and each runner's pace card.

The sheet (`charts.club_sheet`): the session (date, distance, target) and, for each pace group, its
members and its split targets as the pace band strip, so the coach reads the same numbers the runners
wear. A pace card is the runner's group plan as the pace band PDF (`charts.paceband.write_paceband`),
titled with their name and group.
"""

from __future__ import annotations

from progrun.charts.club_sheet import SheetGroup, draw_club_sheet
from progrun.charts.paceband import write_paceband
from progrun.coaching.club import groups_of
from progrun.coaching.errors import Unavailable
from progrun.coaching.sessions import SessionView
from progrun.coaching.wording import short_name
from progrun.formats.export_model import ExportFormat


def club_sheet_pdf(view: SessionView, coach_name: str, *, image_format: str = "pdf") -> bytes:
    """The one-page sheet of a club session (as PDF; "png" draws the same page as an image, 150 dpi)."""
    groups = groups_of(view)
    runners = sum(len(group.members) for group in groups)
    title = f"Club night {view.on.isoformat()}: {view.distance} progression to {view.target} pace"
    note = (
        f"Coach: {coach_name}. {runners} runners in {len(groups)} pace groups, each at its slowest member's "
        "paces. Under each split: target pace, band (slow-fast), clock at its end."
    )
    sheet = [
        SheetGroup(
            f"Group {group.index + 1}",
            tuple(short_name(member.name) for member in group.members),
            group.plan,
            group.error,
        )
        for group in groups
    ]
    return draw_club_sheet(title, note, sheet, image_format=image_format)


def pace_card_pdf(view: SessionView, runner_id: int) -> bytes:
    """The runner's pace card: their group's plan as a pace band PDF."""
    for outcome in view.outcomes:
        if outcome.runner_id == runner_id and outcome.plan is not None:
            name = f"{short_name(outcome.name)} G{(outcome.group or 0) + 1}"
            return write_paceband(outcome.plan, ExportFormat.PDF, name=name).data
    raise Unavailable("athlete", f"athletes: no plan for athlete {runner_id} in this session")
