"""intervals.icu text, ZWO, ICS, JSON and the pace band: each parsed back and compared with the plan."""

from __future__ import annotations

import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from icalendar import Calendar
from PIL import Image

from progrun.errors import ExportError, Suggestion
from progrun.formats.export import ExportFormat, Fidelity, Repeat, export_plan
from progrun.paces import training_paces_for_vdot
from progrun.plan import Plan, SplitUnit
from progrun.plan_io import plan_from_json
from progrun.planner import TargetChoice, build_duration_plan, build_plan
from progrun.units import parse_pace
from tests.formats.workout_plans import make_plan, plans

START = datetime(2026, 12, 1, 7, 0)  # a Tuesday
CREATED = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
STEP_LINE = re.compile(
    r"^- (?:(?P<cue>.*) )?(?P<length>[\d.]+(?:mi|km)|\d+m(?:\d+s)?|\d+s) "
    r"(?P<slow>\d+:\d\d)-(?P<fast>\d+:\d\d)/(?P<unit>mi|km) Pace$"
)


# --- intervals.icu ---------------------------------------------------------------------------------


def test_intervals_text_for_a_five_mile_plan() -> None:
    # paces 300, 288, 276, 264, 264 s/km with a (-6, +4) band, as min/mi: 288 s/km is 7:43/mi and its band
    # 282-292 s/km is 7:34-7:50/mi; the cooldown's 390-600 s/km band is 10:28-16:06/mi
    text = export_plan(make_plan(), ExportFormat.INTERVALS).data.decode("utf-8")
    assert text == (
        "Main set\n"
        "- settle in 1mi 8:09-7:53/mi Pace\n"
        "- 12 s faster 1mi 7:50-7:34/mi Pace\n"
        "- 12 s faster 1mi 7:31-7:15/mi Pace\n"
        "- 12 s faster: tempo 1mi 7:11-6:55/mi Pace\n"
        "- hold tempo 1mi 7:11-6:55/mi Pace\n"
        "\n"
        "Cooldown\n"
        "- walk/jog 5 min 5m 16:06-10:28/mi Pace\n"
    )


@settings(max_examples=40, deadline=None)
@given(plans)
def test_intervals_text_has_one_line_per_step_that_reads_back(plan: Plan) -> None:
    result = export_plan(plan, ExportFormat.INTERVALS)
    step_lines = [line for line in result.data.decode("utf-8").splitlines() if line.startswith("- ")]
    assert len(step_lines) == len(plan.steps)
    for line, step in zip(step_lines, plan.steps, strict=True):
        match = STEP_LINE.match(line)
        assert match, line
        assert match["unit"] == plan.unit.value
        # whole seconds per unit: at most half a second per mile (0.31 s/km) or per km off
        assert parse_pace(f"{match['slow']}/{match['unit']}") == pytest.approx(step.high_s_per_km, abs=0.51)
        assert parse_pace(f"{match['fast']}/{match['unit']}") == pytest.approx(step.low_s_per_km, abs=0.51)
        if step.distance_m is not None:
            assert float(match["length"][:-2]) * plan.unit.metres == pytest.approx(step.distance_m, abs=0.9)
        else:
            assert match["length"].endswith(("m", "s"))
    assert {row.step for row in result.fidelity if row.target == "pace band"} == set(range(len(plan.steps)))


def test_intervals_km_plan_with_partial_split_and_odd_cooldown() -> None:
    plan = make_plan(unit=SplitUnit.KM, splits=6, last_fraction=0.5, cooldown_s=270.0)
    lines = export_plan(plan, ExportFormat.INTERVALS).data.decode("utf-8").splitlines()
    step_lines = [line for line in lines if line.startswith("- ")]
    assert step_lines[0] == "- settle in 1km 5:04-4:54/km Pace"
    assert step_lines[5].startswith("- hold tempo 0.5km ")
    assert step_lines[6].startswith("- walk/jog 5 min 4m30s ")


def test_intervals_prompt_never_glues_a_number_to_a_unit() -> None:
    plan = make_plan()
    glued = Plan(
        tuple(replace(step, cue="go 20s faster") for step in plan.steps),
        plan.unit,
        plan.start_pace_s_per_km,
        plan.target_pace_s_per_km,
        plan.step_s_per_unit,
        plan.tempo_splits,
    )
    first = export_plan(glued, ExportFormat.INTERVALS).data.decode("utf-8").splitlines()[1]
    assert first == "- go 20 s faster 1mi 8:09-7:53/mi Pace"


# --- ZWO -------------------------------------------------------------------------------------------


