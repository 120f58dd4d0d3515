"""A sample runner's twelve weeks of training, simulated: the watch recordings `progrun demo` imports.

The runner starts from a 5k in 22:30 and runs, every week, two progression runs of 5 miles and one
easy run (`demo_history`). Everything improves in the way a coach hopes to see it, and by known amounts:

- *Fitness.* Each week's plans are rebuilt from a 5k time that improves linearly (22:30 to 21:45 by
  default), so the planned paces, and with them the final split, get faster. Heart rate at a given pace
  drops `HR_DROP_BPM_PER_WEEK` a week.
- *A re-test.* The last Sunday is a 5k time trial at the improved time, instead of the easy run.
- *Pace control.* The first run of weeks 1 and 2 is the classic mistake (`too_fast`: out at tempo pace,
  then a fade). The other runs follow the plan with a pace error on each split that shrinks week by week
  (`pace_error_s_per_km`), and the second-by-second wobble (`simulate_run`'s noise) calms down too.

Runs are simulated by `progrun.simulate.simulate_run` (1 Hz, the watch "ran the workout", so laps close
at the plan's steps) and then kept at one sample in `record_every_s` seconds, like a watch's smart
recording. A seed per run makes the history the same on every call.

>>> runs = demo_history()                                       # doctest: +SKIP
>>> [run.name for run in runs[:3]]                               # doctest: +SKIP
['Prog W01 Tue', 'Prog W01 Fri', 'Easy W01 Sun']
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from progrun.activity import CHANNELS, Activity
from progrun.paces import training_paces_from_race
from progrun.plan import Plan, SplitUnit
from progrun.planner import build_plan
from progrun.run_kind import RunKind
from progrun.simulate import simulate_run
from progrun.units import METRES_PER_MILE

#: The sample runner's race result at the start, and where twelve weeks of training take it.
FIRST_RACE_TIME_S = 22 * 60 + 30.0
LAST_RACE_TIME_S = 21 * 60 + 45.0
RACE_DISTANCE_M = 5000.0
#: Every progression run is 5 miles, in mile splits, ending at 10k pace.
RUN_DISTANCE_M = 5 * METRES_PER_MILE
EASY_DISTANCE_M = 4 * METRES_PER_MILE
WEEKS = 12
#: The Monday the history starts on; runs start at 07:00 UTC.
FIRST_MONDAY = date(2025, 9, 1)
START_TIME = time(7, 0)
#: (weekday, kind): progression runs on Tuesday and Friday (twice a week, as the method allows), an
#: easy run on Sunday.
WEEK_DAYS: tuple[tuple[int, RunKind], ...] = (
    (1, RunKind.PROGRESSION),
    (4, RunKind.PROGRESSION),
    (6, RunKind.EASY),
)
#: The first progression run of these weeks (1-based) goes out too fast.
TOO_FAST_WEEKS = (1, 2)
HR_DROP_BPM_PER_WEEK = 0.6
#: The spread of a split's pace error (s/km) in the first and the last week, and where draws are clipped.
FIRST_PACE_ERROR_S_PER_KM = 7.0
LAST_PACE_ERROR_S_PER_KM = 1.5
PACE_ERROR_CLIP = 1.2
#: A smart-recording watch keeps about one sample in this many seconds.
RECORD_EVERY_S = 2

_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class DemoRun:
    """One simulated run: when, what it was meant to be, the plan it followed and what the watch recorded.

    `name` is the FIT workout name the watch ran ("Prog W03 Tue"), or the name of an easy run.
    `plan` is None for an easy run. `race_time_s` is the 5k time the week's plans were built from.
    """

    week: int
    day: date
    kind: RunKind
    name: str
    behaviour: str
    race_time_s: float
    plan: Plan | None
    activity: Activity


def race_time_s_for_week(week: int, weeks: int = WEEKS) -> float:
    """The 5k time (s) the plans of `week` (1-based) are built from: linear from first to last."""
    return FIRST_RACE_TIME_S + _share(week, weeks) * (LAST_RACE_TIME_S - FIRST_RACE_TIME_S)


def plan_for_race(race_time_s: float) -> Plan:
    """The 5-mile progression run, in miles, from a 5k in `race_time_s` (the plan `progrun demo` shows)."""
    paces = training_paces_from_race(RACE_DISTANCE_M, race_time_s)
    return build_plan(paces, RUN_DISTANCE_M, unit=SplitUnit.MILE)


def _share(week: int, weeks: int) -> float:
    """How far into the block `week` (1-based) is: 0 in the first week, 1 in the last."""
    return (week - 1) / max(weeks - 1, 1)


def pace_error_s_per_km(week: int, weeks: int = WEEKS) -> float:
    """The spread (one standard deviation, s/km) of a split's pace around its target in `week`.

    From `FIRST_PACE_ERROR_S_PER_KM` in the first week to `LAST_PACE_ERROR_S_PER_KM` in the last; each
    split's error is that spread times a normal draw clipped to +-`PACE_ERROR_CLIP`.
    """
    share = _share(week, weeks)
    return FIRST_PACE_ERROR_S_PER_KM + share * (LAST_PACE_ERROR_S_PER_KM - FIRST_PACE_ERROR_S_PER_KM)


def wobble(week: int, weeks: int = WEEKS) -> float:
    """`simulate_run`'s noise in `week`: the second-by-second wobble calms from 1.8 to 0.8."""
    return 1.8 - 1.0 * _share(week, weeks)


