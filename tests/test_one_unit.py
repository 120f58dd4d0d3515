"""One unit setting everywhere: a runner who plans in miles reads miles in every export report, error and
judged split, and a runner in km reads km (generated across the pace range, not one runner)."""

from __future__ import annotations

import re

import pytest

from progrun.detect import detect_progression
from progrun.formats.export import ExportFormat, export_plan
from progrun.judge import judge
from progrun.paces import training_paces_for_vdot
from progrun.plan import Plan, SplitUnit, StepKind
from progrun.planner import build_plan
from progrun.simulate import Behaviour, simulate_run
from progrun.units import METRES_PER_MILE, pace_difference_text
from progrun.verdict_words import coach_findings, table_rows

OTHER = {SplitUnit.MILE: re.compile(r"/km\b|s/km"), SplitUnit.KM: re.compile(r"/mi\b|s/mi")}
REPORTED = (ExportFormat.FIT, ExportFormat.ZWO, ExportFormat.INTERVALS)


def _plan(vdot: float, unit: SplitUnit) -> Plan:
    distance_m = 5 * METRES_PER_MILE if unit is SplitUnit.MILE else 8000.0
    return build_plan(training_paces_for_vdot(vdot), distance_m, unit=unit)


@pytest.mark.parametrize("unit", [SplitUnit.MILE, SplitUnit.KM])
@pytest.mark.parametrize("vdot", [30.0, 40.0, 50.0, 60.0, 70.0])
def test_export_reports_speak_the_plans_unit(vdot: float, unit: SplitUnit) -> None:
    plan = _plan(vdot, unit)
    for fmt in REPORTED:
        reasons = [row.reason for row in export_plan(plan, fmt).fidelity]
        wrong = [reason for reason in reasons if OTHER[unit].search(reason)]
        assert wrong == [], fmt
        assert any(f"s/{unit.value}" in reason for reason in reasons), fmt


def test_a_pace_difference_is_converted_not_relabelled() -> None:
    assert pace_difference_text(1.0, "mi") == "1.61 s/mi"
    assert pace_difference_text(1.0, "km") == "1.00 s/km"
    assert pace_difference_text(10.0, "mi", 0) == "16 s/mi"


@pytest.mark.parametrize("unit", [SplitUnit.MILE, SplitUnit.KM])
@pytest.mark.parametrize("behaviour", ["follow", "too_fast", "blow_up"])
@pytest.mark.parametrize("vdot", [35.0, 50.0, 65.0])
def test_a_run_is_judged_in_the_plans_splits_with_its_units_words(
    vdot: float, behaviour: Behaviour, unit: SplitUnit
) -> None:
    plan = _plan(vdot, unit)
    run = simulate_run(plan, behaviour=behaviour, seed=int(vdot))
    verdict = judge(plan, run)
    assert verdict.unit is unit
    running = [split for split in verdict.splits if split.kind is not StepKind.COOLDOWN]
    assert len(running) == len(plan.running_steps)
    whole = [split for split in running if split.planned_distance_m == pytest.approx(unit.metres)]
    assert len(whole) >= len(running) - 1
    assert all(split.label.startswith("Mile" if unit is SplitUnit.MILE else "Km") for split in whole)
    words = " ".join(
        [*verdict.findings, *coach_findings(verdict), *(" ".join(r.values()) for r in table_rows(verdict))]
    )
    assert not OTHER[unit].search(words), words


@pytest.mark.parametrize("unit", [SplitUnit.MILE, SplitUnit.KM])
@pytest.mark.parametrize("behaviour", ["follow", "too_fast"])
@pytest.mark.parametrize("vdot", [35.0, 55.0])
def test_detection_reasons_speak_the_splits_unit(vdot: float, behaviour: Behaviour, unit: SplitUnit) -> None:
    plan = _plan(vdot, unit)
    found = detect_progression(simulate_run(plan, behaviour=behaviour, seed=int(vdot)))
    assert found.unit == unit.value
    words = " ".join(found.reasons)
    assert f"s/{unit.value}" in words
    assert not OTHER[unit].search(words), words
    least = [reason for reason in found.reasons if reason.startswith("build step")]
    assert (
        least and f"the method's least is {'15.0 s/mi' if unit is SplitUnit.MILE else '9.3 s/km'}" in least[0]
    )
