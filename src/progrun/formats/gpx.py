"""GPX 1.0 and 1.1 reader: track points with time, position, elevation, heart rate and cadence.

- Every `<trk>/<trkseg>/<trkpt>` in document order; empty tracks and segments are skipped. A
  segment break with a gap in time becomes a pause (GPX 1.1: "start a new segment when the
  receiver was turned off or lost its fix"), so its jump adds no distance.
- Extensions are matched by local name under any namespace: `hr`/`heartrate` (Garmin
  TrackPointExtension v1/v2, Amazfit, mapstogpx), `cad`/`cadence`, `power`.
- Times with `Z`, an offset, or no zone (assumed UTC, with a warning); any fraction of a second.
- GPX has no laps and no device distance: distance comes from positions, computed by
  `progrun.track.sanitise` (which `read_activity` runs) once the track is clean.
- Sport from `<trk><type>`: "running", "run", Strava's "9" -> running.
- A GPX without times cannot be split: CorruptFile. Points without a time are dropped (warned)
  when most points have one; when fewer than half do, the file is refused with the counts.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

import numpy as np

from progrun.activity import Activity, Format, Pause
from progrun.errors import CorruptFile
from progrun.formats.on_error import OnError
from progrun.formats.xml_safety import local_name, parse_float, parse_xml, parse_xml_time, serialize
from progrun.formats.xml_scan import scan_points
from progrun.formats.xml_skeleton import count_points, read_skeleton
from progrun.formats.xml_values import Texts, texts_to_floats, texts_to_times
from progrun.track import steps_per_minute

#: Strava writes its activity type number in <type>; 9 is Run, 1 is Ride, 10 is Walk.
STRAVA_TYPES = {"9": "running", "1": "cycling", "10": "walking"}
_SPORT_WORDS = {"run": "running", "running": "running", "trail running": "running", "biking": "cycling"}
_HEART_RATE = frozenset({"hr", "heartrate", "heart_rate", "heartratebpm"})
_CADENCE = frozenset({"cad", "cadence", "runcadence"})
_POWER = frozenset({"power", "watts"})
#: Refuse the file when fewer than this share of its points carry a time.
MIN_TIMED_SHARE = 0.5
#: Each column of the points, where each segment starts, and the sport.
_Points = tuple[dict[str, Any], list[int], str]


def normalise_sport(text: str) -> str:
    """A GPX/TCX sport label as progrun's lower-case sport name ('' when unknown)."""
    text = text.strip()
    if text in STRAVA_TYPES:
        return STRAVA_TYPES[text]
    lowered = text.lower()
    return _SPORT_WORDS.get(lowered, lowered)


def read_gpx(data: bytes, *, name: str, on_error: OnError = OnError.RAISE) -> Activity:
    """Read GPX bytes into an Activity (unsanitised: `progrun.read_activity` sanitises it)."""
    root, repairs, (columns, segment_starts, sport) = _read_document(data, name)
    warnings = list(repairs)
    count = len(columns["time"])
    if count == 0:
        routes = sum(1 for _ in root.iter("{*}rtept"))
        reason = "is a planned route, not a recorded track" if routes else "has no track points"
        raise CorruptFile(name, reason, format="gpx", hint="export the run as FIT or TCX instead")

    times = np.asarray(columns["time"])
    timed = ~np.isnan(times)
    timed_count = int(np.count_nonzero(timed))
    if timed_count == 0:
        raise CorruptFile(name, "has no timestamps; splits need times", format="gpx")
    if timed_count < MIN_TIMED_SHARE * count:
        raise CorruptFile(
            name,
            f"only {timed_count} of {count} track points have a timestamp; splits need times",
            format="gpx",
        )
    if columns["naive"]:
        warnings.append("times have no time zone; assumed UTC")
    if timed_count < count:
        warnings.append(f"dropped {count - timed_count} track points without a valid time")

    start_epoch = float(times[timed][0])
    time_s = times - start_epoch
    every = timed_count == count  # then no column needs the copy that a mask makes
    arrays = {
        key: np.asarray(values, dtype=np.float64) if every else np.asarray(values, dtype=np.float64)[timed]
        for key, values in columns.items()
        if key != "naive"
    }
    time_s = time_s if every else time_s[timed]
    kept_index = np.cumsum(timed) - 1
    starts = [int(kept_index[s]) for s in segment_starts if 0 < s < count and timed[s]]
    pauses = _segment_pauses(time_s, starts)

    nan = np.full(len(time_s), np.nan)
    return Activity(
        time_s=time_s,
        distance_m=nan,  # from positions: `track.sanitise` computes it once the track is clean
        speed_m_s=nan,
        lat_deg=arrays["lat"],
        lon_deg=arrays["lon"],
        altitude_m=arrays["ele"],
        heart_rate_bpm=arrays["hr"],
        cadence_spm=steps_per_minute(arrays["cad"], sport),
        power_w=arrays["power"],
        start=datetime.fromtimestamp(start_epoch, UTC),
        format=Format.GPX,
        sport=sport,
        device=(root.get("creator") or "").strip(),
        pauses=pauses,
        warnings=tuple(warnings),
        source=name,
        extra={"distance_source": "positions", "gpx_version": root.get("version", "")},
    )


