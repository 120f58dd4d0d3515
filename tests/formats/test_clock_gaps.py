"""Clock jumps no run pauses for split the recording; arrays follow the samples, never the clock.

Generated: runs of several lengths, with a jump of 7 hours to 5 years put at several points, read
through `read_activity` as GPX and FIT (the readers' common path), then judged and detected.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from progrun.activity import CHANNELS, Activity, Format
from progrun.detect import detect_progression
from progrun.formats import read_activity
from progrun.formats.clock_gaps import MAX_GAP_S, cut_at_clock_gaps
from progrun.judge import judge
from progrun.pace_trace import MAX_GRID_POINTS, pace_trace
from progrun.paces import training_paces_from_race
from progrun.planner import build_plan
from progrun.simulate import simulate_run
from tests.synthetic_runs import fit_bytes, gpx_text, progression_paces, synthetic_run

START = datetime(2024, 6, 3, 6, 30, tzinfo=UTC)
JUMPS_S = [7 * 3600.0, 20 * 86400.0, 5 * 365 * 86400.0]


def _jumped(run: Activity, at: int, jump_s: float) -> Activity:
    """The run with its clock jumping forward by `jump_s` from sample `at` on."""
    times = run.time_s.copy()
    times[at:] += jump_s
    return dataclasses.replace(run, time_s=times)


@pytest.mark.parametrize("jump_s", JUMPS_S)
@pytest.mark.parametrize("where", [0.02, 0.5, 0.97])
@pytest.mark.parametrize("kind", ["gpx", "fit"])
def test_a_clock_jump_keeps_the_longer_part_and_says_so(jump_s: float, where: float, kind: str) -> None:
    run = synthetic_run(START, progression_paces(2)[:4])
    at = int(run.records * where)
    jumped = _jumped(run, at, jump_s)
    data = gpx_text(jumped).encode() if kind == "gpx" else fit_bytes(jumped, record_every_s=1)
    activity = read_activity(data, name=f"jump.{kind}")
    longer_first = at >= run.records - at
    kept = at if longer_first else run.records - at
    assert activity.records == kept
    assert activity.duration_s < MAX_GAP_S
    expected_start = START if longer_first else START + timedelta(seconds=float(run.time_s[at] + jump_s))
    assert activity.start == expected_start
    assert activity.total_distance_m == pytest.approx(
        run.distance_m[at - 1] if longer_first else run.distance_m[-1] - run.distance_m[at], abs=30.0
    )
    (warning,) = [w for w in activity.warnings if "the recording was split" in w]
    assert f"{run.records - kept} samples dropped" in warning
    # the analysis sees one plausible run: no cooldown of days, no traceback
    detection = detect_progression(activity)
    assert detection.cooldown_s is None or detection.cooldown_s < MAX_GAP_S


@pytest.mark.parametrize("gap_s", [120.0, 3600.0, MAX_GAP_S - 60.0])
def test_pauses_shorter_than_the_limit_stay_in_the_run(gap_s: float) -> None:
    run = synthetic_run(START, progression_paces(0)[:3])
    jumped = _jumped(run, run.records // 2, gap_s)
    activity = read_activity(gpx_text(jumped).encode(), name="paused.gpx")
    assert activity.records == run.records
    assert activity.duration_s == pytest.approx(run.duration_s + gap_s)
    assert not [w for w in activity.warnings if "the recording was split" in w]


@pytest.mark.parametrize("seed", [0, 1])
def test_judging_a_jumped_run_reports_no_cooldown_of_days(seed: int) -> None:
    plan = build_plan(training_paces_from_race(5000, 1320), 5 * 1609.344)
    run = simulate_run(plan, seed=seed, ran_workout=False, start=START)
    cooldown = np.flatnonzero(run.time_s > run.time_s[-1] - 200.0)[
        0
    ]  # the clock jumps 20 days in the cooldown
    activity = read_activity(gpx_text(_jumped(run, int(cooldown), 20 * 86400.0)).encode(), name="jump.gpx")
    verdict = judge(plan, activity)
    assert verdict.cooldown_s < 300.0
    assert "480:" not in verdict.text


def test_several_jumps_keep_the_largest_part() -> None:
    run = synthetic_run(START, progression_paces(0)[:3])
    cuts = [run.records // 5, run.records // 4]  # parts of 20 %, 5 % and 75 % of the samples
    times = run.time_s.copy()
    for cut in cuts:
        times[cut:] += 86400.0
    activity = cut_at_clock_gaps(dataclasses.replace(run, time_s=times))
    assert activity.records == run.records - cuts[1]
    assert activity.time_s[0] == 0.0
    assert "(2 such jumps)" in activity.warnings[-1]


@pytest.mark.parametrize("span_s", [10.0, 86_400.0, 3 * 86_400.0 + 17.0, 5 * 365 * 86_400.0])
def test_pace_trace_is_bounded_by_a_fixed_cap_not_by_the_clock(span_s: float) -> None:
    samples = 50
    times = np.linspace(0.0, span_s, samples)
    speed_m_s = 3.0
    columns = {name: np.full(samples, np.nan) for name in CHANNELS}
    columns.update(time_s=times, distance_m=times * speed_m_s)
    trace = pace_trace(Activity(**columns, start=START, format=Format.GPX))
    assert trace is not None
    assert len(trace.time_s) <= MAX_GRID_POINTS + 1
    step = float(np.diff(trace.time_s)[0])
    assert step == max(1.0, np.ceil((span_s + 1.0) / MAX_GRID_POINTS))
    inner = trace.speed_m_s[len(trace.speed_m_s) // 4 : -len(trace.speed_m_s) // 4]
    np.testing.assert_allclose(inner, speed_m_s, rtol=1e-9)
    assert trace.time_s[-1] == pytest.approx(span_s, abs=step)


@pytest.mark.parametrize("jump_m", [2_000.0, 42_784_000.0])
@pytest.mark.parametrize("where", [0.1, 0.6, 1.0])
def test_an_impossible_distance_jump_is_removed(jump_m: float, where: float) -> None:
    run = synthetic_run(START, progression_paces(0)[:4])
    at = min(int(run.records * where), run.records - 1)
    distance = run.distance_m.copy()
    distance[at:] += jump_m  # a flipped bit in one record, or a counter that leapt
    activity = read_activity(fit_bytes(dataclasses.replace(run, distance_m=distance), record_every_s=2))
    assert activity.total_distance_m == pytest.approx(run.distance_m[-1], abs=60.0)
    assert any("nobody ran" in warning for warning in activity.warnings)
    assert len(detect_progression(activity).split_paces_s_per_km) <= 5
