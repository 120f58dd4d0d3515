"""May I run a progression today? The frequency guard and what makes a day hard.

Core module: standard library only. The storage layer feeds it plain `Session` values.

The method allows a progression run once or twice a week and never the day after a hard day. A
session is **hard** when any of these holds (each is reported in words, the first that applies first):

1. *Its kind*: progression, threshold, race, interval (`HARD_KINDS`).
2. *Its length*: a run of `LONG_RUN_S` (90 minutes) or more is a long run. Daniels puts the long run
   at up to 25-30 % of the week's mileage or 150 minutes; 90 minutes is where coaches commonly start
   calling a run "long" (and glycogen use makes the next day's quality session suffer). Duration, not
   distance, so a 6:30/km runner's 14 km is as long as a 4:30/km runner's 20 km.
3. *Its load*: a training load at least `HARD_LOAD_FACTOR` (1.5) times the runner's typical session,
   the median load of their sessions in the `TYPICAL_LOAD_DAYS` (28) days before it (at least
   `MIN_TYPICAL_SESSIONS` sessions with a load; with fewer there is no "typical" and this rule is
   silent). The load is what the log stores: Banister TRIMP or rTSS (`progrun.training_load`).

The advice leads with the hard day: a hard day yesterday is the first reason given, then the count
of quality sessions in the rolling week.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from progrun.run_kind import RunKind
from progrun.units import SplitUnit, format_distance, format_duration

#: Session kinds that count as hard for the frequency guard.
HARD_KINDS = frozenset({RunKind.PROGRESSION, RunKind.THRESHOLD, RunKind.RACE, RunKind.HARD, RunKind.INTERVAL})
QUALITY_KINDS = frozenset({RunKind.PROGRESSION, RunKind.THRESHOLD})
#: A run this long (moving time) or longer is a long run, and a long run is a hard day.
LONG_RUN_S = 90 * 60.0
#: A session whose load is this many times the runner's typical session is a hard day.
HARD_LOAD_FACTOR = 1.5
#: The typical session: median load of the sessions in this many days before the one judged ...
TYPICAL_LOAD_DAYS = 28
#: ... when there are at least this many with a load.
MIN_TYPICAL_SESSIONS = 4
#: Days of sessions `frequency_guard` needs before `today`: the week, yesterday's typical-load window.
GUARD_HISTORY_DAYS = TYPICAL_LOAD_DAYS + 2


@dataclass(frozen=True)
class Session:
    """A logged session: its date and kind (a `RunKind` or its string, as the log stores it), and
    when known its training load, moving time and distance."""

    day: date
    kind: str
    load: float | None = None
    duration_s: float | None = None
    distance_m: float | None = None


@dataclass(frozen=True)
class GuardResult:
    """Whether another progression run is advisable today, and why not (the hard day first)."""

    ok: bool
    reasons: tuple[str, ...]
    quality_last_7_days: int
    hard_yesterday: bool


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def typical_load(sessions: Sequence[Session], before: date, *, days: int = TYPICAL_LOAD_DAYS) -> float | None:
    """The median load of the sessions in the `days` days before `before` (None with too few)."""
    first = before - timedelta(days=days)
    loads = [
        load
        for s in sessions
        if first <= s.day < before and (load := _finite(s.load)) is not None and load > 0
    ]
    return statistics.median(loads) if len(loads) >= MIN_TYPICAL_SESSIONS else None


def why_hard(session: Session, typical_load_value: float | None, unit: str = SplitUnit.KM) -> tuple[str, ...]:
    """What makes `session` hard (empty when it is not): its kind, its length, its load."""
    reasons: list[str] = []
    if session.kind in HARD_KINDS:
        reasons.append(f"a {session.kind} session")
    duration = _finite(session.duration_s)
    if duration is not None and duration >= LONG_RUN_S:
        distance = _finite(session.distance_m)
        what = f"{format_distance(distance, unit)} in " if distance is not None and distance > 0 else ""
        reasons.append(
            f"a long run ({what}{format_duration(duration)}; {LONG_RUN_S / 60:.0f} min or more is long)"
        )
    load = _finite(session.load)
    if load is not None and typical_load_value is not None and typical_load_value > 0:
        ratio = load / typical_load_value
        if ratio >= HARD_LOAD_FACTOR:
            reasons.append(
                f"load {load:.0f}, {ratio:.1f} x your typical session ({typical_load_value:.0f}, "
                f"the median of the {TYPICAL_LOAD_DAYS} days before)"
            )
    return tuple(reasons)


def hard_day_reasons(sessions: Sequence[Session], day: date, unit: str = SplitUnit.KM) -> tuple[str, ...]:
    """Why `day` was a hard day: every reason of every hard session on it (empty when none was)."""
    typical = typical_load(sessions, day)
    reasons: list[str] = []
    for session in sessions:
        if session.day == day:
            reasons.extend(reason for reason in why_hard(session, typical, unit) if reason not in reasons)
    return tuple(reasons)


def frequency_guard(
    sessions: Sequence[Session], today: date, *, max_per_week: int = 2, unit: str = SplitUnit.KM
) -> GuardResult:
    """The method allows at most once or twice a week, and never the day after a hard day.

    Looks for a hard session yesterday (module docstring: kind, length, load) and counts the
    progression and threshold sessions in the rolling week that ends today (today-6 .. today, so a
    fixed Tuesday/Friday rhythm is allowed on the next Tuesday). The hard day is the first reason.
    `sessions` should reach `GUARD_HISTORY_DAYS` back for the load rule to see the typical session.
    """
    window_start = today - timedelta(days=6)
    quality = [s for s in sessions if window_start <= s.day <= today and s.kind in QUALITY_KINDS]
    yesterday = today - timedelta(days=1)
    hard = hard_day_reasons(sessions, yesterday, unit)
    reasons: list[str] = []
    if hard:
        reasons.append(f"a hard session yesterday ({yesterday.isoformat()}: {'; '.join(hard)})")
    if len(quality) >= max_per_week:
        days = ", ".join(sorted({s.day.isoformat() for s in quality}))
        reasons.append(
            f"{len(quality)} progression/threshold sessions in the last 7 days ({days}); "
            f"the method allows at most {max_per_week} a week"
        )
    return GuardResult(not reasons, tuple(reasons), len(quality), bool(hard))
