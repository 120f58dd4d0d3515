"""Moving time and km split paces of phone-style GPX tracks, generated at every pace and sampling.

The class: a phone at 1 Hz (or every 2 s, 5 s, or irregularly) with 2-5 m of GPS error, for runners
from 3:00 to 10:00/km. Below about 5:30/km a 1 Hz step is shorter than the 3 m jitter radius, and
the distance used to arrive only every other fix, so half the seconds read as standing still
(moving time 50-70 % of elapsed, split paces up to 2x too fast). Tracks come from `tests.gps_tracks`.
"""

from __future__ import annotations

import numpy as np
import pytest

from progrun.formats import read_activity
from progrun.splits import split_by_distance
from tests.gps_tracks import Stop, gps_track

PACES_S_PER_KM = tuple(range(180, 601, 30))  # 3:00 to 10:00/km
SAMPLINGS = ("1", "2", "5", "irregular")


def _noise_m(pace_s_per_km: int) -> float:
    """A GPS error between 2 and 5 m, drawn per track (seeded)."""
    return 2.0 + 3.0 * float(np.random.default_rng(pace_s_per_km).random())


@pytest.mark.parametrize("sampling", SAMPLINGS)
def test_continuous_run_moves_all_the_time_and_splits_are_true(sampling: str) -> None:
    worst = 0.0
    for number, pace in enumerate(PACES_S_PER_KM):
        track = gps_track(
            pace, 5000.0, sampling=sampling, noise_m=_noise_m(pace), seed=100 * number + len(sampling)
        )
        splits = split_by_distance(read_activity(track.gpx().encode(), name=f"{pace}.gpx"), 1000.0)
        assert splits.moving_s >= 0.97 * splits.elapsed_s, (pace, splits.moving_s, splits.elapsed_s)
        whole = [split for split in splits if split.distance_m >= 999.0]
        assert len(whole) >= 4
        errors = [abs(split.pace_s_per_km / pace - 1.0) for split in whole]
        worst = max(worst, *errors)
        assert max(errors) <= 0.02, (pace, [round(error, 3) for error in errors])
    assert worst > 0.0  # the noise is really there


@pytest.mark.parametrize("sampling", SAMPLINGS)
@pytest.mark.parametrize("pace", (180, 300, 420, 600))
def test_a_minute_at_a_traffic_light_counts_as_stopped(sampling: str, pace: int) -> None:
    stop = Stop(at_s=1.5 * pace, duration_s=60.0)  # halfway through km 2
    track = gps_track(pace, 3000.0, sampling=sampling, noise_m=_noise_m(pace), seed=pace, stop=stop)
    splits = split_by_distance(read_activity(track.gpx().encode(), name="stop.gpx"), 1000.0)
    largest_gap_s = float(np.max(np.diff(track.time_s)))
    stopped_s = splits.elapsed_s - splits.moving_s
    assert abs(stopped_s - 60.0) <= max(5.0, largest_gap_s + 2.0), stopped_s
    second = splits[1]
    assert second.elapsed_s - second.moving_s == pytest.approx(stopped_s, abs=1.0)
    # GPS wander while standing adds a few metres to that split: 3 %, the others 2 %.
    for split in splits:
        if split.distance_m >= 999.0:
            bound = 0.03 if split.index == 2 else 0.02
            assert abs(split.pace_s_per_km / pace - 1.0) <= bound, (split.index, split.pace_s_per_km)


def test_the_old_rule_would_fail_this_class() -> None:
    """Without spreading the distance over the time it took, a 7:00/km 1 Hz track moved half the time."""
    from progrun.track import _spread_over_steps

    track = gps_track(420, 2000.0, sampling="1", noise_m=3.0, seed=1)
    activity = read_activity(track.gpx().encode(), name="slow.gpx")
    steps = np.diff(activity.distance_m)
    assert np.count_nonzero(steps > 0) == len(steps)  # every second covers ground
    counted = np.ones(5, dtype=np.bool_)
    held = np.array([0.0, 0.0, 3.4, 3.4, 3.4, 9.4])
    lat = 47.0 + np.array([0.0, 1.7, 3.4, 3.5, 3.4, 9.4]) / 111_194.93
    spread = _spread_over_steps(np.arange(6.0), held, counted, lat, np.full(6, 8.0))
    # 1.7 + 1.7 m evenly; then 0.1 m of wander and back, and the 6 m step that leaves the spot
    assert spread.tolist() == pytest.approx([0.0, 1.7, 3.4, 3.5, 3.6, 9.4], abs=0.01)
