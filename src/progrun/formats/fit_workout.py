"""Write a Plan as a FIT workout file that a Garmin watch runs (`file_id.type = workout`).

Copy the file into `GARMIN/NewFiles` on the watch over USB; the watch imports it on disconnect and
lists it under Training > Workouts. The file holds, in this order:

- `file_id` (always the first message): type workout (5), manufacturer development (255), product 0,
  a serial number derived from the plan's steps and the workout's name, and `time_created`;
- `workout`: sport running, `num_valid_steps` (the number of steps), `wkt_name`;
- one `workout_step` per step, `message_index` 0..n-1: build, tempo and warm-up splits end by
  distance (`duration_type distance`), the cooldown by time (`duration_type time`); each has a custom
  speed target (`target_type speed`, `target_value 0`) whose range is the plan's pace band,
  `intensity` warmup / active / cooldown, a `wkt_step_name` that reads like the cue ("M2 20s
  faster") and the cue in `notes`.

Units and rounding (FIT profile 21.x): `duration_distance` is in centimetres (scale 100),
`duration_time` in milliseconds (scale 1000), `custom_target_speed_low/high` in mm/s (scale 1000),
all uint32. The *low* speed is the *slow* edge of the band (`high_s_per_km`), the *high* speed the
fast edge (`low_s_per_km`). `garmin_fit_sdk.Encoder` only knows main fields, not sub-fields such as
`duration_distance`, and silently drops a field it does not know, so this module writes the raw
main fields `duration_value`, `custom_target_value_low` and `custom_target_value_high` itself.

Limits (each refused with an ExportError that says what to change, never written half-way):

- 1 to 50 steps (`MAX_WATCH_STEPS`). A longer plan is refused rather than merged: merging splits
  would change the progression the judge later checks lap by lap;
- band edges from 1:00/km to 23:20/km (`MIN_/MAX_TARGET_PACE_S_PER_KM`). The speed field stores
  whole mm/s, so a pace p is carried within p^2 / 2e6 s/km: below 1 s/km up to 23:33/km. The fast
  limit is faster than any runner (a sprinter's top speed is about 1:20/km); the field itself would
  only overflow below 0.0003 s/km;
- distances and durations that round to 1..0xFFFFFFFE cm or ms;
- `time_created` from 1998-07-03 (FIT's `date_time` minimum; smaller values mean "seconds since the
  device powered on") to 2126.

Names: `wkt_name` and `wkt_step_name` are cut to 15 UTF-8 bytes (`MAX_NAME_BYTES`) on a character
boundary, and the encoder ends each string with a NUL byte, so the field is at most 16 bytes, the
size of Garmin's own C SDK string arrays for these names (`FIT_WORKOUT_STEP_MESG_WKT_STEP_NAME_COUNT
16`). For ASCII that is 15 characters, the limit Garmin's TCX v2 schema puts on workout and step
names (`RestrictedToken_t`, maxLength 15). `notes` keeps up to 50 bytes of the cue. Control
characters become spaces; an empty workout name falls back to the plan's name ("Progression 5mi").

`time_created`: the `created` argument, or, when it is None, the `SOURCE_DATE_EPOCH` environment
variable (the reproducible-builds convention), or else the current time; always whole UTC seconds.
A naive datetime is read as UTC. The same plan, name and `created` give byte-identical files.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import unicodedata
from datetime import UTC, datetime

from garmin_fit_sdk import Encoder, Profile

from progrun.errors import ExportError
from progrun.formats.export_model import (
    EXACT_PACE_S_PER_KM,
    MAX_WATCH_STEPS,
    ExportFormat,
    ExportOptions,
    ExportResult,
    Fidelity,
    TargetFidelity,
    cue_fidelity,
    plan_name,
    split_number,
    step_label,
)
from progrun.heart_rate import hr_bands_of
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.plan_rules import WATCH_ALERT_MARGIN_PERCENT, watch_alert_range
from progrun.units import format_pace, pace_difference_text

#: UTF-8 bytes kept of a workout or step name; with the NUL terminator the field is 16 bytes.
MAX_NAME_BYTES = 15
#: The same limit in characters for ASCII text (Garmin TCX v2 XSD, `RestrictedToken_t`).
MAX_NAME_CHARS = MAX_NAME_BYTES
#: UTF-8 bytes kept of a step's cue in the FIT `notes` field.
MAX_NOTES_BYTES = 50
#: The fastest band edge written (1:00/km, 16.7 m/s).
MIN_TARGET_PACE_S_PER_KM = 60.0
#: The slowest band edge written (23:20/km): the mm/s field carries it within 0.98 s/km.
MAX_TARGET_PACE_S_PER_KM = 1400.0
#: The largest valid uint32 (0xFFFFFFFF means "invalid" in FIT).
UINT32_MAX_VALID = 0xFFFF_FFFE
#: FIT `date_time` counts seconds from this instant.
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
#: A FIT `date_time` below this is "seconds since power-on", not a date (1998-07-03).
FIT_DATE_TIME_MIN = 0x1000_0000
#: Environment variable that pins `time_created` when `created` is None (reproducible builds).
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"

_MESG = Profile["mesg_num"]
_NUMBER_UNIT = re.compile(r"(\d+) (s|sec|min|mi|km|m)\b")
_INTENSITY = {
    StepKind.WARMUP: "warmup",
    StepKind.BUILD: "active",
    StepKind.TEMPO: "active",
    StepKind.COOLDOWN: "cooldown",
}
_TRIM = " :;,-"
_ZWJ = "\u200d"
_REPLACE = {"Cc": " ", "Cs": "\ufffd"}


def write_fit_workout(plan: Plan, *, name: str, created: datetime | None = None) -> ExportResult:
    """The FIT workout bytes for `plan`, with the fidelity of every target.

    Raises ExportError for a plan a watch cannot run (see the module docstring for the limits).
    """
    check_fit_plan(plan)
    time_created = fit_timestamp(created)
    workout_name = truncate(name, MAX_NAME_BYTES)
    if not workout_name.strip():
        workout_name = truncate(plan_name(plan), MAX_NAME_BYTES)
    encoder = Encoder()
    encoder.on_mesg(
        _MESG["FILE_ID"],
        {
            "type": "workout",
            "manufacturer": "development",
            "product": 0,
            "serial_number": serial_number(plan, workout_name),
            "time_created": time_created,
        },
    )
    encoder.on_mesg(
        _MESG["WORKOUT"],
        {
            "sport": "running",
            "sub_sport": "generic",
            "num_valid_steps": len(plan.steps),
            "wkt_name": workout_name,
        },
    )
    rows: list[TargetFidelity] = []
    bands = hr_bands_of(plan)
    for index, step in enumerate(plan.steps):
        encoder.on_mesg(_MESG["WORKOUT_STEP"], _step_message(plan, index))
        band = bands[index] if bands is not None else None
        if band is None:
            rows.extend(_step_fidelity(index, step, plan.unit.value))
        else:
            rows.append(
                TargetFidelity(
                    index,
                    "heart rate band",
                    Fidelity.APPROXIMATE,
                    f"custom heart rate {round(band.low_bpm)}-{round(band.high_bpm)} bpm (whole bpm, written "
                    f"as bpm + {HR_BPM_OFFSET}); the pace is not a target",
                )
            )
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
            f"step names are cut to {MAX_NAME_BYTES} bytes (what watches show); the cue is in the step "
            f"notes (up to {MAX_NOTES_BYTES} bytes)",
        )
    )
    rows.append(_name_fidelity(name, workout_name))
    return ExportResult(ExportFormat.FIT, encoder.close(), tuple(rows))


def check_fit_plan(plan: Plan) -> None:
    """Refuse a plan that a FIT workout cannot carry: no steps, too many, or values outside the fields."""
    if not plan.steps:
        raise ExportError("FIT", "the plan has no steps; build one with `progrun plan`")
    if len(plan.steps) > MAX_WATCH_STEPS:
        raise ExportError(
            "FIT",
            f"the plan has {len(plan.steps)} steps and Garmin watches run at most {MAX_WATCH_STEPS}; "
            "plan fewer or longer splits (for example mile splits instead of km)",
        )
    u = plan.unit.value
    precision = pace_difference_text(1.0, u, 0 if u == "km" else 1)  # the field's 1 s/km, in the plan's unit
    for index, step in enumerate(plan.steps):
        for edge, pace in (("fast", step.low_s_per_km), ("slow", step.high_s_per_km)):
            if not MIN_TARGET_PACE_S_PER_KM <= pace <= MAX_TARGET_PACE_S_PER_KM:
                raise ExportError(
                    "FIT",
                    f"step {index + 1} ({_label(plan, index)}) has a {edge} band edge of "
                    f"{_pace_text(pace, u)}, and a FIT speed target carries paces from "
                    f"{_pace_text(MIN_TARGET_PACE_S_PER_KM, u)} to {_pace_text(MAX_TARGET_PACE_S_PER_KM, u)} "
                    f"within {precision}; give the step a band inside that range",
                )
        raw, what = _duration_value(step)
        if not 1 <= raw <= UINT32_MAX_VALID:
            raise ExportError(
                "FIT",
                f"step {index + 1} ({_label(plan, index)}) lasts {raw} {what}, outside the FIT field "
                f"(1 to {UINT32_MAX_VALID:,} {what}); give the step a length inside that range",
            )


def fit_timestamp(created: datetime | None) -> int:
    """`time_created` as FIT seconds since 1989-12-31 UTC: `created`, SOURCE_DATE_EPOCH or now.

    A naive datetime is read as UTC so the bytes do not depend on the machine's time zone.
    """
    if created is None:
        pinned = os.environ.get(SOURCE_DATE_EPOCH)
        if pinned is not None:
            try:
                created = datetime.fromtimestamp(int(pinned), UTC)
            except (ValueError, OverflowError, OSError):
                raise ExportError(
                    "FIT",
                    f"{SOURCE_DATE_EPOCH}={pinned!r} is not a Unix time in whole seconds; "
                    "unset it or give e.g. 1764547200",
                ) from None
        else:
            created = datetime.now(UTC)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    seconds = math.floor((created - FIT_EPOCH).total_seconds())
    if not FIT_DATE_TIME_MIN <= seconds <= UINT32_MAX_VALID:
        raise ExportError(
            "FIT",
            f"time_created {created.isoformat()} is outside what a FIT date holds (1998-07-03 to 2126); "
            "pass a current date",
        )
    return seconds


#: FIT profile, workout_step.custom_target_heart_rate_low/high: "0-100 %, or bpm + 100".
HR_BPM_OFFSET = 100


def hr_target_values(low_bpm: float, high_bpm: float) -> tuple[int, int]:
    """The raw custom heart-rate target of a band in bpm: whole bpm + 100 (values over 100 are bpm)."""
    return round(low_bpm) + HR_BPM_OFFSET, round(high_bpm) + HR_BPM_OFFSET


def _step_message(plan: Plan, index: int) -> dict[str, object]:
    step = plan.steps[index]
    raw, _ = _duration_value(step)
    bands = hr_bands_of(plan)
    band = bands[index] if bands is not None else None
    if band is not None:
        low, high = hr_target_values(band.low_bpm, band.high_bpm)
        return {
            "message_index": index,
            "wkt_step_name": step_name(plan, index),
            "duration_type": "distance" if step.distance_m is not None else "time",
            "duration_value": raw,
            "target_type": "heart_rate",
            "target_value": 0,
            "custom_target_value_low": low,
            "custom_target_value_high": high,
            "intensity": _INTENSITY[step.kind],
            "notes": truncate(step.cue, MAX_NOTES_BYTES) or _label(plan, index),
        }
    return {
        "message_index": index,
        "wkt_step_name": step_name(plan, index),
        "duration_type": "distance" if step.distance_m is not None else "time",
        "duration_value": raw,
        "target_type": "speed",
        "target_value": 0,
        "custom_target_value_low": speed_mm_s(alert_range(step)[1]),
        "custom_target_value_high": speed_mm_s(alert_range(step)[0]),
        "intensity": _INTENSITY[step.kind],
        "notes": truncate(step.cue, MAX_NOTES_BYTES) or _label(plan, index),
    }


def alert_range(step: Step) -> tuple[float, float]:
    """(fast, slow) s/km the watch alerts outside: for build and tempo splits the band widened by
    `plan_rules.WATCH_ALERT_MARGIN_PERCENT` of speed each side (GPS pace noise must not beep), kept
    within what the field carries; the warm-up's and cooldown's bands are wide already and go as they are.
    """
    if step.kind not in (StepKind.BUILD, StepKind.TEMPO):
        return step.low_s_per_km, step.high_s_per_km
    fast, slow = watch_alert_range(step.low_s_per_km, step.high_s_per_km)
    return max(fast, MIN_TARGET_PACE_S_PER_KM), min(slow, MAX_TARGET_PACE_S_PER_KM)


def _duration_value(step: Step) -> tuple[int, str]:
    """The raw `duration_value` of a step and its unit: centimetres, or milliseconds for a timed step."""
    if step.distance_m is not None:
        return _rounded(step.distance_m * 100), "cm"
    assert step.duration_s is not None
    return _rounded(step.duration_s * 1000), "ms"


def _rounded(value: float) -> int:
    return round(value) if math.isfinite(value) else -1


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
    their units ("20s", "5min") to save room, then the name is cut to `MAX_NAME_BYTES`.
    """
    step = plan.steps[index]
    pace = format_pace(step.pace_s_per_km, plan.unit.value)
    cue = compact(_clean(step.cue)).strip()
    if step.kind in (StepKind.BUILD, StepKind.TEMPO):
        letter = "S" if step.distance_m is None else "M" if plan.unit is SplitUnit.MILE else "K"
        bare = f"{letter}{split_number(plan, index)} {pace}"
        text = f"{letter}{split_number(plan, index)} {cue}" if cue else bare
    else:
        bare = f"{'WU' if step.kind is StepKind.WARMUP else 'CD'} {pace}"
        text = cue or bare
    return truncate(text, MAX_NAME_BYTES) or truncate(bare, MAX_NAME_BYTES)


