"""Generated GPX routes (no times): a straight line due north with an elevation given along the distance.

Along a meridian the great-circle distance is exactly R * dlat, so the route's length is known exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

LAT0_DEG, LON0_DEG = 47.0, 8.0
METRES_PER_DEGREE_LAT = 111_194.93  # 6,371,008.8 m sphere, as progrun.track


def minetti_factor(grade: float) -> float:
    """Cr(i)/Cr(0) from Minetti et al. 2002, written out here (not imported) so the tests check the code."""
    cost = 155.4 * grade**5 - 30.4 * grade**4 - 43.3 * grade**3 + 46.3 * grade**2 + 19.5 * grade + 3.6
    return cost / 3.6


def piecewise_elevation(grades: Sequence[float], stretch_m: float) -> Callable[[float], float]:
    """Elevation along the route: `grades[k]` over the k-th stretch of `stretch_m` metres."""

    def elevation(distance_m: float) -> float:
        height, start = 100.0, 0.0
        for grade in grades:
            run = min(stretch_m, max(0.0, distance_m - start))
            height += grade * run
            start += stretch_m
        return height

    return elevation


def route_gpx(
    length_m: float,
    elevation: Callable[[float], float] | None,
    *,
    spacing_m: float = 5.0,
    tag: str = "trkpt",
    times: bool = False,
) -> bytes:
    """A GPX route of `length_m` due north, a point every `spacing_m`, as `<trkpt>` (a track with no
    times unless `times`) or `<rtept>` (a planned route)."""
    count = round(length_m / spacing_m)
    points = []
    for index in range(count + 1):
        distance = length_m * index / count
        lat = LAT0_DEG + distance / METRES_PER_DEGREE_LAT
        ele = "" if elevation is None else f"<ele>{elevation(distance):.3f}</ele>"
        time = f"<time>2025-05-04T07:{index // 60 % 60:02d}:{index % 60:02d}Z</time>" if times else ""
        points.append(f'<{tag} lat="{lat:.9f}" lon="{LON0_DEG:.9f}">{ele}{time}</{tag}>')
    body = "".join(points)
    wrapped = f"<rte>{body}</rte>" if tag == "rtept" else f"<trk><trkseg>{body}</trkseg></trk>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">{wrapped}</gpx>'
    ).encode()
