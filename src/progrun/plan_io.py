"""A Plan as JSON (exact round trip), CSV rows and Markdown, and the display rows every view shares.

The JSON object is the contract scripts use (`progrun plan --json`, `progrun export --plan plan.json`,
`progrun judge --plan plan.json`): SI units, paces in s/km.

```
{"version": 1, "unit": "mi",
 "steps": [{"kind": "build", "distance_m": 1609.344, "pace_s_per_km": 297.2, "low_s_per_km": 291.2,
            "high_s_per_km": 300.2, "cue": "settle in", "expected_time_s": 478.3}, ...,
           {"kind": "cooldown", "duration_s": 300.0, ...}],
 "total_distance_m": ..., "estimated_time_s": ..., "tempo_time_s": ...,
 "warnings": [...], "reasons": [...],
 "start_s_per_km": ..., "target_s_per_km": ..., "step_s": 26.0,
 "tempo_splits": 2, "threshold_s_per_km": 256.0, "start_kind": "easy", "target_kind": "10k", "options": {...},
 "name": "Tuesday build"}
```

`name` is the runner's name for the plan ("" when none was given: exports then call it "Progression 5mi").

`step_s` is seconds per split unit (per mile or per km). The totals and `expected_time_s` are derived
from the steps and ignored when a plan is read back; everything else round-trips exactly.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from progrun.errors import PlanError, Suggestion
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.units import format_distance, format_duration, format_pace

PLAN_JSON_VERSION = 1

CSV_COLUMNS = (
    "split",
    "kind",
    "distance_m",
    "duration_s",
    "pace_s_per_km",
    "low_s_per_km",
    "high_s_per_km",
    "pace",
    "band",
    "expected_time_s",
    "cumulative_time_s",
    "cue",
)

_FIX: list[str | Suggestion] = ["write the plan again as JSON (", Suggestion("plan_json", "plan.json"), ")"]


def step_to_dict(step: Step) -> dict[str, Any]:
    """One step as a JSON-ready dict: exactly one of `distance_m` and `duration_s`."""
    data: dict[str, Any] = {"kind": step.kind.value}
    if step.distance_m is not None:
        data["distance_m"] = step.distance_m
    else:
        data["duration_s"] = step.duration_s
    data.update(
        pace_s_per_km=step.pace_s_per_km,
        low_s_per_km=step.low_s_per_km,
        high_s_per_km=step.high_s_per_km,
        cue=step.cue,
        expected_time_s=step.expected_time_s,
    )
    return data


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON contract's dict (see the module docstring)."""
    return {
        "version": PLAN_JSON_VERSION,
        "unit": plan.unit.value,
        "steps": [step_to_dict(step) for step in plan.steps],
        "total_distance_m": plan.total_distance_m,
        "estimated_time_s": plan.estimated_time_s,
        "tempo_time_s": plan.tempo_time_s,
        "warnings": list(plan.warnings),
        "reasons": list(plan.reasons),
        "start_s_per_km": plan.start_pace_s_per_km,
        "target_s_per_km": plan.target_pace_s_per_km,
        "step_s": plan.step_s_per_unit,
        "tempo_splits": plan.tempo_splits,
        "threshold_s_per_km": plan.threshold_pace_s_per_km,
        "start_kind": plan.start_kind,
        "target_kind": plan.target_kind,
        "options": dict(plan.options),
        "name": plan.name,
    }


def plan_to_json(plan: Plan, *, indent: int | None = 2) -> str:
    """The plan as JSON text."""
    return json.dumps(plan_to_dict(plan), indent=indent, allow_nan=False)


