"""Write a Plan as a Zwift run workout (`.zwo`): copy it into Zwift's `Workouts/<id>` folder.

A ZWO file is XML (`<workout_file>` with `<sportType>run</sportType>`). In a run workout a step's
`Power` is its target *speed* as a fraction of one of the race paces the runner keeps in Zwift, and
the step's `pace` attribute says which: 0 the mile, 1 the 5 km, 2 the 10 km, 3 the half marathon, 4 the
marathon pace (the run paces Zwift asks for; the workouts that ship with Zwift use `pace` 0 to 3, as
counted in github.com/h4l/zwift-workout-file-reference `tag_attr_usage.json`, and other tools express
run steps the same way, e.g. cagnulein/qdomyos-zwift issue 609: "% of 1 mi/5k/10k/HM/M race pace, as in
Zwift ZWO"). It is not a fraction of threshold pace.

progrun writes every step against the race pace the plan builds to: `pace="2"` (10 km) for a 10k
target, `pace="1"` (5 km) for a 5k target, so `Power = race pace / step pace` and the splits at the
target are exactly 1.0. The runner must set that pace in Zwift (Settings > Run > the 10 km or 5 km
pace) to the plan's; the fidelity report says which pace and what value, and what Zwift will run if
it is set otherwise.

How long a step lasts is set for the whole file by `<durationType>`: `time` (each `Duration` in
seconds) or `distance` (each `Duration` in metres, text events placed by `distoffset`). The workouts
that ship with Zwift are all timed (the tag reference lists no `durationType`), but Zwift's run workout
editor has distance workouts, and the tools that write or run Zwift run workouts agree on the form:
breiko83/zwo-editor writes `<durationType>distance</durationType>` with `Duration` in metres and
`distoffset` text events; cagnulein/qdomyos-zwift reads a run workout's `Duration` as metres unless
`durationType` says `time` (so a run workout without the element is read as distances, and progrun
always writes it). A plan by distance is written as a distance workout: every split ends at its
distance, as the plan does (whole metres: a mile is 1609 m, 0.34 m short); its timed cooldown becomes
the distance it covers at its pace, reported as approximate. A plan by time is a timed workout. Zwift
holds one speed per step, not a range, so the band is not carried; the band and the cue are shown as a
text message at the start of each step.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from progrun.formats.export_model import (
    EXACT_PACE_S_PER_KM,
    ExportFormat,
    ExportOptions,
    ExportResult,
    Fidelity,
    TargetFidelity,
    cue_fidelity,
    pace_band_text,
    step_label,
)
from progrun.plan import Plan, Step
from progrun.units import format_duration, format_pace, pace_difference_text, pace_s_per_km_from_unit

#: Decimals kept of the speed fraction.
FRACTION_DECIMALS = 4
#: How much slower a mis-set Zwift pace the fidelity report shows the effect of, in s per the plan's unit.
SLOWER_BY_S_PER_UNIT = 10.0

#: Zwift's run paces, by the value of a step's `pace` attribute.
ZWIFT_PACES: dict[int, str] = {0: "1 mile", 1: "5 km", 2: "10 km", 3: "half marathon", 4: "marathon"}
#: The Zwift pace each plan target is written against.
_PACE_FOR_TARGET = {"5k": 1, "10k": 2}


def zwift_pace_slot(plan: Plan) -> int:
    """Which of Zwift's run paces the steps are fractions of: 1 (5 km) for a 5k target, else 2 (10 km)."""
    return _PACE_FOR_TARGET.get(plan.target_kind, 2)


def write_zwo(plan: Plan, *, name: str) -> ExportResult:
    """The ZWO XML for `plan`: speeds as fractions of the plan's target race pace, which Zwift must hold."""
    slot = zwift_pace_slot(plan)
    reference = plan.target_pace_s_per_km
    if not reference > 0:
        raise ValueError("the plan's target pace must be a positive number of s/km")
    u = plan.unit.value
    root = ET.Element("workout_file")
    ET.SubElement(root, "author").text = "progrun"
    ET.SubElement(root, "name").text = name
    ET.SubElement(root, "description").text = (
        f"Progression run. Targets are fractions of your Zwift {ZWIFT_PACES[slot]} pace: set it to "
        f"{format_pace(reference, u)} in Zwift, or every target moves with it."
    )
    ET.SubElement(root, "sportType").text = "run"
    by_distance = is_distance_workout(plan)
    ET.SubElement(root, "durationType").text = "distance" if by_distance else "time"
    lengths_m = step_lengths_m(plan) if by_distance else []
    ET.SubElement(root, "tags")
    workout = ET.SubElement(root, "workout")
    rows: list[TargetFidelity] = []
    for index, step in enumerate(plan.steps):
        fraction = speed_fraction(step.pace_s_per_km, reference)
        duration = lengths_m[index] if by_distance else step_duration_s(step)
        attributes = {"Duration": str(duration), "Power": f"{fraction:.{FRACTION_DECIMALS}f}"}
        element = ET.SubElement(workout, "SteadyState", {**attributes, "pace": str(slot)})
        message = f"{step_label(plan, index)}: {format_pace(step.pace_s_per_km, plan.unit.value)}"
        message += f" ({pace_band_text(step, plan.unit)})"
        if step.cue:
            message += f", {step.cue}"
        offset = "distoffset" if by_distance else "timeoffset"
        ET.SubElement(element, "textevent", {offset: "0", "message": message})
        rows.extend(_step_fidelity(plan, index, step, reference, fraction, lengths_m=lengths_m))
    slower = reference + pace_s_per_km_from_unit(SLOWER_BY_S_PER_UNIT, u)
    slower_first = zwift_pace(plan.steps[0], reference, slower)
    rows.append(
        TargetFidelity(
            None,
            f"Zwift {ZWIFT_PACES[slot]} pace",
            Fidelity.APPROXIMATE,
            f"every target is a fraction of the {ZWIFT_PACES[slot]} pace set in Zwift: set it to "
            f"{format_pace(reference, u)}; at {format_pace(slower, u)} "
            f"({SLOWER_BY_S_PER_UNIT:g} s/{u} slower) Zwift would run the first split at "
            f"{format_pace(slower_first, u)}",
        )
    )
    rows.append(
        cue_fidelity(plan, Fidelity.EXACT, "each step opens with a text message: label, pace, band, cue")
    )
    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    return ExportResult(ExportFormat.ZWO, data, tuple(rows))


