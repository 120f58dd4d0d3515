"""The progression-run method's numbers: distance range, step bounds, tempo cap, bands and cooldown.

Kept apart from the planner so the rules read as a table and the docs and tests can quote them.
Paces and bands are in seconds per km unless a name says "per unit" (seconds per mile or per km,
whichever the plan's splits are).

The method (Run R2P, "Progression Run – How & Why"):

- total 3 to 6 miles (5 to 10 km);
- start at an easy (base) pace or at marathon pace;
- each split 15 to 30 s/mile faster than the one before (9 to 19 s/km for km splits);
- keep speeding up until the target, 10k or 5k race pace;
- at most 2 splits at the target (3 if asked, never more);
- then a walk/jog cooldown of about 5 minutes.
"""

from __future__ import annotations

from progrun.plan import METRES_PER_MILE, SplitUnit

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

#: The walk/jog cooldown, seconds.
DEFAULT_COOLDOWN_S = 300.0

#: Asymmetric bands, s/km, as (fast side, slow side) offsets from the target pace.
#: Build splits: a runner who drifts a little fast while building is fine (6 s/km ~ 10 s/mi), one who
#: drifts slow is missing the progression (3 s/km ~ 5 s/mi). The fast edge never passes the target pace.
BUILD_BAND_S_PER_KM = (6.0, 3.0)
#: Tempo splits: slowing off tempo is the failure the workout guards against (2 s/km ~ 3 s/mi),
#: a little quick is tolerated (4 s/km ~ 6 s/mi).
TEMPO_BAND_S_PER_KM = (4.0, 2.0)
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


def step_bounds(unit: SplitUnit) -> tuple[int, int]:
    """The method's (smallest, largest) whole-second step for splits of `unit`."""
    return STEP_BOUNDS_S_PER_UNIT[unit]


def step_midpoint(unit: SplitUnit) -> float:
    """The middle of the step bounds, the step the planner prefers when several fit equally well."""
    low, high = STEP_BOUNDS_S_PER_UNIT[unit]
    return (low + high) / 2.0