def smart_recording(activity: Activity, every_s: int) -> Activity:
    """The activity with one sample in `every_s` kept (and the last), like a watch's smart recording."""
    if every_s <= 1:
        return activity
    keep = np.zeros(activity.records, dtype=bool)
    keep[::every_s] = True
    keep[-1] = True
    return replace(activity, **{name: getattr(activity, name)[keep] for name in CHANNELS})


def _at(day: date) -> datetime:
    return datetime.combine(day, START_TIME, tzinfo=UTC)


def _progression(plan: Plan, day: date, week: int, weeks: int) -> tuple[str, Activity]:
    seed = _seed(day)
    if week in TOO_FAST_WEEKS and day.weekday() == WEEK_DAYS[0][0]:
        return "too_fast", simulate_run(plan, behaviour="too_fast", seed=seed, noise=wobble(week, weeks))
    rng = np.random.default_rng(seed)
    spread = pace_error_s_per_km(week, weeks)
    overrides = {
        index: step.pace_s_per_km + spread * float(np.clip(rng.normal(), -PACE_ERROR_CLIP, PACE_ERROR_CLIP))
        for index, step in enumerate(plan.running_steps)
    }
    return "follow", simulate_run(plan, seed=seed, noise=wobble(week, weeks), pace_overrides=overrides)


def _seed(day: date) -> int:
    return day.toordinal()


def easy_pace_s_per_km(race_time_s: float) -> float:
    """The middle of the easy range for a 5k in `race_time_s`."""
    paces = training_paces_from_race(RACE_DISTANCE_M, race_time_s)
    fast, slow = paces.easy_fast_s_per_km, paces.easy_slow_s_per_km
    assert fast is not None and slow is not None  # a race result always gives the easy range
    return (fast + slow) / 2.0


def _easy(plan: Plan, easy_s_per_km: float, seed: int) -> Activity:
    """An easy run at one pace, auto-lapped every mile (no workout on the watch)."""
    steady = {index: easy_s_per_km for index in range(len(plan.running_steps))}
    return simulate_run(
        plan,
        seed=seed,
        pace_overrides=steady,
        ran_workout=False,
        cooldown=False,
        distance_factor=EASY_DISTANCE_M / plan.total_distance_m,
    )


def _time_trial(plan: Plan, race_time_s: float, seed: int) -> Activity:
    """A 5k run at even race pace, all out (no workout on the watch, auto-lapped every mile)."""
    even = {index: race_time_s / RACE_DISTANCE_M * 1000.0 for index in range(len(plan.running_steps))}
    return simulate_run(
        plan,
        seed=seed,
        noise=0.5,
        pace_overrides=even,
        ran_workout=False,
        cooldown=False,
        distance_factor=RACE_DISTANCE_M / plan.total_distance_m,
    )


def demo_history(
    *,
    weeks: int = WEEKS,
    first_monday: date = FIRST_MONDAY,
    record_every_s: int = RECORD_EVERY_S,
    time_trial: bool = True,
) -> tuple[DemoRun, ...]:
    """The sample runner's `weeks` of training, oldest first (see the module docstring).

    With `time_trial` the last Sunday is a 5k time trial run at the last week's 5k time, evenly paced.
    """
    runs: list[DemoRun] = []
    for week in range(1, weeks + 1):
        race_time_s = race_time_s_for_week(week, weeks)
        plan = plan_for_race(race_time_s)
        for weekday, planned_kind in WEEK_DAYS:
            day = first_monday + timedelta(weeks=week - 1, days=weekday)
            label = f"W{week:02d} {_WEEKDAY_NAMES[weekday]}"
            followed: Plan | None = None
            kind: RunKind
            if planned_kind is RunKind.PROGRESSION:
                kind, name, followed = planned_kind, f"Prog {label}", plan
                behaviour, activity = _progression(plan, day, week, weeks)
                activity = replace(activity, workout_name=name)
            elif week == weeks and time_trial:
                kind, name, behaviour = RunKind.TIME_TRIAL, f"5k time trial {label}", "time_trial"
                activity = _time_trial(plan, race_time_s, _seed(day))
            else:
                kind, name, behaviour = planned_kind, f"Easy {label}", "easy"
                activity = _easy(plan, easy_pace_s_per_km(race_time_s), _seed(day))
            fitter = activity.heart_rate_bpm - HR_DROP_BPM_PER_WEEK * (week - 1)
            activity = replace(activity, start=_at(day), heart_rate_bpm=fitter, source=f"demo:{name}")
            recorded = smart_recording(activity, record_every_s)
            runs.append(DemoRun(week, day, kind, name, behaviour, race_time_s, followed, recorded))
    return tuple(runs)
