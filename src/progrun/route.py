"""A route: the course a plan is laid over (positions, elevation, distance along it), from any reader.

The distance along the route is the great-circle length between neighbouring points
(`progrun.track.haversine_m`). Points without an elevation are filled from their neighbours along the
distance; a route with no elevation at all is read as flat (warned). Fewer than two positions, or a
route shorter than `MIN_ROUTE_M`, is refused (CorruptFile naming the file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from progrun.activity import FloatArray
from progrun.errors import CorruptFile
from progrun.track import haversine_m

#: The shortest route a plan can be laid over.
MIN_ROUTE_M = 100.0


@dataclass(frozen=True, eq=False)
class Route:
    """A course: positions (degrees), elevation (m, NaN-free), cumulative distance (m) from its start."""

    name: str
    lat_deg: FloatArray
    lon_deg: FloatArray
    elevation_m: FloatArray
    distance_m: FloatArray
    has_elevation: bool
    warnings: tuple[str, ...] = ()

    @property
    def length_m(self) -> float:
        return float(self.distance_m[-1])


def route_from_points(
    name: str, lat_deg: FloatArray, lon_deg: FloatArray, elevation_m: FloatArray, warnings: Sequence[str] = ()
) -> Route:
    """The route through valid positions, in order; `elevation_m` may hold NaN (filled, or flat)."""
    notes = list(warnings)
    if len(lat_deg) < 2:
        raise CorruptFile(
            name, f"only {len(lat_deg)} point(s) with a position; a route needs 2", format="gpx"
        )
    steps = haversine_m(lat_deg[:-1], lon_deg[:-1], lat_deg[1:], lon_deg[1:])
    distance = np.concatenate(([0.0], np.cumsum(steps)))
    if distance[-1] < MIN_ROUTE_M:
        raise CorruptFile(
            name,
            f"the route is {distance[-1]:.0f} m long, too short for a plan (at least {MIN_ROUTE_M:.0f} m)",
            format="gpx",
        )
    known = np.isfinite(elevation_m)
    has_elevation = bool(known.any())
    if not has_elevation:
        notes.append("the route has no elevation; planned as flat")
        elevation = np.zeros_like(distance)
    elif not known.all():
        notes.append(
            f"filled {int(np.count_nonzero(~known))} points without an elevation from their neighbours"
        )
        elevation = np.interp(distance, distance[known], elevation_m[known])
    else:
        elevation = np.asarray(elevation_m, dtype=np.float64)
    return Route(name, lat_deg, lon_deg, elevation, distance, has_elevation, tuple(notes))