def test_zwo_steps_are_fractions_of_the_zwift_race_pace_of_the_target() -> None:
    """Zwift reads a run step's Power against the race pace picked by `pace` (2 = 10 km), not threshold."""
    plan = make_plan()  # 10k target at 264 s/km
    result = export_plan(plan, ExportFormat.ZWO)
    root = ET.fromstring(result.data)
    assert root.tag == "workout_file"
    assert root.findtext("sportType") == "run"
    assert root.findtext("name") == "Progression 5mi"
    assert root.findtext("description") == (
        "Progression run. Targets are fractions of your Zwift 10 km pace: set it to 7:05/mi in Zwift, "
        "or every target moves with it."
    )
    # A plan by distance is a distance workout: Duration in metres, text events placed by distance.
    assert root.findtext("durationType") == "distance"
    steps = root.findall("./workout/SteadyState")
    assert len(steps) == len(plan.steps)
    for element, step in zip(steps, plan.steps, strict=True):
        assert element.get("pace") == "2"
        assert float(element.get("Power", "")) == pytest.approx(264.0 / step.pace_s_per_km, abs=5e-5)
        (event,) = element.findall("textevent")
        assert event.get("distoffset") == "0" and event.get("timeoffset") is None
    # mile 1 at 300 s/km is 0.88 of the 10 km pace's speed; the tempo miles are exactly 1.0
    assert [step.get("Power") for step in steps[:5]] == ["0.8800", "0.9167", "0.9565", "1.0000", "1.0000"]
    # whole metres, each split ending within half a metre of its mile mark
    lengths = [int(step.get("Duration", "")) for step in steps]
    assert lengths[:5] == [1609, 1610, 1609, 1609, 1610]
    ends = list(itertools.accumulate(lengths[:5]))
    assert all(abs(end - 1609.344 * (k + 1)) <= 0.5 for k, end in enumerate(ends))
    # the 5-minute cooldown at its target pace, as metres
    cooldown = plan.steps[-1]
    assert lengths[5] == round(sum(s.expected_distance_m for s in plan.steps)) - sum(lengths[:5])
    assert lengths[5] == pytest.approx(300.0 / cooldown.pace_s_per_km * 1000.0, abs=1.0)
    distance_rows = [row for row in result.fidelity if row.target == "distance"]
    assert len(distance_rows) == 5
    assert all(row.fidelity is Fidelity.EXACT for row in distance_rows)
    (cooldown_row,) = [row for row in result.fidelity if row.target == "duration"]
    assert cooldown_row.fidelity is Fidelity.APPROXIMATE
    assert f"5:00 is written as {lengths[5]} m" in cooldown_row.reason
    bands = [row for row in result.fidelity if row.target == "pace band"]
    assert all(row.fidelity is Fidelity.NOT_CARRIED for row in bands)
    (setting,) = [row for row in result.fidelity if row.target == "Zwift 10 km pace"]
    assert setting.reason == (
        "every target is a fraction of the 10 km pace set in Zwift: set it to 7:05/mi; at 7:15/mi "
        "(10 s/mi slower) Zwift would run the first split at 8:14/mi"  # a mile plan: s/mi, not s/km
    )


@pytest.mark.parametrize("vdot", [14.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 85.0])
@pytest.mark.parametrize("target", ["10k", "5k"])
@pytest.mark.parametrize("unit", [SplitUnit.MILE, SplitUnit.KM])
def test_zwift_runs_every_planned_pace_when_its_race_pace_is_the_plan_target(vdot, target, unit) -> None:
    paces = training_paces_for_vdot(vdot)
    plan = build_duration_plan(paces, 40 * 60.0, unit=unit, target=TargetChoice(target))
    root = ET.fromstring(export_plan(plan, ExportFormat.ZWO).data)
    assert root.findtext("durationType") == "time"  # a plan by time is a timed workout (seconds)
    for element, step in zip(root.findall("./workout/SteadyState"), plan.steps, strict=True):
        assert int(element.get("Duration", "")) == round(step.expected_time_s)
        assert element.find("textevent").get("timeoffset") == "0"  # type: ignore[union-attr]
    reference = paces.race_10k_s_per_km if target == "10k" else paces.race_5k_s_per_km
    assert reference is not None
    for element, step in zip(root.findall("./workout/SteadyState"), plan.steps, strict=True):
        assert element.get("pace") == ("2" if target == "10k" else "1")
        run_s_per_km = reference / float(element.get("Power", ""))  # what Zwift holds with the pace set
        assert run_s_per_km == pytest.approx(
            step.pace_s_per_km, abs=0.25 if step.pace_s_per_km < 700 else 0.5
        )


