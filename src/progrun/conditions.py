"""Heat and altitude: training paces slowed for the day's temperature, dew point and altitude, with working.

**Heat** (Mark Hadley's temperature + dew point chart, Maximum Performance Running, July 2013,
maximumperformancerunning.blogspot.com/2013/07): add the air temperature and the dew point, both in
degrees Fahrenheit, and read the slowdown of a continuous run's pace off the chart:

    sum <= 100: 0 %     101-110: 0-0.5 %    111-120: 0.5-1 %    121-130: 1-2 %     131-140: 2-3 %
    141-150: 3-4.5 %    151-160: 4.5-6 %    161-170: 6-8 %      171-180: 8-10 %    > 180: hard running
                                                                                   not recommended

The chart gives a range per band of 10 (size, fitness and acclimatisation decide where a runner falls);
progrun reads the sum's place in its band linearly (145 -> 3.75 %), so the slowdown climbs smoothly with
the sum. Over 180 it plans at the chart's top (10 %) with a warning (`strict`: refused).

**Altitude** (Wehrlin & Hallén 2006, "Linear decrease in VO2max and performance with increasing altitude
in endurance athletes", Eur J Appl Physiol 96:404-412): VO2max falls linearly, 6.3 % per 1000 m above
their lowest altitude, 300 m. Each training pace keeps its share of the (smaller) VO2max: the oxygen cost
of the sea-level pace (Daniels & Gilbert, `progrun.paces.oxygen_cost`) times `1 - loss`, turned back into
a speed (`speed_for_oxygen`). At 1800 m (VO2max 9.45 % lower) that is 7.7 to 8.4 % slower, every pace
of VDOT 30 to 70.

Heat then altitude: the altitude-adjusted pace is slowed by the heat percentage.

>>> adjustment = conditions_adjustment(Conditions(temperature_c=28.0, dew_point_c=20.0))
>>> round(adjustment.heat_sum_f, 1), round(adjustment.heat_percent, 2)
(150.4, 4.56)
>>> round(adjust_pace(240.0, adjustment), 1)
250.9
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from progrun.errors import PlanError, Suggestion, UnitError
from progrun.paces import oxygen_cost, speed_for_oxygen
from progrun.training_paces import TrainingPaces
from progrun.units import format_pace

__all__ = [
    "HEAT_BANDS",
    "Conditions",
    "ConditionsAdjustment",
    "adjust_pace",
    "adjusted_paces",
    "altitude_vo2max_loss",
    "conditions_adjustment",
    "heat_slowdown_percent",
    "parse_altitude",
    "parse_temperature",
]

#: Hadley's chart: (lowest sum of the band, highest sum, slowdown % at its low end, at its high end).
HEAT_BANDS: tuple[tuple[float, float, float, float], ...] = (
    (100.0, 110.0, 0.0, 0.5),
    (110.0, 120.0, 0.5, 1.0),
    (120.0, 130.0, 1.0, 2.0),
    (130.0, 140.0, 2.0, 3.0),
    (140.0, 150.0, 3.0, 4.5),
    (150.0, 160.0, 4.5, 6.0),
    (160.0, 170.0, 6.0, 8.0),
    (170.0, 180.0, 8.0, 10.0),
)
HEAT_NO_ADJUSTMENT_SUM_F = 100.0
HEAT_LIMIT_SUM_F = 180.0
#: Wehrlin & Hallén 2006: VO2max loss per metre of altitude above ALTITUDE_FROM_M.
VO2MAX_LOSS_PER_M = 0.063 / 1000.0
ALTITUDE_FROM_M = 300.0
#: Higher than any road a runner trains on (the study went to 2800 m; beyond 5000 m the model is no guide).
MAX_ALTITUDE_M = 5000.0
HEAT_SOURCE = "Hadley's temperature + dew point chart, 2013"
ALTITUDE_SOURCE = "Wehrlin & Hallén 2006: VO2max -6.3 % per 1000 m above 300 m"

_TEMPERATURE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*°?\s*([cf])?\s*$", re.IGNORECASE)
_ALTITUDE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(m|ft|feet)?\s*$", re.IGNORECASE)
_METRES_PER_FOOT = 0.3048


@dataclass(frozen=True)
class Conditions:
    """The day's conditions as the runner entered them (None: not given). Celsius and metres."""

    temperature_c: float | None = None
    dew_point_c: float | None = None
    altitude_m: float | None = None

    @property
    def given(self) -> bool:
        """True when any condition was entered."""
        return any(value is not None for value in (self.temperature_c, self.dew_point_c, self.altitude_m))


