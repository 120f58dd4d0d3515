"""Synthetic runs for storage, progress and benchmark tests: FIT bytes via progrun's own FIT writer."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np

from progrun.activity import CHANNELS, Activity, Format, make_activity
from progrun.formats.fit_writer import write_fit_activity

BASE_START = datetime(2024, 3, 4, 7, 0, tzinfo=UTC)


def synthetic_run(
    start: datetime,
    split_paces_s_per_km: Sequence[float],
    *,
    hr_base_bpm: float = 120.0,
    hr_per_m_s: float = 12.0,
    sport: str = "running",
    lat0: float = 48.0,
) -> Activity:
    """A 1 Hz run of one km per given pace (s/km), with heart rate rising with speed."""
    times: list[np.ndarray] = []
    distances: list[np.ndarray] = []
    t0 = 0.0
    d0 = 0.0
    for pace in split_paces_s_per_km:
        seconds = np.arange(1.0, math.floor(pace) + 1.0)
        times.append(t0 + seconds)
        distances.append(d0 + seconds * 1000.0 / pace)
        t0 += seconds[-1]
        d0 = float(distances[-1][-1])
    time_s = np.concatenate([[0.0], *times])
    distance_m = np.concatenate([[0.0], *distances])
    speed = np.gradient(distance_m, time_s)
    heart_rate = np.round(hr_base_bpm + hr_per_m_s * speed)
    lat = lat0 + distance_m / 111_000.0
    lon = np.full(len(time_s), 11.0)
    return make_activity(
        time_s,
        format=Format.FIT,
        start=start,
        distance_m=distance_m,
        speed_m_s=speed,
        heart_rate_bpm=heart_rate,
        lat_deg=lat,
        lon_deg=lon,
        altitude_m=np.full(len(time_s), 500.0),
        sport=sport,
    )


def fit_bytes(activity: Activity, *, record_every_s: int = 1) -> bytes:
    """The activity as a FIT file; `record_every_s` > 1 keeps one sample in that many (and the last),
    like a watch's smart recording, and makes Garmin's encoder that many times quicker."""
    if record_every_s > 1:
        keep = np.zeros(activity.records, dtype=bool)
        keep[::record_every_s] = True
        keep[-1] = True
        activity = replace(activity, **{name: getattr(activity, name)[keep] for name in CHANNELS})
    return write_fit_activity(activity)


def gpx_text(activity: Activity) -> str:
    """A minimal GPX 1.1 track of the activity (no extensions)."""
    assert activity.start is not None
    points = []
    columns = (activity.time_s, activity.lat_deg, activity.lon_deg, activity.heart_rate_bpm)
    for t, lat, lon, hr in zip(*columns, strict=True):
        moment = (activity.start + timedelta(seconds=float(t))).strftime("%Y-%m-%dT%H:%M:%SZ")
        points.append(
            f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>500</ele><time>{moment}</time>'
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr:.0f}</gpxtpx:hr>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="progrun-tests" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><type>running</type><trkseg>{''.join(points)}</trkseg></trk></gpx>"
    )


def progression_paces(week: int) -> list[float]:
    """A 6 km progression run that gets 3 s/km faster each week: 330 .. 280 s/km in week 0."""
    first = 330.0 - 3.0 * week
    return [first - 10.0 * i for i in range(6)]


def easy_paces(seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    return list(345.0 + rng.normal(0, 3.0, 5))


def week_start(week: int) -> datetime:
    return BASE_START + timedelta(weeks=week)
