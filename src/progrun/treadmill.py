"""Treadmill: a plan's splits as belt speeds with the incline that matches outdoor effort, and calibration.

**Belt speed.** A pace of p s/km is 3600/p km/h, or 3600/(p × 1.609344) mph; treadmills step in 0.1,
so the card shows the speed rounded to 0.1 and the pace that rounded speed gives (within 0.05 km/h of
the plan: about 1 s/km at 12 km/h).

**Incline: the 1 % rule.** Running indoors there is no air to push through, so the same speed costs less
oxygen than on the road. Jones & Doust (1996), "A 1% treadmill grade most accurately reflects the
energetic cost of outdoor running", J Sports Sci 14:321-327: nine trained runners at 2.92 to 5.0 m/s
(10.5-18 km/h), on the treadmill at 0-3 % and on a level road. At 3.75 m/s only 1 % matched the road;
at 2.92 and 3.33 m/s both 0 % and 1 % did; at 4.17 and 4.58 m/s 1 % or 2 %; at 5.0 m/s the road fell
between 1 % and 2 %. So every split runs at 1 %; a split outside the studied speeds says so.

**Calibration.** A treadmill's belt speed and a watch's (or foot pod's) distance disagree, often by a
few per cent. Run a known distance on the belt's display and compare: `scale = belt distance / watch
distance`; `distance_scaled(activity, scale)` (CLI: `progrun judge run.fit --distance-scale 1.03`)
multiplies the recorded distance and speed by it before judging.

>>> round(belt_speed(300.0, "kmh"), 3), round(belt_speed(300.0, "mph"), 3)
(12.0, 7.456)
"""

from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from progrun.errors import PlanError, Suggestion
from progrun.plan import Plan, StepKind
from progrun.units import METRES_PER_MILE, format_distance, format_duration, format_pace

if TYPE_CHECKING:  # the plan command imports this module; numpy only when a recording is scaled
    from progrun.activity import Activity

__all__ = [
    "INCLINE_PERCENT",
    "CardRow",
    "SpeedUnit",
    "TreadmillCard",
    "belt_speed",
    "card_text",
    "distance_scaled",
    "treadmill_card",
]

#: Jones & Doust 1996: the treadmill grade whose oxygen cost matches level road running.
INCLINE_PERCENT = 1.0
#: The speeds Jones & Doust measured (m/s); outside them the 1 % rule is an extrapolation.
STUDIED_SPEED_M_S = (2.92, 5.0)
INCLINE_SOURCE = "Jones & Doust 1996, J Sports Sci 14:321-327"
#: A calibration further off than this is a mistake, not a treadmill (belts are rarely 10 % off).
MAX_SCALE_ERROR = 0.25


class SpeedUnit(enum.StrEnum):
    """How the belt's speed is shown."""

    KMH = "kmh"
    MPH = "mph"

    @property
    def label(self) -> str:
        """As printed on a console: "km/h" or "mph"."""
        return "km/h" if self is SpeedUnit.KMH else "mph"


def belt_speed(pace_s_per_km: float, unit: str) -> float:
    """The belt speed of `pace_s_per_km` in km/h or mph (`unit`: "kmh" or "mph")."""
    km_per_h = 3600.0 / pace_s_per_km
    return km_per_h if SpeedUnit(unit) is SpeedUnit.KMH else km_per_h * 1000.0 / METRES_PER_MILE


def pace_of_speed(speed: float, unit: str) -> float:
    """s/km of a belt speed in km/h or mph."""
    km_per_h = speed if SpeedUnit(unit) is SpeedUnit.KMH else speed * METRES_PER_MILE / 1000.0
    return 3600.0 / km_per_h


@dataclass(frozen=True)
class CardRow:
    """One line of the console card: what to set the treadmill to, and for how long."""

    label: str
    length_text: str
    speed: float
    incline_percent: float
    pace_s_per_km: float
    cue: str
    note: str = ""


@dataclass(frozen=True)
class TreadmillCard:
    """The plan as a treadmill runner sets it: belt speed (rounded to 0.1) and incline, split by split."""

    title: str
    unit: SpeedUnit
    pace_unit: str
    rows: tuple[CardRow, ...]
    notes: tuple[str, ...]