@pytest.mark.parametrize("unit", [SplitUnit.MILE, SplitUnit.KM])
@pytest.mark.parametrize("miles", [3.0, 4.0, 5.0, 6.0, 6.2137])
def test_a_distance_plan_is_a_distance_workout_whose_splits_end_on_their_marks(unit, miles) -> None:
    """Every split of a plan by distance, in miles or km and from 3 to 6 miles (10 km with its partial
    last mile), ends within half a metre of the plan's mark; the steps add up to the plan's distance."""
    paces = training_paces_for_vdot(45.0)
    plan = build_plan(paces, miles * 1609.344, unit=unit)
    root = ET.fromstring(export_plan(plan, ExportFormat.ZWO).data)
    assert root.findtext("durationType") == "distance"
    lengths = [int(element.get("Duration", "")) for element in root.findall("./workout/SteadyState")]
    planned_ends = list(itertools.accumulate(step.expected_distance_m for step in plan.steps))
    written_ends = list(itertools.accumulate(lengths))
    assert len(written_ends) == len(planned_ends)
    assert all(abs(w - p) <= 0.5 for w, p in zip(written_ends, planned_ends, strict=True))
    running = len(plan.running_steps)
    assert written_ends[running - 1] == round(sum(s.distance_m or 0.0 for s in plan.running_steps))


# --- ICS -------------------------------------------------------------------------------------------


def _event(data: bytes) -> Calendar:
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_ics_event_parses_back_with_times_and_plan() -> None:
    plan = make_plan()
    event = _event(export_plan(plan, ExportFormat.ICS, start=START, created=CREATED).data)
    assert event.decoded("dtstart") == START
    assert event.decoded("dtend") - START == timedelta(seconds=round(plan.estimated_time_s))
    assert "RRULE" not in event
    assert str(event["summary"]) == "Progression 5mi: 8:03/mi to 7:05/mi"
    description = str(event["description"]).splitlines()
    assert description[0] == "mile 1: 1 mi at 8:03/mi (8:09-7:53/mi), settle in"
    assert description[5] == "cooldown: 5:00 at 12:04/mi (16:06-10:28/mi), walk/jog 5 min"
    assert str(event["uid"]).endswith("@progrun")


