"""Distances, durations and paces: parse what runners write, format what they read.

Inside progrun everything is SI: metres, seconds, and paces in seconds per kilometre. This module
is the one place that turns runners' text (`7:30/mi`, `1:45:00`, `half`) into those numbers and back.
A mile is 1609.344 m exactly.

>>> round(parse_pace("7:30/mi"), 2)  # s/km
279.62
>>> format_pace(279.62, "mi")
'7:30/mi'
>>> parse_distance("half"), parse_duration("1:45:00"), parse_race("5k=20:00")
(21097.5, 6300.0, (5000.0, 1200.0))

Bad text raises `UnitError`, which quotes the text and shows an example of what is accepted.
"""

from __future__ import annotations

import enum
import math
import re

from progrun.errors import UnitError

METRES_PER_MILE = 1609.344
METRES_PER_KM = 1000.0
MARATHON_M = 42195.0
HALF_MARATHON_M = 21097.5

PACE_EXAMPLE = "7:30/mi, 4:40/km or 7:30 min/mile"
DURATION_EXAMPLE = "22:30, 1:45:00, 22:30.5, 45s, 90min or 1h30m"
DISTANCE_EXAMPLE = "5mi, 8km, 10k, 5000m, half or marathon"
RACE_EXAMPLE = "5k=20:00 or half=1:31:50"
AMBIGUOUS_M_EXAMPLE = "{number}mi for miles or {number}m for metres (a capital M could be either)"
UNIT_EXAMPLE = "km or mi"


class SplitUnit(enum.StrEnum):
    """A pace or split unit: the mile or the kilometre (the string is what JSON and the CLI show)."""

    MILE = "mi"
    KM = "km"

    @property
    def metres(self) -> float:
        return METRES_PER_MILE if self is SplitUnit.MILE else METRES_PER_KM


#: Names runners use for a pace or split unit -> the canonical unit ("km" or "mi").
_PACE_UNITS: dict[str, SplitUnit] = {
    "km": SplitUnit.KM,
    "k": SplitUnit.KM,
    "kms": SplitUnit.KM,
    "kilometre": SplitUnit.KM,
    "kilometer": SplitUnit.KM,
    "mi": SplitUnit.MILE,
    "mile": SplitUnit.MILE,
    "miles": SplitUnit.MILE,
}

#: Metres in one of each distance unit a runner may write after a number.
_DISTANCE_UNITS: dict[str, float] = {
    "m": 1.0,
    "metre": 1.0,
    "metres": 1.0,
    "meter": 1.0,
    "meters": 1.0,
    "k": METRES_PER_KM,
    "km": METRES_PER_KM,
    "kms": METRES_PER_KM,
    "kilometre": METRES_PER_KM,
    "kilometres": METRES_PER_KM,
    "kilometer": METRES_PER_KM,
    "kilometers": METRES_PER_KM,
    "mi": METRES_PER_MILE,
    "mile": METRES_PER_MILE,
    "miles": METRES_PER_MILE,
}

#: Race distances known by name.
_NAMED_DISTANCES: dict[str, float] = {
    "mile": METRES_PER_MILE,
    "half": HALF_MARATHON_M,
    "half marathon": HALF_MARATHON_M,
    "half-marathon": HALF_MARATHON_M,
    "halfmarathon": HALF_MARATHON_M,
    "hm": HALF_MARATHON_M,
    "marathon": MARATHON_M,
    "full": MARATHON_M,
}

_CLOCK = r"\d+(?::\d{2}){1,2}(?:\.\d+)?"
_NUMBER = r"\d+(?:\.\d+)?|\.\d+"
_PACE_RE = re.compile(
    r"^(?P<clock>\d+:\d{2}(?:\.\d+)?)\s*(?:min(?:s|utes?)?)?\s*(?:(?:/|per\s+)\s*(?P<unit>[a-z]+))?$"
)
_CLOCK_RE = re.compile(rf"^{_CLOCK}$")
_PARTS_RE = re.compile(
    rf"^(?:(?P<h>{_NUMBER})\s*(?:h|hr|hrs|hours?))?\s*"
    rf"(?:(?P<m>{_NUMBER})\s*(?:m|min|mins|minutes?))?\s*"
    rf"(?:(?P<s>{_NUMBER})\s*(?:s|sec|secs|seconds?))?$"
)
_DISTANCE_RE = re.compile(rf"^(?P<number>{_NUMBER})\s*(?P<unit>[a-z]+)$")


