"""The core plan and paces requests: texts as typed in, a Plan or a paces report out, every error naming
the field at fault (never a flag), and no click anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from progrun.errors import PlanError, RequestError, Suggestion, UnitError, http_status
from progrun.paces_request import PacesRequest, paces_report
from progrun.plan import SplitUnit
from progrun.plan_io import plan_to_json
from progrun.plan_request import MAX_NAME_CHARS, PlanRequest, plan_from_request

RACE = {"race": "5k=20:00", "distance": "5mi"}
PACES = {"marathon_pace": "8:30", "target_pace": "7:30", "distance": "4mi"}


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({**RACE, "race": "5k=twenty"}, "race"),
        ({**RACE, "distance": "five"}, "distance"),
        ({"race": "5k=20:00", "duration": "soon"}, "duration"),
        ({**RACE, "cooldown": "later"}, "cooldown"),
        ({**PACES, "marathon_pace": "8:x0"}, "marathon_pace"),
        ({**PACES, "target_pace": "fast"}, "target_pace"),
        ({**PACES, "easy_pace": "slow"}, "easy_pace"),
        ({**RACE, "start": "fast"}, "start"),
        ({**RACE, "target": "marathon"}, "target"),
        ({**RACE, "unit": "furlong"}, "unit"),
        ({**RACE, "step": "big"}, "step"),
        ({**RACE, "tempo_splits": "two"}, "tempo_splits"),
        ({**RACE, "distance": "5m"}, "distance"),  # 5 metres: meant miles
    ],
)
def test_text_that_does_not_read_names_its_field(fields: dict[str, str], bad: str) -> None:
    with pytest.raises(UnitError) as caught:
        plan_from_request(PlanRequest(**fields))  # type: ignore[arg-type]
    assert caught.value.field == bad
    assert "--" not in str(caught.value)
    assert http_status(caught.value) == 422


@pytest.mark.parametrize(
    ("fields", "field", "suggested"),
    [
        ({"distance": "5mi"}, "race", {"race", "marathon_pace", "target_pace"}),
        ({**RACE, "target_pace": "7:30"}, "target_pace", {"race", "target_pace"}),
        ({**RACE, "duration": "40min"}, "duration", {"distance", "duration"}),
        ({"race": "5k=20:00"}, "distance", {"distance", "duration"}),
    ],
)
def test_a_missing_or_contradictory_request_names_the_fields(
    fields: dict[str, str], field: str, suggested: set[str]
) -> None:
    with pytest.raises(RequestError) as caught:
        plan_from_request(PlanRequest(**fields))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert {suggestion.field for suggestion in caught.value.suggestions} == suggested
    assert http_status(caught.value) == 400


def test_a_saved_plan_with_fields_of_a_new_one_is_refused(tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    plan, _ = plan_from_request(PlanRequest(**RACE))
    saved.write_text(plan_to_json(plan), encoding="utf-8")
    with pytest.raises(RequestError) as caught:
        plan_from_request(PlanRequest(plan_path=saved, given=("race", "unit")))
    assert caught.value.suggestions == (Suggestion("plan"), Suggestion("race"), Suggestion("unit"))
    loaded, paces = plan_from_request(PlanRequest(plan_path=saved, name="  Tuesday build "))
    assert paces is None and loaded.name == "Tuesday build" and loaded.steps == plan.steps


@pytest.mark.parametrize("unit", ["mi", "km", SplitUnit.KM])
@pytest.mark.parametrize("start", ["auto", "easy", "marathon"])
def test_choices_read_as_typed_or_as_enums(unit: str | SplitUnit, start: str) -> None:
    plan, _ = plan_from_request(PlanRequest(race="10k=50:00", distance="5mi", unit=unit, start=start))
    assert plan.unit is SplitUnit(unit if isinstance(unit, str) else unit.value)
    stepped, _ = plan_from_request(PlanRequest(race="10k=50:00", distance="8km", step=" 15 "))
    assert stepped.step_s_per_unit == 15.0


def test_a_name_is_trimmed_and_checked() -> None:
    plan, _ = plan_from_request(PlanRequest(**RACE, name=" Tuesday build "))
    assert plan.name == "Tuesday build"
    with pytest.raises(PlanError) as control:
        plan_from_request(PlanRequest(**RACE, name="a\x1b[31mred"))
    assert control.value.field == "name"
    with pytest.raises(PlanError) as long:
        plan_from_request(PlanRequest(**RACE, name="x" * (MAX_NAME_CHARS + 1)))
    assert long.value.field == "name" and long.value.suggestions[0].field == "name"


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"race": "5k"}, "race"),
        ({"pace_10k": "fast"}, "pace_10k"),
        ({"marathon_pace": "8:30", "threshold_pace": "x"}, "threshold_pace"),
    ],
)
def test_paces_request_errors_name_their_field(fields: dict[str, str], bad: str) -> None:
    with pytest.raises(UnitError) as caught:
        paces_report(PacesRequest(**fields))  # type: ignore[arg-type]
    assert caught.value.field == bad


def test_paces_from_entered_miles_match_the_race_they_imply() -> None:
    report = paces_report(PacesRequest(pace_10k="7:31", unit="mi"))
    assert report.paces.race_10k_s_per_km == pytest.approx(451 / 1.609344, abs=0.01)
    assert report.riegel_from == (10000.0, pytest.approx(451 / 1.609344 * 10.0, abs=0.1))
    with pytest.raises(RequestError) as both:
        paces_report(PacesRequest(race="5k=20:00", pace_5k="6:26"))
    assert both.value.field == "pace_5k"


def test_the_core_requests_never_import_click() -> None:
    code = (
        "import sys, progrun.plan_request, progrun.paces_request; "
        "sys.exit(1 if 'click' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
