"""A run's route drawn from its GPS points as inline SVG, coloured by pace against the split's target band.

No map tiles: the points are projected on a local flat plane (equirectangular about the route's middle
latitude, exact enough for a run's few kilometres), scaled into a fixed view box with north up, and cut
into polylines where the colour changes. The colours are CSS classes (`route-in`, `route-fast`,
`route-slow`, `route-plain`) so the page's stylesheet, not inline style, paints them (strict CSP).

The target of each point is the band of the judged split it falls in, found by the split distances of
the verdict (the same `splits` list the JSON API serves); its pace is the distance covered in a window
of `WINDOW_S` seconds around it, so one GPS jitter does not paint a segment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: The view box's longer side, in SVG user units.
VIEW_SIZE = 1000.0
#: A margin inside the view box so the line's width is not cut at the edges.
MARGIN = 20.0
#: The seconds of running each point's pace is measured over (centred on it).
WINDOW_S = 30.0
#: At most this many points are drawn (a 2-hour run at 1 Hz is thinned evenly).
MAX_POINTS = 1500
#: Mean Earth radius (IUGG), metres: only the scale bar's length depends on it.
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Band:
    """One judged split's stretch of the run and its target band (s/km; NaN where it has none)."""

    distance_m: float
    low_s_per_km: float
    high_s_per_km: float


@dataclass(frozen=True)
class RouteSegment:
    """A run of points of one colour class, as SVG polyline points ("x,y x,y ...")."""

    colour: str
    points: str


@dataclass(frozen=True)
class Route:
    """The route ready to draw: its view box, segments, start and finish markers, and the width in metres."""

    width: float
    height: float
    segments: tuple[RouteSegment, ...]
    start_xy: tuple[float, float]
    finish_xy: tuple[float, float]
    width_m: float

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"


def bands_from_splits(splits: Sequence[dict[str, object]]) -> tuple[Band, ...]:
    """The bands of the verdict's splits (the API's `verdict.splits`); a split not run ends the list."""
    bands: list[Band] = []
    for split in splits:
        distance = _number(split.get("distance_m"))
        if not math.isfinite(distance) or distance <= 0:
            break
        bands.append(Band(distance, _number(split.get("low_s_per_km")), _number(split.get("high_s_per_km"))))
    return tuple(bands)


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else math.nan


def point_paces(time_s: FloatArray, distance_m: FloatArray, window_s: float = WINDOW_S) -> FloatArray:
    """Each point's pace (s/km) over `window_s` seconds centred on it; NaN where it cannot be measured."""
    half = window_s / 2.0
    before = np.searchsorted(time_s, time_s - half, side="left")
    after = np.clip(np.searchsorted(time_s, time_s + half, side="right") - 1, 0, len(time_s) - 1)
    seconds = time_s[after] - time_s[before]
    metres = distance_m[after] - distance_m[before]
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = np.where(metres > 1.0, seconds / (metres / 1000.0), np.nan)
    return pace.astype(np.float64)


def colour_classes(distance_m: FloatArray, pace_s_per_km: FloatArray, bands: Sequence[Band]) -> list[str]:
    """The colour class of each point: its pace inside, faster or slower than its split's band."""
    if not bands:
        return ["route-plain"] * len(distance_m)
    ends = np.cumsum([band.distance_m for band in bands])
    index = np.searchsorted(ends, distance_m - distance_m[0], side="right")
    classes: list[str] = []
    for where, pace in zip(index.tolist(), pace_s_per_km.tolist(), strict=True):
        if where >= len(bands) or not math.isfinite(pace):
            classes.append("route-plain")
            continue
        band = bands[where]
        if not (math.isfinite(band.low_s_per_km) and math.isfinite(band.high_s_per_km)):
            classes.append("route-plain")
        elif pace < band.low_s_per_km:
            classes.append("route-fast")
        elif pace > band.high_s_per_km:
            classes.append("route-slow")
        else:
            classes.append("route-in")
    return classes


def draw_route(
    lat_deg: FloatArray,
    lon_deg: FloatArray,
    time_s: FloatArray,
    distance_m: FloatArray,
    bands: Sequence[Band],
) -> Route | None:
    """The route of the points with a position; None when fewer than two have one."""
    keep = np.isfinite(lat_deg) & np.isfinite(lon_deg) & np.isfinite(distance_m) & np.isfinite(time_s)
    if int(keep.sum()) < 2:
        return None
    lat, lon = lat_deg[keep], lon_deg[keep]
    paces = point_paces(time_s[keep], distance_m[keep])
    classes = colour_classes(distance_m[keep], paces, bands)
    east = np.radians(lon - lon.mean()) * math.cos(math.radians(float(lat.mean())))
    north = np.radians(lat - lat.mean())
    span = max(float(np.ptp(east)), float(np.ptp(north)), 1e-9)
    scale = (VIEW_SIZE - 2 * MARGIN) / span
    x = (east - east.min()) * scale + MARGIN
    y = (north.max() - north) * scale + MARGIN
    step = max(1, math.ceil(len(x) / MAX_POINTS))
    picked = list(range(0, len(x), step))
    if picked[-1] != len(x) - 1:
        picked.append(len(x) - 1)
    segments: list[RouteSegment] = []
    current: list[str] = []
    colour = classes[picked[0]]
    for number, i in enumerate(picked):
        point = f"{x[i]:.1f},{y[i]:.1f}"
        current.append(point)
        following = classes[picked[number + 1]] if number + 1 < len(picked) else colour
        if following != colour or number + 1 == len(picked):
            if len(current) > 1:
                segments.append(RouteSegment(colour, " ".join(current)))
            current = [point]  # the next segment starts where this one ends: no gap in the line
            colour = following
    width = float(np.ptp(east)) * scale + 2 * MARGIN
    height = float(np.ptp(north)) * scale + 2 * MARGIN
    return Route(
        width=width,
        height=height,
        segments=tuple(segments),
        start_xy=(float(x[0]), float(y[0])),
        finish_xy=(float(x[-1]), float(y[-1])),
        width_m=float(np.ptp(east)) * EARTH_RADIUS_M,
    )
