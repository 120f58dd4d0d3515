"""The runner's current fitness and the progression runs it gives: one computation for `next` and `block`.

`current_fitness` decides the VDOT once:

1. the log's re-estimate for the day (`progrun.fitness.estimate_vdot`: the best effort of the 8 weeks
   up to it);
2. for a log whose runs all ended more than 8 weeks ago, the same estimate as of its latest run
   (the fitness it last showed, said so);
3. else the profile's VDOT (`progrun profile --race 5k=20:00`).

`block_plans` turns it into the sessions of a block and their plans (`progrun.block.build_block`,
`progrun.planner.build_plan`, mile splits). `next` adapts its session to the runner: `recent_runs` reads
the judge's verdicts of the latest progression runs, and `progrun.adaptation.adapt` sets the length,
tempo splits, start and target from them and the load, with the rule and its sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from progrun.adaptation import Adaptation, RecentRun
from progrun.block import BlockSession, build_block
from progrun.errors import PlanError
from progrun.fitness import FITNESS_WINDOW_DAYS, FitnessEstimate
from progrun.paces import training_paces_for_vdot
from progrun.plan import Plan, SplitUnit
from progrun.planner import StartChoice, TargetChoice, build_plan
from progrun.storage.store import Store
from progrun.training_log.views import fitness
from progrun.training_paces import TrainingPaces
from progrun.units import METRES_PER_MILE

#: The current progression distance: the longest progression (cooldown left out) of the latest this
#: many progression runs ...
RECENT_PROGRESSION_RUNS = 4
#: ... else (no progression run in the fitness window) the method's shortest run.
DEFAULT_DISTANCE_M = 3 * METRES_PER_MILE


@dataclass(frozen=True)
class CurrentFitness:
    """The VDOT to train from, where it came from, and the progression distance the runner is at."""

    as_of: date
    estimate: FitnessEstimate
    vdot: float | None
    source: str
    distance_m: float

    @property
    def paces(self) -> TrainingPaces | None:
        """Daniels' training paces for the VDOT (None without one)."""
        return training_paces_for_vdot(self.vdot) if self.vdot is not None else None


def current_fitness(store: Store, today: date) -> CurrentFitness:
    """The fitness `next` and `block` both train from on `today` (module docstring)."""
    as_of = today
    estimate = fitness(store, today)
    if estimate.vdot is None:
        latest = store.list_activities(until=_midnight(today + timedelta(days=1)), limit=1, newest_first=True)
        if latest and latest[0].start is not None and latest[0].start.date() < today:
            as_of = latest[0].start.date()
            estimate = fitness(store, as_of)
    if estimate.vdot is not None:
        source = "the log" if as_of == today else f"the log as of its latest run ({as_of.isoformat()})"
        vdot: float | None = estimate.vdot
    else:
        vdot = store.profile().vdot
        source = "the profile" if vdot is not None else "nothing (no run of 3 km or more, no profile race)"
    window = _midnight(as_of - timedelta(days=FITNESS_WINDOW_DAYS))
    recent = store.list_activities(
        since=window, until=_midnight(as_of + timedelta(days=1)), progression_only=True
    )[-RECENT_PROGRESSION_RUNS:]
    verdicts = store.verdicts_for([run.id for run in recent])
    distance = max(
        (progression_distance_m(run.distance_m, verdicts.get(run.id)) for run in recent),
        default=DEFAULT_DISTANCE_M,
    )
    return CurrentFitness(as_of, estimate, vdot, source, distance)


def progression_distance_m(run_distance_m: float, verdict: dict[str, object] | None) -> float:
    """How far the progression of a run went: the judge's matched splits without the cooldown (a
    5-mile progression with its cooldown jog is 5 miles, not 5.4); without a verdict, the whole run."""
    splits = verdict.get("splits") if verdict is not None else None
    if not isinstance(splits, list):
        return run_distance_m
    covered = [
        split["distance_m"]
        for split in splits
        if isinstance(split, dict)
        and split.get("kind") != "cooldown"
        and split.get("status") in {"run", "partial"}
        and isinstance(split.get("distance_m"), int | float)
    ]
    return float(sum(covered)) if covered else run_distance_m


#: The longest session `workable_session` stretches to: the method's longest run.
MAX_BLOCK_MILES = 6.0


def block_plans(
    current: CurrentFitness, first_day: date, weeks: int, *, per_week: int = 2
) -> tuple[tuple[BlockSession, Plan], ...]:
    """The block's sessions from the current distance, each with its plan at the current paces."""
    paces = current.paces
    if paces is None:
        return ()
    sessions = build_block(first_day, weeks, current_distance_m=current.distance_m, per_week=per_week)
    return tuple(workable_session(paces, session) for session in sessions)


def workable_session(
    paces: TrainingPaces,
    session: BlockSession,
    *,
    start: StartChoice = StartChoice.AUTO,
    target: TargetChoice = TargetChoice.TEN_K,
) -> tuple[BlockSession, Plan]:
    """The session's plan; when its distance cannot close the gap from the start to the target in the
    method's steps (a slow runner, whose marathon pace lies far from 10k pace), the shortest longer
    distance in half miles, up to the method's 6 miles, that can. Raises the first PlanError when none can."""
    first_error: PlanError | None = None
    miles = session.distance_m / METRES_PER_MILE
    for extra_halves in range(int(max(0.0, (MAX_BLOCK_MILES - miles) * 2)) + 1):
        distance_m = (miles + extra_halves / 2) * METRES_PER_MILE
        try:
            plan = build_plan(
                paces,
                distance_m,
                unit=SplitUnit.MILE,
                tempo_splits=session.tempo_splits,
                start=start,
                target=target,
            )
        except PlanError as error:
            first_error = first_error or error
            continue
        return replace(session, distance_m=distance_m), plan
    assert first_error is not None
    raise first_error


def next_progression(
    current: CurrentFitness, day: date, adaptation: Adaptation | None = None
) -> tuple[BlockSession, Plan] | None:
    """The next progression run (None without a VDOT): with an `adaptation`, its session (length, tempo
    splits, start, target) as the rules set it; without one, the first run of a block starting on `day`."""
    paces = current.paces
    if paces is None:
        return None
    if adaptation is None:
        plans = block_plans(current, day, 1, per_week=1)
        return plans[0] if plans else None
    session = BlockSession(day, 1, adaptation.distance_m, adaptation.tempo_splits, down_week=False)
    return workable_session(paces, session, start=adaptation.start, target=adaptation.target)


def recent_runs(store: Store, as_of: date, count: int = RECENT_PROGRESSION_RUNS) -> tuple[RecentRun, ...]:
    """The latest `count` judged progression runs up to `as_of` (oldest first), as the rules read them."""
    runs = store.list_activities(
        until=_midnight(as_of + timedelta(days=1)), progression_only=True, limit=count, newest_first=True
    )
    verdicts = store.verdicts_for([run.id for run in runs])
    recent: list[RecentRun] = []
    for run in reversed(runs):
        verdict = verdicts.get(run.id)
        if verdict is None or run.start is None:
            continue
        tempo = verdict.get("tempo_splits")
        recent.append(
            RecentRun(
                day=run.start.date(),
                target_reached=bool(verdict.get("target_reached")),
                progressed=bool(verdict.get("progressed")),
                went_out_too_fast=bool(verdict.get("went_out_too_fast")),
                tempo_splits=tempo if isinstance(tempo, int) and not isinstance(tempo, bool) else 1,
            )
        )
    return tuple(recent)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
