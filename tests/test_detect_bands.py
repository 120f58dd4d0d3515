"""The plan inferred from a detected run has the planner's bands (`plan_rules.band_edges`: percent of speed),
so a detected run and a planned one are judged by one rule, for runners from a 16:00 to a 32:00 5k."""

from __future__ import annotations

import pytest

from progrun.detect import detect_progression, plan_from_detection
from progrun.judge import judge
from progrun.plan import Plan, SplitUnit, StepKind
from progrun.simulate import simulate_run
from tests.verdict_runs import plan_for


def _band_percent(plan: Plan, kind: StepKind) -> list[tuple[float, float]]:
    """(fast, slow) percent of speed of each step of `kind` whose fast edge is not clipped at the target."""
    target = plan.target_pace_s_per_km
    return [
        (
            round((step.pace_s_per_km / step.low_s_per_km - 1.0) * 100.0, 6),
            round((1.0 - step.pace_s_per_km / step.high_s_per_km) * 100.0, 6),
        )
        for step in plan.running_steps
        if step.kind is kind and (kind is StepKind.TEMPO or step.low_s_per_km > target + 1e-9)
    ]


@pytest.mark.parametrize("five_k_s", [960.0, 1200.0, 1500.0, 1920.0])
@pytest.mark.parametrize("unit", [SplitUnit.MILE, SplitUnit.KM])
def test_detected_plan_bands_follow_the_planners_rule(five_k_s: float, unit: SplitUnit) -> None:
    planned = plan_for(five_k_s, unit)
    activity = simulate_run(planned, seed=3, ran_workout=False)
    detection = detect_progression(activity)
    assert detection.is_progression
    inferred = plan_from_detection(detection)

    for kind in (StepKind.BUILD, StepKind.TEMPO):
        rule = set(_band_percent(planned, kind))
        assert len(rule) == 1  # one rule for every step of a kind in the planner's plan
        assert set(_band_percent(inferred, kind)) <= rule
    assert _band_percent(inferred, StepKind.TEMPO)  # the tempo bands are never clipped
    for step in inferred.running_steps:
        # a build split's fast edge never passes the target, as in the planner
        assert step.low_s_per_km >= inferred.target_pace_s_per_km - 1e-9 or step.kind is StepKind.TEMPO
        assert step.low_s_per_km < step.pace_s_per_km < step.high_s_per_km

    verdict = judge(inferred, activity)
    assert verdict.progressed and verdict.target_reached
    assert verdict.score.value >= 85.0
