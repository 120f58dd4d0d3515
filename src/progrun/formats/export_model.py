"""The shapes every plan export shares: formats, fidelity, results, options, and the step wording.

The writer modules (one per format: `formats.fit_workout`, `formats.zwo`, `formats.ics`,
`formats.intervals_icu`, `formats.json_export`, `charts.paceband`) import from here, and
`formats.export` imports them only through its table of writers: no module imports its importer.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime

from progrun.errors import ExportError
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.units import format_distance, format_duration, format_pace


class ExportFormat(enum.Enum):
    """The formats a plan can be exported to; the value is the file extension."""

    FIT = "fit"
    ZWO = "zwo"
    ICS = "ics"
    INTERVALS = "intervals"
    JSON = "json"
    PDF = "pdf"
    PNG = "png"

    @property
    def extension(self) -> str:
        """The file extension, without the dot (intervals.icu text is plain `.txt`)."""
        return "txt" if self is ExportFormat.INTERVALS else self.value


class Fidelity(enum.Enum):
    """How faithfully a format carries one target of the plan."""

    EXACT = "exact"
    APPROXIMATE = "approximate"
    NOT_CARRIED = "not carried"


class Repeat(enum.Enum):
    """How often a calendar event recurs."""

    NONE = "none"
    WEEKLY = "weekly"
    TWICE_WEEKLY = "twice-weekly"


@dataclass(frozen=True)
class TargetFidelity:
    """Whether a format carries one target of the plan.

    `step` is the 0-based index of the step in `plan.steps`, or None for a target of the whole
    plan (cues, the plan's name). `target` says what ("pace band", "distance", "duration", "cue").
    """

    step: int | None
    target: str
    fidelity: Fidelity
    reason: str


@dataclass(frozen=True)
class ExportResult:
    """The bytes of one export and the report of what it carries."""

    format: ExportFormat
    data: bytes
    fidelity: tuple[TargetFidelity, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportOptions:
    """What an export needs besides the plan: its format, the workout's name and, for ICS, when.

    `start` (date and time of the run) is needed for ICS and `repeat` makes it recur for `weeks` weeks;
    `created` stamps the FIT file and the ICS DTSTAMP (None: now), so tests can pin the bytes.
    """

    format: ExportFormat
    name: str
    start: datetime | None = None
    repeat: Repeat = Repeat.NONE
    #: How many weeks a repeat runs (a calendar repeat never runs forever).
    weeks: int | None = None
    created: datetime | None = None


#: A pace written with an error below this (s/km) counts as exact: it can never change the whole second
#: a watch or a band shows (half a second per mile is 0.31 s/km; per km, 0.5 s/km).
EXACT_PACE_S_PER_KM = 0.25

#: Garmin devices run at most this many steps in one workout (field survey: TrainerDay, Garmin Connect).
MAX_WATCH_STEPS = 50


def check_plan(plan: Plan) -> None:
    """Refuse a plan no format can carry: no steps, or a pace or length that is not a positive number."""
    if not plan.steps:
        raise ExportError("plan", "the plan has no steps; build one with `progrun plan`")
    for index, step in enumerate(plan.steps):
        values = [step.pace_s_per_km, step.low_s_per_km, step.high_s_per_km, step_length(step)]
        if not all(math.isfinite(value) and value > 0 for value in values):
            raise ExportError(
                "plan",
                f"step {index + 1} ({step_label(plan, index)}) has a pace or length that is not a positive "
                "number; rebuild the plan with `progrun plan`",
            )


def step_length(step: Step) -> float:
    """The step's distance in metres, or its duration in seconds for a timed step."""
    if step.distance_m is not None:
        return step.distance_m
    assert step.duration_s is not None
    return step.duration_s


def plan_name(plan: Plan) -> str:
    """The runner's name for the plan, else a short one, e.g. "Progression 5mi" or "Progression 40min"."""
    if plan.name.strip():
        return plan.name.strip()
    if plan.timed:
        return f"Progression {round(plan.running_time_s / 60.0)}min"
    distance = format_distance(plan.total_distance_m, plan.unit.value).replace(" ", "")
    return f"Progression {distance}"


def step_label(plan: Plan, index: int) -> str:
    """How a runner names the step: "warm-up", "mile 1" ... "mile 5.5" is "last 0.5 mi", "cooldown"."""
    step = plan.steps[index]
    if step.kind is StepKind.WARMUP:
        return "warm-up"
    if step.kind is StepKind.COOLDOWN:
        return "cooldown"
    unit_word = "mile" if plan.unit is SplitUnit.MILE else "km"
    number = split_number(plan, index)
    if step.distance_m is None:  # a timed split (a plan by time)
        return f"split {number} ({format_duration(step.expected_time_s)})"
    if abs(step.distance_m - plan.unit.metres) > 0.5:
        return f"{unit_word} {number} ({format_distance(step.distance_m, plan.unit.value)})"
    return f"{unit_word} {number}"


def split_number(plan: Plan, index: int) -> int:
    """The 1-based number of a build or tempo split, counting only build and tempo steps."""
    return sum(1 for step in plan.steps[: index + 1] if step.kind in (StepKind.BUILD, StepKind.TEMPO))


def pace_band_text(step: Step, unit: SplitUnit) -> str:
    """The band as a runner reads it, slow edge first: "8:15-7:55/mi"."""
    slow = format_pace(step.high_s_per_km, unit.value, suffix=False)
    return f"{slow}-{format_pace(step.low_s_per_km, unit.value)}"


def step_summary(plan: Plan, index: int) -> str:
    """One line per step for text formats: "mile 2: 1 mi at 7:45/mi (7:55-7:35/mi), 20 s faster"."""
    step = plan.steps[index]
    if step.duration_s is not None:
        length = format_duration(step.duration_s)
    else:
        assert step.distance_m is not None
        length = format_distance(step.distance_m, plan.unit.value)
    pace = format_pace(step.pace_s_per_km, plan.unit.value)
    line = f"{step_label(plan, index)}: {length} at {pace} ({pace_band_text(step, plan.unit)})"
    return f"{line}, {step.cue}" if step.cue else line


def cue_fidelity(plan: Plan, fidelity: Fidelity, reason: str) -> TargetFidelity:
    """The one plan-level row about the steps' cues."""
    return TargetFidelity(None, "cues", fidelity, reason)