def compact(cue: str) -> str:
    """A cue with numbers joined to their units: "20 s faster" -> "20s faster", "5 min" -> "5min"."""
    return _NUMBER_UNIT.sub(r"\1\2", cue)


def truncate(text: str, limit_bytes: int) -> str:
    """`text` cut to at most `limit_bytes` UTF-8 bytes, never inside a character or before an accent.

    Control characters become spaces and lone surrogates U+FFFD (neither can be shown or encoded).
    A cut text ends at a word boundary when there is one past half of what fits, without trailing
    punctuation, so "M4 26s faster: tempo" becomes "M4 26s faster". The result is a prefix of the
    cleaned text.
    """
    clean = _clean(text)
    encoded = clean.encode("utf-8")
    if len(encoded) <= limit_bytes:
        return clean
    cut = encoded[:limit_bytes].decode("utf-8", errors="ignore")
    while cut and (_joins(clean[len(cut)]) or cut[-1] == _ZWJ):
        cut = cut[:-1]  # keep an accent or an emoji sequence with its base character, or drop both
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip(_TRIM) or cut


def _joins(char: str) -> bool:
    """Whether `char` belongs to the character before it (a combining mark, joiner or variation selector)."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or char == _ZWJ or "\ufe00" <= char <= "\ufe0f"


def _clean(text: str) -> str:
    """Control characters as spaces, lone surrogates as U+FFFD: what is left encodes as UTF-8."""
    return "".join(_REPLACE.get(unicodedata.category(char), char) for char in text)


def serial_number(plan: Plan, name: str) -> int:
    """A non-zero uint32 that is the same for the same steps and name, and differs otherwise.

    With `time_created` it tells a watch two workout files apart (FIT `file_id`), so exporting two
    different plans never makes one overwrite the other.
    """
    key = repr(
        (
            name,
            plan.unit.value,
            [
                (
                    step.kind.value,
                    step.pace_s_per_km,
                    step.low_s_per_km,
                    step.high_s_per_km,
                    step.distance_m,
                    step.duration_s,
                    step.cue,
                )
                for step in plan.steps
            ],
        )
    )
    digest = hashlib.sha256(key.encode("utf-8", errors="surrogatepass")).digest()
    return int.from_bytes(digest[:4], "little") or 1


def _label(plan: Plan, index: int) -> str:
    """`step_label`, also for a split that is timed rather than measured (a hand-written plan)."""
    step = plan.steps[index]
    if step.kind in (StepKind.BUILD, StepKind.TEMPO) and step.distance_m is None:
        return f"split {split_number(plan, index)}"
    return step_label(plan, index)


def _pace_text(pace_s_per_km: float, unit: str) -> str:
    """A pace in the plan's unit; a pace that is not one (0, NaN) as the raw s/km it holds."""
    if math.isfinite(pace_s_per_km) and pace_s_per_km > 0:
        return format_pace(pace_s_per_km, unit)
    return f"{pace_s_per_km!r} s/km"


