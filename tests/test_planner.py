"""The progression-run planner: real numbers for known runners, the method's rules as properties, errors."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun.errors import PlanError
from progrun.plan import Plan, SplitUnit, StepKind
from progrun.plan_rules import MAX_TEMPO_SPLITS, step_bounds
from progrun.planner import StartChoice, TargetChoice, build_plan, split_distances
from progrun.training_paces import TrainingPaces
from progrun.units import METRES_PER_MILE
from tests.plan_helpers import FIVE_K_20, TEN_K_50, paces_for

MILE = METRES_PER_MILE


def per_mile(pace_s_per_km: float) -> float:
    return pace_s_per_km * MILE / 1000.0


# --- the two runners of the issue, in real numbers --------------------------------------------------------


def test_5k_20_00_five_miles_starts_easy_and_steps_26_s_per_mile() -> None:
    plan = build_plan(FIVE_K_20, 5 * MILE)
    assert plan.unit is SplitUnit.MILE
    assert plan.start_kind == "easy"
    assert plan.target_kind == "10k"
    assert plan.step_s_per_unit == 26.0
    assert plan.tempo_splits == 2
    kinds = [step.kind for step in plan.steps]
    assert kinds == [StepKind.BUILD] * 3 + [StepKind.TEMPO] * 2 + [StepKind.COOLDOWN]
    # 10k pace 6:40.4/mi; three 26 s steps up from it: 7:58.4, 7:32.4, 7:06.4 /mi.
    miles = [per_mile(step.pace_s_per_km) for step in plan.running_steps]
    assert miles == pytest.approx([478.38, 452.38, 426.38, 400.38, 400.38], abs=0.01)
    assert [step.cue for step in plan.steps] == [
        "settle in",
        "26 s faster",
        "26 s faster",
        "26 s faster: tempo",
        "hold tempo",
        "walk/jog 5 min",
    ]
    assert plan.total_distance_m == pytest.approx(5 * MILE)
    assert plan.estimated_time_s == pytest.approx(2457.9, abs=0.1)  # 35:58 running + 5:00 cooldown
    assert plan.tempo_time_s == pytest.approx(800.76, abs=0.01)  # two miles at 6:40.4
    assert plan.warnings == ()
    assert plan.reasons[0].startswith("start: easy pace 7:58/mi (marathon pace 7:18/mi is 37 s/mi")


def test_10k_50_00_eight_km_starts_easy_and_steps_14_s_per_km() -> None:
    plan = build_plan(TEN_K_50, 8000.0, unit=SplitUnit.KM)
    assert (plan.start_kind, plan.step_s_per_unit, plan.tempo_splits) == ("easy", 14.0, 2)
    paces = [step.pace_s_per_km for step in plan.running_steps]
    assert paces == pytest.approx([384.0, 370.0, 356.0, 342.0, 328.0, 314.0, 300.0, 300.0])
    assert plan.estimated_time_s == pytest.approx(2994.0)  # 44:54 running + 5:00 cooldown
    assert plan.tempo_time_s == pytest.approx(600.0)
    assert plan.start_pace_s_per_km == pytest.approx(384.0)
    assert plan.target_pace_s_per_km == pytest.approx(300.0)


def test_three_miles_start_at_marathon_pace_because_easy_is_too_far() -> None:
    plan = build_plan(FIVE_K_20, 3 * MILE)
    assert plan.start_kind == "marathon"
    miles = [per_mile(step.pace_s_per_km) for step in plan.running_steps]
    # M 7:17.7/mi, 19 s faster, then the remaining 18.3 s to 10k pace: the step is clamped at the target.
    assert miles == pytest.approx([437.75, 418.75, 400.38], abs=0.01)
    # cues count the seconds between the paces as shown (6:59 -> 6:40), not the 18.4 s underneath
    assert [step.cue for step in plan.running_steps] == ["settle in", "19 s faster", "19 s faster: tempo"]
    assert "easy pace 7:57-8:59/mi is 76 s/mi from the target" in plan.reasons[0]


def test_four_miles_auto_prefers_the_start_with_more_tempo() -> None:
    plan = build_plan(FIVE_K_20, 4 * MILE)
    assert plan.start_kind == "marathon"
    assert plan.tempo_splits == 2
    assert "easy pace 7:57-8:59/mi gives 1" in plan.reasons[0]


def test_explicit_start_easy_slides_the_start_inside_the_easy_range() -> None:
    plan = build_plan(FIVE_K_20, 5.5 * MILE, start=StartChoice.EASY)
    distances = [step.distance_m for step in plan.running_steps]
    assert distances == pytest.approx([MILE] * 5 + [0.5 * MILE])
    assert plan.tempo_splits == 2
    assert plan.steps[-2].kind is StepKind.TEMPO  # the half mile is at tempo
    start = per_mile(plan.start_pace_s_per_km)
    assert per_mile(FIVE_K_20.easy_fast_s_per_km or 0) <= start <= per_mile(FIVE_K_20.easy_slow_s_per_km or 0)
    assert "the last split is 0.5 mi" in plan.reasons


def test_explicit_step_is_used_and_a_40_s_step_warns() -> None:
    plan = build_plan(FIVE_K_20, 5 * MILE, step_s=40)
    assert plan.step_s_per_unit == 40.0
    miles = [per_mile(step.pace_s_per_km) for step in plan.running_steps]
    assert miles == pytest.approx([520.38, 480.38, 440.38, 400.38, 400.38], abs=0.01)
    assert plan.warnings == ("a 40 s/mi step is outside the method's 15-30 s/mi",)


def test_eight_miles_is_planned_with_a_warning_and_refused_when_strict() -> None:
    plan = build_plan(FIVE_K_20, 8 * MILE)
    assert plan.warnings == ("8 mi is outside the method's 3 to 6 miles (5 to 10 km)",)
    assert plan.total_distance_m == pytest.approx(8 * MILE)
    with pytest.raises(PlanError, match="outside the method"):
        build_plan(FIVE_K_20, 8 * MILE, strict_method=True)


def test_marathon_start_on_a_long_run_holds_the_start_with_a_warning() -> None:
    plan = build_plan(FIVE_K_20, 5 * MILE, start=StartChoice.MARATHON)
    miles = [per_mile(step.pace_s_per_km) for step in plan.running_steps]
    assert miles == pytest.approx([437.75, 437.75, 418.75, 400.38, 400.38], abs=0.01)
    assert plan.steps[1].cue == "hold this pace"
    assert "an easy start would fill the distance" in plan.warnings[0]


def test_warmup_is_the_first_split_at_easy_pace() -> None:
    plan = build_plan(FIVE_K_20, 5 * MILE, warmup=True)
    warmup = plan.steps[0]
    assert warmup.kind is StepKind.WARMUP
    assert warmup.pace_s_per_km == pytest.approx(334.843)
    assert warmup.distance_m == pytest.approx(MILE)
    assert plan.total_distance_m == pytest.approx(5 * MILE)
    assert len([s for s in plan.steps if s.kind in {StepKind.BUILD, StepKind.TEMPO}]) == 4


def test_bands_are_asymmetric_and_build_bands_stop_at_the_target() -> None:
    plan = build_plan(FIVE_K_20, 5 * MILE)
    build, tempo = plan.steps[0], plan.steps[3]
    # build 7:58.4/mi = 297.25 s/km: 1.2 % faster speed 293.72, 2.0 % slower speed 303.32 (leans slow)
    assert build.low_s_per_km == pytest.approx(build.pace_s_per_km / 1.012)
    assert build.high_s_per_km == pytest.approx(build.pace_s_per_km / 0.98)
    assert (
        build.pace_s_per_km - build.low_s_per_km,
        build.high_s_per_km - build.pace_s_per_km,
    ) == pytest.approx((3.52, 6.07), abs=0.01)
    assert tempo.low_s_per_km == pytest.approx(tempo.pace_s_per_km / 1.015)
    assert tempo.high_s_per_km == pytest.approx(tempo.pace_s_per_km / 0.99)
    close = TrainingPaces(None, None, 254.0, None, None, None, 250.0, None)  # marathon only 4 s/km slower
    tight = build_plan(close, 3000.0, unit=SplitUnit.KM, step_s=2, tempo_splits=1)
    assert [step.pace_s_per_km for step in tight.running_steps] == pytest.approx([254.0, 252.0, 250.0])
    assert tight.steps[1].low_s_per_km == pytest.approx(250.0)  # not 249.0: no build split faster than target


def test_target_5k_and_three_tempo_splits_keeps_3_miles_at_or_faster_than_threshold() -> None:
    """Issue 9: 3 splits at 5k pace plus a build mile faster than T were 4 miles at threshold or faster."""
    plan = build_plan(FIVE_K_20, 6 * MILE, target=TargetChoice.FIVE_K, tempo_splits=3)
    assert plan.target_pace_s_per_km == pytest.approx(240.0)
    assert plan.tempo_splits == 2
    at_threshold = [step for step in plan.running_steps if step.pace_s_per_km <= 256.024 + 0.5]
    assert sum(step.distance_m or 0.0 for step in at_threshold) / MILE == pytest.approx(3.0)
    assert plan.warnings == (
        "2 split(s) at the target, not 3: 3 would put 4 mi at or faster than threshold pace 6:52/mi, "
        "over the method's 3 mi",
    )


def test_short_remainder_is_folded_into_the_last_split() -> None:
    assert split_distances(5 * MILE, SplitUnit.KM) == pytest.approx((1000.0,) * 7 + (1046.72,))
    assert split_distances(8000.0, SplitUnit.MILE) == pytest.approx((MILE,) * 4 + (8000 - 4 * MILE,))
    assert split_distances(5 * MILE, SplitUnit.MILE) == pytest.approx((MILE,) * 5)


def test_cooldown_length_is_an_option() -> None:
    plan = build_plan(FIVE_K_20, 5 * MILE, cooldown_s=600)
    assert plan.steps[-1].duration_s == 600 and plan.steps[-1].cue == "walk/jog 10 min"
    short = build_plan(FIVE_K_20, 5 * MILE, cooldown_s=0)
    assert short.steps[-1].kind is StepKind.TEMPO
    assert short.warnings == ("a 0 s cooldown is shorter than the method's 5 minutes",)


# --- requests that cannot work ----------------------------------------------------------------------------


def test_easy_start_to_5k_in_three_miles_says_why_and_what_works() -> None:
    with pytest.raises(PlanError) as caught:
        build_plan(FIVE_K_20, 3 * MILE, start=StartChoice.EASY, target=TargetChoice.FIVE_K)
    error = caught.value
    assert error.field == "distance"
    assert error.reason == (
        "easy pace 7:57-8:59/mi is 90 s/mi slower than 5k pace 6:26/mi; "
        "3 splits with 30 s steps close at most 60 s/mi"
    )
    assert error.suggestion == (
        "try a longer run (distance 5mi), or a marathon-pace start (start marathon, marathon pace 7:18/mi)"
    )


def test_two_miles_suggests_a_longer_run() -> None:
    with pytest.raises(PlanError, match=r"try a longer run \(distance 3mi\)"):
        build_plan(FIVE_K_20, 2 * MILE)


def test_easy_start_to_5k_in_four_miles_suggests_a_10k_target() -> None:
    with pytest.raises(PlanError) as caught:
        build_plan(FIVE_K_20, 4 * MILE, start=StartChoice.EASY, target=TargetChoice.FIVE_K)
    assert caught.value.suggestion == (
        "try a longer run (distance 5mi), "
        "or a marathon-pace start (start marathon, marathon pace 7:18/mi), "
        "or a 10k target (target 10k, 6:40/mi)"
    )


def test_target_not_faster_than_start() -> None:
    slow_target = TrainingPaces(None, None, 300.0, None, None, None, 310.0, None)
    with pytest.raises(PlanError, match="10k pace 8:19/mi is not faster than the start") as caught:
        build_plan(slow_target, 4 * MILE)
    assert caught.value.field == "target"


@pytest.mark.parametrize("count", [0, 4, 5])
def test_tempo_splits_outside_one_to_three_are_refused(count: int) -> None:
    with pytest.raises(PlanError, match="outside the method") as caught:
        build_plan(FIVE_K_20, 5 * MILE, tempo_splits=count)
    assert caught.value.field == "tempo_splits"


def test_missing_paces_are_named() -> None:
    only_marathon = TrainingPaces(None, None, 272.0, None, None, None, 249.0, None)
    with pytest.raises(PlanError, match="no easy pace is known"):
        build_plan(only_marathon, 5 * MILE, start=StartChoice.EASY)
    with pytest.raises(PlanError, match="no 5k pace is known"):
        build_plan(only_marathon, 5 * MILE, target=TargetChoice.FIVE_K)


@pytest.mark.parametrize(
    ("distance", "step"), [(0.0, None), (math.nan, None), (5 * MILE, -3.0), (5 * MILE, 0.0)]
)
def test_nonsense_numbers_are_plan_errors(distance: float, step: float | None) -> None:
    with pytest.raises(PlanError):
        build_plan(FIVE_K_20, distance, step_s=step)


# --- the rules as properties ------------------------------------------------------------------------------

ten_k_paces = st.floats(min_value=190.0, max_value=480.0)  # 10k pace 3:10 to 8:00 /km
easy_widths = st.floats(min_value=0.05, max_value=0.16)
marathon_gaps = st.floats(min_value=0.05, max_value=0.13)
units = st.sampled_from(list(SplitUnit))
starts = st.sampled_from(list(StartChoice))
targets = st.sampled_from(list(TargetChoice))
caps = st.integers(min_value=1, max_value=MAX_TEMPO_SPLITS)
method_distances = st.floats(min_value=3 * MILE, max_value=10_000.0)


def _plan_or_none(paces: TrainingPaces, distance_m: float, **options: object) -> Plan | None:
    try:
        return build_plan(paces, distance_m, **options)  # type: ignore[arg-type]
    except PlanError:
        return None


@settings(max_examples=300, deadline=None)
@given(ten_k_paces, easy_widths, marathon_gaps, method_distances, units, starts, targets, caps, st.booleans())
def test_plans_obey_the_method(
    ten_k: float,
    width: float,
    gap: float,
    distance_m: float,
    unit: SplitUnit,
    start: StartChoice,
    target: TargetChoice,
    cap: int,
    warmup: bool,
) -> None:
    paces = paces_for(ten_k, easy_width=width, marathon_gap=gap)
    plan = _plan_or_none(
        paces, distance_m, unit=unit, start=start, target=target, tempo_splits=cap, warmup=warmup
    )
    if plan is None:
        return
    running = plan.running_steps
    # distances add up to the total
    assert sum(step.distance_m or 0.0 for step in running) == pytest.approx(distance_m, abs=1e-6)
    # paces never slow down, and no split is faster than the target
    paces_s_per_km = [step.pace_s_per_km for step in running]
    assert all(later <= earlier + 1e-9 for earlier, later in itertools.pairwise(paces_s_per_km))
    assert min(paces_s_per_km) == pytest.approx(plan.target_pace_s_per_km)
    # tempo splits: at least one, at most the cap, all at the end, all at the target
    kinds = [step.kind for step in running]
    tempo = kinds.count(StepKind.TEMPO)
    assert cap == plan.options["tempo_splits"]
    assert tempo >= 1
    assert tempo <= cap
    assert kinds[-tempo:] == [StepKind.TEMPO] * tempo
    assert all(step.pace_s_per_km == plan.target_pace_s_per_km for step in running[-tempo:])
    # every change of pace between progression splits is a step within the method's bounds
    low, high = step_bounds(unit)
    per_unit = [
        step.pace_s_per_km * unit.metres / 1000.0 for step in running if step.kind is not StepKind.WARMUP
    ]
    jumps = [earlier - later for earlier, later in itertools.pairwise(per_unit)]
    moving = [jump for jump in jumps if jump > 1e-9]
    assert all(low - 1e-6 <= jump <= high + 1e-6 for jump in moving), jumps
    held = len(jumps) - len(moving) - (tempo - 1)
    assert held == plan.options["hold_splits"]
    assert (held > 0) == any("hold the start pace" in warning for warning in plan.warnings)
    # every step's band holds its pace, and the start is the kind the plan says
    assert all(step.low_s_per_km <= step.pace_s_per_km <= step.high_s_per_km for step in plan.steps)
    start_range = (
        (paces.easy_fast_s_per_km, paces.easy_slow_s_per_km)
        if plan.start_kind == "easy"
        else (paces.marathon_s_per_km, paces.marathon_s_per_km)
    )
    assert start_range[0] is not None and start_range[1] is not None
    assert start_range[0] - 1e-6 <= plan.start_pace_s_per_km <= start_range[1] + 1e-6
    assert plan.steps[-1].kind is StepKind.COOLDOWN and plan.steps[-1].duration_s == 300.0


@settings(max_examples=200, deadline=None)
@given(
    ten_k_paces,
    easy_widths,
    marathon_gaps,
    method_distances,
    st.sampled_from([StartChoice.EASY, StartChoice.MARATHON]),
    targets,
)
def test_mile_and_km_plans_agree(
    ten_k: float, width: float, gap: float, distance_m: float, start: StartChoice, target: TargetChoice
) -> None:
    """The same request in miles and in km describes the same workout.

    Same start kind, target pace and total distance, exactly. Their average running paces agree within
    half the width of the start range plus one largest km step (19 s/km): a progression's average pace
    sits about halfway between its start and the target, the start may be placed anywhere in the easy
    range (so two valid plans may differ by up to half its width), and the tempo cap counts splits (2 mi
    is 3.2 km, 2 km is 2 km), which moves where the tempo begins by about one step's worth of pace.
    Measured over VDOT 30-72 and 3 to 6 miles, the largest difference is 28.5 s/km for easy starts
    (allowance about 39) and 12 s/km for marathon starts (allowance 19).
    """
    paces = paces_for(ten_k, easy_width=width, marathon_gap=gap)
    mile_plan = _plan_or_none(paces, distance_m, unit=SplitUnit.MILE, start=start, target=target)
    km_plan = _plan_or_none(paces, distance_m, unit=SplitUnit.KM, start=start, target=target)
    if mile_plan is None or km_plan is None:
        return
    assert mile_plan.start_kind == km_plan.start_kind == start.value
    assert mile_plan.target_pace_s_per_km == km_plan.target_pace_s_per_km
    assert mile_plan.total_distance_m == pytest.approx(km_plan.total_distance_m)

    def mean_pace(plan: Plan) -> float:
        return sum(step.expected_time_s for step in plan.running_steps) / plan.total_distance_m * 1000.0

    if start is StartChoice.EASY:
        assert paces.easy_slow_s_per_km is not None and paces.easy_fast_s_per_km is not None
        width_s_per_km = paces.easy_slow_s_per_km - paces.easy_fast_s_per_km
    else:
        width_s_per_km = 0.0
    allowance = width_s_per_km / 2 + step_bounds(SplitUnit.KM)[1]
    assert abs(mean_pace(mile_plan) - mean_pace(km_plan)) <= allowance


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=100.0, max_value=50_000.0), units)
def test_split_distances_add_up(distance_m: float, unit: SplitUnit) -> None:
    parts = split_distances(distance_m, unit)
    assert sum(parts) == pytest.approx(distance_m, rel=1e-12)
    assert all(part > 0 for part in parts)
    assert all(part <= unit.metres * 1.25 + 1e-6 for part in parts)
