"""Write a Plan as intervals.icu workout-builder text: paste it into a workout's description.

intervals.icu reads one step per line starting with "- ": optional prompt text, then the length,
then the target (forum.intervals.icu "Workout builder syntax quick guide"):

    - settle in 1mi 8:15-7:55/mi Pace
    - walk/jog 5 min 5m 12:00-9:30/mi Pace

- distances are written `1mi`, `0.5mi`, `1km` (`m` alone means *minutes* there, so metres are never
  used); the cooldown is by time, in whole minutes and seconds (`5m`, `4m30s`);
- absolute pace ranges are written slow edge first, per the plan's unit (`/mi` or `/km`), with the
  `Pace` keyword, so the range reaches Garmin and the other synced watches as a speed range;
- section headers ("Warmup", "Main set", "Cooldown") group the steps; text before the length is
  the step's prompt, shown on the watch.

Paces are written to the whole second per mile or km, so a band edge may move by up to half a
second per unit; the fidelity report gives the real error of each step.
"""

from __future__ import annotations

from progrun.formats.export_model import (
    EXACT_PACE_S_PER_KM,
    ExportFormat,
    ExportOptions,
    ExportResult,
    Fidelity,
    TargetFidelity,
    cue_fidelity,
)
from progrun.heart_rate import hr_bands_of
from progrun.plan import Plan, Step, StepKind
from progrun.units import format_pace, pace_difference_text, pace_per_unit, pace_s_per_km_from_unit

#: A written distance within this many metres of the plan's counts as exact.
EXACT_DISTANCE_M = 0.5

_SECTIONS = {
    StepKind.WARMUP: "Warmup",
    StepKind.BUILD: "Main set",
    StepKind.TEMPO: "Main set",
    StepKind.COOLDOWN: "Cooldown",
}


def write_intervals_icu(plan: Plan, *, name: str) -> ExportResult:
    """The workout text for `plan` (UTF-8), one "- " line per step, with the fidelity of every target.

    `name` is not written: intervals.icu names a workout in its own field, and a bare first line
    would be read as an empty section.
    """
    lines: list[str] = []
    section = ""
    rows: list[TargetFidelity] = []
    for index, step in enumerate(plan.steps):
        if _SECTIONS[step.kind] != section:
            if section:
                lines.append("")
            section = _SECTIONS[step.kind]
            lines.append(section)
        lines.append(step_line(plan, step))
        rows.extend(_step_fidelity(plan, index, step))
    rows.append(
        TargetFidelity(
            None,
            "target paces",
            Fidelity.APPROXIMATE,
            "a step carries the band as a pace range; the target pace inside it is not written",
        )
    )
    rows.append(
        cue_fidelity(
            plan,
            Fidelity.EXACT,
            "each cue is the step's prompt text (numbers in it are never glued to a unit, so they are "
            "not read as a length)",
        )
    )
    text = "\n".join(lines) + "\n"
    return ExportResult(ExportFormat.INTERVALS, text.encode("utf-8"), tuple(rows))


def hr_target_text(plan: Plan, index: int) -> str | None:
    """An HR-guided step's target as intervals.icu reads it: "71-76% HR" (of maximum, Karvonen plans) or
    "85-90% LTHR" (Friel plans), whole per cent; None for a step without a heart-rate band."""
    bands = hr_bands_of(plan)
    band = bands[index] if bands is not None else None
    options = plan.options.get("heart_rate")
    if band is None or not isinstance(options, dict):
        return None
    lthr = options.get("lthr_bpm")
    reference, word = (
        (float(lthr), "LTHR") if isinstance(lthr, int | float) else (float(options["max_bpm"]), "HR")
    )
    return f"{round(100 * band.low_bpm / reference)}-{round(100 * band.high_bpm / reference)}% {word}"


