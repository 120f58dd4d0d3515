"""Classification with the real detector and judge: linked plans (workout name, date), inferred targets."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from progrun.analysis import StoredPlan, classify, compute_splits, link_plan
from progrun.detect import detect_progression, plan_from_detection
from progrun.judge import judge
from progrun.paces import training_paces_from_race
from progrun.plan import Plan, SplitUnit
from progrun.planner import build_plan
from progrun.storage import Store
from progrun.training_log.importer import import_paths
from progrun.training_log.reanalyse import reanalyse_activities
from tests.stored_plans import add_unreadable_plan
from tests.synthetic_runs import BASE_START, easy_paces, gpx_text, progression_paces, synthetic_run


def _plan_6k() -> Plan:
    """6 km in km splits for a 20:00 5k runner: builds to 10k pace (about 4:08/km)."""
    return build_plan(training_paces_from_race(5000, 1200), 6000, unit=SplitUnit.KM, cooldown_s=0.0)


def test_a_detected_progression_is_judged_against_inferred_targets() -> None:
    activity = synthetic_run(BASE_START, progression_paces(0))
    splits, _, _ = compute_splits(activity)
    decided = classify(activity, splits)
    expected = judge(plan_from_detection(detect_progression(activity)), activity)
    assert (decided.kind, decided.is_progression) == ("progression", True)
    assert decided.verdict is not None and decided.verdict.plan_id is None
    assert decided.score == pytest.approx(expected.score.value)
    assert decided.verdict.details["judged_against"] == "targets inferred from the run"
    assert decided.verdict.details["verdict"] == expected.text
    assert decided.verdict.progressed and decided.verdict.target_reached
    assert decided.verdict.details["tempo_splits"] == expected.tempo_splits >= 1
    assert decided.detection["is_progression"] is True and decided.detection["confidence"] == 1.0


def test_an_easy_run_is_not_judged_and_a_run_near_threshold_is_threshold() -> None:
    easy = synthetic_run(BASE_START, easy_paces(1))
    splits, _, _ = compute_splits(easy)
    decided = classify(easy, splits)
    assert (decided.kind, decided.is_progression, decided.score) == ("easy", False, None)
    assert decided.verdict is None
    assert decided.detection["is_progression"] is False
    steady = synthetic_run(BASE_START, [270.0] * 5)
    steady_splits, _, _ = compute_splits(steady)
    assert classify(steady, steady_splits, threshold_s_per_km=265.0).kind == "threshold"  # 1.9 % slower
    assert classify(steady, steady_splits, threshold_s_per_km=260.0).kind == "easy"  # 3.8 % slower


def test_link_plan_prefers_the_workout_name_then_the_date() -> None:
    plan = _plan_6k()
    by_date = StoredPlan(1, BASE_START.date(), "", plan)
    named = StoredPlan(2, None, "Tuesday  Progression", plan)
    later_same_day = StoredPlan(3, BASE_START.date(), "other", plan)
    plans = (by_date, named, later_same_day)
    assert link_plan(plans, "tuesday progression", BASE_START) == (named, "workout name")
    assert link_plan(plans, "", BASE_START) == (later_same_day, "date")
    assert link_plan(plans, "no such workout", BASE_START + timedelta(days=1)) is None
    assert link_plan(plans, "", None) is None


def test_a_linked_run_is_judged_against_its_plan_even_when_it_did_not_progress() -> None:
    plan = _plan_6k()
    stored = StoredPlan(7, None, "Tuesday progression", plan)
    ran = replace(synthetic_run(BASE_START, progression_paces(0)), workout_name="Tuesday progression")
    splits, _, _ = compute_splits(ran)
    decided = classify(ran, splits, plans=(stored,))
    expected = judge(plan, ran)
    assert decided.kind == "progression" and decided.verdict is not None
    assert decided.verdict.plan_id == 7
    assert decided.verdict.details["judged_against"] == (
        "plan 7 'Tuesday progression' (linked by workout name)"
    )
    assert decided.score == pytest.approx(expected.score.value)
    assert decided.verdict.target_reached is False  # 4:40/km at the end; the plan wanted about 4:08
    flat = replace(synthetic_run(BASE_START, [345.0] * 6), workout_name="Tuesday progression")
    flat_decided = classify(flat, compute_splits(flat)[0], plans=(stored,))
    assert flat_decided.kind == "progression" and flat_decided.verdict is not None
    assert flat_decided.verdict.progressed is False
    assert flat_decided.detection["is_progression"] is False


def test_import_links_a_stored_plan_by_date_and_reanalyse_picks_up_a_new_plan(
    store: Store, tmp_path: Path
) -> None:
    plan = _plan_6k()
    plan_id = store.add_plan(plan, planned_on=BASE_START.date(), name="").plan_id
    add_unreadable_plan(store, BASE_START.date())  # an older progrun's plan: ignored, never linked
    (tmp_path / "d0.gpx").write_text(gpx_text(synthetic_run(BASE_START, progression_paces(0))))
    next_day = BASE_START + timedelta(days=1)
    (tmp_path / "d1.gpx").write_text(gpx_text(synthetic_run(next_day, progression_paces(0))))
    report = import_paths(store, [tmp_path], workers=1)
    first, second = report.imported_ids
    linked = store.detail(first).verdict
    assert linked is not None and linked.plan_id == plan_id
    assert linked.details["judged_against"] == f"plan {plan_id} (linked by date)"
    inferred = store.detail(second).verdict
    assert inferred is not None and inferred.plan_id is None and inferred.target_reached
    later = store.add_plan(plan, planned_on=next_day.date(), name="").plan_id
    assert reanalyse_activities(store, [second]) == (1, [])
    relinked = store.detail(second).verdict
    assert relinked is not None and relinked.plan_id == later and not relinked.target_reached
    assert store.check_integrity().ok
