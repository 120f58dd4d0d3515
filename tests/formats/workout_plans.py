"""Progression plans for the FIT workout-export tests: built by hand (`make_plan`, `plan_of`) or drawn
by Hypothesis (`planner_plans`, `plans`, `hand_plans`, `any_plan`), and the time they are exported at."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import assume
from hypothesis import strategies as st

from progrun.errors import PlanError
from progrun.formats.fit_workout import MAX_TARGET_PACE_S_PER_KM, MIN_TARGET_PACE_S_PER_KM
from progrun.paces import race_time_for_vdot, training_paces_for_vdot, training_paces_from_race
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.planner import StartChoice, TargetChoice, build_plan

CREATED = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)


def make_plan(
    *,
    unit: SplitUnit = SplitUnit.MILE,
    start_s_per_km: float = 300.0,
    step_s_per_km: float = 12.0,
    splits: int = 5,
    tempo_splits: int = 2,
    last_fraction: float = 1.0,
    warmup: bool = False,
    band_fast_s: float = 6.0,
    band_slow_s: float = 4.0,
    cooldown_s: float = 300.0,
    cooldown_s_per_km: float = 450.0,
) -> Plan:
    """A progression plan built by hand: `splits` splits getting `step_s_per_km` faster, the last
    `tempo_splits` at the target pace, then a timed cooldown."""
    steps: list[Step] = []
    if warmup:
        pace = start_s_per_km + 40.0
        steps.append(
            Step(StepKind.WARMUP, pace, pace - 20.0, pace + 30.0, distance_m=unit.metres, cue="warm up easy")
        )
    build_splits = splits - tempo_splits
    target = start_s_per_km - step_s_per_km * build_splits
    for index in range(splits):
        tempo = index >= build_splits
        pace = target if tempo else start_s_per_km - step_s_per_km * index
        distance = unit.metres * (last_fraction if index == splits - 1 else 1.0)
        if index == 0:
            cue = "settle in"
        elif tempo and index == build_splits:
            cue = f"{step_s_per_km:.0f} s faster: tempo"
        elif tempo:
            cue = "hold tempo"
        else:
            cue = f"{step_s_per_km:.0f} s faster"
        steps.append(
            Step(
                StepKind.TEMPO if tempo else StepKind.BUILD,
                pace,
                pace - band_fast_s,
                pace + band_slow_s,
                distance_m=distance,
                cue=cue,
            )
        )
    steps.append(
        Step(
            StepKind.COOLDOWN,
            cooldown_s_per_km,
            cooldown_s_per_km - 60.0,
            cooldown_s_per_km + 150.0,
            duration_s=cooldown_s,
            cue="walk/jog 5 min",
        )
    )
    return Plan(tuple(steps), unit, start_s_per_km, target, step_s_per_km, tempo_splits)


def plan_of(steps: list[Step] | tuple[Step, ...], unit: SplitUnit = SplitUnit.KM) -> Plan:
    """A Plan around hand-made steps (the summary fields are not written to FIT)."""
    return Plan(tuple(steps), unit, 300.0, 270.0, 10.0, 1)


# --- strategies: plans from the planner and plans made by hand ----------------------------------------

RACES_M = [1500.0, 3000.0, 5000.0, 10000.0, 21097.5, 42195.0]


@st.composite
def planner_plans(draw: st.DrawFn) -> Plan:
    """A plan as `progrun plan` builds it, from random paces, distances, units and options."""
    vdot = draw(st.floats(20.0, 90.0))
    if draw(st.booleans()):
        paces = training_paces_for_vdot(vdot)
    else:
        race_m = draw(st.sampled_from(RACES_M))
        paces = training_paces_from_race(race_m, race_time_for_vdot(vdot, race_m))
    unit = draw(st.sampled_from(list(SplitUnit)))
    try:
        return build_plan(
            paces,
            draw(st.floats(1000.0, 42195.0)),
            unit=unit,
            start=draw(st.sampled_from(list(StartChoice))),
            target=draw(st.sampled_from(list(TargetChoice))),
            step_s=draw(st.one_of(st.none(), st.floats(1.0, 60.0))),
            tempo_splits=draw(st.integers(1, 3)),
            warmup=draw(st.booleans()),
            cooldown_s=draw(st.sampled_from([0.0, 60.0, 300.0, 600.0, 1234.5])),
        )
    except PlanError:
        assume(False)
        raise


plans = st.builds(
    make_plan,
    unit=st.sampled_from(list(SplitUnit)),
    start_s_per_km=st.floats(240.0, 480.0),
    step_s_per_km=st.floats(5.0, 15.0),  # the fastest edge stays at or above 60 s/km: 240 - 11 x 15 - 15
    splits=st.integers(3, 12),
    tempo_splits=st.integers(1, 3),
    last_fraction=st.sampled_from([1.0, 0.25, 0.5, 0.75]),
    warmup=st.booleans(),
    band_fast_s=st.floats(0.0, 15.0),
    band_slow_s=st.floats(0.0, 15.0),
    cooldown_s=st.floats(60.0, 600.0),
    cooldown_s_per_km=st.floats(360.0, 900.0),
)

cues = st.text(max_size=120)


@st.composite
def hand_steps(draw: st.DrawFn) -> Step:
    """Any step a FIT workout carries: a band inside the field's pace range, a distance or a duration."""
    low, pace, high = sorted(
        draw(st.floats(MIN_TARGET_PACE_S_PER_KM, MAX_TARGET_PACE_S_PER_KM)) for _ in range(3)
    )
    kind = draw(st.sampled_from(list(StepKind)))
    if draw(st.booleans()):
        return Step(kind, pace, low, high, distance_m=draw(st.floats(0.01, 100_000.0)), cue=draw(cues))
    return Step(kind, pace, low, high, duration_s=draw(st.floats(0.001, 86_400.0)), cue=draw(cues))


hand_plans = st.builds(
    plan_of, st.lists(hand_steps(), min_size=1, max_size=50), st.sampled_from(list(SplitUnit))
)
any_plan = st.one_of(planner_plans(), plans, hand_plans)
