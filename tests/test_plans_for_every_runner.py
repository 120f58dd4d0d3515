"""Issue 9, "Plans for every runner": generated over runners (VDOT), distances, units, targets and options.

- no plan puts more than 3 miles at or faster than threshold pace, counting every split by its distance;
- slow runners (down to a 1:02 5k) get a plan, warned below the tables, and a plan by time when a distance
  plan would be long; splits at a target slower than threshold are called by the target, not "tempo";
- bands are a share of speed (the same relative width at every pace) and lean slow on build splits;
- ambiguous or absurd distances are refused at once.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import numpy as np
import pytest
from click.testing import CliRunner

from progrun.activity import Activity, Format, make_activity
from progrun.cli import cli
from progrun.errors import PlanError, Suggestion, UnitError
from progrun.formats.export import ExportFormat, export_plan
from progrun.judge import judge
from progrun.paces import training_paces_for_vdot
from progrun.plan import Plan, SplitUnit, StepKind
from progrun.plan_rules import MAX_THRESHOLD_M, THRESHOLD_SLACK_S_PER_KM
from progrun.planner import StartChoice, TargetChoice, build_duration_plan, build_plan
from progrun.units import METRES_PER_MILE, parse_distance

VDOTS = (14.0, 22.0, 30.0, 38.0, 46.0, 54.0, 62.0, 70.0, 80.0)
DISTANCES_M = (
    3 * METRES_PER_MILE,
    5000.0,
    4 * METRES_PER_MILE,
    5 * METRES_PER_MILE,
    8000.0,
    6 * METRES_PER_MILE,
    10000.0,
)


def at_or_faster_than_threshold_m(plan: Plan) -> float:
    threshold = plan.threshold_pace_s_per_km
    assert threshold is not None
    return sum(
        step.expected_distance_m
        for step in plan.running_steps
        if step.pace_s_per_km <= threshold + THRESHOLD_SLACK_S_PER_KM
    )


@pytest.mark.parametrize("vdot", VDOTS)
def test_no_plan_puts_more_than_3_miles_at_or_faster_than_threshold(vdot: float) -> None:
    paces = training_paces_for_vdot(vdot)
    checked = 0
    for distance_m, unit, target, tempo, start in itertools.product(
        DISTANCES_M, SplitUnit, TargetChoice, (1, 2, 3), StartChoice
    ):
        try:
            plan = build_plan(paces, distance_m, unit=unit, target=target, tempo_splits=tempo, start=start)
        except PlanError:
            continue
        checked += 1
        assert at_or_faster_than_threshold_m(plan) <= MAX_THRESHOLD_M + 0.5, (distance_m, unit, target, tempo)
        assert plan.tempo_splits <= tempo
    assert checked >= 60
    for minutes, target in itertools.product((20, 30, 40, 50, 60), TargetChoice):
        timed = build_duration_plan(paces, minutes * 60.0, target=target, tempo_splits=3)
        assert at_or_faster_than_threshold_m(timed) <= MAX_THRESHOLD_M + 0.5


def test_a_10k_plan_in_miles_counts_the_folded_remainder_against_the_cap() -> None:
    paces = training_paces_for_vdot(49.81)
    plan = build_plan(paces, 10000.0, unit=SplitUnit.MILE, tempo_splits=3)
    assert plan.running_steps[-1].distance_m == pytest.approx(10000.0 - 5 * METRES_PER_MILE)
    assert plan.tempo_splits == 2  # 1 + 1.21 mi; a third would make 3.21 mi
    assert at_or_faster_than_threshold_m(plan) / METRES_PER_MILE == pytest.approx(2.214, abs=0.001)
    assert "3 would put 3.21 mi at or faster than threshold pace 6:52/mi" in plan.warnings[-1]


@pytest.mark.parametrize("five_k_minutes", [22.0, 28.0, 31.0, 33.0, 36.0, 40.0, 45.0, 50.0, 55.0, 60.0])
def test_slow_runners_get_plans_named_by_what_the_splits_are(five_k_minutes: float) -> None:
    runner = CliRunner()
    race = f"5k={int(five_k_minutes)}:00"
    paces = training_paces_for_vdot(training_vdot := _vdot(five_k_minutes))
    assert paces.threshold_s_per_km is not None and paces.race_10k_s_per_km is not None
    slower_than_t = paces.race_10k_s_per_km > paces.threshold_s_per_km + THRESHOLD_SLACK_S_PER_KM
    plan = build_duration_plan(paces, 40 * 60.0)
    assert sum(step.duration_s or 0.0 for step in plan.running_steps) == pytest.approx(2400.0)
    paces_run = [step.pace_s_per_km for step in plan.running_steps]
    assert all(later <= earlier for earlier, later in itertools.pairwise(paces_run))
    cues = " ".join(step.cue for step in plan.running_steps)
    assert ("tempo" not in cues) == slower_than_t
    assert ("10k pace" in cues) == slower_than_t
    assert any("below the published tables" in w for w in plan.warnings) == (training_vdot < 30)
    distance = build_plan(paces, 6 * METRES_PER_MILE)
    long_run = distance.running_time_s > 70 * 60
    assert any("a duration of 40min" in warning for warning in distance.warnings) == long_run
    result = runner.invoke(cli, ["plan", "--race", race, "--duration", "40min", "--json"])
    assert result.exit_code == 0, result.output


def _vdot(five_k_minutes: float) -> float:
    from progrun.paces import vdot_from_race

    return vdot_from_race(5000.0, five_k_minutes * 60.0)


def test_a_40_minute_5k_runner_is_told_6_miles_is_long_and_offered_a_plan_by_time() -> None:
    paces = training_paces_for_vdot(_vdot(40.0))
    plan = build_plan(paces, 6 * METRES_PER_MILE)
    assert round(plan.running_time_s / 60) == 85
    assert plan.warnings[-1].endswith("a plan by time fits better: a duration of 40min")
    with pytest.raises(PlanError, match="try duration 40min") as refused:
        build_plan(paces, 6 * METRES_PER_MILE, strict_method=True)
    assert refused.value.suggestions == (Suggestion("duration", "40min"),)


@pytest.mark.parametrize("vdot", VDOTS)
@pytest.mark.parametrize("unit", list(SplitUnit))
def test_bands_are_the_same_share_of_speed_at_every_pace_and_lean_slow_on_builds(vdot, unit) -> None:
    plan = build_plan(training_paces_for_vdot(vdot), 5 * METRES_PER_MILE, unit=unit)
    for step in plan.running_steps:
        fast_share = step.pace_s_per_km / step.low_s_per_km - 1.0  # extra speed allowed
        slow_share = 1.0 - step.pace_s_per_km / step.high_s_per_km  # speed that may be lost
        if step.kind is StepKind.BUILD:
            assert slow_share == pytest.approx(0.020)
            assert fast_share <= 0.012 + 1e-9  # less if the target is nearer
            assert slow_share > fast_share
        else:
            assert (fast_share, slow_share) == pytest.approx((0.015, 0.010))


@pytest.mark.parametrize("vdot", VDOTS)
def test_the_watch_alert_range_is_wider_than_the_band(vdot: float) -> None:
    plan = build_duration_plan(training_paces_for_vdot(vdot), 30 * 60.0)
    result = export_plan(plan, ExportFormat.FIT)
    bands = [row for row in result.fidelity if row.target == "pace band" and row.step is not None]
    assert all("widened by 4 % of speed" in row.reason for row in bands[: len(plan.running_steps)])


@pytest.mark.parametrize("text", ["5M", "5 M", "3.1M", "10M"])
def test_a_capital_m_is_refused_as_ambiguous(text: str) -> None:
    with pytest.raises(UnitError, match=r"mi for miles or .*m for metres"):
        parse_distance(text)


@pytest.mark.parametrize("text", ["42.3km", "27mi", "99999km", "1000000m"])
def test_distances_no_progression_run_has_are_refused_at_once(text: str) -> None:
    with pytest.raises(PlanError, match="longer than any progression run"):
        build_plan(training_paces_for_vdot(50.0), parse_distance(text))


def test_durations_outside_what_a_plan_by_time_can_be_are_refused() -> None:
    paces = training_paces_for_vdot(50.0)
    with pytest.raises(PlanError, match="longer than any progression run"):
        build_duration_plan(paces, 4 * 3600.0)
    with pytest.raises(PlanError, match="too short for 2 splits"):
        build_duration_plan(paces, 6 * 60.0)
    assert (
        build_duration_plan(paces, 70 * 60.0).warnings[-1]
        == "1:10:00 is outside the method's 20 to 60 minutes"
    )


def _run_of(plan: Plan, paces_s_per_km: list[float], cooldown_s_per_km: float) -> Activity:
    """A 1 Hz run holding each timed split's pace for its duration, then a cooldown jog of 5 minutes."""
    speeds = [1000.0 / pace for pace in paces_s_per_km]
    durations = [step.duration_s or 0.0 for step in plan.running_steps] + [300.0]
    speeds.append(1000.0 / cooldown_s_per_km)
    edges = np.concatenate([[0.0], np.cumsum(durations)])
    time_s = np.arange(0.0, edges[-1] + 1.0)
    speed = np.array(
        [speeds[min(int(np.searchsorted(edges, t, side="right")) - 1, len(speeds) - 1)] for t in time_s]
    )
    distance_m = np.concatenate([[0.0], np.cumsum(speed[1:])])
    return make_activity(
        time_s,
        format=Format.FIT,
        start=datetime(2026, 12, 1, 7, tzinfo=UTC),
        distance_m=distance_m,
        speed_m_s=speed,
        lat_deg=48.0 + distance_m / 111_000.0,
        lon_deg=np.full(len(time_s), 11.0),
        sport="running",
    )