@dataclass(frozen=True)
class ConditionsAdjustment:
    """How much the conditions slow the paces, and why, in lines a runner can read."""

    conditions: Conditions
    heat_sum_f: float | None
    heat_percent: float
    altitude_vo2max_loss: float
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """The adjustment for a plan's options (SI units)."""
        return {
            "temperature_c": self.conditions.temperature_c,
            "dew_point_c": self.conditions.dew_point_c,
            "altitude_m": self.conditions.altitude_m,
            "heat_sum_f": self.heat_sum_f,
            "heat_percent": round(self.heat_percent, 3),
            "altitude_vo2max_loss": round(self.altitude_vo2max_loss, 5),
        }


def fahrenheit(celsius: float) -> float:
    """Degrees Fahrenheit of `celsius`."""
    return celsius * 9.0 / 5.0 + 32.0


def parse_temperature(text: str, field: str = "temperature") -> float:
    """Degrees Celsius of "28C", "28 °C", "82F" or "28" (Celsius); UnitError naming `field` otherwise."""
    found = _TEMPERATURE.match(text)
    if found is None:
        raise UnitError(text, "temperature (28C or 82F)", "28C", field=field)
    value = float(found.group(1))
    celsius = (value - 32.0) * 5.0 / 9.0 if (found.group(2) or "c").lower() == "f" else value
    if not -40.0 <= celsius <= 50.0:
        raise UnitError(
            text,
            "temperature",
            "28C",
            field=field,
            message=f"{text!r} is {celsius:.0f} °C, outside the -40 to 50 °C anyone runs in",
        )
    return celsius


def parse_altitude(text: str) -> float:
    """Metres of "1800m", "5900ft" or "1800" (metres); UnitError naming the field otherwise."""
    found = _ALTITUDE.match(text)
    if found is None:
        raise UnitError(text, "height (1800m or 5900ft)", "1800m", field="altitude")
    value = float(found.group(1))
    metres = value * _METRES_PER_FOOT if (found.group(2) or "m").lower() in {"ft", "feet"} else value
    if not -500.0 <= metres <= MAX_ALTITUDE_M:
        raise UnitError(
            text,
            "altitude",
            "1800m",
            field="altitude",
            message=f"{text!r} is {metres:.0f} m, outside -500 to {MAX_ALTITUDE_M:.0f} m",
        )
    return metres


def heat_slowdown_percent(temperature_c: float, dew_point_c: float) -> tuple[float, float]:
    """(temperature + dew point in °F, pace slowdown %) from Hadley's chart, the sum read within its band.

    >>> [round(heat_slowdown_percent(t, d)[1], 2) for t, d in ((15.0, 5.0), (23.333, 21.667), (38.0, 30.0))]
    [0.0, 3.75, 10.0]
    """
    total_f = fahrenheit(temperature_c) + fahrenheit(dew_point_c)
    if total_f <= HEAT_NO_ADJUSTMENT_SUM_F:
        return total_f, 0.0
    for low_sum, high_sum, low_percent, high_percent in HEAT_BANDS:
        if total_f <= high_sum:
            share = (total_f - low_sum) / (high_sum - low_sum)
            return total_f, low_percent + share * (high_percent - low_percent)
    return total_f, HEAT_BANDS[-1][3]


def altitude_vo2max_loss(altitude_m: float) -> float:
    """The share of VO2max lost at `altitude_m` (0 at or below 300 m).

    >>> round(altitude_vo2max_loss(1800.0), 4)
    0.0945
    """
    return max(0.0, altitude_m - ALTITUDE_FROM_M) * VO2MAX_LOSS_PER_M


def adjust_pace(pace_s_per_km: float, adjustment: ConditionsAdjustment) -> float:
    """`pace_s_per_km` in the conditions: altitude (same share of a smaller VO2max), then heat."""
    pace = pace_s_per_km
    if adjustment.altitude_vo2max_loss > 0.0:
        cost = oxygen_cost(60_000.0 / pace)
        pace = 60_000.0 / speed_for_oxygen(cost * (1.0 - adjustment.altitude_vo2max_loss))
    return pace * (1.0 + adjustment.heat_percent / 100.0)