def _field(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise PlanError(f"{where}{key}", "is missing", _FIX)
    return data[key]


def _number(data: Mapping[str, Any], key: str, where: str, *, positive: bool = True) -> float:
    value = _field(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PlanError(f"{where}{key}", f"{value!r} is not a number", _FIX)
    if positive and value <= 0:
        raise PlanError(f"{where}{key}", f"{value!r} must be more than 0", _FIX)
    return float(value)


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = _field(data, key, where)
    if not isinstance(value, str):
        raise PlanError(f"{where}{key}", f"{value!r} is not text", _FIX)
    return value


def _texts(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PlanError(key, "must be a list of text", _FIX)
    return tuple(value)


def _step_from_dict(data: Any, index: int) -> Step:
    where = f"steps[{index}]."
    if not isinstance(data, Mapping):
        raise PlanError(f"steps[{index}]", f"{data!r} is not an object", _FIX)
    kind_text = _text(data, "kind", where)
    try:
        kind = StepKind(kind_text)
    except ValueError:
        kinds = ", ".join(kind.value for kind in StepKind)
        raise PlanError(f"{where}kind", f"{kind_text!r} is not a step kind ({kinds})", _FIX) from None
    has_distance, has_duration = "distance_m" in data, "duration_s" in data
    if has_distance == has_duration:
        raise PlanError(f"steps[{index}]", "needs exactly one of distance_m and duration_s", _FIX)
    distance_m = _number(data, "distance_m", where) if has_distance else None
    duration_s = _number(data, "duration_s", where) if has_duration else None
    pace, low, high = (
        _number(data, key, where) for key in ("pace_s_per_km", "low_s_per_km", "high_s_per_km")
    )
    if not low <= pace <= high:
        raise PlanError(f"{where}pace_s_per_km", f"{pace:g} is outside its band {low:g}-{high:g} s/km", _FIX)
    cue = data.get("cue", "")
    if not isinstance(cue, str):
        raise PlanError(f"{where}cue", f"{cue!r} is not text", _FIX)
    return Step(kind, pace, low, high, distance_m=distance_m, duration_s=duration_s, cue=cue)


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """A Plan from the JSON contract's dict; PlanError names the first bad field."""
    if not isinstance(data, Mapping):
        raise PlanError("plan", f"{type(data).__name__} is not a JSON object", _FIX)
    version = data.get("version", PLAN_JSON_VERSION)
    if version != PLAN_JSON_VERSION:
        raise PlanError(
            "version", f"{version!r} is not a plan version this progrun reads ({PLAN_JSON_VERSION})", _FIX
        )
    unit_text = _text(data, "unit", "")
    try:
        unit = SplitUnit(unit_text)
    except ValueError:
        raise PlanError("unit", f"{unit_text!r} is not a split unit (mi or km)", _FIX) from None
    raw_steps = _field(data, "steps", "")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise PlanError("steps", "must be a non-empty list", _FIX)
    steps = tuple(_step_from_dict(step, index) for index, step in enumerate(raw_steps))
    tempo_splits = _field(data, "tempo_splits", "")
    if isinstance(tempo_splits, bool) or not isinstance(tempo_splits, int) or tempo_splits < 0:
        raise PlanError("tempo_splits", f"{tempo_splits!r} is not a whole number of splits", _FIX)
    options = data.get("options", {})
    if not isinstance(options, dict):
        raise PlanError("options", f"{options!r} is not an object", _FIX)
    name = data.get("name", "")
    if not isinstance(name, str):
        raise PlanError("name", f"{name!r} is not text", _FIX)
    threshold = None
    if data.get("threshold_s_per_km") is not None:
        threshold = _number(data, "threshold_s_per_km", "")
    return Plan(
        steps=steps,
        unit=unit,
        start_pace_s_per_km=_number(data, "start_s_per_km", ""),
        target_pace_s_per_km=_number(data, "target_s_per_km", ""),
        step_s_per_unit=_number(data, "step_s", "", positive=False),
        tempo_splits=tempo_splits,
        start_kind=str(data.get("start_kind", "")),
        target_kind=str(data.get("target_kind", "")),
        reasons=_texts(data, "reasons"),
        warnings=_texts(data, "warnings"),
        options=dict(options),
        threshold_pace_s_per_km=threshold,
        name=name,
    )


def plan_from_json(source: str | PathLike[str] | Mapping[str, Any]) -> Plan:
    """A Plan from a JSON file (path) or an already-parsed dict; PlanError names the file or field."""
    if isinstance(source, Mapping):
        return plan_from_dict(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(str(path), "no such file", _FIX) from None
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError(str(path), f"cannot be read ({error})", _FIX) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanError(str(path), f"is not JSON (line {error.lineno}: {error.msg})", _FIX) from None
    try:
        return plan_from_dict(data)
    except PlanError as error:
        raise PlanError(f"{path}: {error.field}", error.reason, error.advice) from None


@dataclass(frozen=True)
class PlanRow:
    """One step as a runner reads it: numbered, with text in the plan's unit and a running clock."""

    number: str
    step: Step
    distance_text: str
    pace_text: str
    band_text: str
    time_text: str
    cumulative_s: float
    cumulative_text: str


def plan_rows(plan: Plan) -> tuple[PlanRow, ...]:
    """The plan's steps ready to print: split numbers (W for a warm-up, CD for the cooldown) and texts."""
    unit = plan.unit.value
    rows: list[PlanRow] = []
    clock = 0.0
    split = 0
    for step in plan.steps:
        clock += step.expected_time_s
        if step.kind is StepKind.WARMUP:
            number = "W"
        elif step.kind is StepKind.COOLDOWN:
            number = "CD"
        else:
            split += 1
            number = str(split)
        if step.distance_m is not None:
            distance = format_distance(step.distance_m, unit)
        else:
            distance = format_duration(step.expected_time_s)
        fast = format_pace(step.low_s_per_km, unit, suffix=False)
        slow = format_pace(step.high_s_per_km, unit, suffix=False)
        rows.append(
            PlanRow(
                number=number,
                step=step,
                distance_text=distance,
                pace_text=format_pace(step.pace_s_per_km, unit),
                band_text=f"{fast}-{slow}",
                time_text=format_duration(step.expected_time_s),
                cumulative_s=clock,
                cumulative_text=format_duration(clock),
            )
        )
    return tuple(rows)


def plan_csv_rows(plan: Plan) -> list[dict[str, str | float]]:
    """One dict per step with the CSV_COLUMNS keys (SI numbers plus formatted pace and band)."""
    return [
        {
            "split": row.number,
            "kind": row.step.kind.value,
            "distance_m": "" if row.step.distance_m is None else row.step.distance_m,
            "duration_s": "" if row.step.duration_s is None else row.step.duration_s,
            "pace_s_per_km": row.step.pace_s_per_km,
            "low_s_per_km": row.step.low_s_per_km,
            "high_s_per_km": row.step.high_s_per_km,
            "pace": row.pace_text,
            "band": row.band_text,
            "expected_time_s": row.step.expected_time_s,
            "cumulative_time_s": row.cumulative_s,
            "cue": row.step.cue,
        }
        for row in plan_rows(plan)
    ]


def plan_to_csv(plan: Plan) -> str:
    """The plan as CSV text with a header row (CSV_COLUMNS)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(plan_csv_rows(plan))
    return buffer.getvalue()


def plan_length_text(plan: Plan) -> str:
    """The run's length as a runner asked for it: "5 mi", or for a plan by time "40:00 (about 5.59 mi)"."""
    distance = format_distance(plan.total_distance_m, plan.unit.value)
    if plan.timed:
        return f"{format_duration(plan.running_time_s)} (about {distance})"
    return distance


def plan_summary(plan: Plan) -> str:
    """One line: distance (or time), estimated time (cooldown included) and time at the target."""
    unit = plan.unit.value
    return (
        f"{plan_length_text(plan)} in about {format_duration(plan.estimated_time_s)} "
        f"with the cooldown; {format_duration(plan.tempo_time_s)} at {plan.target_kind or 'target'} pace "
        f"{format_pace(plan.target_pace_s_per_km, unit)}"
    )


def plan_to_markdown(plan: Plan) -> str:
    """The plan as a Markdown table with totals, reasons and warnings."""
    unit = plan.unit.value
    lines = [
        f"| # | distance | pace | band (/{unit}) | time | clock | cue |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in plan_rows(plan):
        lines.append(
            f"| {row.number} | {row.distance_text} | {row.pace_text} | {row.band_text} | {row.time_text} "
            f"| {row.cumulative_text} | {row.step.cue} |"
        )
    lines += ["", f"**Total:** {plan_summary(plan)}."]
    if plan.reasons:
        lines += ["", "Why this plan:", *(f"- {reason}" for reason in plan.reasons)]
    if plan.warnings:
        lines += ["", "Warnings:", *(f"- {warning}" for warning in plan.warnings)]
    return "\n".join(lines) + "\n"
