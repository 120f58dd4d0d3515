"""Write a Plan as a Zwift run workout (`.zwo`): copy it into Zwift's `Workouts/<id>` folder.

A ZWO file is XML (`<workout_file>` with `<sportType>run</sportType>`). For runs, a step's
`Power` is the target *speed* as a fraction of the runner's threshold speed (1.0 = threshold pace,
0.8 = 80 % of that speed), so `Power = threshold_pace / step_pace` (paces in s/km).

Zwift workout steps last a time (`Duration`, seconds). No distance-based step appears in the tag
reference built from every workout that ships with Zwift (github.com/h4l/zwift-workout-file-reference),
so each split's duration is the time the split takes at its target pace, rounded to the second. A
runner who is off pace covers a different distance: the fidelity report marks every distance as
approximate. Zwift holds one speed per step, not a range, so the band is not carried; the band and
the cue are shown as a text message at the start of each step.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from progrun.formats.export import (
    EXACT_PACE_S_PER_KM,
    ExportFormat,
    ExportResult,
    Fidelity,
    TargetFidelity,
    cue_fidelity,
    pace_band_text,
    step_label,
)
from progrun.plan import Plan, Step
from progrun.units import format_duration, format_pace

#: Decimals kept of the speed fraction.
FRACTION_DECIMALS = 4


def write_zwo(plan: Plan, threshold_pace_s_per_km: float, *, name: str) -> ExportResult:
    """The ZWO XML for `plan`, with speeds relative to `threshold_pace_s_per_km`."""
    if not threshold_pace_s_per_km > 0:
        raise ValueError("threshold pace must be a positive number of s/km")
    root = ET.Element("workout_file")
    ET.SubElement(root, "author").text = "progrun"
    ET.SubElement(root, "name").text = name
    ET.SubElement(root, "description").text = (
        f"Progression run. Targets are fractions of a threshold pace of "
        f"{format_pace(threshold_pace_s_per_km, plan.unit.value)}; set the same in Zwift."
    )
    ET.SubElement(root, "sportType").text = "run"
    ET.SubElement(root, "tags")
    workout = ET.SubElement(root, "workout")
    rows: list[TargetFidelity] = []
    for index, step in enumerate(plan.steps):
        fraction = speed_fraction(step.pace_s_per_km, threshold_pace_s_per_km)
        duration_s = step_duration_s(step)
        element = ET.SubElement(
            workout,
            "SteadyState",
            {"Duration": str(duration_s), "Power": f"{fraction:.{FRACTION_DECIMALS}f}"},
        )
        message = f"{step_label(plan, index)}: {format_pace(step.pace_s_per_km, plan.unit.value)}"
        message += f" ({pace_band_text(step, plan.unit)})"
        if step.cue:
            message += f", {step.cue}"
        ET.SubElement(element, "textevent", {"timeoffset": "0", "message": message})
        rows.extend(_step_fidelity(plan, index, step, threshold_pace_s_per_km, fraction, duration_s))
    rows.append(
        TargetFidelity(
            None,
            "threshold pace",
            Fidelity.APPROXIMATE,
            f"Zwift scales every target by the runner's own run threshold pace; this file assumes "
            f"{format_pace(threshold_pace_s_per_km, plan.unit.value)}",
        )
    )
    rows.append(
        cue_fidelity(plan, Fidelity.EXACT, "each step opens with a text message: label, pace, band, cue")
    )
    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    return ExportResult(ExportFormat.ZWO, data, tuple(rows))


def speed_fraction(pace_s_per_km: float, threshold_pace_s_per_km: float) -> float:
    """The step's speed as a fraction of threshold speed (faster than threshold is above 1)."""
    return threshold_pace_s_per_km / pace_s_per_km


def step_duration_s(step: Step) -> int:
    """Whole seconds of the step: its duration, or its distance at its target pace."""
    return max(1, round(step.expected_time_s))


def _step_fidelity(  # noqa: PLR0917 (the step and what was written for it)
    plan: Plan, index: int, step: Step, threshold_pace_s_per_km: float, fraction: float, duration_s: int
) -> list[TargetFidelity]:
    written = round(fraction, FRACTION_DECIMALS)
    pace_error = abs(threshold_pace_s_per_km / written - step.pace_s_per_km)
    pace = TargetFidelity(
        index,
        "target pace",
        Fidelity.EXACT if pace_error < EXACT_PACE_S_PER_KM else Fidelity.APPROXIMATE,
        f"{written:.{FRACTION_DECIMALS}f} x threshold speed (off by {pace_error:.2f} s/km)",
    )
    band = TargetFidelity(
        index,
        "pace band",
        Fidelity.NOT_CARRIED,
        f"one speed per step; the band {pace_band_text(step, plan.unit)} is only in the text message",
    )
    if step.distance_m is not None:
        length = TargetFidelity(
            index,
            "distance",
            Fidelity.APPROXIMATE,
            f"timed: {format_duration(duration_s)} at target pace for {step.distance_m:.0f} m",
        )
    else:
        error = abs(duration_s - step.expected_time_s)
        length = TargetFidelity(
            index,
            "duration",
            Fidelity.EXACT if error < 0.5 else Fidelity.APPROXIMATE,
            f"whole seconds: off by {error:.1f} s",
        )
    return [pace, band, length]
