"""The pace engine: Daniels–Gilbert VDOT, race-equivalent times and training paces.

From a race result (1500 m to the marathon) this module computes the runner's VDOT with the
Daniels & Gilbert (1979, *Oxygen Power*) equations, the times that VDOT predicts at the standard
race distances, and the training paces of *Daniels' Running Formula* (easy range, marathon,
threshold, interval, repetition, plus 10k and 5k race pace). A runner may instead enter the paces
they know; `training_paces_from_entered` fits a VDOT to them, fills in the rest and warns about a
pace that contradicts the others. `explain` gives the working as data.

The equations (speed v in metres per minute, race duration t in minutes)::

    VO2(v)  = -4.60 + 0.182258 v + 0.000104 v^2                 oxygen cost, ml/kg/min
    F(t)    = 0.8 + 0.1894393 e^(-0.012778 t) + 0.2989558 e^(-0.1932605 t)
                                                                 fraction of VO2max held for t minutes
    VDOT    = VO2(d / t) / F(t)

Training paces are speeds at a fixed fraction of VDOT, v(f × VDOT), with the fractions fitted to the
published tables (see `FRACTIONS`); marathon pace is the marathon race-equivalent pace and
repetition pace is interval pace less 6 s per 400 m (8 s for slower runners).
All results are in seconds and seconds per km.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from progrun.errors import PaceError
from progrun.training_paces import (
    PACE_NAMES,
    TABLE_MAX_VDOT,
    TABLE_MIN_VDOT,
    TrainingPaces,
    marathon_slowdown_s_per_km,
)
from progrun.units import HALF_MARATHON_M, MARATHON_M, METRES_PER_MILE, format_duration, format_pace

MIN_RACE_M = 1500.0
MAX_RACE_M = MARATHON_M
#: VDOT 12 is a 5k in 1:02:36 (12:31/km), the slowest a running plan makes sense for; the
#: published tables start at VDOT 30 (a 30:40 5k) and paces below it carry a warning.
MIN_VDOT = 12.0
MAX_VDOT = 90.0
#: Rounding slack on the VDOT range, so a time computed for VDOT 12 or 90 is accepted back.
_VDOT_SLACK = 1e-6

#: The race distances of the equivalents table, in metres, shortest first.
RACE_DISTANCES_M: dict[str, float] = {
    "1500m": 1500.0,
    "mile": METRES_PER_MILE,
    "3k": 3000.0,
    "5k": 5000.0,
    "10k": 10000.0,
    "15k": 15000.0,
    "half": HALF_MARATHON_M,
    "marathon": MARATHON_M,
}

#: Fraction of VDOT (VO2max) at which each fixed-fraction training pace is run. Least-squares fits to the
#: 3rd-edition pace table (VDOT 30-85) by the tlgs/vdot notebook "2-analysis" (sports-science.md §1.3).
FRACTIONS: dict[str, float] = {
    "easy_slow": 0.6304,
    "easy_fast": 0.7346,
    "threshold": 0.8799,
    "interval": 0.9743,
}

#: Daniels' "6-second rule" for repetition pace: interval pace less 6 s per 400 m, 7-8 s for slower runners.
#: In the 3rd-edition table (I 400 m minus R 400 m) the gain is 8 s up to VDOT 47, 7 s at 48-49 and 6 s from
#: VDOT 50; progrun interpolates linearly between VDOT 47 and 50 so the pace never jumps.
REPETITION_GAIN_S_PER_400M_SLOW = 8.0
REPETITION_GAIN_S_PER_400M_FAST = 6.0
REPETITION_SLOW_UNTIL_VDOT = 47.0
REPETITION_FAST_FROM_VDOT = 50.0

#: How far apart (in VDOT points) entered race paces may imply fitness before a warning.
CONSISTENT_VDOT_SPREAD = 3.0

FORMULAS: tuple[str, ...] = (
    "v = distance / time  (metres per minute)",
    "VO2(v) = -4.60 + 0.182258 v + 0.000104 v^2  (oxygen cost of running at v, ml/kg/min)",
    "F(t) = 0.8 + 0.1894393 exp(-0.012778 t) + 0.2989558 exp(-0.1932605 t)  (VO2max share held)",
    "VDOT = VO2(v) / F(t)",
    "pace at fraction f: v(f × VDOT), the positive root of VO2(v) = f × VDOT",
    "marathon pace = marathon race-equivalent pace + 6.7 s/km × (hours beyond 3:20)^1.25",
    "repetition pace = interval pace − 6 s per 400 m from VDOT 50, − 8 s up to VDOT 47",
    "race-equivalent time at distance d: the t with VDOT(d, t) = VDOT (bisection)",
)

SOURCES: tuple[str, ...] = (
    "Daniels & Gilbert, Oxygen Power: Performance Tables for Distance Runners (1979)",
    "Daniels, Daniels' Running Formula, 3rd ed. (Human Kinetics, 2014): intensities and pace tables",
    "fractions fitted to the pace tables by tlgs/vdot, notebooks/2-analysis.ipynb",
)


# --- the equations ---------------------------------------------------------------------------------


def oxygen_cost(speed_m_per_min: float) -> float:
    """VO2 in ml/kg/min needed to run at `speed_m_per_min` (Daniels & Gilbert)."""
    v = speed_m_per_min
    return -4.60 + 0.182258 * v + 0.000104 * v * v


def speed_for_oxygen(vo2: float) -> float:
    """Speed in m/min whose oxygen cost is `vo2` ml/kg/min (inverse of `oxygen_cost`)."""
    a, b, c = 0.000104, 0.182258, -4.60 - vo2
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


def fraction_sustained(minutes: float) -> float:
    """Fraction of VO2max a runner can hold for a race of `minutes` (the "drop-dead" curve)."""
    return 0.8 + 0.1894393 * math.exp(-0.012778 * minutes) + 0.2989558 * math.exp(-0.1932605 * minutes)


def _vdot(distance_m: float, time_s: float) -> float:
    minutes = time_s / 60.0
    return oxygen_cost(distance_m / minutes) / fraction_sustained(minutes)


def _pace_at_fraction(vdot: float, fraction: float) -> float:
    """s/km at the speed whose oxygen cost is `fraction` × VDOT."""
    return 60_000.0 / speed_for_oxygen(fraction * vdot)


# --- validation --------------------------------------------------------------------------------------


def _check_distance(distance_m: float, field: str) -> None:
    if not math.isfinite(distance_m) or not MIN_RACE_M - 0.5 <= distance_m <= MAX_RACE_M + 0.5:
        raise PaceError(
            field,
            f"a race of {distance_m:g} m is outside what the VDOT model covers; "
            "use a race from 1500 m to the marathon (42195 m)",
        )


def _check_vdot(vdot: float, field: str, what: str) -> None:
    if not math.isfinite(vdot) or not MIN_VDOT - _VDOT_SLACK <= vdot <= MAX_VDOT + _VDOT_SLACK:
        raise PaceError(
            field,
            f"{what} gives a VDOT of {vdot:.1f}, outside the model's range of {MIN_VDOT:g} to {MAX_VDOT:g}; "
            "check the time and distance",
        )


# --- public API ----------------------------------------------------------------------------------------


def vdot_from_race(distance_m: float, time_s: float) -> float:
    """The Daniels–Gilbert VDOT of a race: `vdot_from_race(5000, 1200)` -> 49.81.

    Raises PaceError for a distance outside 1500 m..marathon or a result outside VDOT 12..90.
    """
    _check_distance(distance_m, "race")
    if not math.isfinite(time_s) or time_s <= 0:
        raise PaceError("race", f"a race time must be a positive number of seconds, not {time_s!r}")
    vdot = _vdot(distance_m, time_s)
    if not MIN_VDOT - _VDOT_SLACK <= vdot <= MAX_VDOT + _VDOT_SLACK:
        fastest_s, slowest_s = (
            race_time_for_vdot(MAX_VDOT, distance_m),
            race_time_for_vdot(MIN_VDOT, distance_m),
        )
        race = f"{distance_m:g} m in {format_duration(time_s)}"
        allowed = f"from {format_duration(fastest_s)} to {format_duration(slowest_s)}"
        raise PaceError(
            "race",
            f"{race} gives a VDOT of {vdot:.1f}, outside the model's range of {MIN_VDOT:g} to {MAX_VDOT:g}; "
            f"for {distance_m:g} m give a time {allowed}",
        )
    return vdot


def _bisect(function: Callable[[float], float], low: float, high: float) -> float:
    """The root of a function that is positive at `low` and negative at `high`."""
    for _ in range(100):
        middle = (low + high) / 2
        if function(middle) > 0:
            low = middle
        else:
            high = middle
        if high - low < 1e-9:
            break
    return (low + high) / 2


def race_time_for_vdot(vdot: float, distance_m: float) -> float:
    """Seconds to race `distance_m` at `vdot`: the time t with VDOT(distance, t) = vdot (bisection).

    >>> format_duration(race_time_for_vdot(50.0, 10000))  # the book's table: 41:21
    '41:20'
    """
    _check_vdot(vdot, "vdot", "the request")
    _check_distance(distance_m, "distance")
    # Bracket between 700 m/min (faster than any world record) and 40 m/min (a walk): VDOT falls with time.
    low_min, high_min = distance_m / 700.0, distance_m / 40.0
    minutes = _bisect(lambda t: _vdot(distance_m, t * 60.0) - vdot, low_min, high_min)
    return minutes * 60.0


def race_equivalents(vdot: float) -> dict[str, float]:
    """Race-equivalent times in seconds at each of `RACE_DISTANCES_M` (1500m, mile, 3k, ..., marathon)."""
    return {name: race_time_for_vdot(vdot, distance_m) for name, distance_m in RACE_DISTANCES_M.items()}


def repetition_gain_s_per_400m(vdot: float) -> float:
    """How much faster than interval pace repetition pace is, in seconds per 400 m (8 s, down to 6 s)."""
    low, high = REPETITION_SLOW_UNTIL_VDOT, REPETITION_FAST_FROM_VDOT
    share = min(max((vdot - low) / (high - low), 0.0), 1.0)
    slow, fast = REPETITION_GAIN_S_PER_400M_SLOW, REPETITION_GAIN_S_PER_400M_FAST
    return slow + share * (fast - slow)


def repetition_gain_s_per_km(vdot: float) -> float:
    """How much faster than interval pace repetition pace is, in s/km."""
    return repetition_gain_s_per_400m(vdot) * 1000.0 / 400.0


def _marathon_pace(vdot: float) -> float:
    """M pace, s/km: the marathon race-equivalent pace plus the long-race slowdown."""
    marathon = race_time_for_vdot(vdot, MARATHON_M)
    return marathon / (MARATHON_M / 1000.0) + marathon_slowdown_s_per_km(marathon)


def _paces_for_vdot(vdot: float) -> dict[str, float]:
    """Every training pace (s/km) at `vdot`, keyed like TrainingPaces without the `_s_per_km` suffix."""
    interval = _pace_at_fraction(vdot, FRACTIONS["interval"])
    return {
        "easy_slow": _pace_at_fraction(vdot, FRACTIONS["easy_slow"]),
        "easy_fast": _pace_at_fraction(vdot, FRACTIONS["easy_fast"]),
        "marathon": _marathon_pace(vdot),
        "threshold": _pace_at_fraction(vdot, FRACTIONS["threshold"]),
        "interval": interval,
        "repetition": interval - repetition_gain_s_per_km(vdot),
        "race_10k": race_time_for_vdot(vdot, 10000.0) / 10.0,
        "race_5k": race_time_for_vdot(vdot, 5000.0) / 5.0,
    }


def _training_paces(
    values: dict[str, float | None], vdot: float | None, source: str, warnings: list[str]
) -> TrainingPaces:
    return TrainingPaces(
        easy_slow_s_per_km=values["easy_slow"],
        easy_fast_s_per_km=values["easy_fast"],
        marathon_s_per_km=values["marathon"],
        threshold_s_per_km=values["threshold"],
        interval_s_per_km=values["interval"],
        repetition_s_per_km=values["repetition"],
        race_10k_s_per_km=values["race_10k"],
        race_5k_s_per_km=values["race_5k"],
        vdot=vdot,
        source=source,
        warnings=tuple(warnings),
    )


def table_warnings(vdot: float) -> list[str]:
    """A warning when `vdot` is outside the published tables (30 to 85) and the paces are extrapolated."""
    if vdot < TABLE_MIN_VDOT:
        return [
            f"VDOT {vdot:.1f} is below the published tables (VDOT {TABLE_MIN_VDOT:g} to {TABLE_MAX_VDOT:g}): "
            "the paces are extrapolated from the formulas; run by feel and treat them as a guide"
        ]
    if vdot > TABLE_MAX_VDOT:
        return [
            f"VDOT {vdot:.1f} is above the published tables (VDOT {TABLE_MIN_VDOT:g} to {TABLE_MAX_VDOT:g}): "
            "the paces are extrapolated from the formulas"
        ]
    return []


def training_paces_for_vdot(vdot: float, source: str = "") -> TrainingPaces:
    """Daniels' training paces (s/km) for a VDOT between 12 and 90 (warned outside the tables' 30-85)."""
    _check_vdot(vdot, "vdot", "the request")
    values: dict[str, float | None] = dict(_paces_for_vdot(vdot))
    return _training_paces(values, vdot, source or f"VDOT {vdot:.1f}", table_warnings(vdot))


def training_paces_from_race(distance_m: float, time_s: float) -> TrainingPaces:
    """Daniels' training paces (s/km) from a race result, e.g. 5000 m in 1200 s (VDOT 49.8)."""
    vdot = vdot_from_race(distance_m, time_s)
    return training_paces_for_vdot(vdot, f"race: {distance_m:g} m in {format_duration(time_s)}")


