"""Splits of a recorded run: per distance (km, mile, any length) or per device lap.

Method (all vectorised with numpy; no Python loop over samples):

* **Distance axis.** The samples with a distance are kept; the distance is made non-decreasing
  with `np.maximum.accumulate` (a device never un-runs a metre; a GPS glitch that steps back is
  flattened). The axis counts from 0 at the activity start, like the watch's own distance counter
  (the first sample often already holds a few metres); a stream that starts beyond the first split
  mark is rebased to its first value.
* **Crossings.** Split n ends at the FIRST time the distance reaches n x split_m:
  `searchsorted(side="left")` finds the first sample at or past the mark, and the time is
  interpolated linearly between it and the sample before (which is strictly below the mark, so
  standing still before a mark does not move the crossing). The final partial split is kept with
  its own distance. Split 1 starts at the activity start (time 0), even when the first sample
  comes later. `crossing=Crossing.SAMPLE` puts each boundary on the first sample at or past the mark
  instead, as watches and exporters that close a lap on a recorded sample do (docs/splits.md).
  By default (`crossing=None`) `crossing_for(activity)` picks the rule the recording device uses, so
  our splits land where the device's own auto laps do: TCX laps always start on a trackpoint, and the
  watches in `LAP_ON_RECORD_DEVICES` close a lap on the record they write at that moment.
* **Manual laps** (`restart_at_manual_laps=True`): pressing Lap on a Garmin resets its auto-lap
  counter, so the next auto lap comes split_m after the press, not at the next multiple. With this
  option each manual lap's end starts a new segment, measured from the distance at that moment.
* **Moving time.** When the file records timer pauses (`Activity.pauses`), moving time is elapsed
  time minus the paused time inside the split (the device's timer time). Otherwise each interval
  between two samples counts as moving when its speed (distance step / time step) is at least the
  threshold, by default Strava's 30:00 per mile (0.894 m/s); a crossing inside an interval takes
  the matching fraction of it.
* **Pace** is moving time per km (as Strava shows splits); elapsed time is there beside it.
* **Grade-adjusted pace** is the pace times distance / equivalent flat distance, with the Minetti
  2002 cost on the elevation profile smoothed over 50 m (`progrun.grade`, `progrun.elevation`);
  NaN without altitude. **Elevation gain and loss** come from the same smoothed profile.
* **Heart rate and cadence** averages are time-weighted (each sample holds until the next one;
  samples without a value are skipped); the maximum is over the samples inside the split.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace

import numpy as np

from progrun.activity import Activity, FloatArray, Format, LapTrigger
from progrun.elevation import ElevationProfile, elevation_profile
from progrun.grade import equivalent_flat_distance

#: Strava's running "moving" threshold: faster than a 30-minute mile.
STRAVA_MOVING_THRESHOLD_M_S = 1609.344 / 1800
METRES_PER_MILE = 1609.344
#: A final partial split shorter than this (floating-point dust) is dropped.
_MIN_PARTIAL_M = 1e-6

Row = dict[str, float | int | str | None]


class Crossing(enum.Enum):
    """Where a split boundary falls between two samples."""

    #: Interpolated linearly between the last sample before the mark and the first at or past it.
    INTERPOLATE = "interpolate"
    #: At the first sample at or past the mark, as watches that close a lap on a recorded sample do.
    SAMPLE = "sample"


@dataclass(frozen=True)
class Split:
    """One split. Times are seconds from the activity start; NaN where there is no data."""

    index: int
    distance_m: float
    start_s: float
    end_s: float
    elapsed_s: float
    moving_s: float
    #: Seconds of stopped device timer inside the split (0 when the file records no pauses).
    paused_s: float
    #: Moving time per km.
    pace_s_per_km: float
    #: Grade-adjusted pace (Minetti 2002) on moving time; NaN without altitude.
    gap_s_per_km: float
    elevation_gain_m: float
    elevation_loss_m: float
    heart_rate_avg: float
    heart_rate_max: float
    cadence_avg: float
    #: Where the split starts along the run (cumulative metres).
    start_distance_m: float = 0.0
    #: Device lap trigger for a split by lap ("" for a split by distance).
    trigger: str = ""

    def to_row(self) -> Row:
        """The split as a plain dict, NaN as None (ready for JSON or CSV)."""
        return {key: _plain(value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class Splits:
    """The splits of one run, and the whole run summarised the same way (`total`)."""

    splits: tuple[Split, ...]
    #: "km", "mi", "<n>m" or "lap".
    unit: str
    #: The split length; None for splits by lap.
    split_m: float | None
    total: Split

    def __iter__(self) -> Iterator[Split]:
        return iter(self.splits)

    def __len__(self) -> int:
        return len(self.splits)

    def __getitem__(self, index: int) -> Split:
        return self.splits[index]

    @property
    def distance_m(self) -> float:
        return self.total.distance_m

    @property
    def elapsed_s(self) -> float:
        return self.total.elapsed_s

    @property
    def moving_s(self) -> float:
        return self.total.moving_s

    def to_rows(self) -> list[Row]:
        """One dict per split, NaN as None."""
        return [split.to_row() for split in self.splits]


def unit_label(split_m: float) -> str:
    """The name of a split length: "km", "mi", or metres such as "400m"."""
    if math.isclose(split_m, 1000.0):
        return "km"
    if math.isclose(split_m, METRES_PER_MILE):
        return "mi"
    return f"{split_m:g}m"


#: Watches that close an auto lap on the record they write at that moment rather than at the
#: interpolated crossing (`Activity.device` as the FIT reader names it). Evidence: the Garmin FR110
#: file in the shared corpus (fitparse__2013-02-06-12-11-14.fit) ends its 1 km laps at 1201, 1905
#: and 2249 s, exactly the first records past 2, 3 and 4 km; it records every 4 s (smart recording),
#: so interpolating would put the crossing up to 4 s before the watch did.
LAP_ON_RECORD_DEVICES = frozenset({"garmin fr110"})


def crossing_for(activity: Activity) -> Crossing:
    """The crossing rule the recording device uses for its own auto laps.

    TCX laps hold whole trackpoints and the next lap starts on one, so TCX crossings fall on a
    sample; so do those of the FIT watches in LAP_ON_RECORD_DEVICES. Everything else interpolates
    (modern watches write fractional lap times: they interpolate too).
    """
    if activity.format is Format.TCX or activity.device.lower() in LAP_ON_RECORD_DEVICES:
        return Crossing.SAMPLE
    return Crossing.INTERPOLATE


def split_by_distance(
    activity: Activity,
    split_m: float,
    *,
    moving_threshold_m_s: float = STRAVA_MOVING_THRESHOLD_M_S,
    restart_at_manual_laps: bool = False,
    crossing: Crossing | None = None,
) -> Splits:
    """Split a run every `split_m` metres of its cumulative distance.

    `crossing` None means the recording device's own rule (`crossing_for`).

    Example: `split_by_distance(activity, 1000)` gives km splits; a constant 5:00/km run of 5.5 km
    gives five splits of 300 s and a last split of 500 m in 150 s. A run without distance gives no
    splits (its `total` still summarises the time and heart rate).
    """
    if not (math.isfinite(split_m) and split_m > 0):
        raise ValueError(f"split_m must be a positive number of metres, not {split_m!r}")
    if crossing is None:
        crossing = crossing_for(activity)
    track = _Track.build(activity, moving_threshold_m_s)
    first_s, last_s = _time_span(activity)
    if track is None:
        return Splits((), unit_label(split_m), split_m, track_total(activity, moving_threshold_m_s, track))

    segment_starts = [first_s]
    if restart_at_manual_laps:
        for lap in activity.laps:
            end_s = lap.start_s + lap.elapsed_s
            if lap.trigger is LapTrigger.MANUAL and first_s < end_s < last_s:
                segment_starts.append(end_s)
    segment_starts = sorted(set(segment_starts))
    segment_ends = [*segment_starts[1:], last_s]

    starts: list[FloatArray] = []
    ends: list[FloatArray] = []
    start_distances: list[FloatArray] = []
    end_distances: list[FloatArray] = []
    for number, (segment_start_s, segment_end_s) in enumerate(zip(segment_starts, segment_ends, strict=True)):
        origin_m = float(track.distance_at(np.array([segment_start_s]))[0])
        if number == 0:
            origin_m = 0.0 if 0.0 <= track.distance_m[0] < split_m else float(track.distance_m[0])
        end_m = float(track.distance_at(np.array([segment_end_s]))[0])
        count = int(np.floor((end_m - origin_m) / split_m + 1e-9))
        marks = origin_m + split_m * np.arange(1, count + 1, dtype=np.float64)
        marks = marks[marks <= end_m]
        crossings = track.first_time_at(marks, crossing)
        bounds_s = np.concatenate(([segment_start_s], crossings))
        bounds_m = np.concatenate(([origin_m], marks))
        if end_m - bounds_m[-1] > _MIN_PARTIAL_M and segment_end_s > bounds_s[-1]:
            bounds_s = np.append(bounds_s, segment_end_s)
            bounds_m = np.append(bounds_m, end_m)
        starts.append(bounds_s[:-1])
        ends.append(bounds_s[1:])
        start_distances.append(bounds_m[:-1])
        end_distances.append(bounds_m[1:])

    start_m = np.concatenate(start_distances)
    end_m_all = np.concatenate(end_distances)
    splits, total = _summarise_with_total(
        activity,
        track,
        start_s=np.concatenate(starts),
        end_s=np.concatenate(ends),
        start_m=start_m,
        end_m=end_m_all,
        distance_m=end_m_all - start_m,
    )
    return Splits(splits, unit_label(split_m), split_m, total)


def split_by_lap(activity: Activity, *, moving_threshold_m_s: float = STRAVA_MOVING_THRESHOLD_M_S) -> Splits:
    """One split per device lap: the lap's own start, elapsed time and distance, the rest recomputed.

    A lap without a distance gets the distance the samples cover in it.
    """
    track = _Track.build(activity, moving_threshold_m_s)
    if not activity.laps:
        return Splits((), "lap", None, track_total(activity, moving_threshold_m_s, track))
    start_s = np.array([lap.start_s for lap in activity.laps], dtype=np.float64)
    end_s = start_s + np.array([lap.elapsed_s for lap in activity.laps], dtype=np.float64)
    lap_m = np.array(
        [np.nan if lap.distance_m is None else lap.distance_m for lap in activity.laps], dtype=np.float64
    )
    start_m: FloatArray
    end_m: FloatArray
    if track is None:
        start_m = end_m = np.full(len(start_s), np.nan)
    else:
        start_m = track.distance_at(start_s)
        end_m = track.distance_at(end_s)
    distance_m = np.where(np.isnan(lap_m), end_m - start_m, lap_m)
    splits, total = _summarise_with_total(
        activity, track, start_s=start_s, end_s=end_s, start_m=start_m, end_m=end_m, distance_m=distance_m
    )
    triggers = [lap.trigger.value for lap in activity.laps]
    splits = tuple(
        Split(**{**asdict(split), "trigger": trigger})
        for split, trigger in zip(splits, triggers, strict=True)
    )
    return Splits(splits, "lap", None, total)


def track_total(activity: Activity, moving_threshold_m_s: float, track: _Track | None = None) -> Split:
    """The whole run summarised as one split (index 0)."""
    if track is None:
        track = _Track.build(activity, moving_threshold_m_s)
    empty = np.zeros(0)
    return _summarise_with_total(
        activity, track, start_s=empty, end_s=empty, start_m=empty, end_m=empty, distance_m=empty
    )[1]


def _summarise_with_total(
    activity: Activity,
    track: _Track | None,
    *,
    start_s: FloatArray,
    end_s: FloatArray,
    start_m: FloatArray,
    end_m: FloatArray,
    distance_m: FloatArray,
) -> tuple[tuple[Split, ...], Split]:
    """Summarise the splits and, in the same vectorised pass, the whole run (appended as a last row)."""
    first_s, last_s = _time_span(activity)
    if track is None:
        total_start_m = total_end_m = np.nan
        total_m = activity.total_distance_m
    else:
        total_start_m = min(0.0, float(track.distance_m[0]))
        total_end_m = float(track.distance_m[-1])
        total_m = total_end_m - total_start_m
    rows = _summarise(
        activity,
        track,
        start_s=np.append(start_s, first_s),
        end_s=np.append(end_s, last_s),
        start_m=np.append(start_m, total_start_m),
        end_m=np.append(end_m, total_end_m),
        distance_m=np.append(distance_m, total_m),
    )
    return rows[:-1], replace(rows[-1], index=0)


@dataclass(frozen=True, eq=False)
class _Track:
    """The samples with a distance: times, non-decreasing distance, cumulative moving time."""

    time_s: FloatArray
    distance_m: FloatArray
    moving_s: FloatArray

    @classmethod
    def build(cls, activity: Activity, moving_threshold_m_s: float) -> _Track | None:
        valid = ~np.isnan(activity.distance_m) & ~np.isnan(activity.time_s)
        if np.count_nonzero(valid) < 2:
            return None
        time_s = activity.time_s[valid]
        distance_m = np.maximum.accumulate(activity.distance_m[valid])
        step_s = np.diff(time_s)
        moving = np.diff(distance_m) >= moving_threshold_m_s * step_s
        moving_s = np.concatenate(([0.0], np.cumsum(np.where(moving & (step_s > 0), step_s, 0.0))))
        return cls(time_s, distance_m, moving_s)

    def distance_at(self, times_s: FloatArray) -> FloatArray:
        return np.interp(times_s, self.time_s, self.distance_m)

    def first_time_at(self, marks_m: FloatArray, crossing: Crossing = Crossing.INTERPOLATE) -> FloatArray:
        """The first time the distance reaches each mark (marks within the track's range)."""
        after = np.searchsorted(self.distance_m, marks_m, side="left")
        after = np.clip(after, 1, len(self.distance_m) - 1)
        if crossing is Crossing.SAMPLE:
            return np.where(self.distance_m[after - 1] >= marks_m, self.time_s[after - 1], self.time_s[after])
        before = after - 1
        d0 = self.distance_m[before]
        d1 = self.distance_m[after]
        t0 = self.time_s[before]
        t1 = self.time_s[after]
        fraction = np.divide(marks_m - d0, d1 - d0, out=np.ones_like(marks_m), where=d1 > d0)
        return np.where(d0 >= marks_m, t0, t0 + (t1 - t0) * fraction)


def _time_span(activity: Activity) -> tuple[float, float]:
    """From the activity start (time 0, even when the first sample comes later) to the last sample."""
    times = activity.time_s[~np.isnan(activity.time_s)]
    if times.size == 0:
        return 0.0, 0.0
    return min(0.0, float(times[0])), float(times[-1])


def _paused_time(activity: Activity, start_s: FloatArray, end_s: FloatArray) -> FloatArray:
    """Seconds of recorded timer pause inside each [start, end]."""
    if not activity.pauses:
        return np.zeros(len(start_s))
    pause_start = np.array([pause.start_s for pause in activity.pauses])
    pause_end = np.array([pause.end_s for pause in activity.pauses])

    def paused_before(times_s: FloatArray) -> FloatArray:
        overlap = np.clip(times_s[:, None], pause_start[None, :], pause_end[None, :]) - pause_start[None, :]
        summed: FloatArray = overlap.sum(axis=1)
        return summed

    paused: FloatArray = paused_before(end_s) - paused_before(start_s)
    return paused


def _moving_time(
    activity: Activity, track: _Track | None, start_s: FloatArray, end_s: FloatArray, paused_s: FloatArray
) -> FloatArray:
    if activity.pauses or track is None:
        return end_s - start_s - paused_s
    return np.interp(end_s, track.time_s, track.moving_s) - np.interp(start_s, track.time_s, track.moving_s)


def _channel_stats(
    times_s: FloatArray, values: FloatArray, start_s: FloatArray, end_s: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Time-weighted average (sample-and-hold) and maximum of a channel in each [start, end]."""
    valid = ~np.isnan(values) & ~np.isnan(times_s)
    sample_s = times_s[valid]
    value = values[valid]
    if value.size == 0:
        missing = np.full(len(start_s), np.nan)
        return missing, missing.copy()
    integral = np.concatenate(([0.0], np.cumsum(value[:-1] * np.diff(sample_s))))
    lo_s = np.clip(start_s, sample_s[0], sample_s[-1])
    hi_s = np.clip(end_s, sample_s[0], sample_s[-1])
    covered = hi_s - lo_s
    area = np.interp(hi_s, sample_s, integral) - np.interp(lo_s, sample_s, integral)
    lo = np.searchsorted(sample_s, start_s, side="left")
    hi = np.searchsorted(sample_s, end_s, side="right")
    extended = np.append(value, np.nan)
    maxima = np.fmax.reduceat(extended, np.stack([lo, hi], axis=1).ravel())[::2]
    has_samples = hi > lo
    maximum = np.where(has_samples, maxima, np.nan)
    held = value[np.clip(lo, 0, value.size - 1)]
    average = np.divide(area, covered, out=held.copy(), where=covered > 0)
    average = np.where(has_samples | (covered > 0), average, np.nan)
    return average, maximum


def _summarise(
    activity: Activity,
    track: _Track | None,
    *,
    start_s: FloatArray,
    end_s: FloatArray,
    start_m: FloatArray,
    end_m: FloatArray,
    distance_m: FloatArray,
    first_index: int = 1,
) -> tuple[Split, ...]:
    elapsed_s = end_s - start_s
    paused_s = _paused_time(activity, start_s, end_s)
    moving_s = _moving_time(activity, track, start_s, end_s, paused_s)
    km = distance_m / 1000.0
    pace = np.divide(moving_s, km, out=np.full(len(km), np.nan), where=km > 0)

    gain = loss = gap = np.full(len(start_s), np.nan)
    profile: ElevationProfile | None = None
    if track is not None:
        valid = ~np.isnan(activity.distance_m) & ~np.isnan(activity.time_s)
        profile = elevation_profile(track.distance_m, activity.altitude_m[valid])
    if profile is not None:
        gain = profile.gain_between(start_m, end_m)
        loss = profile.loss_between(start_m, end_m)
        flat_m = equivalent_flat_distance(profile)
        lo_m = np.clip(start_m, profile.distance_m[0], profile.distance_m[-1])
        hi_m = np.clip(end_m, profile.distance_m[0], profile.distance_m[-1])
        covered_m = hi_m - lo_m
        equivalent_m = np.interp(hi_m, profile.distance_m, flat_m) - np.interp(
            lo_m, profile.distance_m, flat_m
        )
        factor = np.divide(equivalent_m, covered_m, out=np.full(len(km), np.nan), where=covered_m > 0)
        gap = np.divide(pace, factor, out=np.full(len(km), np.nan), where=factor > 0)

    heart_avg, heart_max = _channel_stats(activity.time_s, activity.heart_rate_bpm, start_s, end_s)
    cadence_avg, _ = _channel_stats(activity.time_s, activity.cadence_spm, start_s, end_s)
    columns = zip(
        start_s.tolist(),
        end_s.tolist(),
        elapsed_s.tolist(),
        moving_s.tolist(),
        paused_s.tolist(),
        distance_m.tolist(),
        pace.tolist(),
        gap.tolist(),
        gain.tolist(),
        loss.tolist(),
        heart_avg.tolist(),
        heart_max.tolist(),
        cadence_avg.tolist(),
        start_m.tolist(),
        strict=True,
    )
    return tuple(
        Split(
            index=first_index + number,
            distance_m=distance,
            start_s=start,
            end_s=end,
            elapsed_s=elapsed,
            moving_s=moving,
            paused_s=paused,
            pace_s_per_km=pace_value,
            gap_s_per_km=gap_value,
            elevation_gain_m=gain_value,
            elevation_loss_m=loss_value,
            heart_rate_avg=heart_value,
            heart_rate_max=heart_top,
            cadence_avg=cadence_value,
            start_distance_m=start_distance,
        )
        for number, (
            start,
            end,
            elapsed,
            moving,
            paused,
            distance,
            pace_value,
            gap_value,
            gain_value,
            loss_value,
            heart_value,
            heart_top,
            cadence_value,
            start_distance,
        ) in enumerate(columns)
    )


def _plain(value: object) -> float | int | str | None:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)