@pytest.mark.parametrize(
    ("repeat", "days"),
    [(Repeat.WEEKLY, ["TU"]), (Repeat.TWICE_WEEKLY, ["TU", "FR"])],
)
@pytest.mark.parametrize("weeks", [1, 8, 52])
def test_ics_rrule_runs_for_the_weeks_asked(repeat: Repeat, days: list[str], weeks: int) -> None:
    event = _event(
        export_plan(
            make_plan(), ExportFormat.ICS, start=START, repeat=repeat, weeks=weeks, created=CREATED
        ).data
    )
    rule = event["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == days
    assert rule["COUNT"] == [weeks * len(days)]
    assert "UNTIL" not in rule
    runs = list(rrulestr(event["rrule"].to_ical().decode(), dtstart=START))
    assert len(runs) == weeks * len(days)
    assert (runs[-1] - START).days < weeks * 7


@pytest.mark.parametrize("weeks", [None, 0, 53])
def test_an_endless_or_unbounded_repeat_is_refused_naming_weeks(weeks: int | None) -> None:
    with pytest.raises(ExportError) as refused:
        export_plan(make_plan(), ExportFormat.ICS, start=START, repeat=Repeat.WEEKLY, weeks=weeks)
    assert refused.value.field == "weeks"
    assert refused.value.suggestions == (Suggestion("weeks", "8"),)


def test_ics_twice_weekly_from_a_saturday_wraps_to_tuesday() -> None:
    saturday = START + timedelta(days=4)
    event = _event(
        export_plan(make_plan(), ExportFormat.ICS, start=saturday, repeat=Repeat.TWICE_WEEKLY, weeks=4).data
    )
    assert event["rrule"]["BYDAY"] == ["SA", "TU"]


def test_ics_uid_is_stable_for_the_same_plan_and_slot() -> None:
    plan = make_plan()
    first = _event(export_plan(plan, ExportFormat.ICS, start=START, created=CREATED).data)
    again = _event(export_plan(plan, ExportFormat.ICS, start=START, created=CREATED + timedelta(days=1)).data)
    later = _event(export_plan(plan, ExportFormat.ICS, start=START + timedelta(days=7)).data)
    assert first["uid"] == again["uid"]
    assert first["uid"] != later["uid"]


@pytest.mark.parametrize("hours", [-8, -5, 0, 2, 9])
def test_ics_is_floating_local_time_even_from_an_aware_start(hours: int) -> None:
    """One rule (`progrun.formats.ics`): 07:00 in the start's own zone is written as floating 07:00."""
    from datetime import timezone

    start = datetime(2026, 12, 1, 7, 0, tzinfo=timezone(timedelta(hours=hours)))
    data = export_plan(make_plan(), ExportFormat.ICS, start=start).data
    event = _event(data)
    assert event.decoded("dtstart") == datetime(2026, 12, 1, 7, 0)
    assert b"DTSTART:20261201T070000\r\n" in data and b"TZID" not in data
    assert event.decoded("dtend").tzinfo is None


def test_ics_needs_a_start() -> None:
    with pytest.raises(ExportError, match="date and time"):
        export_plan(make_plan(), ExportFormat.ICS)


# --- JSON ------------------------------------------------------------------------------------------


def test_json_round_trips_through_the_plan_module(tmp_path: Path) -> None:
    plan = make_plan(unit=SplitUnit.KM, splits=7, warmup=True, last_fraction=0.5)
    result = export_plan(plan, ExportFormat.JSON)
    assert json.loads(result.data)["unit"] == "km"
    path = tmp_path / "plan.json"
    path.write_bytes(result.data)
    assert plan_from_json(path).steps == plan.steps
    assert [row.fidelity for row in result.fidelity] == [Fidelity.EXACT]


# --- pace band -------------------------------------------------------------------------------------


def test_png_band_is_a_230_by_25_mm_strip_at_300_dpi() -> None:
    result = export_plan(make_plan(), ExportFormat.PNG)
    image = Image.open(io.BytesIO(result.data))
    assert image.format == "PNG"
    width_mm = image.size[0] / 300 * 25.4
    height_mm = image.size[1] / 300 * 25.4
    assert width_mm == pytest.approx(230, abs=0.2)
    assert height_mm == pytest.approx(25, abs=0.2)
    cues = next(row for row in result.fidelity if row.target == "cues")
    assert cues.fidelity is Fidelity.NOT_CARRIED


def test_pdf_band_is_an_a4_landscape_page() -> None:
    data = export_plan(make_plan(unit=SplitUnit.KM, splits=12, warmup=True), ExportFormat.PDF).data
    assert data.startswith(b"%PDF")
    media_box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert media_box is not None
    width_pt, height_pt = float(media_box[1]), float(media_box[2])
    assert width_pt / 72 * 25.4 == pytest.approx(297, abs=0.5)
    assert height_pt / 72 * 25.4 == pytest.approx(210, abs=0.5)


def test_band_shows_cumulative_clock_times() -> None:
    from progrun.charts.paceband_layout import paceband_layout

    plan = make_plan()
    texts = [text.text for text in paceband_layout(plan, "test").texts]
    # 4 legend texts, then per step: title, pace, band (or cue), clock at the end of the step
    clocks = texts[4 + 3 :: 4]
    # 482.8 + 463.5 + 444.2 + 424.9 + 424.9 s of running, then the 300 s cooldown
    assert clocks == ["8:03", "15:46", "23:10", "30:15", "37:20", "42:20"]
    assert texts[4:8] == ["M1", "8:03", "8:09-7:53", "8:03"]


# --- dispatcher ------------------------------------------------------------------------------------


def test_an_empty_plan_is_refused() -> None:
    plan = make_plan()
    empty = Plan((), plan.unit, plan.start_pace_s_per_km, plan.target_pace_s_per_km, 12, 2)
    with pytest.raises(ExportError, match="no steps"):
        export_plan(empty, ExportFormat.INTERVALS)


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_every_format_reports_fidelity(fmt: ExportFormat) -> None:
    result = export_plan(make_plan(), fmt, threshold_pace_s_per_km=270.0, start=START, created=CREATED)
    assert result.format is fmt
    assert result.data
    assert result.fidelity
    assert all(row.reason for row in result.fidelity)


def test_a_timed_split_from_a_hand_written_plan_is_labelled_not_a_crash() -> None:
    from progrun.formats.export import step_label
    from progrun.plan import Plan, SplitUnit, Step, StepKind

    steps = (
        Step(StepKind.BUILD, 300.0, 294.0, 303.0, distance_m=1000.0, cue="settle in"),
        Step(StepKind.TEMPO, 260.0, 256.0, 262.0, duration_s=600.0, cue="hold tempo"),
        Step(StepKind.COOLDOWN, 420.0, 360.0, 900.0, duration_s=300.0, cue="walk/jog 5 min"),
    )
    plan = Plan(steps, SplitUnit.KM, 300.0, 260.0, 40.0, 1)
    assert [step_label(plan, index) for index in range(3)] == ["km 1", "split 2 (10:00)", "cooldown"]
