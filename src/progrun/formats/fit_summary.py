"""FIT summary messages -> progrun objects: device, laps, timer pauses, workout steps, sessions.

Every function takes the decoded `MessageTable`s (see `fit_columns`) and the FIT timestamp of the
first kept record (`origin`), so that times come out as seconds from the activity start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from progrun.activity import Lap, LapTrigger, Pause, WorkoutStep
from progrun.formats.fit_columns import MessageTable
from progrun.formats.fit_profile import ENUMS

#: manufacturers whose product numbers are `garmin_product` values
GARMIN_FAMILY = frozenset({"garmin", "dynastream", "dynastream_oem", "tacx"})
TIMER_EVENT = 0
EVENT_START = 0
#: event_type values that stop the timer: stop, stop_all, stop_disable, stop_disable_all
EVENT_STOPS = frozenset({1, 4, 8, 9})

_LAP_TRIGGERS: dict[str, LapTrigger] = {
    "manual": LapTrigger.MANUAL,
    "time": LapTrigger.TIME,
    "distance": LapTrigger.DISTANCE,
    "position_start": LapTrigger.POSITION,
    "position_lap": LapTrigger.POSITION,
    "position_waypoint": LapTrigger.POSITION,
    "position_marked": LapTrigger.POSITION,
    "session_end": LapTrigger.SESSION_END,
}
#: seconds per FIT unit of workout_step.duration_value, by duration type (subfields duration_time/distance)
_DURATION_SCALE = {"time": 1000.0, "repetition_time": 1000.0, "distance": 100.0}
#: custom target scale by target type (custom_target_speed_low/high are mm/s)
_TARGET_SCALE = {"speed": 1000.0}


def enum_name(kind: str, value: float) -> str:
    """The profile name of an enum value; "" for NaN, the number as text for values the profile lacks."""
    if math.isnan(value):
        return ""
    number = int(value)
    return ENUMS[kind].get(number, str(number))


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


@dataclass(frozen=True)
class Session:
    """The part of a FIT session message the reader uses. Times are FIT timestamps (seconds)."""

    sport: str
    sub_sport: str
    start: float
    end: float
    #: total_timer_time: the device's own timer total for the session (NaN when absent).
    timer_s: float = math.nan


def sessions(table: MessageTable) -> list[Session]:
    """Session windows in time order, from each session's start and elapsed time.

    Where a session message sits in the file says nothing about its records: some devices write
    every session first (triathlons), stamped when the file was opened. So a session runs from its
    `start_time` for `total_elapsed_time` (the wall-clock time, pauses included); its `timestamp`
    only extends that when it comes later (the stop press after the timer stopped), never past the
    next session's start. A missing start is end - total_elapsed_time; a missing elapsed time leaves
    the timestamp as the end.
    """
    found: list[Session] = []
    sport = table.column("sport")
    sub_sport = table.column("sub_sport")
    start = table.column("start_time")
    end = table.column("timestamp")
    elapsed = table.column("total_elapsed_time")
    timer = table.column("total_timer_time")
    for i in range(len(table)):
        begin, stamp, took = float(start[i]), float(end[i]), float(elapsed[i])
        if math.isnan(begin) and not math.isnan(stamp) and not math.isnan(took):
            begin = stamp - took
        finish = stamp
        if not math.isnan(begin) and not math.isnan(took):
            finish = begin + took if math.isnan(stamp) or stamp < begin + took else stamp
        found.append(
            Session(
                enum_name("sport", sport[i]),
                enum_name("sub_sport", sub_sport[i]),
                begin,
                finish,
                float(timer[i]),
            )
        )
    ordered = sorted(found, key=lambda session: (math.isnan(session.start), session.start))
    result: list[Session] = []
    for number, session in enumerate(ordered):
        later = [s.start for s in ordered[number + 1 :] if s.start > session.start]
        capped = later[0] if later and session.end > later[0] else session.end
        result.append(Session(session.sport, session.sub_sport, session.start, capped, session.timer_s))
    return result


def device_name(file_id: MessageTable) -> str:
    """The device as "<manufacturer> <product>" from the first file_id, e.g. "garmin fr945"."""
    if not len(file_id):
        return ""
    manufacturer = enum_name("manufacturer", float(file_id.column("manufacturer")[0]))
    product_number = float(file_id.column("product")[0])
    product_name = file_id.strings.get("product_name", [""])[0]
    if product_name:
        product = product_name
    elif math.isnan(product_number):
        product = ""
    elif manufacturer in GARMIN_FAMILY:
        product = enum_name("garmin_product", product_number)
    else:
        product = str(int(product_number))
    return f"{manufacturer} {product}".strip()


def laps(
    table: MessageTable, origin: float, keep: list[tuple[float, float]], default_sport: str
) -> tuple[Lap, ...]:
    """Laps whose start falls in a kept window (all laps when `keep` is empty), times from `origin`."""
    start = table.column("start_time")
    end = table.column("timestamp")
    elapsed = table.column("total_elapsed_time")
    timer = table.column("total_timer_time")
    distance = table.column("total_distance")
    trigger = table.column("lap_trigger")
    sport = table.column("sport")
    intensity = table.column("intensity")
    step = table.column("wkt_step_index")
    result: list[Lap] = []
    previous_end = origin
    for i in range(len(table)):
        lap_start = float(start[i])
        lap_elapsed = float(elapsed[i])
        if math.isnan(lap_start):
            lap_start = float(end[i]) - lap_elapsed if not math.isnan(end[i] - lap_elapsed) else previous_end
        if math.isnan(lap_elapsed):
            lap_elapsed = float(end[i]) - lap_start if not math.isnan(end[i]) else 0.0
        previous_end = lap_start + lap_elapsed
        if keep and not any(begin - 1 <= lap_start < finish for begin, finish in keep):
            continue
        trigger_name = enum_name("lap_trigger", trigger[i])
        step_index = None if math.isnan(step[i]) else int(step[i])
        lap_trigger = _LAP_TRIGGERS.get(trigger_name, LapTrigger.UNKNOWN)
        if not trigger_name and step_index is not None:
            lap_trigger = LapTrigger.WORKOUT_STEP
        result.append(
            Lap(
                index=len(result),
                start_s=lap_start - origin,
                elapsed_s=lap_elapsed,
                timer_s=lap_elapsed if math.isnan(timer[i]) else float(timer[i]),
                distance_m=_optional(float(distance[i])),
                trigger=lap_trigger,
                sport=enum_name("sport", sport[i]) or default_sport,
                intensity=enum_name("intensity", intensity[i]),
                workout_step_index=step_index,
            )
        )
    return tuple(result)


def timer_pauses(table: MessageTable, origin: float) -> list[Pause]:
    """Pauses from timer events: a stop (stop, stop_all, stop_disable[_all]) followed by a start."""
    event = table.column("event")
    event_type = table.column("event_type")
    when = table.column("timestamp")
    result: list[Pause] = []
    stopped_at: float | None = None
    timer = np.flatnonzero(event == TIMER_EVENT)
    for i in timer.tolist():
        if math.isnan(when[i]) or math.isnan(event_type[i]):
            continue
        kind = int(event_type[i])
        if kind in EVENT_STOPS and stopped_at is None:
            stopped_at = float(when[i])
        elif kind == EVENT_START and stopped_at is not None:
            if when[i] > stopped_at:
                result.append(Pause(stopped_at - origin, float(when[i]) - origin))
            stopped_at = None
    return result


def workout(workout_table: MessageTable, step_table: MessageTable) -> tuple[str, tuple[WorkoutStep, ...]]:
    """The workout name and steps, with durations in s or m and custom speed targets in m/s."""
    name = workout_table.strings.get("wkt_name", [""])[0] if len(workout_table) else ""
    index = step_table.column("message_index")
    duration_type = step_table.column("duration_type")
    duration_value = step_table.column("duration_value")
    target_type = step_table.column("target_type")
    low = step_table.column("custom_target_value_low")
    high = step_table.column("custom_target_value_high")
    intensity = step_table.column("intensity")
    names = step_table.strings.get("wkt_step_name", [""] * len(step_table))
    steps: list[WorkoutStep] = []
    for i in range(len(step_table)):
        duration = enum_name("wkt_step_duration", duration_type[i])
        target = enum_name("wkt_step_target", target_type[i])
        scale = _TARGET_SCALE.get(target, 1.0)
        value = _optional(float(duration_value[i]))
        steps.append(
            WorkoutStep(
                index=i if math.isnan(index[i]) else int(index[i]),
                name=names[i],
                duration_type=duration,
                duration_value=None if value is None else value / _DURATION_SCALE.get(duration, 1.0),
                target_type=target,
                target_low=None if math.isnan(low[i]) else float(low[i]) / scale,
                target_high=None if math.isnan(high[i]) else float(high[i]) / scale,
                intensity=enum_name("intensity", intensity[i]),
            )
        )
    return name, tuple(steps)