def adjusted_paces(paces: TrainingPaces, adjustment: ConditionsAdjustment) -> TrainingPaces:
    """Every known pace of `paces` in the conditions; the source says so."""

    def slow(pace: float | None) -> float | None:
        return None if pace is None else adjust_pace(pace, adjustment)

    return replace(
        paces,
        easy_slow_s_per_km=slow(paces.easy_slow_s_per_km),
        easy_fast_s_per_km=slow(paces.easy_fast_s_per_km),
        marathon_s_per_km=slow(paces.marathon_s_per_km),
        threshold_s_per_km=slow(paces.threshold_s_per_km),
        interval_s_per_km=slow(paces.interval_s_per_km),
        repetition_s_per_km=slow(paces.repetition_s_per_km),
        race_10k_s_per_km=slow(paces.race_10k_s_per_km),
        race_5k_s_per_km=slow(paces.race_5k_s_per_km),
        source=f"{paces.source}, adjusted for the conditions".lstrip(", "),
    )


def conditions_adjustment(
    conditions: Conditions,
    *,
    strict: bool = False,
    example_pace_s_per_km: float | None = None,
    unit: str = "km",
) -> ConditionsAdjustment:
    """The slowdown for `conditions`, with reasons lines (`example_pace_s_per_km` shown before and after).

    A dew point above the temperature is impossible (PlanError on `dew_point`); a dew point without a
    temperature, or the reverse, cannot be read on the chart (PlanError naming the missing field).
    """
    reasons: list[str] = []
    warnings: list[str] = []
    heat_sum: float | None = None
    heat_percent = 0.0
    t, d = conditions.temperature_c, conditions.dew_point_c
    if (t is None) != (d is None):
        missing = "dew_point" if d is None else "temperature"
        raise PlanError(
            missing,
            "the heat adjustment reads temperature and dew point together",
            ["give both, e.g. ", Suggestion("temperature", "28C"), " ", Suggestion("dew_point", "20C")],
        )
    if t is not None and d is not None:
        if d > t + 0.05:
            raise PlanError(
                "dew_point",
                f"a dew point of {d:.0f} °C above the temperature ({t:.0f} °C) cannot happen",
                "give the dew point from the forecast: at most the temperature",
            )
        heat_sum, heat_percent = heat_slowdown_percent(t, d)
        working = (
            f"heat: {t:.0f} °C + dew point {d:.0f} °C = {fahrenheit(t):.0f} °F + {fahrenheit(d):.0f} °F "
            f"= {heat_sum:.0f}"
        )
        if heat_percent == 0.0:
            reasons.append(f"{working}: 100 or less, no slowdown ({HEAT_SOURCE})")
        else:
            reasons.append(f"{working}: every pace {heat_percent:.1f} % slower ({HEAT_SOURCE})")
        if heat_sum > HEAT_LIMIT_SUM_F:
            why = (
                f"temperature + dew point is {heat_sum:.0f}, over 180: hard running is not recommended "
                "(planned at the chart's 10 %)"
            )
            if strict:
                raise PlanError("temperature", why, "run easy by feel, or run in the cool of the morning")
            warnings.append(why)
    loss = 0.0
    if conditions.altitude_m is not None:
        loss = altitude_vo2max_loss(conditions.altitude_m)
        if loss == 0.0:
            reasons.append(f"altitude: {conditions.altitude_m:.0f} m, at or below 300 m: no slowdown")
        else:
            reasons.append(
                f"altitude: {conditions.altitude_m:.0f} m, VO2max {100 * loss:.1f} % lower "
                f"({ALTITUDE_SOURCE}); "
                "each pace keeps its share of VO2max (Daniels' oxygen cost)"
            )
    adjustment = ConditionsAdjustment(
        conditions, heat_sum, heat_percent, loss, tuple(reasons), tuple(warnings)
    )
    if example_pace_s_per_km is not None and (heat_percent > 0.0 or loss > 0.0):
        after = adjust_pace(example_pace_s_per_km, adjustment)
        line = (
            f"conditions: target {format_pace(example_pace_s_per_km, unit)} -> {format_pace(after, unit)}"
            f" (+{_per_unit(after - example_pace_s_per_km, unit):.0f} s/{unit})"
        )
        adjustment = ConditionsAdjustment(
            conditions, heat_sum, heat_percent, loss, (*reasons, line), tuple(warnings)
        )
    return adjustment


def _per_unit(seconds_per_km: float, unit: str) -> float:
    return seconds_per_km * (1.609344 if unit == "mi" else 1.0)