def step_line(plan: Plan, step: Step) -> str:
    """One workout-builder line: "- 20 s faster 1mi 8:15-7:55/mi Pace" (or "... 71-76% HR")."""
    unit = plan.unit.value
    hr_text = hr_target_text(plan, plan.steps.index(step))
    if hr_text is not None:
        prompt = f"{_safe_prompt(step.cue)} " if step.cue else ""
        return f"- {prompt}{length_text(plan, step)} {hr_text}"
    slow = format_pace(step.high_s_per_km, unit, suffix=False)
    fast = format_pace(step.low_s_per_km, unit)
    prompt = f"{_safe_prompt(step.cue)} " if step.cue else ""
    return f"- {prompt}{length_text(plan, step)} {slow}-{fast} Pace"


def length_text(plan: Plan, step: Step) -> str:
    """`1mi`, `0.5mi`, `1.2km` for a distance (3 decimals at most); `5m`, `4m30s` for a duration."""
    if step.distance_m is not None:
        value = step.distance_m / plan.unit.metres
        number = f"{value:.3f}".rstrip("0").rstrip(".")
        return f"{number}{plan.unit.value}"
    assert step.duration_s is not None
    minutes, seconds = divmod(round(step.duration_s), 60)
    if minutes and seconds:
        return f"{minutes}m{seconds}s"
    return f"{minutes}m" if minutes else f"{seconds}s"


def _safe_prompt(cue: str) -> str:
    """The cue with no digit glued to a letter, so "5min" or "20s" in a cue is never read as a length."""
    out: list[str] = []
    for char in cue:
        if out and out[-1].isdigit() and char.isalpha():
            out.append(" ")
        out.append(char)
    return "".join(out)


def _written_length(plan: Plan, step: Step) -> float:
    """Metres (or seconds) that `length_text` says, read back."""
    text = length_text(plan, step)
    if step.distance_m is not None:
        return float(text[: -len(plan.unit.value)]) * plan.unit.metres
    minutes, _, rest = text.partition("m")
    if not rest and text.endswith("s"):
        return float(text[:-1])
    return float(minutes) * 60 + (float(rest[:-1]) if rest else 0.0)


def _written_pace_error(plan: Plan, pace_s_per_km: float) -> float:
    unit = plan.unit.value
    written = round(pace_per_unit(pace_s_per_km, unit))
    return abs(pace_s_per_km_from_unit(written, unit) - pace_s_per_km)


def _step_fidelity(plan: Plan, index: int, step: Step) -> list[TargetFidelity]:
    hr_text = hr_target_text(plan, index)
    if hr_text is not None:
        return [
            TargetFidelity(
                index,
                "heart rate band",
                Fidelity.APPROXIMATE,
                f"{hr_text}: whole per cent of the runner's reference heart rate set in intervals.icu",
            )
        ]
    worst = max(_written_pace_error(plan, edge) for edge in (step.low_s_per_km, step.high_s_per_km))
    band = TargetFidelity(
        index,
        "pace band",
        Fidelity.EXACT if worst < EXACT_PACE_S_PER_KM else Fidelity.APPROXIMATE,
        f"absolute pace range, whole seconds per {plan.unit.value}: edges off by "
        f"{pace_difference_text(worst, plan.unit.value)}",
    )
    error = abs(_written_length(plan, step) - (step.distance_m or step.duration_s or 0.0))
    if step.distance_m is not None:
        fidelity = Fidelity.EXACT if error < EXACT_DISTANCE_M else Fidelity.APPROXIMATE
        length = TargetFidelity(
            index, "distance", fidelity, f"written in {plan.unit.value} to 3 decimals: off by {error:.2f} m"
        )
    else:
        fidelity = Fidelity.EXACT if error < 0.5 else Fidelity.APPROXIMATE
        length = TargetFidelity(index, "duration", fidelity, f"whole seconds: off by {error:.1f} s")
    return [band, length]


def write_export(plan: Plan, options: ExportOptions) -> ExportResult:
    """The registry's entry (`formats.export.WRITERS`): the intervals.icu workout text."""
    return write_intervals_icu(plan, name=options.name)
