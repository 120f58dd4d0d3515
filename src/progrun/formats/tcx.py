"""TCX (Garmin Training Center Database v2) reader: trackpoints, laps and pauses.

- `Activities/Activity[@Sport]/Lap[@StartTime]` with TotalTimeSeconds, DistanceMeters,
  TriggerMethod, Intensity, and `Track/Trackpoint` with Time, Position, AltitudeMeters,
  DistanceMeters, HeartRateBpm/Value, Cadence, and the ActivityExtension `TPX` (Speed,
  RunCadence, Watts), matched by local name.
- Distance: the trackpoints' DistanceMeters when present; otherwise computed from positions
  (`progrun.track`); a treadmill run without positions integrates TPX Speed, or spreads each
  lap's DistanceMeters over its trackpoints.
- Laps: start_s from StartTime, timer_s = TotalTimeSeconds, elapsed_s = time to the next lap's
  start (or the lap's last trackpoint), distance_m, trigger from TriggerMethod.
- Pauses: TCX has no timer events. When a lap's wall-clock span exceeds its TotalTimeSeconds,
  the difference is placed in the lap's largest gaps between trackpoints (smart recording also
  leaves gaps, so a gap alone is not a pause).
- Start: the first lap's StartTime (or the first trackpoint when it is earlier). Device: Creator/Name.
- Multi-sport files (a `MultiSportSession`, or several `Activity` elements): the running legs are
  read, joined into one run (laps numbered on, distance continued, the time between legs a pause);
  with no running leg, the first activity.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np

from progrun.activity import Activity, FloatArray, Format, Lap, LapTrigger, Pause
from progrun.errors import CorruptFile
from progrun.formats.gpx import normalise_sport
from progrun.formats.on_error import OnError
from progrun.formats.xml_safety import local_name, parse_float, parse_xml, parse_xml_time, serialize
from progrun.formats.xml_scan import TCX_COLUMNS, scan_points
from progrun.formats.xml_skeleton import count_points, read_skeleton
from progrun.formats.xml_values import texts_to_floats, texts_to_times
from progrun.track import steps_per_minute

TRIGGERS = {
    "manual": LapTrigger.MANUAL,
    "distance": LapTrigger.DISTANCE,
    "time": LapTrigger.TIME,
    "location": LapTrigger.POSITION,
    "position": LapTrigger.POSITION,
}
#: A lap whose wall-clock span exceeds its timer by more than this holds a pause.
PAUSE_TOLERANCE_S = 1.0
#: Only gaps between trackpoints longer than this can hold a pause.
MIN_PAUSE_GAP_S = 2.0
#: Each trackpoint's values by column, each lap's summary, and whether a time had no zone.
_PointsAndLaps = tuple[dict[str, Any], list[dict[str, Any]], bool]
_FIELDS = {
    "time": "time",
    "latitudedegrees": "lat",
    "longitudedegrees": "lon",
    "altitudemeters": "alt",
    "distancemeters": "dist",
    "speed": "speed",
    "runcadence": "runcad",
    "cadence": "cad",
    "watts": "power",
    "heartratebpm": "hr",
}


def read_tcx(data: bytes, *, name: str, on_error: OnError = OnError.RAISE) -> Activity:
    """Read TCX bytes into an Activity (unsanitised: `progrun.read_activity` sanitises it)."""
    root, repairs, raw, points_and_laps = _read_document(data, name)
    warnings = list(repairs)
    activities = list(root.iter("{*}Activity"))
    if not activities:
        raise CorruptFile(
            name, "has no <Activity>", format="tcx", hint="a course or workout file is not a run"
        )
    legs = _run_legs(activities)
    activity = legs[0]
    if len(activities) > 1:
        sports = ", ".join(normalise_sport(leg.get("Sport") or "") or "unknown" for leg in activities)
        read = "the first" if len(legs) == 1 and legs[0] is activities[0] else f"{len(legs)} running leg(s)"
        warnings.append(f"file holds {len(activities)} activities ({sports}); read {read}")

    if len(legs) > 1:
        points, lap_rows, naive = _join_legs([_read_laps(leg) for leg in legs])
    elif activity is activities[0]:
        points, lap_rows, naive = points_and_laps or _read_laps(activity, raw)
    else:
        points, lap_rows, naive = _read_laps(activity)
    if naive:
        warnings.append("times have no time zone; assumed UTC")
    times = np.asarray(points["time"], dtype=np.float64)
    timed = ~np.isnan(times)
    if not np.any(timed):
        raise CorruptFile(name, "has no trackpoints with a time; splits need times", format="tcx")
    if not np.all(timed):
        warnings.append(f"dropped {int(np.count_nonzero(~timed))} trackpoints without a valid time")
    every = bool(timed.all())  # then no column needs the copy that a mask makes
    arrays = {
        key: np.asarray(values, dtype=np.float64) if every else np.asarray(values, dtype=np.float64)[timed]
        for key, values in points.items()
    }
    lap_of_point = arrays.pop("lap").astype(np.int64)

    lap_starts = [row["start"] for row in lap_rows]
    first_point = float(arrays["time"][0])
    start_epoch = min([first_point, *[s for s in lap_starts[:1] if not math.isnan(s)]])
    time_s = arrays["time"] - start_epoch

    laps, pauses, lap_warnings = _laps_and_pauses(lap_rows, time_s, lap_of_point, start_epoch, activity)
    warnings += lap_warnings
    distance, source = _distance(arrays, time_s, lap_of_point, laps, pauses, warnings=warnings)
    cadence = np.where(np.isnan(arrays["runcad"]), arrays["cad"], arrays["runcad"])
    sport = normalise_sport(activity.get("Sport") or "")
    creator = activity.find("{*}Creator")
    device = (creator.findtext("{*}Name") or "").strip() if creator is not None else ""
    return Activity(
        time_s=time_s,
        distance_m=distance,
        speed_m_s=arrays["speed"],
        lat_deg=arrays["lat"],
        lon_deg=arrays["lon"],
        altitude_m=arrays["alt"],
        heart_rate_bpm=arrays["hr"],
        cadence_spm=steps_per_minute(cadence, sport),
        power_w=arrays["power"],
        start=datetime.fromtimestamp(start_epoch, UTC),
        format=Format.TCX,
        sport=sport,
        device=device,
        laps=laps,
        pauses=pauses,
        warnings=tuple(warnings),
        source=name,
        extra={"distance_source": source},
    )


def _run_legs(activities: list[Any]) -> list[Any]:
    """The running activities of a multi-sport file (a MultiSportSession's legs), else the first."""
    runs = [leg for leg in activities if normalise_sport(leg.get("Sport") or "") == "running"]
    return runs or activities[:1]


def _join_legs(legs: list[_PointsAndLaps]) -> _PointsAndLaps:
    """Several run legs as one run: laps numbered on, distance continued from leg to leg.

    A leg whose trackpoint distance starts below where the previous leg ended restarted its counter,
    so it continues from there. The time between two legs falls inside the last lap of the earlier
    leg, past its timer time, so `_laps_and_pauses` makes it a pause (no distance across it).
    """
    points: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    naive = False
    carried = 0.0
    for leg_points, leg_rows, leg_naive in legs:
        distance = np.asarray(leg_points["dist"], dtype=np.float64)
        valid = distance[~np.isnan(distance)]
        offset = carried if valid.size and valid[0] < carried else 0.0
        leg_columns = dict(leg_points, dist=distance + offset)
        leg_columns["lap"] = np.asarray(leg_points["lap"], dtype=np.float64) + len(rows)
        for key, values in leg_columns.items():
            points.setdefault(key, []).extend(np.asarray(values).tolist())
        if valid.size:
            carried = float(valid[-1]) + offset
        rows += leg_rows
        naive = naive or leg_naive
    return points, rows, naive


def _read_document(data: bytes, name: str) -> tuple[Any, tuple[str, ...], bytes, _PointsAndLaps | None]:
    """The root, the repairs, the bytes parsed, and the first activity's points and laps if already read.

    On the fast path (`xml_skeleton`) the points come from their texts; otherwise the whole
    document is parsed and None is returned for the points: the caller reads them from the tree.
    """
    skeleton = read_skeleton(data, "tcx")
    if skeleton is not None and local_name(skeleton.root.tag) == "TrainingCenterDatabase":
        activity = next(skeleton.root.iter("{*}Activity"), None)
        laps = [] if activity is None else list(activity.iterchildren("{*}Lap"))
        counts = [count_points(lap, descendants=True) for lap in laps]
        if sum(counts) == skeleton.points.count:
            return skeleton.root, skeleton.warnings, b"", _columns(laps, skeleton.points.texts, counts)
    parsed = parse_xml(data, name=name)
    root = parsed.root
    if local_name(root.tag) != "TrainingCenterDatabase":
        raise CorruptFile(
            name, f"XML root is <{local_name(root.tag)}>, not <TrainingCenterDatabase>", format="tcx"
        )
    return root, parsed.warnings, parsed.data, None


def _read_laps(activity: Any, raw: bytes | None = None) -> _PointsAndLaps:
    """Every trackpoint's values and each lap's summary (`xml_scan` fast path, else `_read_laps_slowly`).

    `raw` is the bytes the tree was parsed from; without them the tree is serialised.
    """
    laps = list(activity.iterchildren("{*}Lap"))
    counts = [sum(1 for _ in lap.iter("{*}Trackpoint")) for lap in laps]
    texts = scan_points(serialize(activity) if raw is None else raw, "tcx", sum(counts))
    if texts is None:
        return _read_laps_slowly(activity)
    return _columns(laps, texts, counts)


def _columns(laps: list[Any], texts: dict[str, list[bytes | None]], counts: list[int]) -> _PointsAndLaps:
    """The trackpoints' columns from their texts (`xml_scan`) and the laps, as `_read_laps_slowly`."""
    rows, naive = _lap_rows(laps)
    points: dict[str, Any] = {}
    points["time"], times_naive = texts_to_times(texts["time"])
    for key in TCX_COLUMNS[1:]:
        points[key] = texts_to_floats(texts[key])
    points["lap"] = np.repeat(np.arange(len(laps), dtype=np.float64), counts)
    return points, rows, naive or times_naive


def _lap_rows(laps: list[Any]) -> tuple[list[dict[str, Any]], bool]:
    rows = []
    naive = False
    for lap in laps:
        lap_start, no_zone = parse_xml_time(lap.get("StartTime"))
        naive = naive or no_zone
        rows.append(
            {
                "start": lap_start,
                "timer": parse_float(lap.findtext("{*}TotalTimeSeconds")),
                "distance": parse_float(lap.findtext("{*}DistanceMeters")),
                "trigger": (lap.findtext("{*}TriggerMethod") or "").strip(),
                "intensity": (lap.findtext("{*}Intensity") or "").strip().lower(),
            }
        )
    return rows, naive


def _read_laps_slowly(activity: Any) -> _PointsAndLaps:
    """Every trackpoint's values as plain lists, and each lap's summary."""
    keys = ("time", "lat", "lon", "alt", "dist", "hr", "speed", "runcad", "cad", "power", "lap")
    points: dict[str, list[float]] = {key: [] for key in keys}
    lists = [points[key] for key in keys]
    names: dict[str, str | None] = {}
    nan = math.nan
    lap_elements = list(activity.iterchildren("{*}Lap"))
    laps, naive = _lap_rows(lap_elements)
    for lap_index, lap in enumerate(lap_elements):
        for point in lap.iter("{*}Trackpoint"):
            values = dict.fromkeys(keys, nan)
            for node in point.iter():
                tag = node.tag
                if tag not in names:
                    names[tag] = _FIELDS.get(local_name(tag).lower())
                field = names[tag]
                if field is None:
                    continue
                if field == "time":
                    values["time"], no_zone = parse_xml_time(node.text)
                    naive = naive or no_zone
                elif field == "hr":
                    values["hr"] = parse_float(node.findtext("{*}Value"))
                else:
                    values[field] = parse_float(node.text)
            values["lap"] = lap_index
            for key, column in zip(keys, lists, strict=True):
                column.append(values[key])
    return points, laps, naive


def _laps_and_pauses(
    rows: list[dict[str, Any]], time_s: FloatArray, lap_of_point: Any, start_epoch: float, activity: Any
) -> tuple[tuple[Lap, ...], tuple[Pause, ...], list[str]]:
    warnings: list[str] = []
    sport = normalise_sport(activity.get("Sport") or "")
    # Points are in lap order (`lap_of_point` never decreases): lap k's points are one slice.
    bounds = np.searchsorted(lap_of_point, np.arange(len(rows) + 1)).tolist()
    starts: list[float] = []
    for index, row in enumerate(rows):
        start = row["start"] - start_epoch if not math.isnan(row["start"]) else math.nan
        if math.isnan(start):
            in_lap = time_s[bounds[index] : bounds[index + 1]]
            start = float(in_lap[0]) if in_lap.size else (starts[-1] if starts else 0.0)
        starts.append(start)
    last_time = float(time_s[-1])
    laps: list[Lap] = []
    pauses: list[Pause] = []
    disagreement = 0.0
    for index, row in enumerate(rows):
        end = starts[index + 1] if index + 1 < len(rows) else max(last_time, starts[index])
        if index + 1 < len(rows) and bounds[index + 1] > bounds[index]:
            last_in_lap = float(time_s[bounds[index + 1] - 1])
            disagreement = max(disagreement, last_in_lap - end)
        timer = row["timer"]
        laps.append(
            Lap(
                index=index,
                start_s=starts[index],
                elapsed_s=max(0.0, end - starts[index]),
                timer_s=timer if not math.isnan(timer) else max(0.0, end - starts[index]),
                distance_m=None if math.isnan(row["distance"]) else row["distance"],
                trigger=TRIGGERS.get(row["trigger"].lower(), LapTrigger.UNKNOWN),
                sport=sport,
                intensity=row["intensity"],
            )
        )
        if not math.isnan(timer) and end - starts[index] - timer > PAUSE_TOLERANCE_S:
            window = time_s[(time_s > starts[index]) & (time_s < end)]
            edges = np.concatenate([[starts[index]], window, [end]])
            found, unplaced = _place_pause(edges, end - starts[index] - timer)
            pauses += found
            if unplaced > 5.0:
                warnings.append(
                    f"lap {index + 1} lasts {unplaced:.0f} s longer than its timer "
                    "with no gap in its trackpoints"
                )
    if disagreement > 5.0:
        warnings.append(f"lap start times disagree with their trackpoints by up to {disagreement:.0f} s")
    return tuple(laps), tuple(sorted(pauses, key=lambda p: p.start_s)), warnings


def _place_pause(edges: FloatArray, paused_s: float) -> tuple[list[Pause], float]:
    """Put `paused_s` seconds of stopped timer into the largest gaps between `edges`."""
    if paused_s <= PAUSE_TOLERANCE_S:
        return [], 0.0
    gaps = np.diff(edges)
    order = np.argsort(-gaps, kind="stable")
    pauses = []
    remaining = paused_s
    for k in order:
        gap = float(gaps[k])
        if gap <= MIN_PAUSE_GAP_S or remaining <= PAUSE_TOLERANCE_S:
            break
        take = min(gap, remaining)
        end = float(edges[k + 1])
        pauses.append(Pause(end - take, end))
        remaining -= take
    return pauses, max(0.0, remaining)


def _distance(
    arrays: dict[str, FloatArray],
    time_s: FloatArray,
    lap_of_point: Any,
    laps: tuple[Lap, ...],
    pauses: tuple[Pause, ...],
    *,
    warnings: list[str],
) -> tuple[FloatArray, str]:
    if np.any(~np.isnan(arrays["dist"])):
        return arrays["dist"], "device"
    if np.any(~np.isnan(arrays["lat"])):
        warnings.append("trackpoints carry no DistanceMeters; distance computed from positions")
        return np.full(len(time_s), np.nan), "positions"  # by `track.sanitise`, once the track is clean
    speed = arrays["speed"]
    if np.any(~np.isnan(speed)):
        warnings.append("no positions or DistanceMeters; distance integrated from speed")
        steps = np.diff(time_s) * np.nan_to_num(speed[1:])
        for pause in pauses:
            steps[(time_s[:-1] <= pause.start_s) & (time_s[1:] >= pause.end_s)] = 0.0
        return np.concatenate([[0.0], np.cumsum(steps)]), "speed"
    if laps and all(lap.distance_m is not None for lap in laps):
        warnings.append("no positions, speed or trackpoint distance; lap distances spread over each lap")
        distance = np.full(len(time_s), np.nan)
        offset = 0.0
        for lap in laps:
            mask = lap_of_point == lap.index
            lap_distance = lap.distance_m or 0.0
            span = max(lap.elapsed_s, 1e-9)
            distance[mask] = offset + lap_distance * np.clip((time_s[mask] - lap.start_s) / span, 0.0, 1.0)
            offset += lap_distance
        return distance, "laps"
    return np.full(len(time_s), np.nan), "none"
