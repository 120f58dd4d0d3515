"""The route's colours: each point's pace against its split's band, for paces across the runner range."""

from __future__ import annotations

import numpy as np
import pytest

from progrun.web.pages.route import Band, bands_from_splits, colour_classes, draw_route, point_paces


@pytest.mark.parametrize("band_pace_s_per_km", [180.0, 240.0, 300.0, 420.0, 540.0])
@pytest.mark.parametrize("offset_s_per_km", [-20.0, 0.0, 20.0])
def test_a_steady_run_is_painted_against_its_band(band_pace_s_per_km: float, offset_s_per_km: float) -> None:
    pace = band_pace_s_per_km + offset_s_per_km
    time_s = np.arange(0.0, 1200.0)
    distance_m = time_s * 1000.0 / pace
    bands = [Band(2000.0, band_pace_s_per_km - 5.0, band_pace_s_per_km + 5.0)] * 10
    paces = point_paces(time_s, distance_m)
    assert np.allclose(paces[20:-20], pace)
    expected = {-20.0: "route-fast", 0.0: "route-in", 20.0: "route-slow"}[offset_s_per_km]
    assert set(colour_classes(distance_m, paces, bands)) == {expected}


def test_the_route_is_cut_where_the_split_changes_band_and_keeps_north_up() -> None:
    time_s = np.arange(0.0, 600.0)
    distance_m = time_s * 1000.0 / 300.0  # 5:00/km throughout: 2 km
    lat = 51.0 + distance_m / 111_000.0  # running due north
    lon = np.full_like(lat, -1.0)
    splits = [
        {"distance_m": 1000.0, "low_s_per_km": 295.0, "high_s_per_km": 305.0},
        {"distance_m": 1000.0, "low_s_per_km": 270.0, "high_s_per_km": 280.0},
        {"distance_m": None},
    ]
    route = draw_route(lat, lon, time_s, distance_m, bands_from_splits(splits))
    assert route is not None
    assert [segment.colour for segment in route.segments] == ["route-in", "route-slow"]
    assert route.start_xy[1] > route.finish_xy[1]  # north is up: the finish is drawn above the start
    assert draw_route(lat[:1], lon[:1], time_s[:1], distance_m[:1], ()) is None
