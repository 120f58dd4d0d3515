"""Cleaning a recorded track: GPS distance with a noise filter, and the sanitising pass.

Core module: standard library and numpy only.

**Distance from positions** (`distance_from_positions`), computed by `sanitise` when a reader marks
`extra["distance_source"] == "positions"` (a file without a distance stream: GPX, some TCX), on
the cleaned columns and with the filter for the activity's sport:

1. Positions outside lat -90..90 / lon -180..180, at "null island" (0, 0), or NaN are ignored.
2. GPS spikes are dropped: walking forward from the last accepted fix, a fix whose implied speed
   from it is above `GpsFilter.max_speed_m_s` (12 m/s for a run, faster than any runner; 50 m/s
   for other sports) is rejected. If more than `reanchor_after` fixes in a row are rejected, the
   receiver really moved (for example after losing the signal in a tunnel) and the run of fixes
   is accepted.
3. Optional light smoothing: a centred moving average of `smoothing_window` fixes (odd; 1 = off).
4. Stationary jitter: a fix less than `min_step_m` (3 m) from the last counted fix adds no distance
   until the runner has moved at least that far (GPS wanders a few metres while you stand still).
   The distance so counted is shared among the steps since the last counted fix in proportion to
   their raw lengths (`_spread_over_steps`), so a slow runner at 1 Hz does not read as stopped
   every other second.
5. Great-circle (haversine) distance on a sphere of radius 6,371,008.8 m, summed; samples without
   a usable fix get the distance interpolated in time between their neighbours.

**Sanitising** (`sanitise`): every reader's Activity goes through it. Values that cannot be true
become NaN and each kind of fix adds one line to `Activity.warnings`:
repeated or backwards timestamps (samples dropped), NaN or out-of-range coordinates, GPS spikes,
heart rate outside 25..250 bpm, cadence outside 0..300 spm, altitude outside -500..9000 m, speed
above 15 m/s for running, power outside 0..3000 W, distance going backwards, and forward clock
jumps of more than an hour (recorded as pauses). The start time is normalised to aware UTC.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import UTC
from itertools import accumulate, repeat

import numpy as np
import numpy.typing as npt

from progrun.activity import CHANNELS, Activity, FloatArray, Pause

BoolArray = npt.NDArray[np.bool_]

EARTH_RADIUS_M = 6_371_008.8
HEART_RATE_RANGE_BPM = (25.0, 250.0)
CADENCE_RANGE_SPM = (0.0, 300.0)
ALTITUDE_RANGE_M = (-500.0, 9000.0)
POWER_RANGE_W = (0.0, 3000.0)
MAX_RUNNING_SPEED_M_S = 15.0
#: The GPS spike threshold for activities that are not runs (cycling, driving a boat...).
OTHER_SPORT_MAX_SPEED_M_S = 50.0
#: A forward jump of the clock longer than this is treated as a pause, not as running time.
CLOCK_JUMP_S = 3600.0
#: Distance may step back by this much (device rounding) before it counts as going backwards.
DISTANCE_TOLERANCE_M = 1.0


@dataclass(frozen=True)
class GpsFilter:
    """Parameters of the GPS-noise filter used for distance from positions."""

    max_speed_m_s: float = 12.0
    reanchor_after: int = 10
    smoothing_window: int = 1
    min_step_m: float = 3.0


DEFAULT_GPS_FILTER = GpsFilter()


@dataclass(frozen=True)
class TrackDistance:
    """Cumulative distance computed from positions, and the fixes the filter rejected."""

    distance_m: FloatArray
    spikes: BoolArray
    fixes_used: int


def haversine_m(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Great-circle distance in metres between arrays of points given in degrees."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    result: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return result


def _neighbour_haversine_m(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
    """`haversine_m` from each point to the next, bit for bit, converting each point once."""
    # The same operations in the same order as the formula, in place: a few arrays of the track's
    # length at a time, not one per intermediate (a 2.3 M-record file: 90 MB instead of 200).
    phi = np.radians(lat_deg)
    cos_phi = np.cos(phi)
    a = _half_step_sin_squared(phi)
    del phi
    lam = np.radians(lon_deg)
    across = _half_step_sin_squared(lam)
    del lam
    weight = cos_phi[:-1] * cos_phi[1:]
    del cos_phi
    weight *= across
    del across
    a += weight
    del weight
    np.clip(a, 0.0, 1.0, out=a)
    np.sqrt(a, out=a)
    np.arcsin(a, out=a)
    a *= 2 * EARTH_RADIUS_M
    return a


def _half_step_sin_squared(angle_rad: FloatArray) -> FloatArray:
    """sin((angle[i + 1] - angle[i]) / 2) ** 2 for each step, in one array."""
    step = angle_rad[1:] - angle_rad[:-1]
    step /= 2
    np.sin(step, out=step)
    np.square(step, out=step)
    return step


def valid_positions(lat_deg: FloatArray, lon_deg: FloatArray) -> BoolArray:
    """Fixes that can be real: finite, in range and not at null island (0, 0)."""
    # Comparisons with NaN or infinity are False and warn of nothing: |NaN| <= 90 rules NaN out, and
    # |inf| <= 90 is False too, so no isfinite is needed.
    ok = (np.abs(lat_deg) <= 90) & (np.abs(lon_deg) <= 180)
    ok &= (lat_deg != 0) | (lon_deg != 0)
    result: BoolArray = ok
    return result


def find_gps_spikes(
    time_s: FloatArray,
    lat_deg: FloatArray,
    lon_deg: FloatArray,
    gps_filter: GpsFilter = DEFAULT_GPS_FILTER,
    pauses: tuple[Pause, ...] = (),
) -> BoolArray:
    """A mask of the fixes whose implied speed from the last accepted fix is impossible.

    The first fix after a pause is never a spike: the runner may have moved while stopped.
    """
    spikes = np.zeros(len(time_s), dtype=np.bool_)
    valid = valid_positions(lat_deg, lon_deg)
    if valid.all():  # the usual case: no copies
        index = np.arange(len(time_s))
        lat, lon, times = lat_deg, lon_deg, time_s
    else:
        index = np.flatnonzero(valid)
        lat, lon, times = lat_deg[index], lon_deg[index], time_s[index]
    if index.size < 2:
        return spikes
    ends = np.sort(np.array([pause.end_s for pause in pauses], dtype=np.float64))
    # Which stretch between pauses each fix is in (without pauses: all in one, and no array for it).
    stretch = (
        np.searchsorted(ends, times, side="right") if pauses else np.broadcast_to(np.intp(0), times.shape)
    )
    speed_m_s = _neighbour_haversine_m(lat, lon)
    step_s = np.diff(times)
    step_s[~(step_s >= 1.0)] = 1.0  # NaN fails the comparison
    step_s[np.isinf(step_s)] = 1.0
    speed_m_s /= step_s
    del step_s
    too_fast = speed_m_s > gps_filter.max_speed_m_s
    del speed_m_s
    suspicious = np.flatnonzero(too_fast & (np.diff(stretch) == 0) if pauses else too_fast)
    if suspicious.size == 0:
        return spikes
    anchor = 0
    rejected: list[int] = []
    k = 0
    while k + 1 < index.size:
        k += 1
        if anchor == k - 1 and not rejected:
            # Every step before the next suspicious one is accepted as it is: jump to it.
            ahead = int(np.searchsorted(suspicious, k - 1))
            if ahead == suspicious.size:
                break
            if suspicious[ahead] > k - 1:
                anchor = int(suspicious[ahead])
                k = anchor + 1
        if stretch[k] != stretch[anchor]:
            anchor = k
            rejected.clear()
            continue
        dt = times[k] - times[anchor]
        dt = dt if math.isfinite(dt) and dt >= 1.0 else 1.0
        d = _haversine_scalar(lat[anchor], lon[anchor], lat[k], lon[k])
        if d / dt <= gps_filter.max_speed_m_s:
            anchor = k
            rejected.clear()
            continue
        rejected.append(k)
        if len(rejected) > gps_filter.reanchor_after:
            rejected.clear()
            anchor = k
            spikes[index[k - gps_filter.reanchor_after : k + 1]] = False
            continue
        spikes[index[k]] = True
    return spikes


def _haversine_scalar(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def distance_from_positions(
    time_s: FloatArray,
    lat_deg: FloatArray,
    lon_deg: FloatArray,
    gps_filter: GpsFilter = DEFAULT_GPS_FILTER,
    pauses: tuple[Pause, ...] = (),
    *,
    spikes: BoolArray | None = None,
) -> TrackDistance:
    """Cumulative metres along the track after the GPS-noise filter described in the module doc.

    A step between two fixes that spans a pause adds nothing (the timer was stopped; a GPX
    segment break). Samples before the first usable fix get 0; samples without a fix get the
    distance interpolated in time. With no usable fix at all every sample is NaN. `spikes` is
    `find_gps_spikes` of the same arguments when the caller has it already.
    """
    n = len(time_s)
    if spikes is None:
        spikes = find_gps_spikes(time_s, lat_deg, lon_deg, gps_filter, pauses)
    use = valid_positions(lat_deg, lon_deg) & ~spikes
    index = np.flatnonzero(use)
    if index.size == 0:
        return TrackDistance(np.full(n, np.nan), spikes, 0)
    lat, lon = lat_deg[index], lon_deg[index]
    window = gps_filter.smoothing_window
    if window > 1 and index.size > window:
        kernel = np.ones(window) / window
        half = window // 2
        lat = np.concatenate([lat[:half], np.convolve(lat, kernel, "valid"), lat[-half:]])
        lon = np.concatenate([lon[:half], np.convolve(lon, kernel, "valid"), lon[-half:]])
    counted = np.ones(max(index.size - 1, 0), dtype=np.bool_)
    fix_times = time_s[index]
    for pause in pauses:
        counted &= ~((fix_times[:-1] <= pause.start_s) & (fix_times[1:] >= pause.end_s))
    cumulative = _spread_over_steps(
        fix_times, _cumulative_length(lat, lon, gps_filter.min_step_m, counted), counted, lat, lon
    )
    if index.size == n:
        return TrackDistance(cumulative, spikes, int(index.size))
    times = time_s if np.all(np.isfinite(time_s)) else np.arange(n, dtype=np.float64)
    distance = np.interp(times, times[index], cumulative)
    return TrackDistance(distance, spikes, int(index.size))


def _spread_over_steps(
    fix_times: FloatArray, cumulative: FloatArray, counted: BoolArray, lat: FloatArray, lon: FloatArray
) -> FloatArray:
    """Each counted step spread over the fixes since the last counted fix, by how far each moved.

    The jitter filter adds a step only at the fix that gets `min_step_m` away; the fixes in between
    hold the distance still, which reads as standing still every other second at 1 Hz below about
    5:30/km. The runner covered that distance over the whole interval, so it is shared among the
    steps between the two counted fixes in proportion to their raw lengths (in time where they are
    all zero): a slow runner's even steps share it evenly, while after a stop the jitter steps get
    next to nothing and the step that leaves the spot gets the rest. Steps over a pause stay flat.
    """
    size = cumulative.size
    if size < 3 or not np.all(np.isfinite(fix_times)):
        return cumulative
    knot = np.zeros(size, dtype=np.bool_)
    knot[0] = knot[-1] = True
    knot[1:] |= cumulative[1:] != cumulative[:-1]
    knot[:-1] |= ~counted  # both ends of a step over a pause
    knot[1:] |= ~counted
    if knot.all():
        return cumulative
    knots = np.flatnonzero(knot)
    position = np.arange(size)
    left = knots[np.searchsorted(knots, position, side="right") - 1]
    right = knots[np.searchsorted(knots, position, side="left")]
    walked = np.concatenate(([0.0], np.cumsum(np.where(counted, _neighbour_haversine_m(lat, lon), 0.0))))
    span_m = walked[right] - walked[left]
    span_s = fix_times[right] - fix_times[left]
    by_time = np.divide(fix_times - fix_times[left], span_s, out=np.zeros(size), where=span_s > 0)
    fraction = np.divide(walked - walked[left], span_m, out=by_time, where=span_m > 0)
    spread: FloatArray = cumulative[left] + (cumulative[right] - cumulative[left]) * fraction
    return spread


def _cumulative_length(lat: FloatArray, lon: FloatArray, min_step_m: float, counted: BoolArray) -> FloatArray:
    if min_step_m > 0 and lat.size > 1:
        return _jitter_filtered_length(lat.tolist(), lon.tolist(), min_step_m, counted)
    steps = np.where(counted, haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:]), 0.0)
    return np.concatenate([[0.0], np.cumsum(steps)])


def _neighbour_steps_m(lat: list[float], lon: list[float]) -> tuple[FloatArray, list[float], list[float]]:
    """`_haversine_scalar` between each fix and the next, bit for bit, without a Python call per step.

    The same operations in the same order: + - * / and the square root are exactly rounded by
    numpy as by Python; sin, cos, asin and the squares go through the `math` functions via `map`.
    Also returns each fix's latitude in radians and its cosine, as `_haversine_scalar` computes them.
    """
    degree = math.pi / 180.0  # math.radians multiplies by this very double
    lat_a, lon_a = np.array(lat), np.array(lon)
    phi = lat_a * degree
    cos_phi = np.fromiter(map(math.cos, phi.tolist()), np.float64, len(lat))
    half_dphi = ((phi[1:] - phi[:-1]) / 2).tolist()
    half_dlambda = (((lon_a[1:] - lon_a[:-1]) * degree) / 2).tolist()
    count = len(half_dphi)
    first = np.fromiter(map(math.pow, map(math.sin, half_dphi), repeat(2)), np.float64, count)
    second = np.fromiter(map(math.pow, map(math.sin, half_dlambda), repeat(2)), np.float64, count)
    a = first + cos_phi[:-1] * cos_phi[1:] * second
    root = np.sqrt(np.where(a < 1.0, a, 1.0)).tolist()  # min(1.0, a)
    result: FloatArray = 2 * EARTH_RADIUS_M * np.fromiter(map(math.asin, root), np.float64, count)
    return result, phi.tolist(), cos_phi.tolist()


def _jitter_filtered_length(
    lat: list[float], lon: list[float], min_step_m: float, counted: BoolArray
) -> FloatArray:
    """Cumulative metres counting a fix only once it is `min_step_m` from the last counted fix.

    The rule, fix by fix: a step that is not counted (it spans a pause) moves the last counted fix
    along and adds nothing; otherwise the distance d from the last counted fix is added, and the
    fix becomes the last counted one, when d >= min_step_m. While the last counted fix is the
    previous one, d is just the step between neighbours: those steps are computed once (by the
    same scalar formula) and summed by numpy in order, so only the fixes after a short step walk
    one by one. The result is bit for bit that of the plain loop.
    """
    n = len(lat)
    step, phi, cos_phi = _neighbour_steps_m(lat, lon)
    sin, asin, sqrt, radians = math.sin, math.asin, math.sqrt, math.radians
    short = np.flatnonzero(counted & (step < min_step_m)).tolist()  # steps that leave the last fix behind
    moves = np.where(counted, step, 0.0).tolist()
    is_counted = counted.tolist()
    out = [0.0]
    total = 0.0
    k = 1  # the next fix; here the last counted fix is k - 1 and len(out) == k
    for first_short in [*short, n - 1]:
        if first_short < k - 1:
            continue
        stop = first_short + 1  # fixes k .. stop - 1 follow a long (or uncounted) step
        if stop > k:
            running = list(accumulate(moves[k - 1 : stop - 1], initial=total))
            out += running[1:]
            total = running[-1]
            k = stop
        if k >= n:
            break
        last = k - 1  # the step into fix k is short: it adds nothing and fix k - 1 stays the last
        out.append(total)
        k += 1
        while k < n:
            if not is_counted[k - 1]:
                out.append(total)
                k += 1
                break
            # _haversine_scalar(lat[last], lon[last], lat[k], lon[k]), with the radians and cosines reused
            a = (
                sin((phi[k] - phi[last]) / 2) ** 2
                + cos_phi[last] * cos_phi[k] * sin(radians(lon[k] - lon[last]) / 2) ** 2
            )
            d = 2 * EARTH_RADIUS_M * asin(sqrt(min(1.0, a)))
            if d >= min_step_m:
                total += d
            out.append(total)
            k += 1
            if d >= min_step_m:
                break
    return np.array(out)


def sanitise(activity: Activity, *, gps_filter: GpsFilter = DEFAULT_GPS_FILTER) -> Activity:
    """Return a copy of `activity` with impossible values set to NaN and a warning for each kind."""
    warnings: list[str] = []
    columns = {name: getattr(activity, name) for name in CHANNELS}
    changes: dict[str, object] = {}

    start = activity.start
    if start is not None and start.tzinfo is not UTC:
        if start.utcoffset() is None:
            warnings.append("start time has no time zone; assumed UTC")
            changes["start"] = start.replace(tzinfo=UTC)
        else:
            changes["start"] = start.astimezone(UTC)

    running = _is_running(activity.sport)
    if not running and gps_filter.max_speed_m_s < OTHER_SPORT_MAX_SPEED_M_S:
        gps_filter = dataclasses.replace(gps_filter, max_speed_m_s=OTHER_SPORT_MAX_SPEED_M_S)
    columns = _sanitise_times(columns, warnings)
    positions_changed, spikes = _sanitise_positions(columns, warnings, gps_filter, activity.pauses)
    _clip(columns, "heart_rate_bpm", HEART_RATE_RANGE_BPM, "heart rate", "bpm", warnings=warnings)
    _clip(columns, "cadence_spm", CADENCE_RANGE_SPM, "cadence", "spm", warnings=warnings)
    _clip(columns, "altitude_m", ALTITUDE_RANGE_M, "altitude", "m", warnings=warnings, low_inclusive=False)
    _clip(columns, "power_w", POWER_RANGE_W, "power", "W", warnings=warnings)
    if running:
        _clip(columns, "speed_m_s", (0.0, MAX_RUNNING_SPEED_M_S), "speed", "m/s", warnings=warnings)
    else:
        _clip(columns, "speed_m_s", (0.0, math.inf), "speed", "m/s", warnings=warnings)
    _sanitise_distance(columns, warnings)
    if activity.extra.get("distance_source") == "positions":
        # Readers leave this distance to the sanitising pass: it is computed once, on the cleaned
        # columns, and reuses the spike search above when that changed nothing (else the cleaned
        # positions are searched again, as a reader's own call would).
        track = distance_from_positions(
            columns["time_s"],
            columns["lat_deg"],
            columns["lon_deg"],
            gps_filter,
            activity.pauses,
            spikes=None if positions_changed else spikes,
        )
        columns["distance_m"] = track.distance_m
    pauses = _clock_jumps(columns["time_s"], activity.pauses, warnings)
    if pauses != activity.pauses:
        changes["pauses"] = pauses

    if not warnings and not changes and all(columns[n] is getattr(activity, n) for n in CHANNELS):
        return activity
    return dataclasses.replace(activity, **columns, **changes, warnings=activity.warnings + tuple(warnings))  # type: ignore[arg-type]


def steps_per_minute(cadence: FloatArray, sport: str) -> FloatArray:
    """Running cadence in steps per minute (both feet).

    Garmin and most GPX/TCX writers record running cadence per foot (strides per minute, about
    80-95); a run whose median non-zero cadence is under 120 is doubled. Other sports, and runs
    already in steps per minute, are returned unchanged.
    """
    if not _is_running(sport):
        return cadence
    moving = cadence[np.isfinite(cadence) & (cadence > 0)]
    if moving.size and _median(moving) < 120.0:
        doubled: FloatArray = cadence * 2.0
        return doubled
    return cadence


def _median(values: FloatArray) -> float:
    """`np.median` of values without NaN, bit for bit (the middle one, or the mean of the middle two)."""
    middle = values.size // 2
    if values.size % 2:
        return float(np.partition(values, middle)[middle])
    low, high = np.partition(values, (middle - 1, middle))[middle - 1 : middle + 1].tolist()
    mean: float = (low + high) / 2
    return mean


def _is_running(sport: str) -> bool:
    sport = sport.lower()
    return sport == "" or "run" in sport or sport in ("treadmill", "trail", "track")


def _sanitise_times(columns: dict[str, FloatArray], warnings: list[str]) -> dict[str, FloatArray]:
    time_s = columns["time_s"]
    if time_s.size == 0:
        return columns
    if math.isfinite(time_s[0]) and math.isfinite(time_s[-1]) and bool((time_s[1:] > time_s[:-1]).all()):
        return columns  # finite and strictly increasing (NaN fails the comparison): nothing to drop
    keep = np.isfinite(time_s)
    missing = int(np.count_nonzero(~keep))
    finite = np.where(keep, time_s, -np.inf)
    previous_max = np.maximum.accumulate(np.concatenate([[-np.inf], finite[:-1]]))
    backwards = keep & (time_s < previous_max)
    repeated = keep & (time_s == previous_max)
    keep &= ~backwards & ~repeated
    if missing:
        warnings.append(f"dropped {missing} samples without a time")
    if np.any(backwards):
        warnings.append(f"dropped {int(np.count_nonzero(backwards))} samples whose time goes backwards")
    if np.any(repeated):
        warnings.append(f"dropped {int(np.count_nonzero(repeated))} samples repeating the previous time")
    if np.all(keep):
        return columns
    return {name: column[keep] for name, column in columns.items()}


def _sanitise_positions(
    columns: dict[str, FloatArray], warnings: list[str], gps_filter: GpsFilter, pauses: tuple[Pause, ...]
) -> tuple[bool, BoolArray]:
    """Missing, impossible and spiking positions made NaN; whether any was, and the spikes found."""
    lat, lon = columns["lat_deg"], columns["lon_deg"]
    present = ~np.isnan(lat) | ~np.isnan(lon)
    spikes = np.zeros(lat.size, dtype=np.bool_)
    if not np.any(present):
        return False, spikes
    valid = valid_positions(lat, lon)
    bad = present & ~valid
    spikes = find_gps_spikes(columns["time_s"], lat, lon, gps_filter, pauses)
    if not np.any(bad) and not np.any(spikes):
        return False, spikes
    lat, lon = lat.copy(), lon.copy()
    if np.any(bad):
        lat[bad] = np.nan
        lon[bad] = np.nan
        warnings.append(
            f"ignored {int(np.count_nonzero(bad))} positions that are missing, out of range or (0, 0)"
        )
    if np.any(spikes):
        lat[spikes] = np.nan
        lon[spikes] = np.nan
        warnings.append(
            f"removed {int(np.count_nonzero(spikes))} GPS spikes "
            f"(implied speed over {gps_filter.max_speed_m_s:g} m/s)"
        )
    columns["lat_deg"], columns["lon_deg"] = lat, lon
    return True, spikes


def _clip(
    columns: dict[str, FloatArray],
    name: str,
    limits: tuple[float, float],
    label: str,
    unit: str,
    *,
    warnings: list[str],
    low_inclusive: bool = True,
) -> None:
    column = columns[name]
    low, high = limits
    if column.size == 0:
        return
    smallest, largest = float(np.fmin.reduce(column)), float(np.fmax.reduce(column))  # NaN ignored
    if math.isnan(smallest) or (
        (smallest >= low if low_inclusive else smallest > low) and largest <= high and math.isfinite(largest)
    ):
        return  # all missing, or all within the limits (the common case: two reductions)
    with np.errstate(invalid="ignore"):
        too_low = (column < low) if low_inclusive else (column <= low)
        bad = too_low | (column > high) | np.isinf(column)
    if not np.any(bad):
        return
    column = column.copy()
    column[bad] = np.nan
    columns[name] = column
    warnings.append(f"ignored {int(np.count_nonzero(bad))} {label} values outside {low:g}..{high:g} {unit}")


def _sanitise_distance(columns: dict[str, FloatArray], warnings: list[str]) -> None:
    distance = columns["distance_m"]
    if (
        distance.size
        and math.isfinite(distance[0])
        and math.isfinite(distance[-1])
        and distance[0] >= 0
        and bool((distance[1:] >= distance[:-1]).all())
    ):
        return  # finite, not negative, never going back: nothing to fix
    if not np.any(np.isfinite(distance)):
        return
    finite = np.where(np.isfinite(distance), distance, -np.inf)
    previous_max = np.maximum.accumulate(np.concatenate([[-np.inf], finite[:-1]]))
    with np.errstate(invalid="ignore"):
        bad = (distance < 0) | np.isinf(distance) | (distance < previous_max - DISTANCE_TOLERANCE_M)
    if not np.any(bad):
        return
    distance = distance.copy()
    distance[bad] = np.nan
    columns["distance_m"] = distance
    warnings.append(f"ignored {int(np.count_nonzero(bad))} distance values that are negative or go backwards")


def _clock_jumps(time_s: FloatArray, pauses: tuple[Pause, ...], warnings: list[str]) -> tuple[Pause, ...]:
    if time_s.size < 2:
        return pauses
    gaps = np.diff(time_s)
    jumps = np.flatnonzero(gaps > CLOCK_JUMP_S)
    added: list[Pause] = []
    for k in jumps:
        begin, end = float(time_s[k]), float(time_s[k + 1])
        if any(p.start_s < end and p.end_s > begin for p in pauses):
            continue
        added.append(Pause(begin, end))
        warnings.append(f"the clock jumps forward {end - begin:.0f} s at {begin:.0f} s; counted as a pause")
    if not added:
        return pauses
    return tuple(sorted((*pauses, *added), key=lambda p: p.start_s))
