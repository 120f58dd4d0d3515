"""Multi-sport TCX (a MultiSportSession of swim, bike and run legs): the running legs are read.

Generated at a grid of run paces, as a triathlon (one run leg) and a duathlon (run, bike, run),
each leg's trackpoint distance restarting at 0 as Garmin writes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from progrun.formats import read_activity
from progrun.splits import split_by_distance
from tests.formats.xml_samples import AX_NS, TCX_NS

START = datetime(2024, 6, 2, 8, 0, tzinfo=UTC)
EVERY_S = 2


def _stamp(second: float) -> str:
    return (START + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _leg(sport: str, begin_s: int, seconds: int, speed_m_s: float, lap_m: float) -> str:
    """One Activity: laps of `lap_m` (the last partial), a trackpoint every EVERY_S and at the end."""
    laps = []
    lap_seconds = round(lap_m / speed_m_s)
    for lap_begin in range(0, seconds, lap_seconds):
        lap_end = min(seconds, lap_begin + lap_seconds)
        points = "".join(
            f"<Trackpoint><Time>{_stamp(begin_s + t)}</Time>"
            f"<DistanceMeters>{t * speed_m_s:.2f}</DistanceMeters></Trackpoint>"
            for t in range(lap_begin, lap_end + (lap_end == seconds), EVERY_S)  # the leg's end too
        )
        laps.append(
            f'<Lap StartTime="{_stamp(begin_s + lap_begin)}"><TotalTimeSeconds>{lap_end - lap_begin}'
            f"</TotalTimeSeconds><DistanceMeters>{(lap_end - lap_begin) * speed_m_s:.2f}</DistanceMeters>"
            f"<Intensity>Active</Intensity><TriggerMethod>Distance</TriggerMethod><Track>{points}</Track></Lap>"
        )
    return f'<Activity Sport="{sport}"><Id>{_stamp(begin_s)}</Id>{"".join(laps)}</Activity>'


def _multisport(legs: list[tuple[str, int, float]]) -> bytes:
    """Legs of (sport, seconds, speed) one after the other, 60 s of transition between them."""
    clock = 0
    parts = []
    for number, (sport, seconds, speed) in enumerate(legs):
        wrapper = "FirstSport" if number == 0 else "NextSport"
        parts.append(f"<{wrapper}>{_leg(sport, clock, seconds, speed, 1000.0)}</{wrapper}>")
        clock += seconds + 60
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{TCX_NS}" xmlns:ns3="{AX_NS}"><Activities>'
        f"<MultiSportSession><Id>{_stamp(0)}</Id>{''.join(parts)}</MultiSportSession>"
        "</Activities></TrainingCenterDatabase>"
    ).encode()


@pytest.mark.parametrize("pace", [200, 270, 360, 480, 600])
def test_a_triathlon_gives_its_run_leg(pace: int) -> None:
    speed = 1000.0 / pace
    run_s = 3 * pace + 100  # three whole km and a bit
    data = _multisport([("Other", 1200, 1.2), ("Biking", 3600, 8.0), ("Running", run_s, speed)])
    activity = read_activity(data, name="triathlon.tcx")
    assert activity.sport == "running"
    assert activity.start == START + timedelta(seconds=1200 + 60 + 3600 + 60)
    assert activity.total_distance_m == pytest.approx(run_s * speed, abs=0.01)
    assert [lap.distance_m for lap in activity.laps][:3] == pytest.approx([pace * speed] * 3, abs=0.01)
    assert "read 1 running leg(s)" in " ".join(activity.warnings)
    splits = split_by_distance(activity, 1000.0)
    assert [round(split.pace_s_per_km) for split in splits][:3] == [pace] * 3


@pytest.mark.parametrize("pace", [240, 420])
def test_a_duathlon_joins_its_two_run_legs(pace: int) -> None:
    speed = 1000.0 / pace
    first_s, second_s = 2 * pace, 2 * pace
    data = _multisport([("Running", first_s, speed), ("Biking", 1800, 9.0), ("Running", second_s, speed)])
    activity = read_activity(data, name="duathlon.tcx")
    assert activity.total_distance_m == pytest.approx((first_s + second_s) * speed, abs=0.01)
    assert len(activity.laps) == 4
    # the first leg's last lap lasts to the second leg's start: all past its timer time is a pause
    assert activity.paused_s == pytest.approx(60 + 1800 + 60, abs=0.01)
    splits = split_by_distance(activity, 1000.0)
    assert [round(split.pace_s_per_km) for split in splits][:3] == [pace] * 3
