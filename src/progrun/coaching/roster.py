"""The roster: each athlete's current paces and fitness, last progression runs, trend and flags.

Flags (each a sentence about the athlete by name):

- `too_many_hard`: more than two hard sessions in the rolling week ending today. Hard is the frequency
  guard's rule (`training_guard.why_hard`: a quality kind, a long run, or 1.5 x the typical load); the
  method allows a progression run once or twice a week.
- `load_spike`: the training load climbing too fast (`training_load.spike_warnings`: EWMA acute:chronic
  ratio >= 1.5, or a week over 1.3 x the four before).
- `target_missed`: the last two judged progression runs both fell short of the target.
- `no_recent_run`: no run in the last 14 days (or none at all).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from progrun.coaching.wording import about, possessive, score_colour, short_name
from progrun.progression_trend import Trend
from progrun.storage.database import Database, Runner
from progrun.storage.store import Store
from progrun.training_guard import GUARD_HISTORY_DAYS, typical_load, why_hard
from progrun.training_log.fitness import current_fitness
from progrun.training_log.views import load, progress_view, sessions

#: More hard sessions than this in seven days is flagged (the method: once or twice a week).
MAX_HARD_PER_WEEK = 2
#: No run for this many days is flagged.
QUIET_DAYS = 14
#: How many of the latest progression runs the roster shows.
RECENT_RUNS = 5


@dataclass(frozen=True)
class RunMark:
    """One progression run as the roster shows it."""

    activity_id: int
    day: date | None
    score: float | None
    colour: str
    target_reached: bool | None
    finding: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.activity_id,
            "date": self.day.isoformat() if self.day else None,
            "score": self.score,
            "colour": self.colour,
            "target_reached": self.target_reached,
            "finding": self.finding,
        }


@dataclass(frozen=True)
class Flag:
    code: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text}


@dataclass(frozen=True)
class AthleteCard:
    runner_id: int
    name: str
    vdot: float | None
    fitness_source: str
    paces_s_per_km: dict[str, float | None]
    runs: tuple[RunMark, ...]
    trend: str
    score_change_per_week: float | None
    flags: tuple[Flag, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.runner_id,
            "name": self.name,
            "vdot": None if self.vdot is None else round(self.vdot, 1),
            "fitness_source": self.fitness_source,
            "paces_s_per_km": self.paces_s_per_km,
            "runs": [run.to_dict() for run in self.runs],
            "trend": self.trend,
            "score_change_per_week": self.score_change_per_week,
            "flags": [flag.to_dict() for flag in self.flags],
        }


def roster(database: Database, coach_user_id: int, today: date) -> list[AthleteCard]:
    """Every athlete the coach has now, by runner id."""
    athletes = database.coached_by(coach_user_id)
    return [athlete_card(database.runner(runner.id), runner, today) for runner in athletes]


def athlete_card(store: Store, runner: Runner, today: date) -> AthleteCard:
    fitness = current_fitness(store, today)
    paces = fitness.paces
    pace_dict: dict[str, float | None] = {
        "easy": None if paces is None else paces.easy_fast_s_per_km,
        "marathon": None if paces is None else paces.marathon_s_per_km,
        "threshold": None if paces is None else paces.threshold_s_per_km,
        "10k": None if paces is None else paces.race_10k_s_per_km,
        "5k": None if paces is None else paces.race_5k_s_per_km,
    }
    marks = recent_runs(store, runner.name)
    trend = progress_view(store).trend
    return AthleteCard(
        runner_id=runner.id,
        name=runner.name,
        vdot=fitness.vdot,
        fitness_source=fitness.source,
        paces_s_per_km={key: None if value is None else round(value, 1) for key, value in pace_dict.items()},
        runs=marks,
        trend=about_trend(trend, runner.name),
        score_change_per_week=_finite(trend.score_change_per_week),
        flags=flags(store, runner.name, today, marks),
    )


def recent_runs(store: Store, name: str, limit: int = RECENT_RUNS) -> tuple[RunMark, ...]:
    """The latest progression runs, newest first, with the verdict's colour and sentence about `name`."""
    latest = store.list_activities(progression_only=True, newest_first=True, limit=limit)
    verdicts = store.verdicts_for([run.id for run in latest])
    marks = []
    for run in latest:
        verdict = verdicts.get(run.id)
        reached = verdict.get("target_reached") if verdict else None
        text = str(verdict.get("verdict", "")) if verdict else ""
        marks.append(
            RunMark(
                run.id,
                run.start.date() if run.start else None,
                run.score,
                score_colour(run.score),
                reached if isinstance(reached, bool) else None,
                about(text, name),
            )
        )
    return tuple(marks)


def about_trend(trend: Trend, name: str) -> str:
    if not trend.weeks or len(trend.weeks) < 2:
        return f"not enough weeks of {possessive(name)} progression runs for a trend"
    return f"{short_name(name)}: {trend.verdict}"


def flags(store: Store, name: str, today: date, marks: tuple[RunMark, ...]) -> tuple[Flag, ...]:
    called = short_name(name)
    found: list[Flag] = []
    history = sessions(store, today - timedelta(days=GUARD_HISTORY_DAYS), today)
    week = [s for s in history if today - timedelta(days=6) <= s.day <= today]
    hard = [s for s in week if why_hard(s, typical_load(history, s.day))]
    if len(hard) > MAX_HARD_PER_WEEK:
        days = ", ".join(sorted({s.day.isoformat() for s in hard}))
        found.append(
            Flag(
                "too_many_hard",
                f"{called} ran {len(hard)} hard sessions in the last 7 days ({days}); the method allows "
                f"a progression run once or twice a week",
            )
        )
    spikes = load(store, today).warnings
    if spikes:
        detail = spikes[0].removeprefix("load spike: ").split(";")[0]
        found.append(Flag("load_spike", f"{possessive(name)} load is climbing too fast: {detail}"))
    judged = [mark for mark in marks if mark.target_reached is not None][:2]
    if len(judged) == 2 and not any(mark.target_reached for mark in judged):
        days = " and ".join(mark.day.isoformat() for mark in reversed(judged) if mark.day)
        found.append(Flag("target_missed", f"{called} missed the target twice in a row ({days})"))
    latest = store.list_activities(newest_first=True, limit=1)
    last_day = latest[0].start.date() if latest and latest[0].start else None
    if last_day is None or (today - last_day).days >= QUIET_DAYS:
        when = f"since {last_day.isoformat()}" if last_day else "in the log yet"
        found.append(Flag("no_recent_run", f"{called} has not run {when} (two weeks or more)"))
    return tuple(found)


def _finite(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None
