"""Parsing and formatting of paces, durations, distances and race results (progrun.units)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progrun.errors import UnitError
from progrun.units import (
    METRES_PER_MILE,
    format_distance,
    format_duration,
    format_pace,
    normalise_unit,
    pace_per_unit,
    pace_s_per_km_from_unit,
    parse_distance,
    parse_duration,
    parse_pace,
    parse_race,
)

MILE_FACTOR = 1000.0 / METRES_PER_MILE  # s/km per s/mi


def test_a_mile_is_exactly_1609_344_m():
    assert METRES_PER_MILE == 1609.344
    assert parse_distance("mile") == 1609.344
    assert parse_distance("26.2mi") == pytest.approx(42164.8128)


# --- paces -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_s_per_km"),
    [
        ("4:40/km", 280.0),
        ("4:40 min/km", 280.0),
        ("4:40/k", 280.0),
        ("4:40 /KM", 280.0),
        ("7:30/mi", 450.0 * MILE_FACTOR),
        ("7:30/mile", 450.0 * MILE_FACTOR),
        ("7:30 min/mile", 450.0 * MILE_FACTOR),
        ("7:30min/mi", 450.0 * MILE_FACTOR),
        ("7:30 per mile", 450.0 * MILE_FACTOR),
        ("  7:30/mi  ", 450.0 * MILE_FACTOR),
        ("4:40.5/km", 280.5),
        ("12:04/mi", 724.0 * MILE_FACTOR),
    ],
)
def test_parse_pace(text, expected_s_per_km):
    assert parse_pace(text) == pytest.approx(expected_s_per_km, abs=1e-9)


def test_a_pace_without_a_unit_is_read_in_the_default_unit():
    assert parse_pace("7:30") == 450.0
    assert parse_pace("7:30", default_unit="mi") == pytest.approx(279.617, abs=1e-3)
    # a suffix wins over the default
    assert parse_pace("4:40/km", default_unit="mi") == 280.0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "7",
        "7.5",
        "7:75",
        "7:3",
        "7:30/m",
        "7:30/furlong",
        "-7:30",
        "0:00",
        "7:30/mi/km",
        "1:02:03",
    ],
)
def test_bad_paces_are_refused_with_the_text_and_an_example(text):
    with pytest.raises(UnitError) as caught:
        parse_pace(text)
    assert caught.value.text == text
    assert caught.value.kind == "pace"
    message = str(caught.value)
    assert repr(text) in message
    assert "7:30/mi" in message and "4:40/km" in message


@pytest.mark.parametrize(
    ("pace_s_per_km", "unit", "expected"),
    [
        (280.0, "km", "4:40/km"),
        (279.617, "mi", "7:30/mi"),
        (279.617, "km", "4:40/km"),
        (299.5, "km", "5:00/km"),  # half a second rounds up
        (299.49, "km", "4:59/km"),
        (59.6, "km", "1:00/km"),
        (600.0, "mi", "16:06/mi"),
    ],
)
def test_format_pace(pace_s_per_km, unit, expected):
    assert format_pace(pace_s_per_km, unit) == expected


def test_format_pace_without_suffix_and_with_unit_names():
    assert format_pace(280.0, "km", suffix=False) == "4:40"
    assert format_pace(279.617, "mile") == "7:30/mi"
    with pytest.raises(UnitError):
        format_pace(280.0, "furlong")
    with pytest.raises(ValueError, match="positive"):
        format_pace(0.0)
    with pytest.raises(ValueError, match="positive"):
        format_pace(float("nan"))


def test_pace_per_unit_and_its_inverse():
    assert pace_per_unit(300.0, "km") == 300.0
    assert pace_per_unit(300.0, "mi") == pytest.approx(482.8032)
    assert pace_s_per_km_from_unit(482.8032, "mi") == pytest.approx(300.0)
    assert normalise_unit(" Miles ") == "mi"
    assert normalise_unit("K") == "km"
    with pytest.raises(UnitError, match="km or mi"):
        normalise_unit("m")


# --- durations -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_s"),
    [
        ("22:30", 1350.0),
        ("1:45:00", 6300.0),
        ("22:30.5", 1350.5),
        ("0:45", 45.0),
        ("45s", 45.0),
        ("45 sec", 45.0),
        ("90min", 5400.0),
        ("90 minutes", 5400.0),
        ("1h30m", 5400.0),
        ("1h 30min 15s", 5415.0),
        ("2h", 7200.0),
        ("1.5h", 5400.0),
        ("100:00", 6000.0),
    ],
)
def test_parse_duration(text, expected_s):
    assert parse_duration(text) == expected_s


@pytest.mark.parametrize(
    "text", ["", "90", "abc", "22:60", "1:60:00", "22:3", "0:00", "0s", "1:2:3:4", "h", "5 days"]
)
def test_bad_durations_are_refused_with_the_text_and_an_example(text):
    with pytest.raises(UnitError) as caught:
        parse_duration(text)
    assert caught.value.kind == "duration"
    assert repr(text) in str(caught.value)
    assert "22:30" in str(caught.value) and "1:45:00" in str(caught.value)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (1350.0, "22:30"),
        (6300.0, "1:45:00"),
        (45.0, "0:45"),
        (1350.5, "22:31"),
        (3599.6, "1:00:00"),
        (0.0, "0:00"),
    ],
)
def test_format_duration(seconds, expected):
    assert format_duration(seconds) == expected


def test_format_duration_refuses_negative_time():
    with pytest.raises(ValueError, match="non-negative"):
        format_duration(-1.0)


# --- distances -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_m"),
    [
        ("5mi", 5 * METRES_PER_MILE),
        ("5 miles", 5 * METRES_PER_MILE),
        ("3.1mi", 3.1 * METRES_PER_MILE),
        ("8km", 8000.0),
        ("10k", 10000.0),
        ("10K", 10000.0),
        ("5000m", 5000.0),
        ("1500m", 1500.0),
        ("1500 metres", 1500.0),
        ("half", 21097.5),
        ("Half Marathon", 21097.5),
        ("marathon", 42195.0),
        ("mile", METRES_PER_MILE),
        ("1 mile", METRES_PER_MILE),
    ],
)
def test_parse_distance(text, expected_m):
    assert parse_distance(text) == pytest.approx(expected_m, abs=1e-9)


@pytest.mark.parametrize("text", ["", "5", "five km", "5 furlongs", "0km", "km", "-5km", "5k5"])
def test_bad_distances_are_refused_with_the_text_and_an_example(text):
    with pytest.raises(UnitError) as caught:
        parse_distance(text)
    assert caught.value.kind == "distance"
    assert repr(text) in str(caught.value)
    assert "5mi" in str(caught.value) and "marathon" in str(caught.value)


@pytest.mark.parametrize(
    ("distance_m", "unit", "expected"),
    [
        (5000.0, "km", "5 km"),
        (21097.5, "km", "21.1 km"),
        (8046.72, "mi", "5 mi"),
        (5000.0, "mi", "3.11 mi"),
        (1500.0, "m", "1500 m"),
        (42195.0, "mi", "26.22 mi"),
    ],
)
def test_format_distance(distance_m, unit, expected):
    assert format_distance(distance_m, unit) == expected


# --- race results ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5k=20:00", (5000.0, 1200.0)),
        ("half=1:31:50", (21097.5, 5510.0)),
        ("marathon = 3:11:17", (42195.0, 11477.0)),
        ("1500m=5:25", (1500.0, 325.0)),
        ("mile=5:51.2", (METRES_PER_MILE, 351.2)),
    ],
)
def test_parse_race(text, expected):
    assert parse_race(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["5k", "5k 20:00", "=20:00", "5k=", "5=20:00", "5k=20", "5k=20:00=1"])
def test_bad_race_results_are_refused_with_the_text_and_an_example(text):
    with pytest.raises(UnitError) as caught:
        parse_race(text)
    assert caught.value.kind == "race result"
    assert repr(text) in str(caught.value)
    assert "5k=20:00" in str(caught.value)


# --- round trips (Hypothesis) ----------------------------------------------------------------------

paces = st.floats(min_value=60.0, max_value=1200.0)
units = st.sampled_from(["km", "mi"])


@given(paces, units)
def test_a_formatted_pace_parses_back_to_the_second(pace_s_per_km, unit):
    text = format_pace(pace_s_per_km, unit)
    back = parse_pace(text)
    assert abs(pace_per_unit(back, unit) - pace_per_unit(pace_s_per_km, unit)) <= 0.5 + 1e-9
    assert format_pace(back, unit) == text


@given(paces, units)
def test_an_unsuffixed_pace_parses_back_in_its_unit(pace_s_per_km, unit):
    text = format_pace(pace_s_per_km, unit, suffix=False)
    assert format_pace(parse_pace(text, default_unit=unit), unit) == format_pace(pace_s_per_km, unit)


@given(st.floats(min_value=1.0, max_value=200_000.0))
def test_a_formatted_duration_parses_back_to_the_second(seconds):
    text = format_duration(seconds)
    back = parse_duration(text)
    assert abs(back - seconds) <= 0.5 + 1e-9
    assert format_duration(back) == text


@given(st.floats(min_value=20.0, max_value=200_000.0), units)
def test_a_formatted_distance_parses_back_to_the_shown_precision(distance_m, unit):
    text = format_distance(distance_m, unit)
    back = parse_distance(text)
    unit_m = 1000.0 if unit == "km" else METRES_PER_MILE
    assert abs(back - distance_m) <= 0.005 * unit_m + 1e-6
    assert format_distance(back, unit) == text


@given(st.floats(min_value=1500.0, max_value=42195.0), st.floats(min_value=240.0, max_value=30_000.0))
def test_a_formatted_race_parses_back(distance_m, time_s):
    text = f"{format_distance(distance_m, 'm').replace(' ', '')}={format_duration(time_s)}"
    back_m, back_s = parse_race(text)
    assert abs(back_m - distance_m) <= 0.5 + 1e-9
    assert abs(back_s - time_s) <= 0.5 + 1e-9


@given(st.text(max_size=30))
def test_any_text_parses_or_raises_unit_error(text):
    for parse in (parse_pace, parse_duration, parse_distance, parse_race):
        try:
            value = parse(text)
        except UnitError as error:
            assert error.text == text
        else:
            assert value is not None
