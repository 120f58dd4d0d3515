"""What to run next, the block ahead, and the progress report: the use-cases of `next`, `block` and
`progress`, as objects with `to_dict()` (the shape `--json` prints)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

from progrun.activity import FloatArray
from progrun.adaptation import Adaptation, adapt
from progrun.block import BlockSession
from progrun.errors import ProgrunError
from progrun.plan import Plan
from progrun.storage import Store
from progrun.training_guard import GuardResult
from progrun.training_load import LoadSeries
from progrun.training_log.fitness import (
    CurrentFitness,
    block_plans,
    current_fitness,
    next_progression,
    recent_runs,
)
from progrun.training_log.runs import profile_notes
from progrun.training_log.views import ProgressView, guard, load, progress_view
from progrun.training_paces import TrainingPaces
from progrun.units import METRES_PER_MILE


@dataclass(frozen=True)
class ProgressReport:
    """The progression runs week by week and their trend, with what the analysis lacks (`progress`)."""

    view: ProgressView
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        trend = self.view.trend
        return {
            "weeks": [{**vars(row), "week_start": row.week_start.isoformat()} for row in trend.weeks],
            "pace_change_s_per_km_per_week": trend.pace_change_s_per_km_per_week,
            "score_change_per_week": trend.score_change_per_week,
            "hr_change_bpm_per_week": trend.hr_change_bpm_per_week,
            "reference_pace_s_per_km": self.view.reference_pace_s_per_km,
            "verdict": trend.verdict,
            "notes": list(self.notes),
        }


def progress_report(store: Store) -> ProgressReport:
    return ProgressReport(progress_view(store), profile_notes(store.profile()))


@dataclass(frozen=True)
class Advice:
    """What `progrun next` says on `day`: the guard, the current fitness, the next run and the load."""

    day: date
    guard: GuardResult
    fitness: CurrentFitness
    load: LoadSeries
    unit: str
    adaptation: Adaptation | None = None

    @property
    def paces(self) -> TrainingPaces | None:
        """Training paces from the current fitness, when there is one."""
        return self.fitness.paces

    @property
    def next_run(self) -> tuple[BlockSession, Plan] | None:
        """The next progression run, as the adaptation rules set it (`progrun.adaptation`)."""
        return next_progression(self.fitness, self.day, self.adaptation)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why not a progression run today, the hard day first, then the week's count, then load."""
        return (*self.guard.reasons, *self.load.warnings)

    @property
    def progression_ok(self) -> bool:
        return not self.reasons

    def latest(self, series: FloatArray) -> float | None:
        """The value of a load series on `day` (None when the series is empty or NaN there)."""
        value = float(series[-1]) if len(series) else math.nan
        return value if math.isfinite(value) else None

    def to_dict(self) -> dict[str, object]:
        """The advice as JSON-able data (`progrun next --json`)."""
        paces, series, upcoming = self.paces, self.load, self.next_run
        return {
            "today": self.day.isoformat(),
            "progression_ok": self.progression_ok,
            "reasons": list(self.reasons),
            "hard_yesterday": self.guard.hard_yesterday,
            "vdot": self.fitness.vdot,
            "vdot_source": self.fitness.source,
            "vdot_method": self.fitness.estimate.method,
            "paces_s_per_km": None
            if paces is None
            else {
                "easy": paces.easy_fast_s_per_km,
                "marathon": paces.marathon_s_per_km,
                "threshold": paces.threshold_s_per_km,
                "race_10k": paces.race_10k_s_per_km,
            },
            "next_run": None
            if upcoming is None
            else {
                "distance_m": upcoming[0].distance_m,
                "tempo_splits": upcoming[0].tempo_splits,
                "start_pace_s_per_km": upcoming[1].start_pace_s_per_km,
                "target_pace_s_per_km": upcoming[1].target_pace_s_per_km,
            },
            "adaptation": None if self.adaptation is None else self.adaptation.to_dict(),
            "ctl": self.latest(series.ctl),
            "atl": self.latest(series.atl),
            "tsb": self.latest(series.tsb),
            "acwr": self.latest(series.acwr),
            "warnings": list(series.warnings),
        }


def advise(store: Store, day: date) -> Advice:
    """The advice for `day` from the runner's log, its next session adapted to the recent runs and load."""
    current, series = current_fitness(store, day), load(store, day)
    acwr = float(series.acwr[-1]) if len(series.acwr) else math.nan
    adaptation = adapt(
        recent_runs(store, day),
        day,
        distance_m=current.distance_m,
        acwr=acwr if math.isfinite(acwr) else None,
    )
    return Advice(day, guard(store, day), current, series, store.profile().units, adaptation)


#: Why there is no block without a fitness to build from.
NO_FITNESS = (
    "block: no fitness to build from; import runs of 3 km or more, or set a race result (e.g. 5k in 20:00) "
    "in your profile"
)


@dataclass(frozen=True)
class Block:
    """A multi-week progression block from the current fitness: each session with its plan."""

    fitness: CurrentFitness
    sessions: tuple[tuple[BlockSession, Plan], ...]

    @property
    def vdot(self) -> float:
        assert self.fitness.vdot is not None
        return self.fitness.vdot

    def workouts(self) -> list[tuple[str, bytes]]:
        """One FIT workout per session, as (file name, bytes): "2026-03-02-progression.fit"."""
        from progrun.formats.export import ExportFormat, export_plan

        return [
            (
                f"{session.day.isoformat()}-progression.fit",
                export_plan(
                    plan,
                    ExportFormat.FIT,
                    name=f"Prog W{session.week} {session.distance_m / METRES_PER_MILE:g}mi",
                ).data,
            )
            for session, plan in self.sessions
        ]

    def calendar(self, at: time = time(7, 0)) -> bytes:
        """Every session as an event of one calendar (.ics), at `at` local time on its day."""
        from progrun.formats.export import ExportFormat, export_plan
        from progrun.formats.ics import merge_calendars

        return merge_calendars(
            [
                export_plan(plan, ExportFormat.ICS, start=datetime.combine(session.day, at)).data
                for session, plan in self.sessions
            ]
        )

    def to_dict(self) -> list[dict[str, object]]:
        """The sessions as `block --json` prints them."""
        return [
            {
                "day": s.day.isoformat(),
                "week": s.week,
                "distance_m": s.distance_m,
                "tempo_splits": s.tempo_splits,
                "down_week": s.down_week,
                "start_pace_s_per_km": p.start_pace_s_per_km,
                "target_pace_s_per_km": p.target_pace_s_per_km,
            }
            for s, p in self.sessions
        ]


def plan_block(store: Store, today: date, first_day: date, weeks: int, *, per_week: int = 2) -> Block:
    """The block starting on `first_day` from the fitness on `today`; ProgrunError without a fitness."""
    current = current_fitness(store, today)
    if current.vdot is None:
        raise ProgrunError(NO_FITNESS)
    return Block(current, block_plans(current, first_day, weeks, per_week=per_week))


def _workout_name(session: BlockSession) -> str:
    """The watch's name of a block session's workout: "Prog W3 4.5mi"."""
    return f"Prog W{session.week} {session.distance_m / METRES_PER_MILE:g}mi"