# --- paces a runner enters -----------------------------------------------------------------------------

#: Entered race paces and the race distance each one stands for.
_ENTERED_RACE_M: dict[str, float] = {"marathon": MARATHON_M, "race_10k": 10000.0, "race_5k": 5000.0}

_LABELS: dict[str, str] = {
    "easy_slow": "easy (slow end)",
    "easy_fast": "easy (fast end)",
    "easy": "easy pace",
    "marathon": "marathon pace",
    "threshold": "threshold pace",
    "interval": "interval pace",
    "repetition": "repetition pace",
    "race_10k": "10k pace",
    "race_5k": "5k pace",
}

#: Each pace -> the paces that are always slower than it, for any runner. Threshold and 10k pace are not
#: ordered: a 10k lasting more than about an hour (VDOT under ~28) is run slower than threshold pace.
_SLOWER_THAN: dict[str, tuple[str, ...]] = {
    "marathon": ("easy",),
    "threshold": ("easy", "marathon"),
    "race_10k": ("easy", "marathon"),
    "race_5k": ("easy", "marathon", "threshold", "race_10k"),
}

#: How much slower than the slow end of the derived easy range an entered easy pace may be before a warning.
EASY_SLOW_MARGIN_S_PER_KM = 45.0


def _show(pace_s_per_km: float) -> str:
    return f"{format_pace(pace_s_per_km, 'km')} ({format_pace(pace_s_per_km, 'mi')})"


