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
  standing still before a mark does not move the crossing). The interpolation runs on the timer
  clock (time less the pauses before it), so a mark reached just before a pause ends its split
  before the pause, as the watch closes its lap there. The final partial split is kept with
  its own distance. Split 1 starts at the activity start (time 0), even when the first sample
  comes later. `crossing=Crossing.SAMPLE` puts each boundary on the first sample at or past the mark
  instead, as watches and exporters that close a lap on a recorded sample do (docs/splits.md).
  By default (`crossing=None`) `crossing_for(activity)` picks the rule the recording device uses, so
  our splits land where the device's own auto laps do: TCX laps always start on a trackpoint, and the
  watches in `LAP_ON_RECORD_DEVICES` close a lap on the record they write at that moment. Where the
  records are too sparse to time a crossing, the device's lap ends join them (`progrun.lap_knots`).
* **Manual laps and legs** (`restart_at_manual_laps=True`): pressing Lap on a Garmin resets its
  auto-lap counter, so the next auto lap comes split_m after the press, not at the next multiple, and
  each run leg of a multisport file counts from its own start. With this option each manual lap's
  end and each leg's next start begins a new segment, measured from the distance at that moment. A
  lap that overlaps other laps (Suunto's manual laps, a series beside the auto laps) restarts nothing.
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
from dataclasses import asdict, dataclass

import numpy as np

from progrun.activity import LAP_OVERLAP_S, Activity, FloatArray, Format, LapTrigger
from progrun.device_timer import timer_lead_s
from progrun.distance_glitch import distance_glitches, overlaps
from progrun.lap_knots import prepared_knots, snap_to_knots
from progrun.split_frame import Prepared, PreparedRun, SplitFrame, prepare, summarise
from progrun.units import METRES_PER_MILE, SplitUnit

#: Strava's running "moving" threshold: faster than a 30-minute mile.
STRAVA_MOVING_THRESHOLD_M_S = METRES_PER_MILE / 1800
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
    heart_rate_avg_bpm: float
    heart_rate_max_bpm: float
    cadence_avg: float
    #: Where the split starts along the run (cumulative metres).
    start_distance_m: float = 0.0
    #: Device lap trigger for a split by lap ("" for a split by distance).
    trigger: str = ""
    #: The distance grows faster than the sport allows somewhere in the split (`progrun.distance_glitch`):
    #: its pace is not the runner's, and fitness never uses it.
    suspect_distance: bool = False

    @property
    def judged_s_per_km(self) -> float:
        """The grade-adjusted pace, or the pace when the file has no altitude (what a verdict judges)."""
        return self.gap_s_per_km if math.isfinite(self.gap_s_per_km) else self.pace_s_per_km

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
        return SplitUnit.KM
    if math.isclose(split_m, METRES_PER_MILE):
        return SplitUnit.MILE
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
    activity: Activity | PreparedRun,
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
    splits (its `total` still summarises the time and heart rate). A `PreparedRun` keeps the splits
    for its other callers.
    """
    if not (math.isfinite(split_m) and split_m > 0):
        raise ValueError(f"split_m must be a positive number of metres, not {split_m!r}")
    run = PreparedRun.of(activity)
    if crossing is None:
        crossing = crossing_for(run.activity)
    prepared = prepare(run, moving_threshold_m_s)
    manual = _manual_lap_ends(run.activity) if restart_at_manual_laps else ()
    key = ("splits", split_m, crossing, manual)
    found = prepared.derived.get(key)
    if isinstance(found, Splits):
        return found
    frame_key = ("frame", split_m, crossing, manual)
    frame = prepared.derived.get(frame_key)
    if not (isinstance(frame, SplitFrame) and frame.full):
        bounds = _distance_bounds(prepared, split_m, crossing, manual)
        if "total" in prepared.derived:
            frame = summarise(prepared, *bounds)
        else:  # the splits and the whole run in one vectorised pass
            frame, total = _with_total(prepared, bounds)
            prepared.derived["total"] = total
        prepared.derived[frame_key] = frame
    splits = Splits(
        _to_splits(frame, suspect=_suspect(prepared, frame)), unit_label(split_m), split_m, _total(prepared)
    )
    prepared.derived[key] = splits
    return splits


def distance_frame(
    activity: Activity | PreparedRun,
    split_m: float,
    *,
    moving_threshold_m_s: float = STRAVA_MOVING_THRESHOLD_M_S,
    restart_at_manual_laps: bool = False,
    crossing: Crossing | None = None,
    full: bool = True,
) -> SplitFrame:
    """`split_by_distance` as columns, without the whole-run total (see `progrun.split_frame`).

    `full=False` leaves out elevation gain/loss, heart rate and cadence (NaN), for callers that
    only need the paces; a full frame of the same splits already computed on the same `PreparedRun`
    is returned as it is.
    """
    if not (math.isfinite(split_m) and split_m > 0):
        raise ValueError(f"split_m must be a positive number of metres, not {split_m!r}")
    run = PreparedRun.of(activity)
    if crossing is None:
        crossing = crossing_for(run.activity)
    prepared = prepare(run, moving_threshold_m_s)
    manual = _manual_lap_ends(run.activity) if restart_at_manual_laps else ()
    key = ("frame", split_m, crossing, manual)
    found = prepared.derived.get(key)
    if isinstance(found, SplitFrame) and (found.full or not full):
        return found
    frame = summarise(prepared, *_distance_bounds(prepared, split_m, crossing, manual), full=full)
    prepared.derived[key] = frame
    return frame


#: Laps whose end restarts a device's auto-lap counter (a Lap press; the end of a leg of a multisport
#: or multi-session activity).
_COUNTER_RESETS = frozenset({LapTrigger.MANUAL, LapTrigger.SESSION_END})
#: Two laps sharing more than this much time overlap (a lap series of its own, not a reset).
_OVERLAP_S = LAP_OVERLAP_S


def _manual_lap_ends(activity: Activity) -> tuple[float, ...]:
    """Where the device restarted its auto-lap counter: the end of each manual or leg-end lap.

    Only laps in the device's lap sequence count. A lap that overlaps another lap by more than a
    second (Suunto writes the manual laps as a series of their own beside the auto laps) never
    restarts the count: the auto laps go on along the cumulative distance. When the next lap
    starts later after a leg's end (the legs between two runs of a multisport file), the count restarts there.
    """
    laps = activity.laps
    if not any(lap.trigger in _COUNTER_RESETS for lap in laps):
        return ()
    start_s = np.array([lap.start_s for lap in laps], dtype=np.float64)
    end_s = start_s + np.array([lap.elapsed_s for lap in laps], dtype=np.float64)
    shared_s = np.minimum(end_s[:, None], end_s[None, :]) - np.maximum(start_s[:, None], start_s[None, :])
    np.fill_diagonal(shared_s, 0.0)
    overlapping = [bool(np.any(row > _OVERLAP_S)) for row in shared_s]
    order = np.argsort(start_s, kind="stable")
    ends: list[float] = []
    for position, i in enumerate(order.tolist()):
        if laps[i].trigger not in _COUNTER_RESETS or overlapping[i]:
            continue
        # After a leg (a swim or a bike between two runs, kept as a gap), the count starts with the next
        # lap. A manual lap's next start_time can be the end of a pause, while that lap's elapsed time
        # counts from the press (FR935), so the press is where the count restarts.
        later = order[position + 1 :]
        leg_end = laps[i].trigger is LapTrigger.SESSION_END and later.size
        next_start_s = float(start_s[later[0]]) if leg_end else -math.inf
        ends.append(max(float(end_s[i]), next_start_s))
    return tuple(ends)


Bounds = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]


def _distance_bounds(
    prepared: Prepared, split_m: float, crossing: Crossing, manual_ends: tuple[float, ...]
) -> Bounds:
    """Start and end (s and m) and distance of each split by distance (see the module docstring)."""
    track = prepared.track
    if track is None:
        empty = np.zeros(0)
        return empty, empty, empty, empty, empty
    first_s, last_s = prepared.first_s, prepared.last_s
    segment_starts = [first_s]
    for lap_end_s in manual_ends:
        if first_s < lap_end_s < last_s:
            segment_starts.append(lap_end_s)
    segment_starts = sorted(set(segment_starts))
    segment_ends = [*segment_starts[1:], last_s]

    starts: list[FloatArray] = []
    ends: list[FloatArray] = []
    start_distances: list[FloatArray] = []
    end_distances: list[FloatArray] = []
    on_sample = crossing is Crossing.SAMPLE
    knot_s, knot_m = prepared_knots(prepared, on_sample=crossing is Crossing.SAMPLE)
    crossing_track = track.with_knots(knot_s, knot_m)
    for number, (segment_start_s, segment_end_s) in enumerate(zip(segment_starts, segment_ends, strict=True)):
        if number == 0:
            origin_m = 0.0 if 0.0 <= track.distance_m[0] < split_m else float(track.distance_m[0])
        else:
            origin_m = float(np.interp(segment_start_s, track.time_s, track.distance_m))
        end_m = float(np.interp(segment_end_s, track.time_s, track.distance_m))
        count = int(np.floor((end_m - origin_m) / split_m + 1e-9))
        marks = origin_m + split_m * np.arange(1, count + 1, dtype=np.float64)
        marks = marks[marks <= end_m]
        crossings = crossing_track.first_time_at(snap_to_knots(marks, knot_m), on_sample=on_sample)
        bounds_s = np.concatenate(([segment_start_s], crossings))
        bounds_m = np.concatenate(([origin_m], marks))
        if end_m - bounds_m[-1] > _MIN_PARTIAL_M and segment_end_s > bounds_s[-1]:
            bounds_s = np.append(bounds_s, segment_end_s)
            bounds_m = np.append(bounds_m, end_m)
        starts.append(bounds_s[:-1])
        ends.append(bounds_s[1:])
        start_distances.append(bounds_m[:-1])
        end_distances.append(bounds_m[1:])

    if len(starts) == 1:
        start_s, end_s, start_m, end_m_all = starts[0], ends[0], start_distances[0], end_distances[0]
    else:
        start_s, end_s = np.concatenate(starts), np.concatenate(ends)
        start_m, end_m_all = np.concatenate(start_distances), np.concatenate(end_distances)
    return start_s, end_s, start_m, end_m_all, end_m_all - start_m


def _total_bounds(prepared: Prepared) -> tuple[float, float, float, float, float]:
    """The whole run as one span: from the activity start to the last sample."""
    track = prepared.track
    if track is None:
        return prepared.first_s, prepared.last_s, math.nan, math.nan, prepared.activity.total_distance_m
    total_start_m = min(0.0, float(track.distance_m[0]))
    total_end_m = float(track.distance_m[-1])
    return prepared.first_s, prepared.last_s, total_start_m, total_end_m, total_end_m - total_start_m


def _with_total(prepared: Prepared, bounds: Bounds) -> tuple[SplitFrame, Split]:
    """Summarise the splits and the whole run (appended as a last row) in one vectorised pass."""
    columns = [
        np.append(column, value) for column, value in zip(bounds, _total_bounds(prepared), strict=True)
    ]
    both = summarise(prepared, *columns)
    tail = both.tail(1)
    return both.head(len(both) - 1), _to_splits(tail, first_index=0, suspect=_suspect(prepared, tail))[0]


def split_by_lap(
    activity: Activity | PreparedRun, *, moving_threshold_m_s: float = STRAVA_MOVING_THRESHOLD_M_S
) -> Splits:
    """One split per device lap: the lap's own start, elapsed time and distance, the rest recomputed.

    The first lap starts at the press, `progrun.device_timer.timer_lead_s` before its stamped start.

    A lap without a distance gets the distance the samples cover in it.
    """
    run = PreparedRun.of(activity)
    prepared = prepare(run, moving_threshold_m_s)
    laps = run.activity.laps
    total = _total(prepared)
    if not laps:
        return Splits((), "lap", None, total)
    track = prepared.track
    start_s = np.array([lap.start_s for lap in laps], dtype=np.float64)
    # The lap that starts the timer counts from the press, before its stamp (progrun.device_timer).
    lead_s = timer_lead_s(run.activity)
    first = int(np.argmin(start_s))
    if start_s[first] <= prepared.first_s + lead_s:
        start_s[first] -= lead_s
    end_s = start_s + np.array([lap.elapsed_s for lap in laps], dtype=np.float64)
    lap_m = np.array([np.nan if lap.distance_m is None else lap.distance_m for lap in laps], dtype=np.float64)
    start_m: FloatArray
    end_m: FloatArray
    if track is None:
        start_m = end_m = np.full(len(start_s), np.nan)
    else:
        start_m = track.distance_at(start_s)
        end_m = track.distance_at(end_s)
    distance_m = np.where(np.isnan(lap_m), end_m - start_m, lap_m)
    frame = summarise(
        prepared, start_s=start_s, end_s=end_s, start_m=start_m, end_m=end_m, distance_m=distance_m
    )
    triggers = [lap.trigger.value for lap in laps]
    return Splits(_to_splits(frame, triggers, suspect=_suspect(prepared, frame)), "lap", None, total)


def track_total(activity: Activity | PreparedRun, moving_threshold_m_s: float) -> Split:
    """The whole run summarised as one split (index 0)."""
    return _total(prepare(activity, moving_threshold_m_s))


def _total(prepared: Prepared) -> Split:
    """The whole run as one split (index 0), kept on the preparation."""
    found = prepared.derived.get("total")
    if isinstance(found, Split):
        return found
    columns = [np.array([value], dtype=np.float64) for value in _total_bounds(prepared)]
    frame = summarise(prepared, *columns)
    total = _to_splits(frame, first_index=0, suspect=_suspect(prepared, frame))[0]
    prepared.derived["total"] = total
    return total


def _suspect(prepared: Prepared, frame: SplitFrame) -> list[bool]:
    """Which spans of the frame hold glitched distance (`progrun.distance_glitch`)."""
    glitches = prepared.derived.get("glitches")
    if not isinstance(glitches, tuple):
        glitches = distance_glitches(prepared.activity)
        prepared.derived["glitches"] = glitches
    if not glitches:
        return [False] * len(frame)
    flags: list[bool] = overlaps(glitches, frame.start_s, frame.end_s).tolist()
    return flags


def _to_splits(
    frame: SplitFrame,
    triggers: list[str] | None = None,
    *,
    first_index: int = 1,
    suspect: list[bool] | None = None,
) -> tuple[Split, ...]:
    """`Split` objects from a full frame (index from `first_index`; lap triggers when given)."""
    columns = zip(
        frame.start_s.tolist(),
        frame.end_s.tolist(),
        frame.elapsed_s.tolist(),
        frame.moving_s.tolist(),
        frame.paused_s.tolist(),
        frame.distance_m.tolist(),
        frame.pace_s_per_km.tolist(),
        frame.gap_s_per_km.tolist(),
        frame.elevation_gain_m.tolist(),
        frame.elevation_loss_m.tolist(),
        frame.heart_rate_avg_bpm.tolist(),
        frame.heart_rate_max_bpm.tolist(),
        frame.cadence_avg.tolist(),
        frame.start_m.tolist(),
        triggers if triggers is not None else [""] * len(frame),
        suspect if suspect is not None else [False] * len(frame),
        strict=True,
    )
    return tuple(
        Split(
            first_index + number,
            distance,
            start,
            end,
            elapsed,
            moving,
            paused,
            pace_value,
            gap_value,
            gain_value,
            loss_value,
            heart_value,
            heart_top,
            cadence_value,
            start_distance,
            trigger,
            flagged,
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
            trigger,
            flagged,
        ) in enumerate(columns)
    )


def _plain(value: object) -> float | int | str | None:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)
