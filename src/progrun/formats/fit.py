"""progrun's FIT reader: a vectorised numpy decoder of FIT activity files.

`read_fit(data, name=...)` decodes the whole byte string, then validates it:

1. `fit_container.scan` walks the message headers once (the only per-message Python loop), handling
   12/14-byte headers, chained FIT files, redefined local types, big-endian definitions,
   compressed-timestamp headers and developer fields (skipped by their sizes), and checks every CRC.
2. `fit_columns.read_table` reads each message type a column at a time through numpy structured views,
   with invalid-value sentinels as NaN and the profile's scale and offset applied.
3. This module turns the columns into an `Activity`: records of the running sessions, laps, timer
   pauses, device, start time, workout steps.

Strict mode (`OnError.RAISE`) raises `CorruptFile` for any damage (a bad CRC, an undefined local
message type, a malformed definition...), naming the byte offset, with one exception: a *truncated
recording* (`truncated_recording`: the bytes stop before the declared end, the header's CRC holds and
everything before the cut decoded cleanly: a watch that died mid-run) is read in both modes and marked
partial (`Activity.extra["partial"]` says so). Lenient mode
(`OnError.WARN`, the CLI's `--salvage`) returns what decoded before the problem (or, for a bad CRC,
everything), lists each problem in `Activity.warnings` and marks the activity partial
(`Activity.extra["partial"]` says why). Notices (trailing bytes after the data, a field whose size is not a
multiple of its base type, developer-field metadata out of order, strings that are not UTF-8, a missing
session) never fail a read: the data comes back in both modes with the notice in `Activity.warnings`.
A file with no records, or whose file_id says it is not an activity, is an error in both modes.
See docs/fit.md (the table there maps every case of the bad-input catalogue to a test).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from progrun.activity import Activity, Format, Pause
from progrun.errors import CorruptFile, NotAnActivity, Suggestion, UnknownFormat
from progrun.formats import fit_summary
from progrun.formats.fit_columns import MessageTable, developer_notices, read_table, resolve_compressed
from progrun.formats.fit_container import Problem, ProblemKind, scan
from progrun.formats.fit_crc import fit_crc
from progrun.formats.fit_profile import MESG_NUM
from progrun.formats.on_error import OnError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_S = 631_065_600
#: FIT date_time values below this count seconds since device power-on, not since the FIT epoch.
RELATIVE_TIME_LIMIT = 0x10000000
DEGREES_PER_SEMICIRCLE = 180.0 / 2**31
#: session sports whose records progrun keeps from a multisport file
RUN_SPORTS = frozenset({"running"})
#: sports whose FIT cadence is not strides per minute (not doubled into steps per minute)
NON_FOOT_SPORTS = frozenset({"cycling", "e_biking", "rowing", "paddling", "swimming", "kayaking", "canoeing"})

#: What the reader can do about damage: the `salvage` field (`--salvage` on the command line,
#: `on_error=OnError.WARN` in Python).
_USE_SALVAGE = (Suggestion("salvage"), " to ")
_HINTS: dict[ProblemKind, tuple[str | Suggestion, ...]] = {
    ProblemKind.NOT_FIT: ("progrun detects FIT, GPX, TCX and gzip from the content, whatever the extension",),
    ProblemKind.HEADER_SIZE: ("the file header is damaged; copy the file from the watch again",),
    ProblemKind.HEADER_CRC: (
        "the file header is damaged; copy the file from the watch again, or use ",
        *_USE_SALVAGE,
        "read it anyway, as a partial run",
    ),
    ProblemKind.HEADER: (
        "a chained FIT file has a damaged header; copy it from the watch again, or use ",
        *_USE_SALVAGE,
        "keep the messages before it, as a partial run",
    ),
    ProblemKind.DATA_SIZE_ZERO: (
        "the header declares no data; copy the file from the watch again, or use ",
        *_USE_SALVAGE,
        "decode what follows the header, as a partial run",
    ),
    ProblemKind.CRC: (
        "the file is damaged; copy it from the watch again, or use ",
        *_USE_SALVAGE,
        "read it anyway, as a partial run",
    ),
    ProblemKind.TRUNCATED: (
        "the file was cut short, and its header has no CRC to show that the cut is its only damage; "
        "copy it from the watch again, or use ",
        *_USE_SALVAGE,
        "keep the messages before the break, as a partial run",
    ),
    ProblemKind.UNDEFINED_LOCAL: (
        "the file is corrupt from that point; copy it again, or use ",
        *_USE_SALVAGE,
        "keep the messages before it, as a partial run",
    ),
    ProblemKind.ZERO_SIZE: (
        "a malformed field definition; copy the file again, or use ",
        *_USE_SALVAGE,
        "skip that field, as a partial run",
    ),
    ProblemKind.DUPLICATE_FIELD: (
        "an ambiguous field definition; copy the file again, or use ",
        *_USE_SALVAGE,
        "take the first declaration, as a partial run",
    ),
}
_RECOVERY = {
    ProblemKind.HEADER_SIZE: "nothing could be decoded",
    ProblemKind.HEADER_CRC: "decoded what the header allowed",
    ProblemKind.HEADER: "kept the messages before it",
    ProblemKind.DATA_SIZE_ZERO: "recovered: decoded the bytes after the header as the file's data",
    ProblemKind.CRC: "the data decoded but could not be verified",
    ProblemKind.TRUNCATED: "kept the messages before it",
    ProblemKind.UNDEFINED_LOCAL: "kept the messages before it",
    ProblemKind.ZERO_SIZE: "that field was skipped",
    ProblemKind.DUPLICATE_FIELD: "used the first declaration",
}
#: file_id.type of an activity file
ACTIVITY_FILE_TYPE = 4
MANUFACTURER_SPECIFIC = 0xFF00
_KNOWN_MESSAGES = frozenset(MESG_NUM.values())


@dataclass(frozen=True)
class FitDecoded:
    """The decoded message tables of a FIT file (used by `read_fit` and by the oracle tests).

    `problems` holds errors (`kind.fatal`) and notices, sorted by offset. `extra` holds diagnostics:
    `compressed_timestamps`, `ignored_messages` (global message number -> count of the messages progrun
    does not use, including unknown and manufacturer-specific ones) and `manufacturer_specific_messages`.
    """

    tables: dict[str, MessageTable]
    problems: list[Problem]
    units: int
    extra: dict[str, object] = field(default_factory=dict)


_TABLES = (
    "file_id",
    "record",
    "event",
    "lap",
    "session",
    "workout",
    "workout_step",
    "timestamp_correlation",
    "sport",
)


def decode_fit(data: bytes, *, name: str) -> FitDecoded:
    """Decode every message type the reader uses; problems are returned, not raised."""
    if not data:
        raise CorruptFile(name, "empty file (0 bytes)", format="FIT", hint="export the activity again")
    scanned = scan(data)
    if scanned.problems and scanned.problems[0].kind is ProblemKind.NOT_FIT:
        raise UnknownFormat(name, scanned.problems[0].text, format="FIT", hint=_HINTS[ProblemKind.NOT_FIT])
    compressed = resolve_compressed(data, scanned)
    tables = {mesg: read_table(data, scanned, mesg, compressed) for mesg in _TABLES}
    problems = scanned.problems + developer_notices(data, scanned)
    for mesg, table in tables.items():
        problems += [
            Problem(
                ProblemKind.BAD_STRING,
                offset,
                f"{mesg}.{field_name} at offset {offset} is not valid UTF-8; the undecodable bytes were "
                "replaced with U+FFFD",
                key=f"{mesg}.{field_name}",
            )
            for field_name, offset in table.bad_strings
        ]
    ignored: dict[int, int] = {}
    for definition in scanned.definitions:
        if definition.global_num not in _KNOWN_MESSAGES and definition.count:
            ignored[definition.global_num] = ignored.get(definition.global_num, 0) + definition.count
    extra: dict[str, object] = {
        "compressed_timestamps": compressed is not None,
        "ignored_messages": ignored,
        "manufacturer_specific_messages": sum(
            count for number, count in ignored.items() if number >= MANUFACTURER_SPECIFIC
        ),
    }
    if scanned.unit_starts:
        last = scanned.unit_starts[-1]
        held = scanned.header_crc_held.get(last)  # the scan's own check, else (a broken header) checked here
        extra["last_header_crc_checked"] = _header_crc_checked(data, last) if held is None else held
        if any(problem.kind is ProblemKind.TRUNCATED for problem in problems) and len(data) - last > 16:
            (stored,) = struct.unpack_from("<H", data, len(data) - 2)
            extra["ends_with_its_crc"] = bool(stored == fit_crc(data, last, len(data) - 2))
    return FitDecoded(tables, sorted(problems, key=lambda p: p.offset), scanned.units, extra)


def _header_crc_checked(data: bytes, start: int) -> bool:
    """Whether the FIT file (segment) at `start` has a 14-byte header with a CRC (not 0) that held."""
    header = data[start : start + 14]
    if len(header) < 14 or header[0] != 14 or header[12:14] == b"\0\0":
        return False
    (stored,) = struct.unpack_from("<H", header, 12)
    return bool(stored == fit_crc(data, start, start + 12))


def truncated_recording(decoded: FitDecoded) -> str | None:
    """Why the file is a *truncated recording* (a watch that died mid-run, a copy that stopped), or None.

    It is one when the only damage is that the bytes stop before the end the header declares: the
    last header's CRC is present and holds (so its data size is the one written), and every message
    before the cut decoded cleanly (no CRC failure, undefined local type or malformed definition).
    Such a file is read by default, as a partial run; any other damage still needs `--salvage`.
    """
    fatal = [problem for problem in decoded.problems if problem.kind.fatal]
    if len(fatal) != 1 or fatal[0].kind is not ProblemKind.TRUNCATED:
        return None
    if not decoded.extra.get("last_header_crc_checked"):
        return None
    if decoded.extra.get("ends_with_its_crc"):  # complete data whose header claims more: broken, not cut
        return None
    return f"truncated recording: {fatal[0].text}; the samples before the cut are kept"


def read_fit(data: bytes, *, name: str, on_error: OnError = OnError.RAISE) -> Activity:
    """Decode a FIT activity file into an Activity (see the module docstring for strict/lenient)."""
    decoded = decode_fit(data, name=name)
    problems = decoded.problems
    fatal = [p for p in problems if p.kind.fatal]
    truncated = truncated_recording(decoded)
    if fatal and on_error is OnError.RAISE and truncated is None:
        first = fatal[0]
        raise CorruptFile(name, first.text, format="FIT", hint=_HINTS[first.kind])
    warnings = _warnings(problems)
    _require_activity(decoded.tables["file_id"], name)
    records = decoded.tables["record"]
    if not len(records):
        reason = "no records" + (f" could be decoded ({fatal[0].text})" if fatal else " in the file")
        raise CorruptFile(name, reason, format="FIT", hint="the file holds no recorded samples")
    activity = _build_activity(decoded, name, warnings)
    if fatal:  # a truncated recording, or salvaged (OnError.WARN): what decoded is kept, flagged partial
        partial = truncated if truncated is not None else f"salvaged from a damaged file: {fatal[0].text}"
        activity = replace(activity, extra={**activity.extra, "partial": partial})
    return activity


def _warnings(problems: list[Problem]) -> list[str]:
    """One warning per distinct problem (repeats are counted), with what the reader did about it."""
    groups: dict[tuple[ProblemKind, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.kind, problem.key or problem.text), []).append(problem)
    warnings = []
    for (kind, _), group in groups.items():
        text = group[0].text
        if len(group) > 1:
            text += f" (and {len(group) - 1} more like it)"
        recovery = _RECOVERY.get(kind)
        warnings.append(f"{text}; {recovery}" if recovery else text)
    return warnings


def _require_activity(file_id: MessageTable, name: str) -> None:
    """Refuse a FIT file that says it is not an activity (monitoring, settings, workout, course...)."""
    types = file_id.column("type")
    valid = types[~np.isnan(types)]
    if valid.size and not (valid == ACTIVITY_FILE_TYPE).any():
        kind = fit_summary.enum_name("file", float(valid[0]))
        raise NotAnActivity(
            name,
            f"not an activity file (FIT file type {kind})",
            format="FIT",
            hint="progrun reads recorded runs; export the activity, not the device's other files",
        )


def _first_valid(values: FloatArray) -> float:
    valid = values[~np.isnan(values)]
    return float(valid[0]) if valid.size else math.nan


def _speed_distance(records: MessageTable) -> tuple[FloatArray, FloatArray]:
    """Speed (enhanced preferred) and distance, completed from FR70-style compressed_speed_distance."""
    speed = records.column("enhanced_speed")
    regular = records.columns.get("speed")
    if regular is not None:
        speed = np.where(np.isnan(speed), regular, speed)
    distance = records.column("distance")
    packed = records.raw.get("compressed_speed_distance")
    if packed is not None and packed.shape[1] >= 3:
        b0, b1, b2 = (packed[:, i].astype(np.int64) for i in range(3))
        present = ~((b0 == 0xFF) & (b1 == 0xFF) & (b2 == 0xFF))
        packed_speed = np.where(present, (b0 | ((b1 & 0x0F) << 8)) / 100.0, np.nan)
        speed = np.where(np.isnan(speed), packed_speed, speed)
        raw_distance = (b1 >> 4) | (b2 << 4)  # 12 bits, 1/16 m, rolls over at 256 m
        valid = np.flatnonzero(present)
        if valid.size:
            steps = np.diff(raw_distance[valid]) & 0xFFF
            accumulated = np.full(len(distance), np.nan)
            accumulated[valid] = (raw_distance[valid[0]] + np.concatenate([[0], np.cumsum(steps)])) / 16.0
            distance = np.where(np.isnan(distance), accumulated, distance)
    return speed, distance


def record_channels(records: MessageTable) -> dict[str, FloatArray]:
    """Every record's channels in progrun units, in file order, before any session is dropped.

    Keys: timestamp (FIT seconds), distance_m, speed_m_s, lat_deg, lon_deg, altitude_m, heart_rate_bpm,
    cadence_rpm (FIT cadence + fractional_cadence: strides per minute for running), power_w.
    """
    speed, distance = _speed_distance(records)
    return {
        "timestamp": records.column("timestamp"),
        "distance_m": distance,
        "speed_m_s": speed,
        "lat_deg": records.column("position_lat") * DEGREES_PER_SEMICIRCLE,
        "lon_deg": records.column("position_long") * DEGREES_PER_SEMICIRCLE,
        "altitude_m": _altitude(records),
        "heart_rate_bpm": records.column("heart_rate"),
        "cadence_rpm": _cadence_rpm(records),
        "power_w": records.column("power"),
    }


def _keep_windows(
    session_list: list[fit_summary.Session], timestamps: FloatArray
) -> tuple[list[BoolArray], list[tuple[float, float]], str, str]:
    """Record masks and windows of the running sessions to keep (none: keep all), sport and sub-sport.

    A record stamped exactly at the end of a session that the next session starts at belongs to the next.
    """
    runs = [
        s for s in session_list if s.sport in RUN_SPORTS and not (math.isnan(s.start) or math.isnan(s.end))
    ]
    if runs and len(runs) < len(session_list):
        starts = {s.start for s in session_list}
        masks: list[BoolArray] = []
        windows: list[tuple[float, float]] = []
        for run in runs:
            inside = (timestamps >= run.start) & (timestamps < run.end)
            if run.end not in starts:
                inside |= timestamps == run.end
            if inside.any():
                masks.append(inside)
                windows.append((run.start, run.end))
        if masks:
            return masks, windows, runs[0].sport, runs[0].sub_sport
    if runs:
        return [], [], runs[0].sport, runs[0].sub_sport
    others = [s for s in session_list if s.sport and s.sport != "transition"]
    if others:
        return [], [], others[0].sport, others[0].sub_sport
    return [], [], "", ""


def _build_activity(decoded: FitDecoded, name: str, warnings: list[str]) -> Activity:
    tables = decoded.tables
    channels = record_channels(tables["record"])
    timestamps = channels["timestamp"]
    missing_time = np.isnan(timestamps)
    session_list = fit_summary.sessions(tables["session"])
    if not session_list:
        warnings.append(
            "no session message (the recording may have been cut short by a device reset); sport and laps "
            "come only from what the file holds, nothing was rebuilt"
        )
    legs, windows, sport, sub_sport = _keep_windows(session_list, timestamps)
    keep = ~missing_time
    if legs:
        keep &= np.logical_or.reduce(legs)
    if missing_time.any():
        warnings.append(f"{int(missing_time.sum())} records without a timestamp were skipped")
    if not keep.any():
        raise CorruptFile(
            name, "no records with a timestamp", format="FIT", hint="the file holds no usable samples"
        )
    if not sport:
        sport = _fallback_sport(tables)
    distance = channels["distance_m"]
    kept_rows = np.flatnonzero(keep)
    # every record kept (the usual case): the channels as they are, not a copy of each
    index: npt.NDArray[np.intp] | slice = slice(None) if len(kept_rows) == len(keep) else kept_rows
    times = timestamps[index]
    origin = float(times[0])
    pauses = fit_summary.timer_pauses(tables["event"], origin)
    if legs:
        distance, leg_pauses = _join_legs(timestamps, distance, legs, origin)
        inside = [p for p in pauses if _inside(p, windows, origin)]
        pauses = sorted(inside + leg_pauses, key=lambda p: p.start_s)
    distance = distance[index]
    cadence = channels["cadence_rpm"]
    if sport not in NON_FOOT_SPORTS:
        cadence = cadence * 2.0
    start, relative = _start(origin, tables["timestamp_correlation"], warnings)
    workout_name, steps = fit_summary.workout(tables["workout"], tables["workout_step"])
    extra: dict[str, object] = {"sessions": [s.sport for s in session_list], "fit_files": decoded.units}
    laps = fit_summary.laps(tables["lap"], origin, windows, sport)
    if laps and laps[0].start_s > 0.0:
        # Records written before the timer started (FR110: 3 s): the laps count from the timer start.
        extra["timer_start_s"] = float(laps[0].start_s)
    if sub_sport:
        extra["sub_sport"] = sub_sport
    kept = [s for s in session_list if (s.start, s.end) in windows] if windows else session_list
    session_timers = [s.timer_s for s in kept if math.isfinite(s.timer_s)]
    if session_timers and len(session_timers) == len(kept):
        extra["session_timer_s"] = float(sum(session_timers))
    return Activity(
        time_s=times - origin,
        distance_m=distance,
        speed_m_s=channels["speed_m_s"][index],
        lat_deg=channels["lat_deg"][index],
        lon_deg=channels["lon_deg"][index],
        altitude_m=channels["altitude_m"][index],
        heart_rate_bpm=channels["heart_rate_bpm"][index],
        cadence_spm=cadence[index],
        power_w=channels["power_w"][index],
        start=start,
        format=Format.FIT,
        sport=sport or "generic",
        device=fit_summary.device_name(tables["file_id"]),
        laps=laps,
        pauses=tuple(pauses),
        workout_steps=steps,
        workout_name=workout_name,
        warnings=tuple(warnings),
        source=name,
        relative_time=relative,
        extra=extra,
    )


def _cadence_rpm(records: MessageTable) -> FloatArray:
    cadence = records.column("cadence")
    fraction = records.columns.get("fractional_cadence")
    return cadence if fraction is None else cadence + np.where(np.isnan(fraction), 0.0, fraction)


def _altitude(records: MessageTable) -> FloatArray:
    altitude = records.column("enhanced_altitude")
    regular = records.columns.get("altitude")
    return altitude if regular is None else np.where(np.isnan(altitude), regular, altitude)


def _fallback_sport(tables: dict[str, MessageTable]) -> str:
    for mesg in ("lap", "sport"):
        sports = tables[mesg].column("sport")
        first = _first_valid(sports)
        if not math.isnan(first):
            return fit_summary.enum_name("sport", first)
    return "generic"


def _inside(pause: Pause, windows: list[tuple[float, float]], origin: float) -> bool:
    return any(begin - origin <= pause.start_s <= finish - origin for begin, finish in windows)


def _join_legs(
    timestamps: FloatArray, distance: FloatArray, legs: list[BoolArray], origin: float
) -> tuple[FloatArray, list[Pause]]:
    """Run legs of a multisport file: distance counts from 0 at the first leg and continues from leg to
    leg, and the time between two legs becomes a pause.

    Devices either reset the distance at each session (fenix2) or keep counting across the whole
    activity (fr920xt): a leg's baseline is the distance of the record before it when the stream kept
    counting, else 0.
    """
    joined = np.full(len(distance), np.nan)
    pauses: list[Pause] = []
    carried = 0.0
    previous_end: float | None = None
    for leg in legs:
        rows = np.flatnonzero(leg)
        leg_distance = distance[rows]
        first = _first_valid(leg_distance)
        before = distance[: rows[0]]
        baseline = _first_valid(before[::-1]) if before.size else math.nan
        if math.isnan(baseline) or math.isnan(first) or first < baseline:
            baseline = 0.0
        joined[rows] = leg_distance - baseline + carried
        last = _first_valid(joined[rows][::-1])
        carried = carried if math.isnan(last) else last
        leg_times = timestamps[rows]
        if previous_end is not None and leg_times[0] > previous_end:
            pauses.append(Pause(previous_end - origin, float(leg_times[0]) - origin))
        previous_end = float(leg_times[-1])
    return joined, pauses


def _utc(fit_seconds: float) -> datetime | None:
    """A FIT timestamp as an aware UTC datetime; None when it is not a representable date."""
    try:
        return datetime.fromtimestamp(fit_seconds + FIT_EPOCH_S, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _start(origin: float, correlation: MessageTable, warnings: list[str]) -> tuple[datetime | None, bool]:
    """The aware UTC start, or None (and relative=True) for device power-on timestamps."""
    if origin >= RELATIVE_TIME_LIMIT:
        return _utc(origin), False
    utc = correlation.column("timestamp")
    system = correlation.column("system_timestamp")
    both = ~(np.isnan(utc) | np.isnan(system))
    if both.any():
        i = int(np.flatnonzero(both)[0])
        start = _utc(float(utc[i] - system[i]) + origin)
        if start is not None:
            warnings.append(
                "timestamps count from device power-on; the start comes from timestamp_correlation"
            )
            return start, True
    warnings.append(
        f"timestamps count from device power-on ({int(origin)} s), not a calendar date: "
        "the start time is unknown"
    )
    return None, True