def _step_fidelity(index: int, step: Step, unit: str) -> list[TargetFidelity]:
    alert = alert_range(step)
    worst = max(abs(pace_from_mm_s(speed_mm_s(edge)) - edge) for edge in alert)
    if alert == (step.low_s_per_km, step.high_s_per_km):
        band = TargetFidelity(
            index,
            "pace band",
            Fidelity.EXACT if worst < EXACT_PACE_S_PER_KM else Fidelity.APPROXIMATE,
            f"speed range in mm/s: edges off by at most {pace_difference_text(worst, unit)}",
        )
    else:
        band = TargetFidelity(
            index,
            "pace band",
            Fidelity.APPROXIMATE,
            f"the watch alerts outside {_pace_text(alert[0], unit)}-{_pace_text(alert[1], unit)}, the band "
            f"{_pace_text(step.low_s_per_km, unit)}-{_pace_text(step.high_s_per_km, unit)} widened by "
            f"{WATCH_ALERT_MARGIN_PERCENT:g} % of speed so GPS noise does not beep "
            f"(mm/s: off by {pace_difference_text(worst, unit)})",
        )
    if step.distance_m is not None:
        error_m = abs(round(step.distance_m * 100) / 100 - step.distance_m)
        length = TargetFidelity(
            index, "distance", Fidelity.EXACT, f"step ends by distance, in cm (off by {error_m:.3f} m)"
        )
    else:
        length = TargetFidelity(index, "duration", Fidelity.EXACT, "step ends by time, in ms")
    return [band, length]


def _name_fidelity(given: str, written: str) -> TargetFidelity:
    if given == written:
        return TargetFidelity(None, "workout name", Fidelity.EXACT, repr(written))
    if not given.strip():
        reason = f"no name given: the plan's name {written!r}"
    else:
        reason = f"{written!r}: names hold {MAX_NAME_BYTES} UTF-8 bytes on the watch (15 ASCII characters)"
    return TargetFidelity(None, "workout name", Fidelity.APPROXIMATE, reason)


def write_export(plan: Plan, options: ExportOptions) -> ExportResult:
    """The registry's entry (`formats.export.WRITERS`): the FIT workout."""
    return write_fit_workout(plan, name=options.name, created=options.created)
