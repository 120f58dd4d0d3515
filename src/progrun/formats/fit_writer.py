"""Write an Activity as a FIT activity file with Garmin's own encoder (`garmin_fit_sdk.Encoder`).

Tests and benchmarks use it to build synthetic runs that look like what a watch records:

- `file_id` (type activity, manufacturer/product from `device`), `device_info` (creator),
- a timer `start` event, one `record` per sample (timestamp, distance, enhanced speed, position in
  semicircles, enhanced altitude, heart rate, cadence + fractional cadence, power),
- a timer `stop_all` / `start` event pair around every pause, and a final `stop_all`,
- one `lap` per lap (one lap covering the whole run when none is given), a `session` and an `activity`,
- optionally a `workout` and its `workout_step` messages, so the file says which workout the watch ran.

Conventions (the reader in `fit.py` inverts them):

- FIT record timestamps are whole seconds: `time_s` is rounded to the nearest second.
- With `activity.start` None the timestamps are written relative to device power-on (below 0x10000000),
  the way old FR70 firmware did.
- Cadence: FIT `cadence` counts strides per minute (one foot), so `cadence = floor(cadence_spm / 2)` and
  `fractional_cadence` holds the remainder in 1/128 strides.
- A channel that is NaN everywhere is left out; a NaN sample in a recorded channel is written as the FIT
  invalid value for that field, as devices do.
- A lap triggered by a workout step is written without `lap_trigger` (FIT has no such trigger) and with
  `wkt_step_index`.
- Workout steps: `duration_value` is seconds for time steps and metres for distance steps; custom targets
  are m/s for speed, bpm, steps/min or watts; they are scaled to FIT units here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
from garmin_fit_sdk import Encoder, Profile

from progrun.activity import Activity, Lap, LapTrigger, WorkoutStep

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_S = 631_065_600
#: Relative (power-on) timestamps start here when the activity has no start time.
RELATIVE_BASE_S = 1_000_000
DEFAULT_DEVICE = "garmin fr945"
DEFAULT_SERIAL = 3_900_000_001

_SEMICIRCLES_PER_DEGREE = 2**31 / 180.0

_LAP_TRIGGER_NAMES: dict[LapTrigger, str | None] = {
    LapTrigger.MANUAL: "manual",
    LapTrigger.TIME: "time",
    LapTrigger.DISTANCE: "distance",
    LapTrigger.POSITION: "position_lap",
    LapTrigger.SESSION_END: "session_end",
    LapTrigger.WORKOUT_STEP: None,
    LapTrigger.UNKNOWN: None,
}

#: FIT invalid values of the record fields written here (raw, before scale/offset).
_INVALID_UINT32 = 0xFFFFFFFF
_INVALID_SINT32 = 0x7FFFFFFF
_INVALID_UINT16 = 0xFFFF
_INVALID_UINT8 = 0xFF

_TARGET_SCALE = {"speed": 1000.0, "heart_rate": 1.0, "cadence": 1.0, "power": 1.0}
_DURATION_SCALE = {"time": 1000.0, "repetition_time": 1000.0, "distance": 100.0}


def _profile_value(type_name: str, name: str) -> int | None:
    for number, value_name in Profile["types"][type_name].items():
        if value_name == name:
            return int(number)
    return None


def _device_fields(device: str) -> dict[str, object]:
    """`"garmin fr945"` -> manufacturer + product (number when the profile knows it, else product_name)."""
    manufacturer, _, product = device.strip().partition(" ")
    fields: dict[str, object] = {}
    if _profile_value("manufacturer", manufacturer) is not None:
        fields["manufacturer"] = manufacturer
    else:
        fields["manufacturer"] = "development"
        product = device.strip()
    if product:
        number = _profile_value("garmin_product", product) if manufacturer == "garmin" else None
        if number is not None:
            fields["product"] = number
        elif product.isdigit():
            fields["product"] = int(product)
        else:
            fields["product_name"] = product
    return fields


def _fit_time(start_fit_s: int, offset_s: float) -> int:
    return start_fit_s + round(offset_s)


def _encodable(raw_invalid: int, scale: float, offset: float) -> float:
    """The value the encoder turns into the raw invalid sentinel ((value + offset) * scale)."""
    return raw_invalid / scale - offset


def _record_columns(activity: Activity) -> dict[str, list[float | int]]:
    """Per-field value lists in the units the encoder expects, NaN replaced by the sentinel."""
    columns: dict[str, list[float | int]] = {}

    def add(name: str, values: np.ndarray, invalid: float) -> None:
        if np.all(np.isnan(values)):
            return
        filled = np.where(np.isnan(values), invalid, values)
        columns[name] = filled.tolist()

    add("distance", activity.distance_m, _encodable(_INVALID_UINT32, 100.0, 0.0))
    add("enhanced_speed", activity.speed_m_s, _encodable(_INVALID_UINT32, 1000.0, 0.0))
    if not (np.all(np.isnan(activity.lat_deg)) or np.all(np.isnan(activity.lon_deg))):
        both = ~(np.isnan(activity.lat_deg) | np.isnan(activity.lon_deg))
        lat = np.where(both, np.round(activity.lat_deg * _SEMICIRCLES_PER_DEGREE), _INVALID_SINT32)
        lon = np.where(both, np.round(activity.lon_deg * _SEMICIRCLES_PER_DEGREE), _INVALID_SINT32)
        columns["position_lat"] = lat.astype(np.int64).tolist()
        columns["position_long"] = lon.astype(np.int64).tolist()
    add("enhanced_altitude", activity.altitude_m, _encodable(_INVALID_UINT32, 5.0, 500.0))
    add("heart_rate", np.round(activity.heart_rate_bpm), _INVALID_UINT8)
    if not np.all(np.isnan(activity.cadence_spm)):
        strides = activity.cadence_spm / 2.0
        whole = np.floor(strides)
        fraction = np.round((strides - whole) * 128.0)
        carry = fraction >= 128.0
        whole = np.where(carry, whole + 1, whole)
        fraction = np.where(carry, 0.0, fraction)
        missing = np.isnan(strides)
        columns["cadence"] = np.where(missing, _INVALID_UINT8, whole).astype(np.int64).tolist()
        columns["fractional_cadence"] = np.where(missing, _INVALID_UINT8 / 128.0, fraction / 128.0).tolist()
    add("power", np.round(activity.power_w), _INVALID_UINT16)
    return columns


def _workout_step_mesg(step: WorkoutStep, message_index: int) -> dict[str, object]:
    mesg: dict[str, object] = {
        "mesg_num": Profile["mesg_num"]["WORKOUT_STEP"],
        "message_index": message_index,
        "duration_type": step.duration_type,
        "target_type": step.target_type,
    }
    if step.name:
        mesg["wkt_step_name"] = step.name
    if step.duration_value is not None:
        mesg["duration_value"] = round(step.duration_value * _DURATION_SCALE.get(step.duration_type, 1.0))
    target_scale = _TARGET_SCALE.get(step.target_type, 1.0)
    if step.target_low is not None or step.target_high is not None:
        mesg["target_value"] = 0  # 0 = custom target (low/high), not a zone
    if step.target_low is not None:
        mesg["custom_target_value_low"] = round(step.target_low * target_scale)
    if step.target_high is not None:
        mesg["custom_target_value_high"] = round(step.target_high * target_scale)
    if step.intensity:
        mesg["intensity"] = step.intensity
    return mesg


def write_fit_activity(
    activity: Activity,
    *,
    laps: Sequence[Lap] | None = None,
    workout_steps: Sequence[WorkoutStep] | None = None,
    workout_name: str = "",
    device: str | None = None,
    sub_sport: str | None = None,
) -> bytes:
    """Encode `activity` as a FIT activity file and return its bytes.

    `laps`, `workout_steps` and `workout_name` default to the activity's own; `device` is
    "<manufacturer> <product>" (default: the activity's device, else "garmin fr945"). `sub_sport`
    defaults to `activity.extra["sub_sport"]` when present (for example "treadmill").
    """
    if activity.records == 0:
        raise ValueError("an activity without samples cannot be written as FIT")
    mesg_num = Profile["mesg_num"]
    laps = tuple(activity.laps if laps is None else laps)
    steps = tuple(activity.workout_steps if workout_steps is None else workout_steps)
    name = workout_name or activity.workout_name
    device_name = device or activity.device or DEFAULT_DEVICE
    if sub_sport is None:
        extra_sub_sport = activity.extra.get("sub_sport")
        sub_sport = extra_sub_sport if isinstance(extra_sub_sport, str) else None
    sport = activity.sport if _profile_value("sport", activity.sport) is not None else "generic"

    if activity.start is None:
        start_fit_s = RELATIVE_BASE_S
    else:
        start_fit_s = round(activity.start.astimezone(UTC).timestamp()) - FIT_EPOCH_S
    times = [_fit_time(start_fit_s, t) for t in activity.time_s.tolist()]
    end_s = float(activity.time_s[-1])
    end_fit = times[-1]
    paused_s = sum(max(0.0, p.end_s - p.start_s) for p in activity.pauses)
    timer_total_s = max(0.0, end_s - float(activity.time_s[0]) - paused_s)

    encoder = Encoder()
    device_fields = _device_fields(device_name)
    encoder.write_mesg(
        {
            "mesg_num": mesg_num["FILE_ID"],
            "type": "activity",
            **device_fields,
            "serial_number": DEFAULT_SERIAL,
            "time_created": start_fit_s,
        }
    )
    encoder.write_mesg(
        {
            "mesg_num": mesg_num["DEVICE_INFO"],
            "timestamp": start_fit_s,
            "device_index": 0,
            **{k: v for k, v in device_fields.items() if k in ("manufacturer", "product", "product_name")},
            "serial_number": DEFAULT_SERIAL,
        }
    )
    if steps or name:
        encoder.write_mesg(
            {
                "mesg_num": mesg_num["WORKOUT"],
                "wkt_name": name or "workout",
                "sport": sport,
                "num_valid_steps": len(steps),
            }
        )
        for index, step in enumerate(steps):
            encoder.write_mesg(_workout_step_mesg(step, index))

    def timer_event(at_fit: int, event_type: str) -> None:
        encoder.write_mesg(
            {
                "mesg_num": mesg_num["EVENT"],
                "timestamp": at_fit,
                "event": "timer",
                "event_type": event_type,
                "event_group": 0,
                "data": 0,  # timer_trigger manual
            }
        )

    timer_event(times[0], "start")
    columns = _record_columns(activity)
    pauses = sorted(activity.pauses, key=lambda p: p.start_s)
    pause_index = 0
    record = mesg_num["RECORD"]
    for i, time_s in enumerate(activity.time_s.tolist()):
        while pause_index < len(pauses) and pauses[pause_index].start_s <= time_s:
            pause = pauses[pause_index]
            timer_event(_fit_time(start_fit_s, pause.start_s), "stop_all")
            timer_event(_fit_time(start_fit_s, pause.end_s), "start")
            pause_index += 1
        mesg: dict[str, object] = {"mesg_num": record, "timestamp": times[i]}
        for field_name, values in columns.items():
            mesg[field_name] = values[i]
        encoder.write_mesg(mesg)
    timer_event(end_fit, "stop_all")

    if not laps:
        laps = (
            Lap(
                index=0,
                start_s=float(activity.time_s[0]),
                elapsed_s=end_s - float(activity.time_s[0]),
                timer_s=timer_total_s,
                distance_m=activity.total_distance_m if activity.has("distance_m") else None,
                trigger=LapTrigger.SESSION_END,
                sport=sport,
            ),
        )
    for index, lap in enumerate(laps):
        lap_mesg: dict[str, object] = {
            "mesg_num": mesg_num["LAP"],
            "message_index": index,
            "timestamp": _fit_time(start_fit_s, lap.start_s + lap.elapsed_s),
            "event": "lap",
            "event_type": "stop",
            "start_time": _fit_time(start_fit_s, lap.start_s),
            "total_elapsed_time": lap.elapsed_s,
            "total_timer_time": lap.timer_s,
            "sport": lap.sport if lap.sport and _profile_value("sport", lap.sport) is not None else sport,
        }
        if lap.distance_m is not None and not math.isnan(lap.distance_m):
            lap_mesg["total_distance"] = lap.distance_m
        trigger = _LAP_TRIGGER_NAMES[lap.trigger]
        if trigger is not None:
            lap_mesg["lap_trigger"] = trigger
        if lap.intensity:
            lap_mesg["intensity"] = lap.intensity
        if lap.workout_step_index is not None:
            lap_mesg["wkt_step_index"] = lap.workout_step_index
        encoder.write_mesg(lap_mesg)

    session: dict[str, object] = {
        "mesg_num": mesg_num["SESSION"],
        "message_index": 0,
        "timestamp": end_fit,
        "event": "session",
        "event_type": "stop",
        "start_time": times[0],
        "sport": sport,
        "total_elapsed_time": end_s - float(activity.time_s[0]),
        "total_timer_time": timer_total_s,
        "first_lap_index": 0,
        "num_laps": len(laps),
        "trigger": "activity_end",
    }
    if sub_sport is not None and _profile_value("sub_sport", sub_sport) is not None:
        session["sub_sport"] = sub_sport
    if activity.has("distance_m"):
        session["total_distance"] = activity.total_distance_m
    encoder.write_mesg(session)
    encoder.write_mesg(
        {
            "mesg_num": mesg_num["ACTIVITY"],
            "timestamp": end_fit,
            "total_timer_time": timer_total_s,
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
        }
    )
    data: bytes = encoder.close()
    return data


def fit_start(start: datetime | None) -> int:
    """The FIT timestamp (seconds since 1989-12-31) the writer uses for `start`."""
    if start is None:
        return RELATIVE_BASE_S
    return round(start.astimezone(UTC).timestamp()) - FIT_EPOCH_S