def treadmill_card(plan: Plan, unit: str | SpeedUnit, *, title: str = "") -> TreadmillCard:
    """The card for `plan`: each step's belt speed (0.1 km/h or mph) at 1 % incline; the cooldown at 0 %."""
    speed_unit = SpeedUnit(unit)
    rows: list[CardRow] = []
    outside = False
    number = 0
    for step in plan.steps:
        cooldown = step.kind is StepKind.COOLDOWN
        if not cooldown:
            number += 1
        speed = round(belt_speed(step.pace_s_per_km, speed_unit), 1)
        speed_m_s = 1000.0 / step.pace_s_per_km
        note = ""
        if not cooldown and not STUDIED_SPEED_M_S[0] <= speed_m_s <= STUDIED_SPEED_M_S[1]:
            outside = True
            note = "outside the studied 10.5-18 km/h"
        length = (
            format_distance(step.distance_m, plan.unit.value)
            if step.distance_m is not None
            else format_duration(step.expected_time_s)
        )
        rows.append(
            CardRow(
                "CD" if cooldown else str(number),
                length,
                speed,
                0.0 if cooldown else INCLINE_PERCENT,
                pace_of_speed(speed, speed_unit),
                step.cue,
                note,
            )
        )
    notes = [
        f"incline {INCLINE_PERCENT:g} %: the grade whose oxygen cost matches level road running "
        f"({INCLINE_SOURCE})",
        f"belt speeds rounded to 0.1 {speed_unit.label}; the pace column is what the rounded speed gives",
    ]
    if outside:
        notes.append(
            "a split outside 10.5-18 km/h (the study's speeds): 1 % is an extrapolation there "
            "(at 10.5-12 km/h the study found 0 % and 1 % both matched the road; at 18 km/h, 1-2 %)"
        )
    return TreadmillCard(title or "Treadmill card", speed_unit, plan.unit.value, tuple(rows), tuple(notes))


def card_text(card: TreadmillCard) -> str:
    """The card as plain text, one line per step, for a phone or a sheet of paper on the console."""
    speed_head = f"Speed {card.unit.label}"
    lines = [card.title, f"{'#':>2}  {'Length':>8}  {speed_head:>10}  {'Incline':>7}  {'Pace':>8}  Cue"]
    for row in card.rows:
        pace = format_pace(row.pace_s_per_km, card.pace_unit)
        cue = f"{row.cue} ({row.note})" if row.note else row.cue
        head = f"{row.label:>2}  {row.length_text:>8}  {row.speed:>10.1f}"
        lines.append(f"{head}  {row.incline_percent:>6g}%  {pace:>8}  {cue}")
    lines += [f"- {note}" for note in card.notes]
    return "\n".join(lines) + "\n"


def distance_scaled(activity: Activity, scale: float) -> Activity:
    """`activity` with its distance and speed multiplied by `scale` (belt distance / watch distance).

    PlanError naming `distance_scale` for a scale that is not a number near 1 (0.75 to 1.25).
    """
    if not math.isfinite(scale) or abs(scale - 1.0) > MAX_SCALE_ERROR:
        raise PlanError(
            "distance_scale",
            f"{scale!r} is not a treadmill calibration (belt distance / watch distance, 0.75 to 1.25)",
            [
                "run e.g. 1 km by the treadmill's display; if the watch says 0.97 km, use ",
                Suggestion("distance_scale", "1.031"),
            ],
        )
    if scale == 1.0:
        return activity
    import numpy as np

    laps = tuple(
        dataclasses.replace(lap, distance_m=None if lap.distance_m is None else lap.distance_m * scale)
        for lap in activity.laps
    )
    return dataclasses.replace(
        activity,
        distance_m=np.asarray(activity.distance_m * scale, dtype=np.float64),
        speed_m_s=np.asarray(activity.speed_m_s * scale, dtype=np.float64),
        laps=laps,
        warnings=(*activity.warnings, f"distance and speed scaled by {scale:g} (treadmill calibration)"),
    )