def speed_fraction(pace_s_per_km: float, reference_pace_s_per_km: float) -> float:
    """The step's speed as a fraction of the reference race pace's speed (faster is above 1)."""
    return reference_pace_s_per_km / pace_s_per_km


def zwift_pace(step: Step, reference_pace_s_per_km: float, set_pace_s_per_km: float) -> float:
    """The pace Zwift runs `step` at, s/km, when the runner's Zwift pace is `set_pace_s_per_km`."""
    written = round(speed_fraction(step.pace_s_per_km, reference_pace_s_per_km), FRACTION_DECIMALS)
    return set_pace_s_per_km / written


def is_distance_workout(plan: Plan) -> bool:
    """Whether the plan is written as a distance workout: its running steps are distances."""
    return all(step.distance_m is not None for step in plan.running_steps)


def step_duration_s(step: Step) -> int:
    """Whole seconds of the step: its duration, or its distance at its target pace."""
    return max(1, round(step.expected_time_s))


def step_lengths_m(plan: Plan) -> list[int]:
    """Whole metres of each step of a distance workout: each step's end rounded from the plan's running
    total (its distance, or for a timed step the distance at its target pace), so every split ends within
    half a metre of its mark (5 miles: 1609, 1610, 1609, 1609, 1610 m) and no rounding adds up."""
    ends_m = []
    total_m = 0.0
    for step in plan.steps:
        total_m += step.expected_distance_m
        ends_m.append(round(total_m))
    lengths = [end - start for start, end in zip([0, *ends_m[:-1]], ends_m, strict=True)]
    return [max(1, length) for length in lengths]


def _step_fidelity(
    plan: Plan,
    index: int,
    step: Step,
    reference_pace_s_per_km: float,
    fraction: float,
    *,
    lengths_m: list[int],
) -> list[TargetFidelity]:
    written = round(fraction, FRACTION_DECIMALS)
    run = zwift_pace(step, reference_pace_s_per_km, reference_pace_s_per_km)
    pace_error = abs(run - step.pace_s_per_km)
    slot = ZWIFT_PACES[zwift_pace_slot(plan)]
    pace = TargetFidelity(
        index,
        "target pace",
        Fidelity.EXACT if pace_error < EXACT_PACE_S_PER_KM else Fidelity.APPROXIMATE,
        f"{written:.{FRACTION_DECIMALS}f} x your Zwift {slot} pace: Zwift runs "
        f"{format_pace(run, plan.unit.value)} (off by {pace_difference_text(pace_error, plan.unit.value)})",
    )
    band = TargetFidelity(
        index,
        "pace band",
        Fidelity.NOT_CARRIED,
        f"one speed per step; the band {pace_band_text(step, plan.unit)} is only in the text message",
    )
    return [pace, band, _length_fidelity(plan, index, lengths_m)]


def _length_fidelity(plan: Plan, index: int, lengths_m: list[int]) -> TargetFidelity:
    """How exactly the step's length is carried: a distance in a distance workout (`lengths_m` given), else
    a time."""
    step = plan.steps[index]
    by_distance = bool(lengths_m)
    if step.distance_m is not None and by_distance:
        planned_end_m = sum(plan_step.expected_distance_m for plan_step in plan.steps[: index + 1])
        error_m = abs(sum(lengths_m[: index + 1]) - planned_end_m)
        return TargetFidelity(
            index,
            "distance",
            Fidelity.EXACT if error_m <= 0.5 else Fidelity.APPROXIMATE,
            f"{lengths_m[index]} m: Zwift ends the step {error_m:.2f} m from its mark (whole metres)",
        )
    if step.distance_m is not None:
        return TargetFidelity(
            index,
            "distance",
            Fidelity.APPROXIMATE,
            f"timed: {format_duration(step_duration_s(step))} at target pace for {step.distance_m:.0f} m",
        )
    if by_distance:
        return TargetFidelity(
            index,
            "duration",
            Fidelity.APPROXIMATE,
            f"a distance workout counts metres: {format_duration(step.expected_time_s)} is written as "
            f"{lengths_m[index]} m, the distance it takes at target pace",
        )
    error = abs(step_duration_s(step) - step.expected_time_s)
    return TargetFidelity(
        index,
        "duration",
        Fidelity.EXACT if error < 0.5 else Fidelity.APPROXIMATE,
        f"whole seconds: off by {error:.1f} s",
    )


def write_export(plan: Plan, options: ExportOptions) -> ExportResult:
    """The registry's entry (`formats.export.WRITERS`): the Zwift workout."""
    return write_zwo(plan, name=options.name)
