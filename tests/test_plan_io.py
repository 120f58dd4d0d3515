"""Plan <-> JSON (exact round trip), CSV rows and Markdown."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun.errors import PlanError, Suggestion
from progrun.plan import SplitUnit
from progrun.plan_io import (
    CSV_COLUMNS,
    plan_csv_rows,
    plan_from_dict,
    plan_from_json,
    plan_to_csv,
    plan_to_dict,
    plan_to_json,
    plan_to_markdown,
)
from progrun.planner import StartChoice, TargetChoice, build_plan
from progrun.units import METRES_PER_MILE
from tests.plan_helpers import FIVE_K_20, STEP_KEYS, TEN_K_50, TOP_KEYS, paces_for


def test_json_has_exactly_the_contract_keys() -> None:
    data = json.loads(plan_to_json(build_plan(FIVE_K_20, 5 * METRES_PER_MILE, warmup=True)))
    assert set(data) == TOP_KEYS
    assert data["unit"] == "mi"
    assert [step["kind"] for step in data["steps"]] == [
        "warmup",
        "build",
        "build",
        "tempo",
        "tempo",
        "cooldown",
    ]
    for step in data["steps"][:-1]:
        assert set(step) == STEP_KEYS | {"distance_m"}
    assert set(data["steps"][-1]) == STEP_KEYS | {"duration_s"}
    assert data["steps"][-1]["duration_s"] == 300.0
    assert data["total_distance_m"] == pytest.approx(8046.72)
    assert data["step_s"] == 19.0


def test_json_round_trips_exactly_through_a_file(tmp_path: Path) -> None:
    plan = build_plan(TEN_K_50, 8000.0, unit=SplitUnit.KM)
    path = tmp_path / "plan.json"
    path.write_text(plan_to_json(plan), encoding="utf-8")
    assert plan_from_json(path) == plan
    assert plan_from_json(str(path)) == plan
    assert plan_from_json(json.loads(path.read_text(encoding="utf-8"))) == plan


@settings(max_examples=60, deadline=None)
@given(
    st.floats(min_value=190.0, max_value=480.0),
    st.floats(min_value=3 * METRES_PER_MILE, max_value=10_000.0),
    st.sampled_from(list(SplitUnit)),
    st.sampled_from(list(StartChoice)),
    st.sampled_from(list(TargetChoice)),
    st.booleans(),
)
def test_any_plan_round_trips(
    ten_k: float, distance_m: float, unit: SplitUnit, start: StartChoice, target: TargetChoice, warmup: bool
) -> None:
    try:
        plan = build_plan(paces_for(ten_k), distance_m, unit=unit, start=start, target=target, warmup=warmup)
    except PlanError:
        return
    assert plan_from_dict(json.loads(plan_to_json(plan))) == plan


def _good() -> dict[str, object]:
    return plan_to_dict(build_plan(FIVE_K_20, 5 * METRES_PER_MILE))


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (lambda d: d.pop("unit"), "unit", "is missing"),
        (lambda d: d.update(unit="furlong"), "unit", "'furlong' is not a split unit (mi or km)"),
        (lambda d: d.update(steps=[]), "steps", "must be a non-empty list"),
        (lambda d: d["steps"][1].update(kind="sprint"), "steps[1].kind", "'sprint' is not a step kind"),
        (
            lambda d: d["steps"][2].update(pace_s_per_km="fast"),
            "steps[2].pace_s_per_km",
            "'fast' is not a number",
        ),
        (lambda d: d["steps"][0].update(distance_m=-5), "steps[0].distance_m", "-5 must be more than 0"),
        (lambda d: d["steps"][0].update(duration_s=60), "steps[0]", "needs exactly one of distance_m"),
        (
            lambda d: d["steps"][3].update(low_s_per_km=400.0),
            "steps[3].pace_s_per_km",
            "248.785 is outside its band 400-251.298",
        ),
        (lambda d: d.update(tempo_splits=1.5), "tempo_splits", "1.5 is not a whole number"),
        (lambda d: d.update(warnings="none"), "warnings", "must be a list of text"),
        (lambda d: d.update(version=9), "version", "9 is not a plan version"),
    ],
)
def test_bad_json_names_the_field(change, field: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    data = _good()
    change(data)
    with pytest.raises(PlanError) as caught:
        plan_from_dict(data)
    assert caught.value.field == field
    assert caught.value.reason.startswith(reason)
    assert Suggestion("plan_json", "plan.json") in caught.value.suggestions


def test_bad_files_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(PlanError, match=r"nope\.json: no such file"):
        plan_from_json(missing)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(PlanError, match=r"broken.json: is not JSON \(line 1"):
        plan_from_json(broken)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"unit": "mi"}), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        plan_from_json(wrong)
    assert caught.value.field == f"{wrong}: steps"


def test_csv_rows_and_text() -> None:
    plan = build_plan(FIVE_K_20, 5 * METRES_PER_MILE)
    rows = plan_csv_rows(plan)
    assert [row["split"] for row in rows] == ["1", "2", "3", "4", "5", "CD"]
    assert [row["pace"] for row in rows[:5]] == ["7:58/mi", "7:32/mi", "7:06/mi", "6:40/mi", "6:40/mi"]
    assert rows[0]["band"] == "7:53-8:08"
    assert rows[-1]["cumulative_time_s"] == pytest.approx(plan.estimated_time_s)
    parsed = list(csv.DictReader(io.StringIO(plan_to_csv(plan))))
    assert tuple(parsed[0]) == CSV_COLUMNS
    assert (
        parsed[-1]["kind"] == "cooldown"
        and parsed[-1]["distance_m"] == ""
        and parsed[-1]["duration_s"] == "300.0"
    )


def test_markdown_table() -> None:
    text = plan_to_markdown(build_plan(FIVE_K_20, 5 * METRES_PER_MILE))
    lines = text.splitlines()
    assert lines[0] == "| # | distance | pace | band (/mi) | time | clock | cue |"
    assert lines[2] == "| 1 | 1 mi | 7:58/mi | 7:53-8:08 | 7:58 | 7:58 | settle in |"
    assert lines[7] == "| CD | 5:00 | 10:35/mi | 8:59-19:19 | 5:00 | 40:58 | walk/jog 5 min |"
    assert "**Total:** 5 mi in about 40:58 with the cooldown; 13:21 at 10k pace 6:40/mi." in lines
