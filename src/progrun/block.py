"""A multi-week block of progression runs: 3 build weeks then a down week, repeated.

Core module: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from progrun.units import METRES_PER_MILE


@dataclass(frozen=True)
class BlockSession:
    """One progression run of a block."""

    day: date
    week: int
    distance_m: float
    tempo_splits: int
    down_week: bool


def build_block(
    start: date, weeks: int, *, current_distance_m: float = 3 * METRES_PER_MILE, per_week: int = 2
) -> tuple[BlockSession, ...]:
    """A progression block: 3 build weeks then 1 down week, repeated.

    Build weeks add half a mile (3 to 6 miles) and a tempo split every other week (1 to 3);
    a down week has one shorter session (one mile less, 1 tempo split). Sessions fall on the
    block's first day and 3 days later, so never two hard days in a row.
    """
    if not 1 <= weeks <= 26:
        raise ValueError("a block lasts 1 to 26 weeks")
    if per_week not in (1, 2):
        raise ValueError("the method allows one or two progression runs a week")
    miles = min(max(round(current_distance_m / METRES_PER_MILE * 2) / 2, 3.0), 6.0)  # whole or half miles
    tempo = 1
    sessions: list[BlockSession] = []
    build = 0
    for week in range(weeks):
        monday = start + timedelta(weeks=week)
        down = week % 4 == 3
        if down:
            distance = max(3.0, miles - 1.0)
            sessions.append(BlockSession(monday, week + 1, distance * METRES_PER_MILE, 1, True))
            continue
        if build > 0:
            miles = min(6.0, miles + 0.5)
            if build % 2 == 0:
                tempo = min(3, tempo + 1)
        build += 1
        for offset in range(per_week):
            sessions.append(
                BlockSession(
                    monday + timedelta(days=3 * offset), week + 1, miles * METRES_PER_MILE, tempo, False
                )
            )
    return tuple(sessions)
