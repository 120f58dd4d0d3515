"""Plan and Step: a split-by-split progression run, as the planner builds it and the exporters read it.

The planner (`progrun.planner`) makes Plans; exporters (`progrun.formats`) and the judge
(`progrun.judge`) consume them. Paces are seconds per kilometre; a band is (fast, slow) bounds.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from progrun.units import SplitUnit

__all__ = ["Plan", "SplitUnit", "Step", "StepKind"]


class StepKind(enum.StrEnum):
    """What a step is for."""

    WARMUP = "warmup"
    BUILD = "build"
    TEMPO = "tempo"
    COOLDOWN = "cooldown"


@dataclass(frozen=True)
class Step:
    """One step of a plan: a distance (or, for the cooldown, a duration) at a target pace.

    `low_s_per_km` is the fast edge of the band and `high_s_per_km` the slow edge, so
    low <= pace <= high. The cooldown has `duration_s` set and `distance_m` None.
    """

    kind: StepKind
    pace_s_per_km: float
    low_s_per_km: float
    high_s_per_km: float
    distance_m: float | None = None
    duration_s: float | None = None
    cue: str = ""

    def __post_init__(self) -> None:
        if (self.distance_m is None) == (self.duration_s is None):
            raise ValueError("a Step has exactly one of distance_m and duration_s")
        if not self.low_s_per_km <= self.pace_s_per_km <= self.high_s_per_km:
            raise ValueError("a Step's band must hold its pace: low <= pace <= high (s/km)")

    @property
    def expected_time_s(self) -> float:
        """Seconds the step takes at its target pace."""
        if self.duration_s is not None:
            return self.duration_s
        assert self.distance_m is not None
        return self.distance_m / 1000.0 * self.pace_s_per_km

    @property
    def expected_distance_m(self) -> float:
        """Metres the step covers at its target pace."""
        if self.distance_m is not None:
            return self.distance_m
        assert self.duration_s is not None
        return self.duration_s / self.pace_s_per_km * 1000.0


@dataclass(frozen=True)
class Plan:
    """A progression run, split by split, with the inputs it came from so it can be judged and re-exported."""

    steps: tuple[Step, ...]
    unit: SplitUnit
    start_pace_s_per_km: float
    target_pace_s_per_km: float
    step_s_per_unit: float
    tempo_splits: int
    start_kind: str = ""
    target_kind: str = ""
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    options: dict[str, object] = field(default_factory=dict)
    #: The runner's threshold (T) pace, s/km, when known: every split at or faster than it counts against
    #: the method's 3 miles at tempo or threshold.
    threshold_pace_s_per_km: float | None = None
    #: The runner's name for the plan ("Tuesday build"); "" for the default, e.g. "Progression 5mi"
    #: (`formats.export.plan_name`).
    name: str = ""

    @property
    def running_steps(self) -> tuple[Step, ...]:
        """Every step but the cooldown."""
        return tuple(step for step in self.steps if step.kind is not StepKind.COOLDOWN)

    @property
    def timed(self) -> bool:
        """True for a plan by time: its running splits last a duration instead of a distance."""
        return any(step.distance_m is None for step in self.running_steps)

    @property
    def total_distance_m(self) -> float:
        """Metres of the running steps (the cooldown is not counted); timed splits at their target pace."""
        return sum(step.expected_distance_m for step in self.running_steps)

    @property
    def running_time_s(self) -> float:
        """Seconds of the running steps at their target paces (the cooldown is not counted)."""
        return sum(step.expected_time_s for step in self.running_steps)

    @property
    def estimated_time_s(self) -> float:
        """Seconds of the whole plan at target pace, cooldown included."""
        return sum(step.expected_time_s for step in self.steps)

    @property
    def tempo_time_s(self) -> float:
        """Seconds planned at the target pace."""
        return sum(step.expected_time_s for step in self.steps if step.kind is StepKind.TEMPO)
