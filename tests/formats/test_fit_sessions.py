"""Multisport FIT files: each session's records are found by its start and elapsed time.

Generated triathlons (swim, bike, run) where the session messages sit first (some devices write
them when the file is opened, stamped with that moment), in the middle or last; the run leg must
be the run whatever the order, at any run pace.
"""

from __future__ import annotations

import pytest

from progrun.formats import read_activity
from tests.formats.fit_builders import ENUM, T0, UINT8, UINT32, definition, file_id, fit_bytes, message

SESSION_FIELDS = (
    (253, 4, UINT32),
    (2, 4, UINT32),
    (7, 4, UINT32),
    (9, 4, UINT32),
    (5, 1, ENUM),
    (6, 1, ENUM),
)
RECORD = ((253, 4, UINT32), (5, 4, UINT32), (3, 1, UINT8))
SWIM, BIKE, RUN = 5, 2, 1  # FIT sport numbers
EVERY_S = 5


def _triathlon(run_pace_s_per_km: float, run_s: int, where: str) -> tuple[bytes, float]:
    """Swim 1500 m in 1500 s, bike 24 km in 3000 s, then run; returns the file and the run distance.

    The distance restarts at each session, as a fenix 2 writes it.
    """
    legs = [(SWIM, 1500, 1.0), (BIKE, 3000, 8.0), (RUN, run_s, 1000.0 / run_pace_s_per_km)]
    rows: list[bytes] = []
    sessions: list[bytes] = []
    clock = 0
    for sport, seconds, speed in legs:
        start = clock
        for offset in range(0, seconds, EVERY_S):
            rows.append(message(0, "IIB", T0 + clock + offset, round(offset * speed * 100), 140))
        clock += seconds
        stamp = T0 if where == "first" else T0 + clock
        sessions.append(
            message(2, "IIIIBB", stamp, T0 + start, seconds * 1000, round(seconds * speed * 100), sport, 0)
        )
    record_part = [definition(0, 20, RECORD), *rows]
    session_part = [definition(2, 18, SESSION_FIELDS), *sessions]
    if where == "first":
        body = [*session_part, *record_part]
    elif where == "middle":
        half = len(record_part) // 2
        body = [*record_part[:half], *session_part, *record_part[half:]]
    else:
        body = [*record_part, *session_part]
    run_m = (run_s - EVERY_S) * legs[2][2]  # the last record is EVERY_S before the leg's end
    return fit_bytes(file_id(), *body), run_m


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("pace", [200, 300, 420, 600])
def test_the_run_leg_is_the_run_wherever_the_sessions_sit(where: str, pace: int) -> None:
    data, run_m = _triathlon(pace, 1500, where)
    activity = read_activity(data, name=f"tri-{where}.fit")
    assert activity.sport == "running"
    assert activity.extra["sessions"] == ["swimming", "cycling", "running"]
    assert activity.total_distance_m == pytest.approx(run_m, abs=0.01)
    assert activity.duration_s == 1500 - EVERY_S
    assert activity.start is not None and activity.start.timestamp() == pytest.approx(T0 + 631065600 + 4500)
