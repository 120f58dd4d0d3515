"""`progress_view` takes the final split and the tempo count from the judge's verdict, not the km splits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from progrun.analysis import VerdictRecord
from progrun.paces import training_paces_from_race
from progrun.plan import Plan, SplitUnit, StepKind
from progrun.planner import build_plan
from progrun.simulate import simulate_run
from progrun.storage import Store
from progrun.training_log.fitness import current_fitness, progression_distance_m
from progrun.training_log.runs import analyse, load_context
from progrun.training_log.views import progress_view
from progrun.units import METRES_PER_MILE

FIRST_DAY = datetime(2024, 3, 4, 7, 0, tzinfo=UTC)
#: 5k times from a 17:00 runner to a 35:00 one.
RACE_TIMES_S = (17 * 60.0, 22 * 60.0, 28 * 60.0, 35 * 60.0)
COOLDOWNS_S = (300.0, 600.0)
DISTANCES = ((SplitUnit.KM, 8000.0), (SplitUnit.MILE, 5 * METRES_PER_MILE))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'log.db'}") as opened:
        yield opened


def _add_planned_run(store: Store, plan: Plan, day: int, *, seed: int = 0, noise: float = 0.0) -> int:
    """Save `plan` for a day, simulate the runner following it (cooldown included) and store the run."""
    start = FIRST_DAY + timedelta(days=day)
    store.add_plan(plan, planned_on=start.date())
    activity = simulate_run(plan, start=start, seed=seed, noise=noise, ran_workout=False)
    name = f"run-{day}"
    run = analyse(activity, name.encode(), source_name=name, name=name, context=load_context(store))
    return store.add_run(run).activity_id


def test_the_final_split_is_the_progressions_last_split_never_the_cooldown(store: Store) -> None:
    """At every pace, with 5- and 10-minute cooldowns (the 10-minute one covers a whole km or more) in
    km and mile plans, the final split is the last tempo split the judge matched."""
    cases: list[tuple[Plan, int]] = []
    for race_s in RACE_TIMES_S:
        for cooldown_s in COOLDOWNS_S:
            for unit, distance_m in DISTANCES:
                plan = build_plan(
                    training_paces_from_race(5000.0, race_s), distance_m, unit=unit, cooldown_s=cooldown_s
                )
                cases.append((plan, _add_planned_run(store, plan, len(cases))))
    view = progress_view(store)
    by_id = {run.activity_id: run for run in view.runs}
    verdicts = store.verdicts_for([activity_id for _, activity_id in cases])
    for plan, activity_id in cases:
        final = by_id[activity_id].final_split_pace_s_per_km
        cooldown_pace = next(s.pace_s_per_km for s in plan.steps if s.kind is StepKind.COOLDOWN)
        # The simulated runner ran every split exactly at its target: the final split is the target ...
        assert final == pytest.approx(plan.target_pace_s_per_km, abs=0.5)
        assert final < cooldown_pace - 100.0
        # ... and it is the judge's own number for its last matched split of the progression.
        matched = [s for s in verdicts[activity_id]["splits"] if s["kind"] != "cooldown"]  # type: ignore[attr-defined]
        assert final == matched[-1]["actual_s_per_km"]
    # Where the cooldown covers a whole km, the last whole km split is (mostly) the cooldown: the old
    # rule showed it as the final split.
    covering = [
        (plan, activity_id)
        for plan, activity_id in cases
        if (plan.steps[-1].duration_s or 0.0) / plan.steps[-1].pace_s_per_km * 1000.0 >= 1000.0
    ]
    assert len(covering) >= 6
    splits = store.splits_for([activity_id for _, activity_id in covering])
    for _, activity_id in covering:
        last_whole = [s for s in splits[activity_id] if s.distance_m >= 990.0][-1]
        assert by_id[activity_id].final_split_pace_s_per_km < last_whole.pace_s_per_km - 100.0


def test_a_noisy_runner_gets_the_judges_final_split(store: Store) -> None:
    plan = build_plan(training_paces_from_race(5000.0, 1500.0), 8000.0, unit=SplitUnit.KM, cooldown_s=600.0)
    ids = [_add_planned_run(store, plan, day, seed=day, noise=1.0) for day in range(4)]
    verdicts = store.verdicts_for(ids)
    for run in progress_view(store).runs:
        splits = verdicts[run.activity_id]["splits"]
        last = [s for s in splits if s["kind"] != "cooldown" and s["status"] == "run"][-1]  # type: ignore[attr-defined]
        assert run.final_split_pace_s_per_km == last["actual_s_per_km"]
        assert run.final_split_pace_s_per_km == pytest.approx(plan.target_pace_s_per_km, abs=12.0)


@pytest.mark.parametrize("judged_tempo", [0, 1, 3, 4])
def test_the_tempo_column_is_the_verdicts_count(store: Store, judged_tempo: int) -> None:
    """Whatever the judge counted (the verdict engineer counts every split at or faster than
    threshold), the progress table shows that number, never a recount of km splits."""
    plan = build_plan(training_paces_from_race(5000.0, 1320.0), 8000.0, unit=SplitUnit.KM)
    start = FIRST_DAY
    activity = simulate_run(plan, start=start, noise=0.0, ran_workout=False)
    store.add_plan(plan, planned_on=start.date())
    run = analyse(activity, b"tempo", source_name="tempo", name="tempo", context=load_context(store))
    assert run.verdict is not None
    details = {**run.verdict.details, "tempo_splits": judged_tempo}
    store.add_run(replace(run, verdict=VerdictRecord(**{**vars(run.verdict), "details": details})))
    (only,) = progress_view(store).runs
    assert only.tempo_splits_held == judged_tempo


@pytest.mark.parametrize("race_s", RACE_TIMES_S)
def test_the_current_distance_leaves_the_cooldown_out(store: Store, race_s: float) -> None:
    """A 5-mile progression with a 10-minute cooldown jog is a 5-mile progression: `next` and `block`
    build on 5 miles, not on the 5.4 to 6 miles the watch recorded."""
    plan = build_plan(
        training_paces_from_race(5000.0, race_s), 5 * METRES_PER_MILE, unit=SplitUnit.MILE, cooldown_s=600.0
    )
    activity_id = _add_planned_run(store, plan, 0)
    assert store.summary(activity_id).distance_m > 5.3 * METRES_PER_MILE
    current = current_fitness(store, FIRST_DAY.date() + timedelta(days=1))
    assert current.distance_m == pytest.approx(5 * METRES_PER_MILE, rel=0.005)
    assert progression_distance_m(9000.0, None) == 9000.0
