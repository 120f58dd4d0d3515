"""Write a Plan as a FIT workout file that a Garmin watch runs (`file_id.type = workout`).

Copy the file into `GARMIN/NewFiles` on the watch over USB; the watch imports it on disconnect and
lists it under Training > Workouts. The file holds:

- `file_id`: type workout, manufacturer development, product 0, a serial number derived from the
  plan (so the same plan always gets the same one), `time_created`;
- `workout`: sport running, `num_valid_steps`, `wkt_name` (at most 15 characters);
- one `workout_step` per step: build, tempo and warm-up splits end by distance (`duration_type
  distance`), the cooldown by time (`duration_type time`); each has a custom speed target
  (`target_type speed`, `target_value 0`) whose range is the plan's pace band, `intensity`
  warmup / active / cooldown, a `wkt_step_name` that reads like the cue ("M2 20 s faster") and the
  full cue in `notes`.

Units and rounding (FIT profile 21.x): `duration_distance` is in centimetres (scale 100),
`duration_time` in milliseconds (scale 1000), `custom_target_speed_low/high` in mm/s (scale 1000).
The *low* speed is the *slow* edge of the band (`high_s_per_km`), the *high* speed the fast edge
(`low_s_per_km`). `garmin_fit_sdk.Encoder` only knows main fields, not sub-fields such as
`duration_distance`, and silently drops a field it does not know, so this module writes the raw
main fields `duration_value`, `custom_target_value_low` and `custom_target_value_high` itself.

Device limits:

- at most 50 steps (`MAX_WATCH_STEPS`). A longer plan is refused with an ExportError rather than
  merged: merging splits would change the progression the judge later checks lap by lap;
- names: `wkt_step_name` and `wkt_name` are cut to 15 characters (`MAX_NAME_CHARS`), the limit
  Garmin's own workout schema puts on workout and step names (TrainingCenterDatabase v2 XSD,
  `RestrictedToken_t`, maxLength 15); the full cue goes to `notes`, which newer watches show.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from garmin_fit_sdk import Encoder, Profile

from progrun.errors import ExportError
from progrun.formats.export import (
    EXACT_PACE_S_PER_KM,
    MAX_WATCH_STEPS,
    ExportFormat,
    ExportResult,
    Fidelity,
    TargetFidelity,
    cue_fidelity,
    split_number,
    step_label,
)
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.units import format_pace

#: Characters of a workout or step name a Garmin watch is sure to show (Garmin TCX v2 XSD).
MAX_NAME_CHARS = 15
#: Characters kept of a step's cue in the FIT `notes` field.
MAX_NOTES_CHARS = 50

_MESG = Profile["mesg_num"]
_NUMBER_UNIT = re.compile(r"(\d+) (s|sec|min|mi|km|m)\b")
_INTENSITY = {
    StepKind.WARMUP: "warmup",
    StepKind.BUILD: "active",
    StepKind.TEMPO: "active",
    StepKind.COOLDOWN: "cooldown",
}


def write_fit_workout(plan: Plan, *, name: str, created: datetime | None = None) -> ExportResult:
    """The FIT workout bytes for `plan`, with the fidelity of every target."""
    if len(plan.steps) > MAX_WATCH_STEPS:
        raise ExportError(
            "FIT",
            f"the plan has {len(plan.steps)} steps and Garmin watches run at most {MAX_WATCH_STEPS}; "
            "plan fewer or longer splits (for example mile splits instead of km)",
        )
    encoder = Encoder()
    encoder.on_mesg(
        _MESG["FILE_ID"],
        {
            "type": "workout",
            "manufacturer": "development",
            "product": 0,
            "serial_number": serial_number(plan),
            "time_created": created or datetime.now(UTC),
        },
    )
    encoder.on_mesg(
        _MESG["WORKOUT"],
        {
            "sport": "running",
            "sub_sport": "generic",
            "num_valid_steps": len(plan.steps),
            "wkt_name": truncate(name, MAX_NAME_CHARS),
        },
    )
    rows: list[TargetFidelity] = []
    for index, step in enumerate(plan.steps):
        encoder.on_mesg(_MESG["WORKOUT_STEP"], _step_message(plan, index))
        rows.extend(_step_fidelity(index, step))
    rows.append(
        TargetFidelity(
            None,
            "target paces",
            Fidelity.APPROXIMATE,
            "a FIT speed target is a range: the watch guides to the band, not to the pace inside it",
        )
    )
    rows.append(
        cue_fidelity(
            plan,
            Fidelity.APPROXIMATE,
            f"step names are cut to {MAX_NAME_CHARS} characters (what watches show); the full cue is in "
            "the step notes",
        )
    )
    return ExportResult(ExportFormat.FIT, encoder.close(), tuple(rows))


def _step_message(plan: Plan, index: int) -> dict[str, object]:
    step = plan.steps[index]
    message: dict[str, object] = {
        "message_index": index,
        "wkt_step_name": step_name(plan, index),
        "target_type": "speed",
        "target_value": 0,
        "custom_target_value_low": speed_mm_s(step.high_s_per_km),
        "custom_target_value_high": speed_mm_s(step.low_s_per_km),
        "intensity": _INTENSITY[step.kind],
    }
    if step.distance_m is not None:
        message["duration_type"] = "distance"
        message["duration_value"] = round(step.distance_m * 100)
    else:
        assert step.duration_s is not None
        message["duration_type"] = "time"
        message["duration_value"] = round(step.duration_s * 1000)
    notes = step.cue or step_label(plan, index)
    message["notes"] = truncate(notes, MAX_NOTES_CHARS)
    return message


def speed_mm_s(pace_s_per_km: float) -> int:
    """The FIT speed of a pace: mm/s, rounded to the whole unit FIT stores."""
    return round(1_000_000.0 / pace_s_per_km)


def pace_from_mm_s(speed: float) -> float:
    """The pace in s/km of a FIT speed in mm/s (the inverse of `speed_mm_s`, without the rounding)."""
    return 1_000_000.0 / speed


def step_name(plan: Plan, index: int) -> str:
    """A short name that reads like the plan's cue: "M2 20s faster", "K5 hold tempo", "walk/jog 5min".

    Splits are prefixed with their number (M for mile, K for km); the warm-up and cooldown are
    named by their cue alone (their FIT intensity already says what they are). Numbers are joined to
    their units ("20s", "5min") to save room, then the name is cut at a word boundary.
    """
    step = plan.steps[index]
    text = compact(step.cue) if step.cue else format_pace(step.pace_s_per_km, plan.unit.value)
    if step.kind is StepKind.WARMUP:
        text = text if step.cue else f"WU {text}"
    elif step.kind is StepKind.COOLDOWN:
        text = text if step.cue else f"CD {text}"
    else:
        letter = "M" if plan.unit is SplitUnit.MILE else "K"
        text = f"{letter}{split_number(plan, index)} {text}"
    return truncate(text, MAX_NAME_CHARS)


def compact(cue: str) -> str:
    """A cue with numbers joined to their units: "20 s faster" -> "20s faster", "5 min" -> "5min"."""
    return _NUMBER_UNIT.sub(r"\1\2", cue)


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, at a word boundary when there is one past half the limit."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" :;,-")


def serial_number(plan: Plan) -> int:
    """A serial number that is the same for the same steps (a non-zero uint32)."""
    key = repr(
        [(step.kind.value, step.pace_s_per_km, step.distance_m, step.duration_s) for step in plan.steps]
    )
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little") or 1


def _step_fidelity(index: int, step: Step) -> list[TargetFidelity]:
    errors = [
        abs(pace_from_mm_s(speed_mm_s(edge)) - edge) for edge in (step.low_s_per_km, step.high_s_per_km)
    ]
    worst = max(errors)
    exact = worst < EXACT_PACE_S_PER_KM
    band = TargetFidelity(
        index,
        "pace band",
        Fidelity.EXACT if exact else Fidelity.APPROXIMATE,
        f"speed range in mm/s: edges off by at most {worst:.2f} s/km",
    )
    if step.distance_m is not None:
        error_m = abs(round(step.distance_m * 100) / 100 - step.distance_m)
        length = TargetFidelity(
            index, "distance", Fidelity.EXACT, f"step ends by distance, in cm (off by {error_m:.3f} m)"
        )
    else:
        length = TargetFidelity(index, "duration", Fidelity.EXACT, "step ends by time, in ms")
    return [band, length]
