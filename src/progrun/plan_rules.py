"""The progression-run method's numbers: distance range, step bounds, tempo cap, bands and cooldown.

Kept apart from the planner so the rules read as a table and the docs and tests can quote them.
Paces and bands are in seconds per km unless a name says "per unit" (seconds per mile or per km,
whichever the plan's splits are).

The method (Run R2P, "Progression Run – How & Why"):

- total 3 to 6 miles (5 to 10 km);
- start at an easy (base) pace or at marathon pace;
- each split 15 to 30 s/mile faster than the one before (9 to 19 s/km for km splits);
- keep speeding up until the target, 10k or 5k race pace;
- at most 2 splits at the target (3 if asked, never more), and no more than 3 miles at or faster than
  threshold pace in all (the article's "no more than 2-3 miles at that tempo or threshold pace");
- then a walk/jog cooldown of about 5 minutes.

The same method by time (`build_duration_plan`): 20 to 60 minutes of running in equal timed splits.
"""

from __future__ import annotations

from progrun.plan import SplitUnit
from progrun.units import METRES_PER_MILE

#: The method's total distance, metres: 3 miles to 10 km (the article's 3-6 miles, 5-10 km for km splits).
METHOD_MIN_DISTANCE_M = 3 * METRES_PER_MILE
METHOD_MAX_DISTANCE_M = 10_000.0

#: Whole-second step bounds per split unit: how much faster each split is than the one before.
STEP_BOUNDS_S_PER_UNIT: dict[SplitUnit, tuple[int, int]] = {
    SplitUnit.MILE: (15, 30),
    SplitUnit.KM: (9, 19),
}

#: Splits at the target pace: the default cap and the method's hard ceiling.
DEFAULT_TEMPO_SPLITS = 2
MAX_TEMPO_SPLITS = 3
#: At most this far at or faster than threshold pace, counting every split (build or tempo) whose pace is
#: at or faster than T, by its distance: the article's "no more than 2-3 miles". A split within
#: `THRESHOLD_SLACK_S_PER_KM` of T counts as at T.
MAX_THRESHOLD_M = 3 * METRES_PER_MILE
THRESHOLD_SLACK_S_PER_KM = 0.5

#: No progression run is longer than a marathon (the longest race the pace model covers; progression
#: long runs in marathon training stay under it). Longer requests are refused at once, before planning.
MAX_PLAN_DISTANCE_M = 42_195.0
#: Running time past which a distance plan is too long for a progression run (the method's 3-6 miles are
#: 25-60 minutes for most runners); the plan is made, with a warning proposing a plan by time.
LONG_RUN_WARNING_S = 70 * 60.0

#: Plans by time: the method's 20-60 minutes (planned outside it with a warning), refused past 3 hours or
#: under 2 splits; splits of `MIN_TIMED_SPLIT_S` to `MAX_TIMED_SPLIT_S`, as near `PREFERRED_TIMED_SPLIT_S`
#: as the layout allows (a coach's "each 5-10 minutes a little faster").
METHOD_MIN_DURATION_S = 20 * 60.0
METHOD_MAX_DURATION_S = 60 * 60.0
MAX_PLAN_DURATION_S = 3 * 3600.0
MIN_TIMED_SPLIT_S = 4 * 60.0
MAX_TIMED_SPLIT_S = 15 * 60.0
PREFERRED_TIMED_SPLIT_S = 8 * 60.0
#: The duration proposed when a distance plan is too long.
SUGGESTED_DURATION_S = 40 * 60.0

#: The walk/jog cooldown, seconds.
DEFAULT_COOLDOWN_S = 300.0

#: Bands scale with the runner's speed: (fast side, slow side) in percent of the target speed, so a
#: 12:00/km runner gets as much room, relative to their speed, as a 4:00/km one.
#: Build splits lean slow: the method says "start conservatively", so a build split a little slow
#: (2.0 %, 6 s/km at 5:00/km) is fine and one too eager is not (1.2 %, 3.6 s/km). The fast edge never
#: passes the target pace.
BUILD_BAND_PERCENT = (1.2, 2.0)
#: Tempo splits: falling off tempo is the failure to guard against (1.0 %, 2.5 s/km at 4:10/km);
#: a little quick is tolerated (1.5 %, 3.7 s/km).
TEMPO_BAND_PERCENT = (1.5, 1.0)
#: The FIT workout's speed alert: the band widened by this much of the speed on each side, so the watch
#: beeps at a real drift and not at GPS pace noise (a few percent on instant pace between samples).
WATCH_ALERT_MARGIN_PERCENT = 4.0
#: Warm-up: anywhere from the fast end of the easy range to this much slower than its slow end.
WARMUP_SLOW_MARGIN_S_PER_KM = 30.0
#: Cooldown: a jog this much slower than the slowest easy pace, down to a walk.
COOLDOWN_OFFSET_S_PER_KM = 60.0
COOLDOWN_WALK_S_PER_KM = 720.0

#: A remainder shorter than this fraction of a split is folded into the last split (5 mi in km splits
#: is 8 km + 47 m: one 1.047 km split, not a 47 m one); a longer remainder is its own, partial, split.
MIN_PARTIAL_FRACTION = 0.25
#: Distances within this many metres of a whole number of splits count as whole (float noise).
DISTANCE_TOLERANCE_M = 0.5


def band_edges(pace_s_per_km: float, percent: tuple[float, float]) -> tuple[float, float]:
    """(fast edge, slow edge), s/km: the paces at the speed plus and minus (fast, slow) percent."""
    fast, slow = percent
    return pace_s_per_km / (1.0 + fast / 100.0), pace_s_per_km / (1.0 - slow / 100.0)


def watch_alert_range(low_s_per_km: float, high_s_per_km: float) -> tuple[float, float]:
    """The watch's alert range (fast, slow), s/km: the band widened by WATCH_ALERT_MARGIN_PERCENT of speed."""
    margin = WATCH_ALERT_MARGIN_PERCENT / 100.0
    return low_s_per_km / (1.0 + margin), high_s_per_km / (1.0 - margin)


def step_bounds(unit: SplitUnit) -> tuple[int, int]:
    """The method's (smallest, largest) whole-second step for splits of `unit`."""
    return STEP_BOUNDS_S_PER_UNIT[unit]


def step_midpoint(unit: SplitUnit) -> float:
    """The middle of the step bounds, the step the planner prefers when several fit equally well."""
    low, high = STEP_BOUNDS_S_PER_UNIT[unit]
    return (low + high) / 2.0
