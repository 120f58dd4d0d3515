"""The columnar activity model: one recorded run as numpy arrays of equal length.

Readers in `progrun.formats` build it; `progrun.splits` and `progrun.judge` read it. SI units
inside: seconds, metres, metres per second. A sample without a value holds NaN.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Laps sharing more than this many seconds overlap (a lap series of its own, not part of the sequence).
LAP_OVERLAP_S = 1.0

#: The sample channels every Activity carries, in this order.
CHANNELS: tuple[str, ...] = (
    "time_s",
    "distance_m",
    "speed_m_s",
    "lat_deg",
    "lon_deg",
    "altitude_m",
    "heart_rate_bpm",
    "cadence_spm",
    "power_w",
)


class Format(enum.Enum):
    """The file formats progrun reads."""

    FIT = "fit"
    GPX = "gpx"
    TCX = "tcx"


class LapTrigger(enum.Enum):
    """Why the device closed a lap."""

    MANUAL = "manual"
    TIME = "time"
    DISTANCE = "distance"
    POSITION = "position"
    SESSION_END = "session_end"
    WORKOUT_STEP = "workout_step"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Lap:
    """One device lap. Times are seconds from the activity start; None where the file has no value."""

    index: int
    start_s: float
    elapsed_s: float
    timer_s: float
    distance_m: float | None
    trigger: LapTrigger = LapTrigger.UNKNOWN
    sport: str = ""
    intensity: str = ""
    workout_step_index: int | None = None


@dataclass(frozen=True)
class Pause:
    """A stretch where the device timer was stopped: seconds from the activity start."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class WorkoutStep:
    """A step of the structured workout the watch ran (FIT workout_step messages)."""

    index: int
    name: str
    duration_type: str
    duration_value: float | None
    target_type: str
    target_low: float | None
    target_high: float | None
    intensity: str = ""


@dataclass(frozen=True, eq=False)
class Activity:
    """One recorded activity in columnar form.

    `time_s` is seconds from `start` and never decreases. `distance_m` is cumulative metres.
    All channel arrays have the same length; NaN marks a missing sample.
    """

    time_s: FloatArray
    distance_m: FloatArray
    speed_m_s: FloatArray
    lat_deg: FloatArray
    lon_deg: FloatArray
    altitude_m: FloatArray
    heart_rate_bpm: FloatArray
    cadence_spm: FloatArray
    power_w: FloatArray
    start: datetime | None
    format: Format
    sport: str = "running"
    device: str = ""
    laps: tuple[Lap, ...] = ()
    pauses: tuple[Pause, ...] = ()
    workout_steps: tuple[WorkoutStep, ...] = ()
    workout_name: str = ""
    warnings: tuple[str, ...] = ()
    source: str = ""
    #: True when timestamps count from device power-on rather than a calendar date (old FR70 firmware).
    relative_time: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        length = len(self.time_s)
        for name in CHANNELS:
            column = getattr(self, name)
            if not isinstance(column, np.ndarray) or column.dtype != np.float64:
                raise TypeError(f"Activity.{name} must be a float64 numpy array")
            if len(column) != length:
                raise ValueError(f"Activity.{name} has {len(column)} samples, time_s has {length}")
        if self.start is not None and self.start.utcoffset() is None:
            raise ValueError("Activity.start must be an aware datetime (UTC)")

    @property
    def records(self) -> int:
        """The number of samples."""
        return len(self.time_s)

    @property
    def duration_s(self) -> float:
        """Elapsed seconds from the first to the last sample (0 for fewer than two samples)."""
        return float(self.time_s[-1] - self.time_s[0]) if self.records > 1 else 0.0

    @property
    def total_distance_m(self) -> float:
        """The last valid cumulative distance, or 0 when the file has none."""
        valid = self.distance_m[~np.isnan(self.distance_m)]
        return float(valid[-1]) if valid.size else 0.0

    @property
    def paused_s(self) -> float:
        """Seconds the timer was stopped."""
        return float(sum(pause.duration_s for pause in self.pauses))

    @property
    def timer_s(self) -> float:
        """The device's timer total: the session's own (FIT `total_timer_time` of the kept sessions),
        else the laps', else elapsed time (`progrun.device_timer.elapsed_s`) minus the pauses.

        Laps are summed only when none overlap; overlapping laps (Suunto writes its manual laps as a
        series of their own beside the auto laps) count once, as the union of their spans less the
        pauses inside it. A sum of overlapping laps would count the shared time twice.
        """
        session = self.extra.get("session_timer_s")
        if isinstance(session, float) and math.isfinite(session) and session > 0:
            return session
        spans = sorted(
            (lap.start_s, lap.start_s + lap.elapsed_s, lap.timer_s)
            for lap in self.laps
            if math.isfinite(lap.start_s) and math.isfinite(lap.elapsed_s) and lap.elapsed_s > 0
        )
        if spans and len(spans) == len(self.laps):
            begins = np.array([begin for begin, _, _ in spans])
            reach = np.maximum.accumulate(np.array([end for _, end, _ in spans]))
            overlap = bool(np.any(begins[1:] < reach[:-1] - LAP_OVERLAP_S))
            if not overlap and all(math.isfinite(timer) and timer > 0 for _, _, timer in spans):
                return float(sum(timer for _, _, timer in spans))
            if overlap:
                union: list[list[float]] = []
                for begin, end, _ in spans:
                    if union and begin <= union[-1][1]:
                        union[-1][1] = max(union[-1][1], end)
                    else:
                        union.append([begin, end])
                covered = sum(end - begin for begin, end in union)
                paused = sum(
                    max(0.0, min(end, pause.end_s) - max(begin, pause.start_s))
                    for begin, end in union
                    for pause in self.pauses
                )
                return covered - paused
        from progrun.device_timer import elapsed_s  # here: device_timer imports this module

        return max(0.0, elapsed_s(self) - self.paused_s)

    def has(self, channel: str) -> bool:
        """Whether a channel holds at least one value."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; one of {', '.join(CHANNELS)}")
        return bool(np.any(~np.isnan(getattr(self, channel))))

    def to_pandas(self) -> object:
        """The samples as a pandas DataFrame (needs pandas installed; never used in the hot path)."""
        import pandas  # optional dependency, never in the hot path

        return pandas.DataFrame({name: getattr(self, name) for name in CHANNELS})


def make_activity(
    time_s: npt.ArrayLike,
    *,
    format: Format = Format.FIT,
    start: datetime | None = None,
    **channels: npt.ArrayLike,
) -> Activity:
    """Build an Activity from whatever channels are given; missing channels are all NaN.

    Channel keyword arguments take the CHANNELS names; any other keyword goes to Activity itself.
    """
    times = np.asarray(time_s, dtype=np.float64)
    columns: dict[str, FloatArray] = {"time_s": times}
    rest: dict[str, object] = {}
    for name, value in channels.items():
        if name in CHANNELS:
            columns[name] = np.asarray(value, dtype=np.float64)
        else:
            rest[name] = value
    for name in CHANNELS:
        columns.setdefault(name, np.full(len(times), np.nan))
    return Activity(**columns, start=start, format=format, **rest)  # type: ignore[arg-type]
