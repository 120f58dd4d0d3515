"""Device laps as readings of the device's distance, where the records are too sparse to time a crossing.

Core module: standard library and numpy only.

A lap is itself a measurement: when the device closed it, its distance counter read the sum of the
lap distances so far, and the lap's duration is timed to a fraction of a second (FIT
`total_elapsed_time`; TCX `TotalTimeSeconds`, a timer time). Records are stamped in whole seconds, so
two records bracket the instant the distance reached a mark within their gap: a gap of at most
`SPARSE_GAP_S` (2 s) places it within +-1 s, and there the records are left alone (a 1 Hz recording
is never moved). Across a wider gap (smart recording, sparse TCX trackpoints: 3-10 s) the lap's own
end is the better reading, and it becomes an extra (time, distance) knot of the series the crossings
are interpolated on (`split_frame.Track.with_knots`).

Each lap end is placed by the chain of lap durations: the previous lap end as the splits place it
(a knot, or where the records reach that lap's distance, by the device's crossing rule) plus this
lap's duration. The lap start stamps are whole seconds, so the chain, not the stamps, carries the
fractions; only the durations are trusted, never the clock offset between laps and records. A knot
is used only when it agrees with the records: its time must fall within the two records that bracket
its distance, widened by `STAMP_TOLERANCE_S` (1 s: each record's whole-second stamp). A lap that
disagrees (a lap distance the records do not reach there, a lap closed elsewhere) adds no knot, so it
moves no split. Laps outside the device's lap sequence (overlapping other laps: Suunto's manual
series) are never used; a lap that starts more than `CHAIN_GAP_S` after the previous lap's end
(a leg between two runs) starts a new chain from its own start.
"""

from __future__ import annotations

import math

import numpy as np

from progrun.activity import LAP_OVERLAP_S, FloatArray, Format, Lap
from progrun.device_timer import timer_lead_s
from progrun.split_frame import Prepared, Track

#: Records at most this far apart (on the timer clock) place a crossing within +-1 s themselves: an
#: interpolated crossing lies inside the gap, near its middle at a steady pace (2 s); the sample rule
#: puts it at the gap's end, up to the whole gap late (1 s: only consecutive 1 Hz records).
SPARSE_GAP_S = 2.0
SPARSE_GAP_ON_SAMPLE_S = 1.0
#: How far a lap end may fall outside the records that bracket its distance (whole-second stamps).
STAMP_TOLERANCE_S = 1.0
#: A lap starting within this of the previous lap's end continues its chain: start stamps are whole seconds
#: and not a clock reading (the vivoactive HR of our corpus stamps lap 2 at 853 s after a lap 1 ending at
#: 851.54 s); a leg between two runs leaves minutes.
CHAIN_GAP_S = 2.0
#: A lap end whose distance is further than this share of the lap from the records' distance at its
#: time is a wrong lap distance, not a few metres of rounding or smoothing between counter and records.
REBASE_SHARE = 0.01
#: A split mark this close to a knot's distance is the knot's: files round lap distances (a TCX mile lap
#: written as 1609.3 m, float32 sums 1e-5 m short), which must not push a crossing to the next sample.
SNAP_M = 0.5


def prepared_knots(prepared: Prepared, *, on_sample: bool) -> tuple[FloatArray, FloatArray]:
    """`lap_knots` of a prepared run (kept on it, by its laps and crossing rule)."""
    track = prepared.track
    laps = prepared.activity.laps
    if track is None or not laps:
        return np.zeros(0), np.zeros(0)
    key = ("lap_knots", laps, on_sample)
    found = prepared.derived.get(key)
    if isinstance(found, tuple):
        return found
    activity = prepared.activity
    timer_laps = activity.format is Format.TCX
    knots = lap_knots(track, laps, on_sample=on_sample, timer_laps=timer_laps, lead_s=timer_lead_s(activity))
    prepared.derived[key] = knots
    return knots


def lap_sequence(laps: tuple[Lap, ...]) -> list[Lap]:
    """The laps in the device's sequence, by start: finite times, no overlap with another lap over 1 s."""
    usable = [lap for lap in laps if math.isfinite(lap.start_s) and math.isfinite(lap.elapsed_s)]
    if not usable:
        return []
    start_s = np.array([lap.start_s for lap in usable], dtype=np.float64)
    end_s = start_s + np.array([lap.elapsed_s for lap in usable], dtype=np.float64)
    shared_s = np.minimum(end_s[:, None], end_s[None, :]) - np.maximum(start_s[:, None], start_s[None, :])
    np.fill_diagonal(shared_s, 0.0)
    overlapping = np.any(shared_s > LAP_OVERLAP_S, axis=1)
    order = np.argsort(start_s, kind="stable")
    return [usable[i] for i in order.tolist() if not overlapping[i]]