def _implied_vdot(name: str, pace_s_per_km: float) -> float:
    """The VDOT a race pace (or a threshold pace) implies; PaceError naming the pace if out of range."""
    label = _LABELS[name]
    if name == "threshold":
        vdot = oxygen_cost(60_000.0 / pace_s_per_km) / FRACTIONS["threshold"]
    elif name == "marathon" and _marathon_pace(MAX_VDOT) <= pace_s_per_km <= _marathon_pace(MIN_VDOT):
        # M pace includes the long-race slowdown, so it is inverted as the training pace it is
        vdot = _bisect(lambda v: _marathon_pace(v) - pace_s_per_km, MIN_VDOT, MAX_VDOT)
    else:
        distance_m = _ENTERED_RACE_M[name]
        vdot = _vdot(distance_m, pace_s_per_km * distance_m / 1000.0)
    _check_vdot(vdot, label, f"{label} {_show(pace_s_per_km)}")
    return vdot


def _order_warnings(entered: dict[str, float]) -> list[str]:
    warnings = []
    for faster, slower_names in _SLOWER_THAN.items():
        if faster not in entered:
            continue
        clashes = [name for name in slower_names if name in entered and entered[faster] >= entered[name]]
        if clashes:
            others = " or ".join(f"{_LABELS[name]} {_show(entered[name])}" for name in clashes)
            warnings.append(
                f"{_LABELS[faster]} {_show(entered[faster])} is not faster than {others}; "
                "one of them is probably mistyped"
            )
    return warnings