@pytest.mark.parametrize(
    ("vdot", "minutes", "unit"),
    [(16.0, 30, SplitUnit.KM), (45.0, 40, SplitUnit.MILE), (65.0, 50, SplitUnit.KM)],
)
def test_a_plan_by_time_is_judged_split_by_split_on_the_clock(
    vdot: float, minutes: int, unit: SplitUnit
) -> None:
    plan = build_duration_plan(training_paces_for_vdot(vdot), minutes * 60.0, unit=unit)
    on_plan = [step.pace_s_per_km for step in plan.running_steps]
    verdict = judge(plan, _run_of(plan, on_plan, plan.steps[-1].pace_s_per_km))
    assert [split.status for split in verdict.splits] == ["run"] * len(on_plan)
    assert [split.judged_s_per_km for split in verdict.splits] == pytest.approx(on_plan, abs=1.0)
    assert all(split.off_s_per_km == 0 for split in verdict.splits)
    slow_last = [*on_plan[:-1], on_plan[-1] + 30.0]  # faded on the last split
    faded = judge(plan, _run_of(plan, slow_last, plan.steps[-1].pace_s_per_km))
    assert faded.splits[-1].judged_s_per_km == pytest.approx(on_plan[-1] + 30.0, abs=1.0)
    assert faded.splits[-1].off_s_per_km > 0


@pytest.mark.parametrize("fmt", list(ExportFormat))
@pytest.mark.parametrize("vdot", [16.0, 50.0])
def test_a_plan_by_time_exports_to_every_format(fmt: ExportFormat, vdot: float) -> None:
    plan = build_duration_plan(training_paces_for_vdot(vdot), 40 * 60.0, unit=SplitUnit.MILE)
    result = export_plan(plan, fmt, start=datetime(2026, 12, 1, 7), created=datetime(2026, 11, 1, tzinfo=UTC))
    assert result.data
    lengths = [
        row for row in result.fidelity if row.step is not None and row.target in ("distance", "duration")
    ]
    assert all(row.target == "duration" for row in lengths)
    if fmt is ExportFormat.INTERVALS:
        assert result.data.decode().count(" 8m ") == len(plan.running_steps)