def lap_knots(
    track: Track, laps: tuple[Lap, ...], *, on_sample: bool, timer_laps: bool, lead_s: float = 0.0
) -> tuple[FloatArray, FloatArray]:
    """The lap ends to add to the crossing series: wall-clock times and cumulative metres.

    `on_sample`: the device's crossing rule where the records place a lap end. `timer_laps`: the
    laps' precise duration is their timer time (TCX, whose elapsed time comes from whole-second
    start stamps); the pauses recorded inside the lap are added back. Otherwise the elapsed time.
    `lead_s`: how long before its stamped start the device's timer ran (`progrun.device_timer`); the
    first lap counts from there, as the first split does.
    """
    knot_s: list[float] = []
    knot_m: list[float] = []
    pending: list[tuple[float, float]] = []  # knots of the current run, until a placed lap end confirms them
    distance_m, timer_s = track.distance_m, track.timer_s
    sparse_s = SPARSE_GAP_ON_SAMPLE_S if on_sample else SPARSE_GAP_S
    bound_s = math.nan  # the previous lap end, as the splits place it
    stamp_end_s = math.nan  # the previous lap end by its own start stamp
    cumulative_m = 0.0
    first = True
    for lap in lap_sequence(laps):
        if lap.distance_m is None or not (math.isfinite(lap.distance_m) and lap.distance_m >= 0):
            knot_s, knot_m, pending = _commit(knot_s, knot_m, pending)
            bound_s = math.nan
            continue
        if math.isnan(bound_s) or abs(lap.start_s - stamp_end_s) > CHAIN_GAP_S:
            knot_s, knot_m, pending = _commit(knot_s, knot_m, pending)
            bound_s = lap.start_s - (lead_s if first else 0.0)  # a new chain, from the lap's own start
            at_start_m = float(track.distance_at(np.array([lap.start_s]))[0])
            # The device counts from 0 at its timer start (as the splits do); after a break, from the records.
            cumulative_m = 0.0 if first and at_start_m < lap.distance_m else at_start_m
        first = False
        stamp_end_s = lap.start_s + lap.elapsed_s
        duration_s = lap.elapsed_s
        if timer_laps and math.isfinite(lap.timer_s) and lap.timer_s > 0:
            span = track.timer_at(np.array([lap.start_s, stamp_end_s]))
            duration_s = lap.timer_s + (lap.elapsed_s - float(span[1] - span[0]))
        end_s = bound_s + duration_s
        cumulative_m += lap.distance_m
        after = int(np.searchsorted(distance_m, cumulative_m, side="left"))
        if after == 0 or after >= distance_m.size or not math.isfinite(end_s):
            knot_s, knot_m, pending = _commit(knot_s, knot_m, pending)
            bound_s = math.nan  # beyond the records: nothing to check the lap against
            continue
        gap_s = float(timer_s[after] - timer_s[after - 1])
        end_timer_s = float(track.timer_at(np.array([end_s]))[0])
        agrees = timer_s[after - 1] - STAMP_TOLERANCE_S <= end_timer_s <= timer_s[after] + STAMP_TOLERANCE_S
        if gap_s > sparse_s and agrees:
            pending.append((end_s, cumulative_m))
            bound_s = end_s
            continue
        at_end_m = float(track.distance_at(np.array([end_s]))[0])
        if not agrees and abs(at_end_m - cumulative_m) > REBASE_SHARE * lap.distance_m:
            # The records put the lap's end a share of a lap away from its distance: the lap distance is
            # wrong (or the lap is no auto lap). The knots before it go, and the laps after it count from
            # the records' distance at its end: one bad lap must not shift every later lap's distance.
            pending = []
            bound_s = end_s
            cumulative_m = at_end_m
            continue
        # The records place this lap end: the knots before it stand only if the chain of lap durations
        # arrives here within a stamp of the records (else laps and records drift apart: keep the records).
        placed_s = float(track.first_time_at(np.array([cumulative_m]), on_sample=on_sample)[0])
        if abs(end_s - placed_s) <= STAMP_TOLERANCE_S:
            knot_s, knot_m, pending = _commit(knot_s, knot_m, pending)
        pending = []
        bound_s = placed_s
    knot_s, knot_m, pending = _commit(knot_s, knot_m, pending)
    return np.array(knot_s, dtype=np.float64), np.array(knot_m, dtype=np.float64)


def _commit(
    knot_s: list[float], knot_m: list[float], pending: list[tuple[float, float]]
) -> tuple[list[float], list[float], list[tuple[float, float]]]:
    """The knots with the pending run added (in time order, never going back), and an empty run."""
    for time_s, distance_m in pending:
        if not knot_s or (time_s > knot_s[-1] and distance_m >= knot_m[-1]):
            knot_s.append(time_s)
            knot_m.append(distance_m)
    return knot_s, knot_m, []


def snap_to_knots(marks_m: FloatArray, knot_m: FloatArray) -> FloatArray:
    """The marks, each within `SNAP_M` of a knot's distance moved onto it (for finding its crossing)."""
    if knot_m.size == 0 or marks_m.size == 0:
        return marks_m
    nearest = np.clip(np.searchsorted(knot_m, marks_m), 1, knot_m.size) - 1
    below = knot_m[nearest]
    above = knot_m[np.clip(nearest + 1, 0, knot_m.size - 1)]
    closer = np.where(np.abs(above - marks_m) < np.abs(below - marks_m), above, below)
    snapped: FloatArray = np.where(np.abs(closer - marks_m) <= SNAP_M, closer, marks_m)
    return snapped
