"""The plan as JSON: the `progrun.plan_io` contract, which every step and pace round-trips exactly."""

from __future__ import annotations

from progrun.formats.export_model import ExportFormat, ExportOptions, ExportResult, Fidelity, TargetFidelity
from progrun.plan import Plan


def write_export(plan: Plan, options: ExportOptions) -> ExportResult:
    """The plan's JSON (UTF-8, one trailing newline); the workout's name is not part of the contract."""
    from progrun.plan_io import plan_to_json

    data = (plan_to_json(plan) + "\n").encode("utf-8")
    rows = [
        TargetFidelity(
            None,
            "whole plan",
            Fidelity.EXACT,
            "the plan JSON contract: every step and pace round-trips exactly",
        )
    ]
    return ExportResult(ExportFormat.JSON, data, tuple(rows))