def _spread_warnings(implied: dict[str, float]) -> list[str]:
    if len(implied) < 2 or max(implied.values()) - min(implied.values()) <= CONSISTENT_VDOT_SPREAD:
        return []
    middle = statistics.median(implied.values())
    outlier = max(implied, key=lambda name: abs(implied[name] - middle))
    others = ", ".join(f"{_LABELS[name]} {implied[name]:.1f}" for name in implied if name != outlier)
    direction = "fitter" if implied[outlier] > middle else "less fit"
    return [
        f"{_LABELS[outlier]} implies VDOT {implied[outlier]:.1f}, {direction} than the other paces "
        f"({others}); paces more than {CONSISTENT_VDOT_SPREAD:g} VDOT apart do not describe one runner"
    ]


def _easy_warnings(easy_s_per_km: float, derived: dict[str, float]) -> list[str]:
    if easy_s_per_km < derived["easy_fast"]:
        return [
            f"easy pace {_show(easy_s_per_km)} is faster than the easy range your other paces give "
            f"({_show(derived['easy_fast'])} to {_show(derived['easy_slow'])}); easy running should feel easy"
        ]
    if easy_s_per_km > derived["easy_slow"] + EASY_SLOW_MARGIN_S_PER_KM:
        return [
            f"easy pace {_show(easy_s_per_km)} is much slower than the easy range your other paces give "
            f"({_show(derived['easy_fast'])} to {_show(derived['easy_slow'])}); check it"
        ]
    return []


