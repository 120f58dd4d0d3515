"""Glitched distance (a jump no runner can make) is flagged on the activity and its splits, and never
feeds the fitness estimate. Runs are generated at a grid of paces, written as FIT and read back."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from progrun.activity import Activity
from progrun.distance_glitch import distance_glitches
from progrun.fitness import best_effort
from progrun.formats import read_activity
from progrun.splits import split_by_distance
from tests.synthetic_runs import BASE_START, fit_bytes, synthetic_run

PACES_S_PER_KM = (200, 240, 300, 360, 420)  # the Daniels-Gilbert model covers them all


def _with_jump(activity: Activity, at_s: float, jump_m: float) -> Activity:
    distance = activity.distance_m.copy()
    distance[activity.time_s >= at_s] += jump_m
    return dataclasses.replace(activity, distance_m=distance)


def _vdot(activity: Activity, *, flags: bool) -> float:
    splits = split_by_distance(activity, 1000.0)
    effort = best_effort(
        BASE_START.date(),
        [split.distance_m for split in splits],
        [split.elapsed_s for split in splits],
        suspect=[split.suspect_distance for split in splits] if flags else (),
    )
    assert effort is not None
    return effort.vdot


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
def test_a_5_km_jump_in_one_second_is_removed_on_reading(pace: int) -> None:
    """Faster than 50 m/s is no movement at all: the reader takes the jump out (formats.distance_jumps)."""
    clean = synthetic_run(BASE_START, [pace] * 8)
    at_s = 4 * pace + 0.5 * pace  # halfway through km 5
    glitched = read_activity(fit_bytes(_with_jump(clean, at_s, 5000.0)), name="glitch.fit")
    truth = read_activity(fit_bytes(clean), name="clean.fit")
    assert float(np.nanmax(glitched.distance_m)) == pytest.approx(
        float(np.nanmax(truth.distance_m)), abs=6.0
    )  # that second is lost
    assert any(w.startswith("the distance jumps 5.0 km in 1 s") for w in glitched.warnings)
    assert _vdot(glitched, flags=True) == pytest.approx(_vdot(truth, flags=True), abs=0.05)


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
def test_a_stretch_faster_than_a_runner_is_flagged_and_left_out_of_fitness(pace: int) -> None:
    """20-40 m/s (a car's speed: GPS locked to a road, a watch on a bus) is flagged, not removed."""
    clean = synthetic_run(BASE_START, [pace] * 8)
    at_s = 4 * pace + 0.5 * pace  # halfway through km 5
    glitched = read_activity(fit_bytes(_with_jump(clean, at_s, 30.0)), name="glitch.fit")
    (glitch,) = distance_glitches(glitched)
    assert glitch.end_s - glitch.start_s == 1.0
    assert glitch.distance_m == pytest.approx(30.0 + 1000.0 / pace, abs=0.02)
    expected = (
        f"distance jumps {glitch.distance_m:.0f} m in 1 s at {glitch.start_s:.0f} s, faster than 12.5 m/s"
    )
    assert any(warning.startswith(expected) for warning in glitched.warnings)
    splits = split_by_distance(glitched, 1000.0)
    assert [split.index for split in splits if split.suspect_distance] == [5]
    assert splits.total.suspect_distance
    # The fitness comes from clean km only: never more than the clean run's.
    truth = read_activity(fit_bytes(clean), name="clean.fit")
    assert _vdot(glitched, flags=True) <= _vdot(truth, flags=True) + 0.05


@pytest.mark.parametrize("pace", (240, 480))
def test_a_300_m_jump_inside_a_split_flags_that_split(pace: int) -> None:
    clean = synthetic_run(BASE_START, [pace] * 6)
    glitched = _with_jump(clean, 3.5 * pace, 300.0)
    splits = split_by_distance(glitched, 1000.0)
    assert [split.index for split in splits if split.suspect_distance] == [4]
    assert _vdot(glitched, flags=True) <= _vdot(clean, flags=True)
    assert _vdot(glitched, flags=False) > _vdot(clean, flags=True) + 1.0  # the flag is what excludes it


@pytest.mark.parametrize(
    ("sport", "speed_m_s", "flagged"),
    [("running", 12.0, False), ("running", 14.0, True), ("cycling", 16.0, False), ("cycling", 45.0, True)],
)
def test_the_top_speed_is_the_sport_s(sport: str, speed_m_s: float, flagged: bool) -> None:
    time_s = np.arange(0.0, 60.0)
    distance = np.where(time_s < 30, time_s * 4.0, 120.0 + (time_s - 30) * 4.0)
    distance[31] = distance[30] + speed_m_s + 4.0
    distance[32:] += speed_m_s
    activity = dataclasses.replace(synthetic_run(BASE_START, [300.0]), sport=sport)
    activity = dataclasses.replace(
        activity,
        **{
            name: getattr(activity, name)[:60]
            for name in (
                "time_s",
                "speed_m_s",
                "heart_rate_bpm",
                "lat_deg",
                "lon_deg",
                "altitude_m",
                "cadence_spm",
                "power_w",
            )
        },
        distance_m=distance,
    )
    assert bool(distance_glitches(activity)) is flagged


def test_a_split_faster_than_the_world_record_breaks_a_stretch_even_unflagged() -> None:
    """Stored splits carry no flag yet: one faster than 1000 m in 2:11.96 is a glitch all the same."""
    day = BASE_START.date()
    effort = best_effort(day, [1000.0] * 7, [300.0, 300.0, 300.0, 0.2, 300.0, 300.0, 300.0])
    alone = best_effort(day, [1000.0] * 3, [300.0] * 3)
    assert effort is not None and alone is not None
    assert effort.distance_m == 3000.0 and effort.vdot == alone.vdot
    assert best_effort(day, [1000.0] * 4, [300.0, 300.0, 131.0, 300.0]) is None  # no 3 clean km in a row
