"""PreparedRun: one explicit preparation per activity gives a bare activity's results, and shares work."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from progrun.activity import Lap, LapTrigger
from progrun.analysis import AnalysisContext, analyse_activity, classify, compute_splits
from progrun.detect import detect_progression, plan_from_detection
from progrun.judge import judge
from progrun.pace_trace import pace_trace
from progrun.split_frame import PreparedRun, prepare
from progrun.splits import STRAVA_MOVING_THRESHOLD_M_S, split_by_distance, split_by_lap
from tests.synthetic_runs import synthetic_run

START = datetime(2024, 3, 4, 7, 0, tzinfo=UTC)


def _runs() -> list[tuple[str, list[float]]]:
    """Progressions from 7:00/km to 3:40/km starts, flat runs and a fade, 4 to 10 km."""
    runs: list[tuple[str, list[float]]] = []
    for start_s_per_km in (420.0, 360.0, 300.0, 260.0, 220.0):
        for splits in (4, 6, 10):
            step = 6.0 if start_s_per_km > 240 else 4.0
            runs.append(
                (
                    f"progression {start_s_per_km:.0f}x{splits}",
                    [start_s_per_km - step * i for i in range(splits)],
                )
            )
        runs.append((f"steady {start_s_per_km:.0f}", [start_s_per_km] * 6))
        runs.append((f"fade {start_s_per_km:.0f}", [start_s_per_km + 5.0 * i for i in range(6)]))
    return runs


@pytest.mark.parametrize(("label", "paces"), _runs())
def test_a_prepared_run_gives_what_the_bare_activity_gives(label: str, paces: list[float]) -> None:
    activity = synthetic_run(START, paces)
    run = PreparedRun(activity)
    assert compute_splits(run) == compute_splits(activity)
    assert split_by_distance(run, 1609.344).to_rows() == split_by_distance(activity, 1609.344).to_rows()
    detection = detect_progression(run)
    assert detection == detect_progression(activity)
    context = AnalysisContext(threshold_s_per_km=min(paces))
    analysed = analyse_activity(activity, context)  # one PreparedRun inside
    assert analysed.splits == compute_splits(activity)[0]
    bare = classify(activity, analysed.splits, threshold_s_per_km=min(paces))
    assert (analysed.kind, analysed.score, analysed.verdict) == (bare.kind, bare.score, bare.verdict)
    if detection.is_progression:
        plan = plan_from_detection(detection)
        assert judge(plan, run).to_dict() == judge(plan, activity).to_dict()


def test_a_prepared_run_computes_each_piece_of_work_once() -> None:
    activity = synthetic_run(START, [330.0, 320.0, 310.0, 300.0, 290.0, 280.0])
    run = PreparedRun(activity)
    trace = pace_trace(run)
    assert trace is not None
    assert pace_trace(run) is trace  # kept on the run
    assert pace_trace(activity) is not trace  # a bare activity keeps nothing
    km = split_by_distance(run, 1000.0)
    assert split_by_distance(run, 1000.0) is km
    assert len(km) == 6
    prepared = prepare(run, STRAVA_MOVING_THRESHOLD_M_S)
    # Other laps over the same samples share the preparation (it never depends on the laps).
    laps = tuple(Lap(number, 600.0 * number, 600.0, 600.0, None, LapTrigger.UNKNOWN) for number in range(2))
    relapped = run.with_laps(laps)
    assert prepare(relapped, STRAVA_MOVING_THRESHOLD_M_S) is prepared
    assert (
        split_by_lap(relapped).to_rows() == split_by_lap(dataclasses.replace(activity, laps=laps)).to_rows()
    )
    assert [split.elapsed_s for split in split_by_lap(relapped)] == [600.0, 600.0]
    assert PreparedRun.of(run) is run
    assert PreparedRun.of(activity).activity is activity