def training_paces_from_entered(
    *,
    marathon_s_per_km: float | None = None,
    race_10k_s_per_km: float | None = None,
    race_5k_s_per_km: float | None = None,
    easy_s_per_km: float | None = None,
    threshold_s_per_km: float | None = None,
) -> TrainingPaces:
    """Training paces from the paces a runner knows, with the rest derived where possible.

    A VDOT is fitted to the race paces (marathon, 10k, 5k) and threshold pace given (their mean);
    every pace not given is derived from it. Paces given are kept as given; an easy pace sets both
    ends of the easy range. A pace that contradicts the others (out of order, or implying a VDOT more
    than `CONSISTENT_VDOT_SPREAD` from another) gets a warning in `.warnings`. With only an easy pace,
    nothing else can be derived and `vdot` is None.
    """
    given = {
        "marathon": marathon_s_per_km,
        "race_10k": race_10k_s_per_km,
        "race_5k": race_5k_s_per_km,
        "easy": easy_s_per_km,
        "threshold": threshold_s_per_km,
    }
    entered = {name: pace for name, pace in given.items() if pace is not None}
    if not entered:
        raise PaceError(
            "paces", "no pace given; give a race result or at least one of marathon, 10k, 5k pace"
        )
    for name, pace in entered.items():
        if not math.isfinite(pace) or not 90.0 <= pace <= 1200.0:
            raise PaceError(
                _LABELS[name], f"{pace!r} s/km is not a running pace; give one between 1:30 and 20:00 /km"
            )

    warnings = _order_warnings(entered)
    implied = {name: _implied_vdot(name, pace) for name, pace in entered.items() if name != "easy"}
    names = ", ".join(_LABELS[name] for name in entered)
    if not implied:
        values: dict[str, float | None] = dict.fromkeys(PACE_NAMES)
        values["easy_slow"] = values["easy_fast"] = easy_s_per_km
        warnings.append("only an easy pace was given; add a marathon, 10k or 5k pace to derive the others")
        return _training_paces(values, None, f"entered: {names}", warnings)

    warnings += _spread_warnings(implied)
    vdot = statistics.fmean(implied.values())
    _check_vdot(vdot, "paces", "the paces given")
    warnings += table_warnings(vdot)
    derived = _paces_for_vdot(vdot)
    values = dict(derived)
    for name in ("marathon", "race_10k", "race_5k", "threshold"):
        if entered.get(name) is not None:
            values[name] = entered[name]
    if easy_s_per_km is not None:
        warnings += _easy_warnings(easy_s_per_km, derived)
        values["easy_slow"] = values["easy_fast"] = easy_s_per_km
    return _training_paces(values, vdot, f"entered: {names}", warnings)


