"""The vectorised core of `progrun.splits`: one activity prepared once, any number of splits summarised.

`progrun.splits` documents the method. This module is how it runs fast:

* **Prepared once per activity** (`prepare`): the distance track with its cumulative moving time,
  the smoothed elevation profile and its cumulative equivalent flat distance (`progrun.elevation`,
  `progrun.grade`), the timer pauses, and for heart rate and cadence the valid samples with their
  running integral. Every split length and every lap set of the activity reuses them.
* **Summarised in columns** (`summarise`): the splits come back as a `SplitFrame` of numpy arrays.
  Callers that need only paces (the detector's half-unit and 100 m pieces) skip the heart-rate and
  cadence columns and never build a `Split` object.
* **Shared through an explicit argument** (`PreparedRun`): built once per activity and passed to the
  splits, the pace trace, the detector and the judge, it keeps the preparation, the splits of each
  length and the pace trace, so the importer's 1 km splits, the detector's splits and the judge's laps
  of one run share them. A caller that passes a bare `Activity` gets the same results, prepared on
  demand and kept nowhere.

Every value is computed with the same numpy operations, in the same order, as a direct summary of
each split, so the results are bit-for-bit those of the straightforward computation.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TypeVar, cast

import numpy as np

from progrun.activity import Activity, FloatArray, Lap
from progrun.device_timer import timer_span_s
from progrun.elevation import ElevationProfile, elevation_profile
from progrun.grade import equivalent_flat_distance

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class PreparedRun:
    """One activity with the work derived from it, built once and passed to every analysis of the run.

    `progrun.splits`, `progrun.pace_trace`, `progrun.detect`, `progrun.judge` and `progrun.analysis`
    take an `Activity` or a `PreparedRun`: given the activity they prepare it on demand (and keep
    nothing), given a `PreparedRun` they reuse its preparation, its splits of each length and its
    pace trace. The activity is treated as immutable: its arrays must not change while the run is used.
    """

    activity: Activity
    #: Work derived from the activity's samples and pauses (not from its laps), by key.
    work: dict[Hashable, object] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, run: Activity | PreparedRun) -> PreparedRun:
        """`run` itself, or the activity prepared on demand."""
        return run if isinstance(run, PreparedRun) else cls(run)

    def with_laps(self, laps: tuple[Lap, ...]) -> PreparedRun:
        """The same samples with other laps, sharing this run's work (which never depends on the laps)."""
        return PreparedRun(replace(self.activity, laps=laps), self.work)

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once; later calls with the same key return its value."""
        if key in self.work:
            return cast(T, self.work[key])
        value = compute()
        self.work[key] = value
        return value


def merged_pauses(activity: Activity) -> tuple[FloatArray, FloatArray]:
    """The timer pauses as sorted, non-overlapping [start, end] arrays."""
    spans = sorted((p.start_s, p.end_s) for p in activity.pauses if p.end_s > p.start_s)
    merged: list[list[float]] = []
    for start_s, end_s in spans:
        if merged and start_s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end_s)
        else:
            merged.append([start_s, end_s])
    return np.array([m[0] for m in merged]), np.array([m[1] for m in merged])


@dataclass(frozen=True, eq=False)
class Track:
    """The samples with a distance: times, non-decreasing distance, cumulative moving time.

    `timer_s` is the device's timer clock at each sample (time minus the pauses before it; equal
    to `time_s` without pauses): the distance only grows while the timer runs, so crossings are
    interpolated on it.
    """

    time_s: FloatArray
    distance_m: FloatArray
    moving_s: FloatArray
    #: The samples kept (distance and time both present).
    valid: np.ndarray
    timer_s: FloatArray
    #: Pauses on the timer clock: where each starts, and its length (sorted).
    pause_timer_s: FloatArray
    pause_length_s: FloatArray

    @classmethod
    def build(cls, activity: Activity, moving_threshold_m_s: float) -> Track | None:
        valid = ~np.isnan(activity.distance_m) & ~np.isnan(activity.time_s)
        if np.count_nonzero(valid) < 2:
            return None
        every = bool(valid.all())  # the usual case: the times as they are, no copy
        time_s = activity.time_s if every else activity.time_s[valid]
        distance_m = np.maximum.accumulate(activity.distance_m if every else activity.distance_m[valid])
        step_s = np.diff(time_s)
        moving = np.diff(distance_m) >= moving_threshold_m_s * step_s
        moving_s = np.concatenate(([0.0], np.cumsum(np.where(moving & (step_s > 0), step_s, 0.0))))
        pause_start, pause_end = merged_pauses(activity)
        timer_s = time_s
        pause_timer_s = pause_length_s = np.zeros(0)
        if pause_start.size:
            pause_length_s = pause_end - pause_start
            before = np.concatenate(([0.0], np.cumsum(pause_length_s)[:-1]))
            pause_timer_s = pause_start - before
            # Paused before each sample: the pauses wholly before it, and the part of the one it is in.
            last = np.searchsorted(pause_start, time_s, side="right") - 1
            at = np.clip(last, 0, None)
            inside = np.clip(time_s - pause_start[at], 0.0, pause_length_s[at])
            timer_s = time_s - np.where(last >= 0, before[at] + inside, 0.0)
        return cls(time_s, distance_m, moving_s, valid, timer_s, pause_timer_s, pause_length_s)

    def timer_at(self, times_s: FloatArray) -> FloatArray:
        """The timer clock at any wall-clock times (time less the pauses before them)."""
        return _timer_clock(times_s, self.pause_timer_s, self.pause_length_s)

    def with_knots(self, knot_s: FloatArray, knot_m: FloatArray) -> Track:
        """This track with extra (time, distance) points for the crossings (`progrun.lap_knots`).

        A knot is a reading of the device's distance at an instant, like a sample: the distance first
        reaches the knot's at the knot. The samples that contradict it (as far or further before it,
        or less far after it) are left out, so the distance stays non-decreasing through the knot.
        Only `first_time_at` may use the result (its moving time is not the run's).
        """
        if knot_s.size == 0:
            return self
        keep = np.ones(self.time_s.size, dtype=np.bool_)
        for time_s, distance_m in zip(knot_s.tolist(), knot_m.tolist(), strict=True):
            keep &= ~((self.time_s <= time_s) & (self.distance_m >= distance_m))
            keep &= ~((self.time_s >= time_s) & (self.distance_m < distance_m))
        time_s = np.concatenate((self.time_s[keep], knot_s))
        order = np.argsort(time_s, kind="stable")
        time_s = time_s[order]
        distance_m = np.maximum.accumulate(np.concatenate((self.distance_m[keep], knot_m))[order])
        timer_s = _timer_clock(time_s, self.pause_timer_s, self.pause_length_s)
        moving_s = np.zeros(time_s.size)
        return Track(
            time_s, distance_m, moving_s, self.valid, timer_s, self.pause_timer_s, self.pause_length_s
        )

    def distance_at(self, times_s: FloatArray) -> FloatArray:
        return np.interp(times_s, self.time_s, self.distance_m)

    def first_time_at(self, marks_m: FloatArray, *, on_sample: bool = False) -> FloatArray:
        """The first time the distance reaches each mark (marks within the track's range).

        `on_sample`: the first sample at or past the mark; otherwise interpolated on the timer
        clock, and a crossing at a pause's start is placed before the pause (the device closes
        the lap when it reaches the distance; the pause belongs to the next lap).
        """
        after = np.searchsorted(self.distance_m, marks_m, side="left")
        after = np.clip(after, 1, len(self.distance_m) - 1)
        if on_sample:
            return np.where(self.distance_m[after - 1] >= marks_m, self.time_s[after - 1], self.time_s[after])
        before = after - 1
        d0 = self.distance_m[before]
        d1 = self.distance_m[after]
        t0 = self.timer_s[before]
        t1 = self.timer_s[after]
        fraction = np.divide(marks_m - d0, d1 - d0, out=np.ones_like(marks_m), where=d1 > d0)
        on_timer = t0 + (t1 - t0) * fraction
        if self.pause_timer_s.size:
            paused = np.concatenate(([0.0], np.cumsum(self.pause_length_s)))
            on_wall = on_timer + paused[np.searchsorted(self.pause_timer_s, on_timer, side="left")]
        else:
            on_wall = on_timer
        return np.where(d0 >= marks_m, self.time_s[before], on_wall)


def _timer_clock(times_s: FloatArray, pause_timer_s: FloatArray, pause_length_s: FloatArray) -> FloatArray:
    """Wall-clock times on the timer clock: less the pauses wholly before, and the part of the one inside."""
    if pause_length_s.size == 0:
        return times_s
    before = np.concatenate(([0.0], np.cumsum(pause_length_s)[:-1]))
    pause_start = pause_timer_s + before
    last = np.searchsorted(pause_start, times_s, side="right") - 1
    at = np.clip(last, 0, None)
    inside = np.clip(times_s - pause_start[at], 0.0, pause_length_s[at])
    timer: FloatArray = times_s - np.where(last >= 0, before[at] + inside, 0.0)
    return timer


@dataclass(frozen=True, eq=False)
class Channel:
    """One sample channel's valid samples and running time integral (sample-and-hold)."""

    sample_s: FloatArray
    value: FloatArray
    integral: FloatArray
    #: `value` with a NaN appended (for `np.fmax.reduceat`).
    extended: FloatArray

    @classmethod
    def build(cls, times_s: FloatArray, values: FloatArray) -> Channel | None:
        valid = ~np.isnan(values) & ~np.isnan(times_s)
        every = bool(valid.all())  # the usual case: the samples as they are, no copies
        sample_s = times_s if every else times_s[valid]
        value = values if every else values[valid]
        if value.size == 0:
            return None
        integral = np.concatenate(([0.0], np.cumsum(value[:-1] * np.diff(sample_s))))
        return cls(sample_s, value, integral, np.append(value, np.nan))

    def stats(self, start_s: FloatArray, end_s: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Time-weighted average and maximum in each [start, end]."""
        sample_s, value = self.sample_s, self.value
        lo_s = np.clip(start_s, sample_s[0], sample_s[-1])
        hi_s = np.clip(end_s, sample_s[0], sample_s[-1])
        covered = hi_s - lo_s
        area = np.interp(hi_s, sample_s, self.integral) - np.interp(lo_s, sample_s, self.integral)
        lo = np.searchsorted(sample_s, start_s, side="left")
        hi = np.searchsorted(sample_s, end_s, side="right")
        maxima = np.fmax.reduceat(self.extended, np.stack([lo, hi], axis=1).ravel())[::2]
        has_samples = hi > lo
        maximum = np.where(has_samples, maxima, np.nan)
        held = value[np.clip(lo, 0, value.size - 1)]
        average = np.divide(area, covered, out=held.copy(), where=covered > 0)
        average = np.where(has_samples | (covered > 0), average, np.nan)
        return average, maximum


class Prepared:
    """What every split of one activity needs, computed once (the costly parts lazily)."""

    def __init__(self, activity: Activity, moving_threshold_m_s: float) -> None:
        self.activity = activity
        self.track = Track.build(activity, moving_threshold_m_s)
        # From the device's timer start (its expected press) to the last sample (progrun.device_timer).
        self.first_s, self.last_s = timer_span_s(activity)
        self.has_pauses = bool(activity.pauses)
        #: Work derived from this preparation (splits by length, the whole-run summary), by key.
        self.derived: dict[Hashable, object] = {}

    @cached_property
    def profile(self) -> tuple[ElevationProfile, FloatArray] | None:
        """The smoothed elevation profile and its cumulative equivalent flat distance."""
        if self.track is None:
            return None
        profile = elevation_profile(self.track.distance_m, self.activity.altitude_m[self.track.valid])
        return None if profile is None else (profile, equivalent_flat_distance(profile))

    @cached_property
    def pause_bounds(self) -> tuple[FloatArray, FloatArray]:
        pauses = self.activity.pauses
        return np.array([pause.start_s for pause in pauses]), np.array([pause.end_s for pause in pauses])

    @cached_property
    def heart(self) -> Channel | None:
        return Channel.build(self.activity.time_s, self.activity.heart_rate_bpm)

    @cached_property
    def cadence(self) -> Channel | None:
        return Channel.build(self.activity.time_s, self.activity.cadence_spm)

    def paused(self, start_s: FloatArray, end_s: FloatArray) -> FloatArray:
        """Seconds of recorded timer pause inside each [start, end]."""
        if not self.has_pauses:
            return np.zeros(len(start_s))
        pause_start, pause_end = self.pause_bounds

        def paused_before(times_s: FloatArray) -> FloatArray:
            overlap = (
                np.clip(times_s[:, None], pause_start[None, :], pause_end[None, :]) - pause_start[None, :]
            )
            summed: FloatArray = overlap.sum(axis=1)
            return summed

        paused: FloatArray = paused_before(end_s) - paused_before(start_s)
        return paused

    def moving(self, start_s: FloatArray, end_s: FloatArray, paused_s: FloatArray) -> FloatArray:
        track = self.track
        if self.has_pauses or track is None:
            return end_s - start_s - paused_s
        return np.interp(end_s, track.time_s, track.moving_s) - np.interp(
            start_s, track.time_s, track.moving_s
        )


def prepare(run: Activity | PreparedRun, moving_threshold_m_s: float) -> Prepared:
    """The run prepared for splitting (kept on a `PreparedRun`, so its splits share one preparation)."""
    prepared_run = PreparedRun.of(run)
    return prepared_run.derived(
        ("prepared", moving_threshold_m_s), lambda: Prepared(prepared_run.activity, moving_threshold_m_s)
    )


@dataclass(frozen=True, eq=False)
class SplitFrame:
    """Splits as columns (seconds from the start, metres, s/km; NaN where there is no data).

    `full` frames also carry elevation gain/loss, heart rate and cadence; pace-only frames hold
    NaN there.
    """

    start_s: FloatArray
    end_s: FloatArray
    start_m: FloatArray
    end_m: FloatArray
    distance_m: FloatArray
    elapsed_s: FloatArray
    moving_s: FloatArray
    paused_s: FloatArray
    pace_s_per_km: FloatArray
    gap_s_per_km: FloatArray
    elevation_gain_m: FloatArray
    elevation_loss_m: FloatArray
    heart_rate_avg_bpm: FloatArray
    heart_rate_max_bpm: FloatArray
    cadence_avg: FloatArray
    full: bool

    def __len__(self) -> int:
        return len(self.start_s)

    def head(self, count: int) -> SplitFrame:
        """The first `count` rows."""
        return self._rows(slice(None, count))

    def tail(self, count: int) -> SplitFrame:
        """The last `count` rows."""
        return self._rows(slice(len(self) - count, None))

    def _rows(self, rows: slice) -> SplitFrame:
        return replace(self, **{name: getattr(self, name)[rows] for name in _COLUMNS})

    @cached_property
    def judged_s_per_km(self) -> FloatArray:
        """The grade-adjusted pace, or the pace where there is none (`Split.judged_s_per_km`, per row)."""
        judged: FloatArray = np.where(np.isfinite(self.gap_s_per_km), self.gap_s_per_km, self.pace_s_per_km)
        return judged


_COLUMNS = tuple(name for name in SplitFrame.__dataclass_fields__ if name != "full")


def summarise(  # noqa: PLR0917  (the five columns of the spans, as the splits compute them)
    prepared: Prepared,
    start_s: FloatArray,
    end_s: FloatArray,
    start_m: FloatArray,
    end_m: FloatArray,
    distance_m: FloatArray,
    *,
    full: bool = True,
) -> SplitFrame:
    """Summarise each [start, end] span of the prepared activity (see `progrun.splits`)."""
    count = len(start_s)
    missing = np.full(count, np.nan)
    missing.flags.writeable = False  # shared by every column without data
    elapsed_s = end_s - start_s
    paused_s = prepared.paused(start_s, end_s)
    moving_s = prepared.moving(start_s, end_s, paused_s)
    km = distance_m / 1000.0
    with np.errstate(over="ignore"):  # a split of a subnormal distance (~1e-308 m) has an infinite pace
        pace = np.divide(moving_s, km, out=np.full(count, np.nan), where=km > 0)

    gain = loss = gap = missing
    elevation = prepared.profile
    if elevation is not None:
        profile, flat_m = elevation
        if full:
            gain = profile.gain_between(start_m, end_m)
            loss = profile.loss_between(start_m, end_m)
        lo_m = np.clip(start_m, profile.distance_m[0], profile.distance_m[-1])
        hi_m = np.clip(end_m, profile.distance_m[0], profile.distance_m[-1])
        covered_m = hi_m - lo_m
        equivalent_m = np.interp(hi_m, profile.distance_m, flat_m) - np.interp(
            lo_m, profile.distance_m, flat_m
        )
        factor = np.divide(equivalent_m, covered_m, out=np.full(count, np.nan), where=covered_m > 0)
        gap = np.divide(pace, factor, out=np.full(count, np.nan), where=factor > 0)

    heart_avg = heart_max = cadence_avg = missing
    if full:
        if prepared.heart is not None:
            heart_avg, heart_max = prepared.heart.stats(start_s, end_s)
        if prepared.cadence is not None:
            cadence_avg, _ = prepared.cadence.stats(start_s, end_s)
    return SplitFrame(
        start_s=start_s,
        end_s=end_s,
        start_m=start_m,
        end_m=end_m,
        distance_m=distance_m,
        elapsed_s=elapsed_s,
        moving_s=moving_s,
        paused_s=paused_s,
        pace_s_per_km=pace,
        gap_s_per_km=gap,
        elevation_gain_m=gain,
        elevation_loss_m=loss,
        heart_rate_avg_bpm=heart_avg,
        heart_rate_max_bpm=heart_max,
        cadence_avg=cadence_avg,
        full=full,
    )