def _read_document(data: bytes, name: str) -> tuple[Any, tuple[str, ...], _Points]:
    """The root, the repairs and the points: on the fast path (`xml_skeleton`), else from the whole tree."""
    skeleton = read_skeleton(data, "gpx")
    if skeleton is not None and local_name(skeleton.root.tag) == "gpx":
        counts = [count_points(segment) for segment in _segments(skeleton.root)]
        if sum(counts) == skeleton.points.count:
            return skeleton.root, skeleton.warnings, _columns(skeleton.root, skeleton.points.texts, counts)
    parsed = parse_xml(data, name=name)
    root = parsed.root
    if local_name(root.tag) != "gpx":
        raise CorruptFile(name, f"XML root is <{local_name(root.tag)}>, not <gpx>", format="gpx")
    return root, parsed.warnings, _read_points(root, parsed.data)


def _read_points(root: Any, raw: bytes | None = None) -> _Points:
    """Every track point's values (`xml_scan` fast path, else a walk per point) as in `_read_points_slowly`.

    `raw` is the bytes the tree was parsed from; without them the tree is serialised.
    """
    counts = [sum(1 for _ in segment.iterchildren("{*}trkpt")) for segment in _segments(root)]
    texts = scan_points(serialize(root) if raw is None else raw, "gpx", sum(counts))
    if texts is None:
        return _read_points_slowly(root)
    return _columns(root, texts, counts)


def _segments(root: Any) -> list[Any]:
    """Every `trk/trkseg`: the reader reads the points they hold."""
    return [segment for track in root.iterchildren("{*}trk") for segment in track.iterchildren("{*}trkseg")]


def _columns(root: Any, texts: dict[str, list[bytes | None]], counts: list[int]) -> _Points:
    """The points' columns from their texts (`xml_scan`), as `_read_points_slowly` gives them."""
    sport = ""
    for track in root.iterchildren("{*}trk"):
        sport = normalise_sport(track.findtext("{*}type") or "")
        if sport:
            break
    segment_starts = list(accumulate(counts[:-1], initial=0)) if counts else []
    times, naive = texts_to_times(texts["time"])
    columns: dict[str, Any] = {
        "time": times,
        "lat": texts_to_floats(_either(texts["lat"], texts["lat'"])),
        "lon": texts_to_floats(_either(texts["lon"], texts["lon'"])),
        "naive": [True] if naive else [],
    }
    for key in ("ele", "hr", "cad", "power"):
        columns[key] = texts_to_floats(texts[key])
    return columns, segment_starts, sport


def _either(double_quoted: Texts, single_quoted: Texts) -> Texts:
    """An attribute's values, written in double or single quotes (the other is None)."""
    if not any(single_quoted):
        return double_quoted
    return [a or b for a, b in zip(double_quoted, single_quoted, strict=True)]


def _read_points_slowly(root: Any) -> _Points:
    """Collect every track point's values into plain lists (converted to numpy once)."""
    time: list[float] = []
    lat: list[float] = []
    lon: list[float] = []
    ele: list[float] = []
    hr: list[float] = []
    cad: list[float] = []
    power: list[float] = []
    naive = False
    segment_starts: list[int] = []
    sport = ""
    names: dict[str, str] = {}
    nan = math.nan
    for track in root.iterchildren("{*}trk"):
        if not sport:
            sport = normalise_sport(track.findtext("{*}type") or "")
        for segment in track.iterchildren("{*}trkseg"):
            segment_starts.append(len(time))
            for point in segment.iterchildren("{*}trkpt"):
                lat.append(parse_float(point.get("lat")))
                lon.append(parse_float(point.get("lon")))
                point_time = point_ele = point_hr = point_cad = point_power = nan
                for child in point:
                    tag = child.tag
                    local = names.get(tag) or names.setdefault(tag, local_name(tag).lower())
                    if local == "time":
                        point_time, no_zone = parse_xml_time(child.text)
                        naive = naive or no_zone
                    elif local == "ele":
                        point_ele = parse_float(child.text)
                    elif local == "extensions":
                        for node in child.iter():
                            if node.text is None or len(node):
                                continue
                            ext = names.get(node.tag) or names.setdefault(
                                node.tag, local_name(node.tag).lower()
                            )
                            if ext in _HEART_RATE:
                                point_hr = parse_float(node.text)
                            elif ext in _CADENCE:
                                point_cad = parse_float(node.text)
                            elif ext in _POWER:
                                point_power = parse_float(node.text)
                time.append(point_time)
                ele.append(point_ele)
                hr.append(point_hr)
                cad.append(point_cad)
                power.append(point_power)
    columns: dict[str, list[Any]] = {
        "time": time,
        "lat": lat,
        "lon": lon,
        "ele": ele,
        "hr": hr,
        "cad": cad,
        "power": power,
        "naive": [True] if naive else [],
    }
    return columns, segment_starts, sport


def _segment_pauses(time_s: np.ndarray[Any, Any], starts: list[int]) -> tuple[Pause, ...]:
    """A pause over the time gap at each segment break (none when the gap is zero)."""
    pauses = []
    for index in sorted(set(starts)):
        begin, end = float(time_s[index - 1]), float(time_s[index])
        if end > begin:
            pauses.append(Pause(begin, end))
    return tuple(pauses)