def normalise_unit(text: str) -> SplitUnit:
    """The canonical pace/split unit, "km" or "mi", for what a runner wrote ("mile", "k", "km", ...)."""
    unit = _PACE_UNITS.get(text.strip().lower())
    if unit is None:
        raise UnitError(text, "unit", UNIT_EXAMPLE)
    return unit


def unit_metres(unit: str) -> float:
    """Metres in one pace unit: 1000 for "km", 1609.344 for "mi"."""
    return normalise_unit(unit).metres


def pace_per_unit(pace_s_per_km: float, unit: str) -> float:
    """A pace in seconds per `unit` ("km" or "mi") from seconds per km."""
    return pace_s_per_km * unit_metres(unit) / METRES_PER_KM


def pace_difference_text(delta_s_per_km: float, unit: str, decimals: int = 2) -> str:
    """A difference of paces in seconds per `unit`, for a runner in that unit: "0.06 s/mi", "10 s/km".

    >>> pace_difference_text(0.04, "mi")
    '0.06 s/mi'
    """
    canonical = normalise_unit(unit)
    return f"{pace_per_unit(delta_s_per_km, canonical):.{decimals}f} s/{canonical}"


def pace_s_per_km_from_unit(pace_s_per_unit: float, unit: str) -> float:
    """A pace in seconds per km from seconds per `unit` ("km" or "mi"); the inverse of `pace_per_unit`."""
    return pace_s_per_unit * METRES_PER_KM / unit_metres(unit)


def speed_m_s(pace_s_per_km: float) -> float:
    """Speed in m/s of a pace in s/km."""
    return METRES_PER_KM / pace_s_per_km


def _clock_seconds(clock: str) -> float:
    """Seconds in "m:ss", "h:mm:ss" (optionally with decimal seconds); later fields must be under 60."""
    head, *rest = clock.split(":")
    total = float(head)
    for part in rest:
        value = float(part)
        if value >= 60:
            raise ValueError(f"{part} is 60 or more")
        total = total * 60 + value
    return total


def parse_pace(text: str, default_unit: str = SplitUnit.KM) -> float:
    """Seconds per km from a pace as runners write it.

    Accepts `7:30` (in `default_unit`), `7:30/mi`, `4:40/km`, `7:30 min/mile`, `4:40 min/km`,
    `7:30/mile`, `4:40/k`, `7:30 per mile`.

    >>> round(parse_pace("4:40/km"), 3), round(parse_pace("7:30", "mi"), 3)
    (280.0, 279.617)
    """
    cleaned = text.strip().lower()
    match = _PACE_RE.match(cleaned)
    if match is None:
        raise UnitError(text, "pace", PACE_EXAMPLE)
    unit_text = match["unit"] or default_unit
    if unit_text not in _PACE_UNITS:
        raise UnitError(text, "pace", PACE_EXAMPLE)
    try:
        seconds = _clock_seconds(match["clock"])
    except ValueError:
        raise UnitError(text, "pace", PACE_EXAMPLE) from None
    if seconds <= 0:
        raise UnitError(text, "pace", PACE_EXAMPLE)
    return pace_s_per_km_from_unit(seconds, _PACE_UNITS[unit_text])


def round_half_up(value: float) -> int:
    """To the nearest whole number, halves up (2.5 -> 3; Python's `round` gives 2): every shown second."""
    return math.floor(value + 0.5)


def format_pace(pace_s_per_km: float, unit: str = SplitUnit.KM, suffix: bool = True) -> str:
    """A pace as `m:ss` per `unit`, rounded to the second: `format_pace(279.62, "mi")` -> "7:30/mi"."""
    if not math.isfinite(pace_s_per_km) or pace_s_per_km <= 0:
        raise ValueError(f"a pace must be a positive number of seconds per km, not {pace_s_per_km!r}")
    canonical = normalise_unit(unit)
    whole = round_half_up(pace_per_unit(pace_s_per_km, canonical))
    minutes, seconds = divmod(whole, 60)
    text = f"{minutes}:{seconds:02d}"
    return f"{text}/{canonical}" if suffix else text


