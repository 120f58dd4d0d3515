"""Export a Plan to the watch, a training platform, the calendar or paper: one entry point, `export_plan`.

Every exporter returns the bytes to write and a fidelity report: for each target of the plan (each
step's pace band, each step's distance or duration, the cues) whether the format carries it
EXACTLY, APPROXIMATELY or NOT at all, and why. Nothing is dropped silently.

>>> result = export_plan(plan, ExportFormat.FIT)            # doctest: +SKIP
>>> Path("progression.fit").write_bytes(result.data)         # doctest: +SKIP

A new format is one writer module with `write_export(plan, options) -> ExportResult` and one row of
`WRITERS` (plus its `ExportFormat` member). The writer modules import only `formats.export_model`, and
are imported here only when used, so exporting JSON never imports matplotlib.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime

from progrun.formats.export_model import (
    EXACT_PACE_S_PER_KM,
    MAX_WATCH_STEPS,
    ExportFormat,
    ExportOptions,
    ExportResult,
    Fidelity,
    Repeat,
    TargetFidelity,
    check_plan,
    cue_fidelity,
    pace_band_text,
    plan_name,
    split_number,
    step_label,
    step_length,
    step_summary,
)
from progrun.plan import Plan

__all__ = [
    "EXACT_PACE_S_PER_KM",
    "MAX_WATCH_STEPS",
    "WRITERS",
    "ExportFormat",
    "ExportOptions",
    "ExportResult",
    "Fidelity",
    "Repeat",
    "TargetFidelity",
    "check_plan",
    "cue_fidelity",
    "export_plan",
    "pace_band_text",
    "plan_name",
    "split_number",
    "step_label",
    "step_length",
    "step_summary",
    "writer_for",
]

#: The registry: each format and the module whose `write_export(plan, options)` writes it.
WRITERS: dict[ExportFormat, str] = {
    ExportFormat.FIT: "progrun.formats.fit_workout",
    ExportFormat.ZWO: "progrun.formats.zwo",
    ExportFormat.ICS: "progrun.formats.ics",
    ExportFormat.INTERVALS: "progrun.formats.intervals_icu",
    ExportFormat.JSON: "progrun.formats.json_export",
    ExportFormat.PDF: "progrun.charts.paceband",
    ExportFormat.PNG: "progrun.charts.paceband",
}


def writer_for(fmt: ExportFormat) -> Callable[[Plan, ExportOptions], ExportResult]:
    """The `write_export` function of the module that writes `fmt` (imported now, not before)."""
    writer: Callable[[Plan, ExportOptions], ExportResult] = importlib.import_module(WRITERS[fmt]).write_export
    return writer


def export_plan(
    plan: Plan,
    fmt: ExportFormat,
    *,
    threshold_pace_s_per_km: float | None = None,
    start: datetime | None = None,
    repeat: Repeat = Repeat.NONE,
    weeks: int | None = None,
    created: datetime | None = None,
    name: str | None = None,
) -> ExportResult:
    """Export `plan` as `fmt`.

    `threshold_pace_s_per_km` is no longer needed: Zwift's run targets are fractions of a race pace the
    runner sets in Zwift, and ZWO steps are written against the plan's target pace (`formats.zwo`); it
    is accepted so existing callers keep working. `start` (date and time of the run) is needed for ICS;
    `repeat` makes it recur for `weeks` weeks (needed with a repeat: calendar repeats never run forever).
    `created` stamps the FIT file and the ICS DTSTAMP (default: now), so tests can pin the bytes.
    `name` overrides the workout's name (default: the plan's name, else "Progression 5mi").
    """
    check_plan(plan)
    options = ExportOptions(
        fmt, name or plan_name(plan), start=start, repeat=repeat, weeks=weeks, created=created
    )
    return writer_for(fmt)(plan, options)