# --- the working ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaceWorking:
    """How one training pace was found: its value, the share of VO2max it costs and the rule used."""

    name: str
    label: str
    pace_s_per_km: float
    oxygen_cost_ml_kg_min: float
    percent_vo2max: float | None
    rule: str


@dataclass(frozen=True)
class PaceExplanation:
    """The working behind a set of training paces, for `progrun paces --explain`."""

    vdot: float | None
    race_distance_m: float | None
    race_time_s: float | None
    race_speed_m_per_min: float | None
    race_oxygen_cost_ml_kg_min: float | None
    race_fraction_vo2max: float | None
    paces: tuple[PaceWorking, ...]
    formulas: tuple[str, ...] = FORMULAS
    sources: tuple[str, ...] = SOURCES


def _rule(name: str, vdot: float | None, entered: bool) -> str:
    if entered:
        return "entered"
    if name in FRACTIONS:
        return f"v({FRACTIONS[name]:.4f} × VDOT)"
    if name == "marathon":
        return "marathon race-equivalent pace + long-race slowdown"
    if name == "race_10k":
        return "10k race-equivalent time / 10 km"
    if name == "race_5k":
        return "5k race-equivalent time / 5 km"
    assert vdot is not None
    return f"interval pace − {repetition_gain_s_per_400m(vdot):.1f} s per 400 m"


def explain(paces: TrainingPaces, race: tuple[float, float] | None = None) -> PaceExplanation:
    """The working behind `paces`: the VDOT, the share of VO2max each pace costs, the rule that set it.

    `race` is the (distance_m, time_s) the paces came from, if any; its speed, oxygen cost and
    sustainable fraction F(t) are included.
    """
    vdot = paces.vdot
    entered_names = set()
    if paces.source.startswith("entered:"):
        entered_names = {name for name, label in _LABELS.items() if label in paces.source}
        if "easy" in entered_names:
            entered_names |= {"easy_slow", "easy_fast"}
    rows = []
    for name in PACE_NAMES:
        pace = getattr(paces, f"{name}_s_per_km")
        if pace is None:
            continue
        cost = oxygen_cost(60_000.0 / pace)
        rows.append(
            PaceWorking(
                name=name,
                label=_LABELS[name],
                pace_s_per_km=pace,
                oxygen_cost_ml_kg_min=cost,
                percent_vo2max=None if vdot is None else 100.0 * cost / vdot,
                rule=_rule(name, vdot, name in entered_names),
            )
        )
    speed = cost_race = fraction = None
    if race is not None:
        distance_m, time_s = race
        speed = distance_m / (time_s / 60.0)
        cost_race = oxygen_cost(speed)
        fraction = fraction_sustained(time_s / 60.0)
    return PaceExplanation(
        vdot=vdot,
        race_distance_m=None if race is None else race[0],
        race_time_s=None if race is None else race[1],
        race_speed_m_per_min=speed,
        race_oxygen_cost_ml_kg_min=cost_race,
        race_fraction_vo2max=fraction,
        paces=tuple(rows),
    )