def parse_duration(text: str) -> float:
    """Seconds from a duration: `22:30` (m:ss), `1:45:00` (h:mm:ss), `22:30.5`, `45s`, `90min`, `1h30m`.

    A bare number is refused because it could be seconds or minutes.

    >>> parse_duration("22:30"), parse_duration("1:45:00"), parse_duration("1h30m")
    (1350.0, 6300.0, 5400.0)
    """
    cleaned = text.strip().lower()
    if _CLOCK_RE.match(cleaned):
        try:
            seconds = _clock_seconds(cleaned)
        except ValueError:
            raise UnitError(text, "duration", DURATION_EXAMPLE) from None
    else:
        match = _PARTS_RE.match(cleaned)
        if match is None or not any(match.group(name) for name in ("h", "m", "s")):
            raise UnitError(text, "duration", DURATION_EXAMPLE)
        seconds = sum(
            float(match.group(name)) * factor
            for name, factor in (("h", 3600.0), ("m", 60.0), ("s", 1.0))
            if match.group(name)
        )
    if seconds <= 0:
        raise UnitError(text, "duration", DURATION_EXAMPLE)
    return seconds


def format_duration(seconds: float) -> str:
    """A duration rounded to the second: "22:30" under an hour, "1:45:00" from an hour on."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a duration must be a non-negative number of seconds, not {seconds!r}")
    whole = round_half_up(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def parse_distance(text: str) -> float:
    """Metres from a distance: `5mi`, `8km`, `10k`, `5000m`, `3.1mi`, `5 miles`, `half`, `marathon`, `mile`.

    A bare number is refused because it could be metres, km or miles, and so is a capital `M` ("5M"),
    which runners write for miles and SI for metres.

    >>> parse_distance("10k"), parse_distance("half"), parse_distance("1 mile")
    (10000.0, 21097.5, 1609.344)
    """
    written = "".join(text.split())
    if len(written) > 1 and written.endswith("M") and written[:-1].replace(".", "", 1).isdigit():
        # "5M" is 5 miles to a runner and 5 metres to SI: refuse rather than guess
        raise UnitError(text, "distance", AMBIGUOUS_M_EXAMPLE.format(number=written[:-1]))
    cleaned = " ".join(text.strip().lower().split())
    named = _NAMED_DISTANCES.get(cleaned)
    if named is not None:
        return named
    match = _DISTANCE_RE.match(cleaned)
    if match is None or match["unit"] not in _DISTANCE_UNITS:
        raise UnitError(text, "distance", DISTANCE_EXAMPLE)
    distance_m = float(match["number"]) * _DISTANCE_UNITS[match["unit"]]
    if distance_m <= 0:
        raise UnitError(text, "distance", DISTANCE_EXAMPLE)
    return distance_m


def format_distance(distance_m: float, unit: str = SplitUnit.KM) -> str:
    """A distance in `unit` ("km", "mi" or "m") with at most two decimals: "5 km", "3.11 mi", "1500 m"."""
    if not math.isfinite(distance_m) or distance_m < 0:
        raise ValueError(f"a distance must be a non-negative number of metres, not {distance_m!r}")
    if unit.strip().lower() == "m":
        return f"{round_half_up(distance_m)} m"
    canonical = normalise_unit(unit)
    value = distance_m / unit_metres(canonical)
    text = f"{round_half_up(value * 100) / 100:.2f}".rstrip("0").rstrip(".")
    return f"{text} {canonical}"


def parse_race(text: str) -> tuple[float, float]:
    """(distance_m, time_s) from a race result written `DISTANCE=TIME`: `5k=20:00`, `half=1:31:50`.

    >>> parse_race("5k=20:00")
    (5000.0, 1200.0)
    """
    distance_text, separator, time_text = text.partition("=")
    if not separator or not distance_text.strip() or not time_text.strip():
        raise UnitError(text, "race result", RACE_EXAMPLE)
    try:
        return parse_distance(distance_text), parse_duration(time_text)
    except UnitError as error:
        raise UnitError(
            text, "race result", f"{RACE_EXAMPLE}; {error.text!r} is not a {error.kind}"
        ) from None
