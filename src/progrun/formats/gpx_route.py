"""GPX route reader: the course a plan is laid over, with or without times.

A route is a line on the map: positions, elevation and the distance along it. Planning tools write it
as `<rte>/<rtept>`; watches and route builders often write it as a track (`<trk>/<trkseg>/<trkpt>`)
with no `<time>` at all. Both are read here (route points first, else track points); times, when
present, are ignored, so a recorded run can be used as the route of the next one.

The distance along the route is the great-circle length between neighbouring points
(`progrun.track.haversine_m`); points without a valid position are dropped (warned). Points without
an elevation are filled from their neighbours along the distance; a route with no elevation at all is
read as flat (warned), which makes a route-aware plan the flat plan.

Refused with the file's name and what to do: no points, fewer than two positions, or a route too short
(under 100 m) to hold a split.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from progrun.errors import CorruptFile
from progrun.formats.xml_safety import local_name, parse_float, parse_xml
from progrun.route import Route, route_from_points

__all__ = ["Route", "read_route", "read_route_file"]


def read_route_file(path: str | Path) -> Route:
    """Read a GPX route from a file (CorruptFile naming it when it cannot be read as a route)."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise CorruptFile(str(file), f"cannot be read ({error.strerror})", hint="check the path") from None
    return read_route(data, name=str(file))


def read_route(data: bytes, *, name: str) -> Route:
    """Read GPX bytes as a route: `<rtept>` points, else `<trkpt>` points, times not needed."""
    root = parse_xml(data, name=name).root
    if local_name(root.tag) != "gpx":
        raise CorruptFile(name, f"XML root is <{local_name(root.tag)}>, not <gpx>", format="gpx")
    points = list(root.iter("{*}rtept")) or list(root.iter("{*}trkpt"))
    if not points:
        raise CorruptFile(
            name,
            "has no route or track points",
            format="gpx",
            hint="export the course as GPX from your route planner (a route or a track)",
        )
    lat = np.array([parse_float(point.get("lat")) for point in points], dtype=np.float64)
    lon = np.array([parse_float(point.get("lon")) for point in points], dtype=np.float64)
    ele = np.array([_elevation(point) for point in points], dtype=np.float64)
    warnings: list[str] = []
    valid = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)
    if int(np.count_nonzero(valid)) < 2:
        raise CorruptFile(
            name, f"only {int(np.count_nonzero(valid))} of {len(points)} points have a position", format="gpx"
        )
    if not valid.all():
        warnings.append(f"dropped {int(np.count_nonzero(~valid))} points without a valid position")
    lat, lon, ele = lat[valid], lon[valid], ele[valid]
    return route_from_points(name, lat, lon, ele, warnings)


def _elevation(point: Any) -> float:
    for child in point.iterchildren():
        if isinstance(child.tag, str) and local_name(child.tag) == "ele":
            value = parse_float(child.text)
            return value if math.isfinite(value) else math.nan
    return math.nan
