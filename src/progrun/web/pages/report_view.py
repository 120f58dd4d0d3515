"""The run report's figures, read from the one dict every client gets (`RunView.to_dict()`, which the JSON
API serves as `GET /api/runs/{id}`): the verdict sentence, the split rows with their bands, the chart's
series and the route. Nothing is recomputed here; numbers are only formatted in the runner's unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from progrun.activity import Activity
from progrun.units import format_distance, format_duration, format_pace, pace_per_unit
from progrun.web.pages.route import Route, bands_from_splits, draw_route


@dataclass(frozen=True)
class SplitRow:
    """One row of the split table, as shown."""

    label: str
    distance_text: str
    time_text: str
    pace_text: str
    gap_text: str
    band_text: str
    hr_text: str
    status: str  # "in", "fast", "slow", "notrun" or "plain": the row's CSS class and its word
    status_text: str


@dataclass(frozen=True)
class RunReport:
    """Everything the report page shows."""

    run: dict[str, Any]
    title: str
    verdict_sentence: str
    score_text: str
    unit: str
    rows: tuple[SplitRow, ...]
    chart: dict[str, Any]
    route: Route | None
    warnings: tuple[str, ...]


_STATUS_WORDS = {
    "in": "in band",
    "fast": "faster than band",
    "slow": "slower than band",
    "notrun": "not run",
    "plain": "",
}


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan


def _pace(value: object, unit: str) -> str:
    pace = _num(value)
    return format_pace(pace, unit, suffix=False) if math.isfinite(pace) and pace > 0 else "–"


def _per_unit(value: object, unit: str) -> float | None:
    """A pace in seconds per `unit` for the chart (None where not measured)."""
    pace = _num(value)
    return round(pace_per_unit(pace, unit), 1) if math.isfinite(pace) and pace > 0 else None


def _band(split: dict[str, Any], unit: str) -> str:
    return f"{_pace(split.get('low_s_per_km'), unit)}–{_pace(split.get('high_s_per_km'), unit)}"


def _status(split: dict[str, Any]) -> str:
    if split.get("status") == "not run":
        return "notrun"
    off = _num(split.get("off_s_per_km"))
    if split.get("in_band") is True:
        return "in"
    if math.isfinite(off) and off != 0:
        return "slow" if off > 0 else "fast"
    return "plain"


def _verdict_rows(splits: list[dict[str, Any]], unit: str) -> tuple[SplitRow, ...]:
    rows: list[SplitRow] = []
    for split in splits:
        status = _status(split)
        distance = _num(split.get("distance_m"))
        elapsed = _num(split.get("elapsed_s"))
        hr = _num(split.get("heart_rate_avg_bpm"))
        rows.append(
            SplitRow(
                label=str(split.get("label", split.get("index", ""))),
                distance_text=format_distance(distance, unit)
                if math.isfinite(distance) and distance > 0
                else "–",
                time_text=format_duration(elapsed) if math.isfinite(elapsed) and elapsed > 0 else "–",
                pace_text=_pace(split.get("actual_s_per_km"), unit),
                gap_text=_pace(split.get("gap_s_per_km"), unit),
                band_text=_band(split, unit),
                hr_text=f"{hr:.0f}" if math.isfinite(hr) else "–",
                status=status,
                status_text=_STATUS_WORDS[status],
            )
        )
    return tuple(rows)


def _plain_rows(splits: list[dict[str, Any]], unit: str) -> tuple[SplitRow, ...]:
    rows: list[SplitRow] = []
    for split in splits:
        hr = _num(split.get("heart_rate_avg_bpm"))
        rows.append(
            SplitRow(
                label=str(int(_num(split.get("index"))) + 1),
                distance_text=format_distance(_num(split.get("distance_m")), unit),
                time_text=format_duration(_num(split.get("elapsed_s"))),
                pace_text=_pace(split.get("pace_s_per_km"), unit),
                gap_text="–",
                band_text="–",
                hr_text=f"{hr:.0f}" if math.isfinite(hr) else "–",
                status="plain",
                status_text="",
            )
        )
    return tuple(rows)


def _chart(splits: list[dict[str, Any]], unit: str, judged: bool) -> dict[str, Any]:
    """The chart's series, per split: paces in seconds per `unit`, heart rate in bpm."""
    if judged:
        return {
            "unit": unit,
            "labels": [str(split.get("label", "")) for split in splits],
            "actual": [_per_unit(split.get("actual_s_per_km"), unit) for split in splits],
            "gap": [_per_unit(split.get("gap_s_per_km"), unit) for split in splits],
            "target": [_per_unit(split.get("target_s_per_km"), unit) for split in splits],
            "low": [_per_unit(split.get("low_s_per_km"), unit) for split in splits],
            "high": [_per_unit(split.get("high_s_per_km"), unit) for split in splits],
            "hr": [
                round(hr) if math.isfinite(hr := _num(split.get("heart_rate_avg_bpm"))) else None
                for split in splits
            ],
        }
    return {
        "unit": unit,
        "labels": [str(int(_num(split.get("index"))) + 1) for split in splits],
        "actual": [_per_unit(split.get("pace_s_per_km"), unit) for split in splits],
        "gap": [None] * len(splits),
        "target": [None] * len(splits),
        "low": [None] * len(splits),
        "high": [None] * len(splits),
        "hr": [
            round(hr) if math.isfinite(hr := _num(split.get("heart_rate_avg_bpm"))) else None
            for split in splits
        ],
    }


def run_report(run: dict[str, Any], activity: Activity | None, profile_unit: str) -> RunReport:
    """The report of `run` (a `RunView.to_dict()`), its route from `activity`'s points when given."""
    verdict = run.get("verdict") or None
    details: dict[str, Any] = dict(verdict.get("details", {})) if isinstance(verdict, dict) else {}
    judged_splits = [split for split in details.get("splits", []) if isinstance(split, dict)]
    unit = str(details.get("unit") or profile_unit or "km")
    if judged_splits:
        rows = _verdict_rows(judged_splits, unit)
        chart = _chart(judged_splits, unit, judged=True)
    else:
        plain = [split for split in run.get("splits", []) if isinstance(split, dict)]
        rows = _plain_rows(plain, unit)
        chart = _chart(plain, unit, judged=False)
    score = _num(verdict.get("score")) if isinstance(verdict, dict) else math.nan
    route = None
    if activity is not None:
        route = draw_route(
            activity.lat_deg,
            activity.lon_deg,
            activity.time_s,
            activity.distance_m,
            bands_from_splits(judged_splits),
        )
    return RunReport(
        run=run,
        title=str(run.get("name") or run.get("source") or f"Run {run.get('id')}"),
        verdict_sentence=str(details.get("verdict", "")),
        score_text=f"{score:.0f}" if math.isfinite(score) else "",
        unit=unit,
        rows=rows,
        chart=chart,
        route=route,
        warnings=tuple(str(text) for text in details.get("warnings", [])),
    )
