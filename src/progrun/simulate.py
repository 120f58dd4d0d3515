"""A simulated runner: turn a Plan into a recorded Activity, the way a watch would have logged it.

Tests, the detection evaluation set and the storage benchmarks use it to get runs with known truth.
The runner covers the plan's running steps at a pace chosen by `behaviour`, then jogs the cooldown.
Samples are 1 Hz; distance is the integral of speed (like a watch with a foot pod), so a noise-free
run covers each split at exactly its pace.

Behaviours (paces in s/km, "mean" = the plan's mean running pace):

- ``follow``: every step at its planned pace.
- ``too_fast``: the classic mistake. The first half of the splits at tempo pace + 5 s/km, then a fade of
  10 s/km per split.
- ``steady``: the whole distance at the mean pace.
- ``fartlek``: mean + 10 s/km with surges of 30-90 s at about 60 s/km faster every 1.5-4 minutes.
- ``intervals``: 1 km easy, then 400 m reps at tempo - 20 s/km with 200 m jogs at mean + 60 s/km.
- ``negative_split``: the first half at mean + 8 s/km, the second at mean - 8 s/km.
- ``hilly``: follows the plan by effort on a rolling course (grade up to about 6 %): the grade-adjusted
  pace is on plan while the pace on the ground swings with the hills.

Harder cases for detection (added later; the behaviours above are unchanged):

- ``blow_up``: follows the plan, then the last running step is 20 s/km slower than the step before it
  (a progression that collapsed: it did not finish at tempo).
- ``warmup_tempo``: the first running step at its planned pace, every later step at the target pace
  (a tempo run after a warm-up: one jump, then a long block at tempo).
- ``fast_finish``: the mean pace + 5 s/km, then the last running step at the target pace (one late jump).
- ``strides``: the mean pace + 10 s/km with 15-25 s strides at about 60 s/km faster every 1-2 minutes
  (short surges, shorter than a 100 m piece at strides pace).
- ``fartlek_build``: the fartlek, with a base pace that gets 6 s/km faster each split unit (a fartlek
  laid over a gentle build: the surges, not the build, dominate the split paces).

Noise (`noise` scales it; 0 gives an exact run): AR(1) speed noise of about 2.5 % per second, HR jitter of
about 1 bpm, barometric altitude jitter of 0.1 m. HR follows the grade-adjusted speed with a 25 s lag.
With `ran_workout` the watch "ran the workout": `workout_steps` mirror the plan's steps (speed targets in
m/s, distance in m, time in s) and a lap closes at each step boundary with trigger WORKOUT_STEP; otherwise
the watch auto-laps every split unit (mile or km).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

import numpy as np

from progrun.activity import Activity, Format, Lap, LapTrigger, WorkoutStep, make_activity
from progrun.device_timer import device_lead_s
from progrun.grade import cost_factor
from progrun.plan import Plan, StepKind

Behaviour = Literal[
    "follow",
    "too_fast",
    "steady",
    "fartlek",
    "intervals",
    "negative_split",
    "hilly",
    "blow_up",
    "warmup_tempo",
    "fast_finish",
    "strides",
    "fartlek_build",
]
BEHAVIOURS: tuple[str, ...] = get_args(Behaviour)

#: Where the simulated loop is (a park in Ljubljana); only for realistic positions.
_ORIGIN_LAT_DEG = 46.0569
_ORIGIN_LON_DEG = 14.5058
_LOOP_M = 2000.0
_EARTH_RADIUS_M = 6_371_000.0
_DEFAULT_START = datetime(2024, 5, 4, 7, 0, tzinfo=UTC)
#: Seconds over which the runner makes up distance lost or gained against the intended pace.
CATCH_UP_S = 20.0
#: The watch the simulated recordings come from; its timer starts half a second before its first stamp.
SIMULATED_DEVICE = "garmin fr945"

PaceFunction = Callable[[float, float], float]


def _step_edges_m(plan: Plan) -> np.ndarray:
    distances = [step.distance_m or 0.0 for step in plan.running_steps]
    return np.concatenate([[0.0], np.cumsum(distances)])


def _mean_pace_s_per_km(plan: Plan) -> float:
    steps = plan.running_steps
    time_s = sum(step.expected_time_s for step in steps)
    distance_m = sum(step.distance_m or 0.0 for step in steps)
    return time_s / distance_m * 1000.0


def _planned_paces(plan: Plan, overrides: Mapping[int, float]) -> list[float]:
    return [overrides.get(index, step.pace_s_per_km) for index, step in enumerate(plan.running_steps)]


def _too_fast_paces(plan: Plan) -> list[float]:
    count = len(plan.running_steps)
    half = math.ceil(count / 2)
    fast = plan.target_pace_s_per_km + 5.0
    return [fast if index < half else fast + 10.0 * (index - half + 1) for index in range(count)]


def _pace_function(
    plan: Plan, behaviour: str, overrides: Mapping[int, float], rng: np.random.Generator
) -> PaceFunction:
    """pace_s_per_km(distance_m, time_s) of the running part (flat-equivalent)."""
    edges = _step_edges_m(plan)
    mean = _mean_pace_s_per_km(plan)
    total_m = float(edges[-1])

    def by_step(paces: list[float]) -> PaceFunction:
        def pace(distance_m: float, _time_s: float) -> float:
            index = int(np.searchsorted(edges, distance_m, side="right")) - 1
            return paces[min(max(index, 0), len(paces) - 1)]

        return pace

    if behaviour in ("follow", "hilly"):
        return by_step(_planned_paces(plan, overrides))
    if behaviour == "too_fast":
        return by_step(_too_fast_paces(plan))
    if behaviour == "steady":
        return lambda _d, _t: mean
    if behaviour == "negative_split":
        return lambda d, _t: mean + 8.0 if d < total_m / 2.0 else mean - 8.0
    if behaviour == "intervals":
        fast = plan.target_pace_s_per_km - 20.0

        def intervals(distance_m: float, _time_s: float) -> float:
            if distance_m < 1000.0:
                return mean + 20.0
            return fast if (distance_m - 1000.0) % 600.0 < 400.0 else mean + 60.0

        return intervals
    if behaviour == "fartlek":
        schedule: list[tuple[float, float]] = []  # (end_s, pace)
        clock_s = 0.0
        while clock_s < 4.0 * 3600.0:
            clock_s += float(rng.uniform(90.0, 240.0))
            schedule.append((clock_s, mean + 10.0))
            clock_s += float(rng.uniform(30.0, 90.0))
            schedule.append((clock_s, mean + 10.0 - float(rng.uniform(45.0, 75.0))))
        ends = np.array([end for end, _ in schedule])
        paces = [pace for _, pace in schedule]

        def fartlek(_distance_m: float, time_s: float) -> float:
            return paces[min(int(np.searchsorted(ends, time_s, side="right")), len(paces) - 1)]

        return fartlek
    return _harder_pace_function(plan, behaviour, rng, by_step)


def _surge_schedule(
    rng: np.random.Generator, easy_s: tuple[float, float], surge_s: tuple[float, float]
) -> tuple[np.ndarray, list[float]]:
    """(end times, pace offsets in s/km) of alternating easy running (+10) and surges (about -50)."""
    schedule: list[tuple[float, float]] = []
    clock_s = 0.0
    while clock_s < 4.0 * 3600.0:
        clock_s += float(rng.uniform(*easy_s))
        schedule.append((clock_s, 10.0))
        clock_s += float(rng.uniform(*surge_s))
        schedule.append((clock_s, 10.0 - float(rng.uniform(45.0, 75.0))))
    return np.array([end for end, _ in schedule]), [offset for _, offset in schedule]


def _harder_pace_function(
    plan: Plan,
    behaviour: str,
    rng: np.random.Generator,
    by_step: Callable[[list[float]], PaceFunction],
) -> PaceFunction:
    """The behaviours added for the detection evaluation (see the module docstring)."""
    mean = _mean_pace_s_per_km(plan)
    planned = _planned_paces(plan, {})
    count = len(planned)
    if behaviour == "blow_up":
        return by_step([*planned[:-1], planned[-2] + 20.0] if count > 1 else planned)
    if behaviour == "warmup_tempo":
        return by_step([planned[0]] + [plan.target_pace_s_per_km] * (count - 1))
    if behaviour == "fast_finish":
        return by_step([mean + 5.0] * (count - 1) + [plan.target_pace_s_per_km])
    if behaviour in ("strides", "fartlek_build"):
        short = behaviour == "strides"
        ends, offsets = _surge_schedule(
            rng, (60.0, 120.0) if short else (90.0, 240.0), (15.0, 25.0) if short else (30.0, 90.0)
        )
        unit_m = plan.unit.metres
        build_s_per_km = 0.0 if short else 6.0

        def surging(distance_m: float, time_s: float) -> float:
            base = mean + build_s_per_km * (count / 2.0 - distance_m // unit_m)
            return base + offsets[min(int(np.searchsorted(ends, time_s, side="right")), len(offsets) - 1)]

        return surging
    raise ValueError(f"unknown behaviour {behaviour!r}; one of {', '.join(BEHAVIOURS)}")


def _altitude_m(distance_m: np.ndarray, hilly: bool) -> np.ndarray:
    """A rolling course: a 1.2 km and a 0.5 km wave (grade up to about 6 %) on a 100 m base."""
    if not hilly:
        return np.full(distance_m.shape, 100.0)
    return (
        100.0
        + 9.0 * np.sin(2.0 * np.pi * distance_m / 1200.0)
        + 2.5 * np.sin(2.0 * np.pi * distance_m / 500.0)
    )


def _grade(distance_m: float, hilly: bool) -> float:
    if not hilly:
        return 0.0
    return float(
        9.0 * 2.0 * np.pi / 1200.0 * math.cos(2.0 * np.pi * distance_m / 1200.0)
        + 2.5 * 2.0 * np.pi / 500.0 * math.cos(2.0 * np.pi * distance_m / 500.0)
    )


def _positions(distance_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions on a circular 2 km loop around the origin."""
    radius_m = _LOOP_M / (2.0 * np.pi)
    angle = 2.0 * np.pi * distance_m / _LOOP_M
    north_m = radius_m * np.sin(angle)
    east_m = radius_m * (1.0 - np.cos(angle))
    lat = _ORIGIN_LAT_DEG + np.degrees(north_m / _EARTH_RADIUS_M)
    lon = _ORIGIN_LON_DEG + np.degrees(east_m / (_EARTH_RADIUS_M * math.cos(math.radians(_ORIGIN_LAT_DEG))))
    return lat, lon


def _heart_rate(flat_speed_m_s: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Steady-state HR rises with the flat-equivalent speed; the heart follows with a 25 s lag."""
    steady = np.clip(95.0 + (flat_speed_m_s - 2.0) * 48.0, 60.0, 200.0)
    heart = np.empty_like(steady)
    level = 75.0
    for index, value in enumerate(steady):
        level += (value - level) / 25.0
        heart[index] = level
    drift = np.linspace(0.0, 4.0, len(heart))
    jitter = rng.normal(0.0, 1.0, len(heart)) * noise
    return np.round(np.clip(heart + drift + jitter, 40.0, 220.0))


def _workout_steps(plan: Plan) -> tuple[WorkoutStep, ...]:
    steps: list[WorkoutStep] = []
    for index, step in enumerate(plan.steps):
        by_time = step.distance_m is None
        steps.append(
            WorkoutStep(
                index=index,
                name=(step.cue or step.kind.value)[:15],
                duration_type="time" if by_time else "distance",
                duration_value=step.duration_s if by_time else step.distance_m,
                target_type="speed",
                target_low=1000.0 / step.high_s_per_km,
                target_high=1000.0 / step.low_s_per_km,
                intensity="cooldown" if step.kind is StepKind.COOLDOWN else "active",
            )
        )
    return tuple(steps)


def _laps(
    time_s: np.ndarray,
    distance_m: np.ndarray,
    boundaries_m: list[float],
    cooldown_start_s: float | None,
    cooldown_step: int | None,
    *,
    lead_s: float,
) -> tuple[Lap, ...]:
    """Laps closing at the given distances, plus one for the cooldown; the last lap ends the session.

    The first lap counts from the press, `lead_s` before the first record (`progrun.device_timer`).

    With `cooldown_step` (the watch ran the workout) each lap carries its workout step index: the running
    laps count from 0 and the cooldown lap is `cooldown_step`, even when the runner skipped steps to it.
    """
    starts_s = [0.0]
    run_m = (
        float(np.interp(cooldown_start_s, time_s, distance_m)) if cooldown_start_s is not None else math.inf
    )
    for boundary in boundaries_m:
        if (
            boundary <= 0.0
            or boundary >= distance_m[-1]
            or (cooldown_start_s is not None and boundary > run_m + 1e-6)
        ):
            continue
        starts_s.append(float(np.interp(boundary, distance_m, time_s)))
    steps: list[int] = list(range(len(starts_s)))
    if (
        cooldown_start_s is not None
        and cooldown_start_s - starts_s[-1] > 1.0
        and cooldown_start_s < time_s[-1]
    ):
        starts_s.append(cooldown_start_s)
        steps.append(cooldown_step if cooldown_step is not None else len(steps))
    by_workout = cooldown_step is not None
    end_s = float(time_s[-1])
    laps: list[Lap] = []
    for index, start_s in enumerate(starts_s):
        stop_s = starts_s[index + 1] if index + 1 < len(starts_s) else end_s
        pressed_s = start_s - lead_s if index == 0 else start_s
        covered_m = float(np.interp(stop_s, time_s, distance_m) - np.interp(start_s, time_s, distance_m))
        last = index + 1 == len(starts_s)
        trigger = (
            LapTrigger.WORKOUT_STEP
            if by_workout
            else (LapTrigger.SESSION_END if last else LapTrigger.DISTANCE)
        )
        laps.append(
            Lap(
                index=index,
                start_s=start_s,
                elapsed_s=stop_s - pressed_s,
                timer_s=stop_s - pressed_s,
                distance_m=covered_m,
                trigger=trigger,
                sport="running",
                intensity="active",
                workout_step_index=steps[index] if by_workout else None,
            )
        )
    return tuple(laps)


def simulate_run(
    plan: Plan,
    *,
    behaviour: Behaviour | str = "follow",
    seed: int = 0,
    noise: float = 1.0,
    ran_workout: bool = True,
    cooldown: bool = True,
    distance_factor: float = 1.0,
    pace_overrides: Mapping[int, float] | None = None,
    hills: bool | None = None,
    start: datetime | None = _DEFAULT_START,
) -> Activity:
    """Simulate a runner doing `plan` with the given behaviour; returns a 1 Hz Activity.

    `noise` scales every random part (0 = exact paces). `distance_factor` stops the running part early (< 1)
    or carries on at the last step's pace (> 1). `pace_overrides` maps running-step index to a pace in s/km
    (behaviour "follow"/"hilly"). `hills` puts the run on the rolling course (default: only for "hilly").
    Example: ``simulate_run(plan, behaviour="too_fast", seed=3)``.
    """
    if behaviour not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {behaviour!r}; one of {', '.join(BEHAVIOURS)}")
    if not plan.running_steps:
        raise ValueError("the plan has no running steps to simulate")
    rng = np.random.default_rng(seed)
    hilly = behaviour == "hilly" if hills is None else hills
    pace_at = _pace_function(plan, behaviour, pace_overrides or {}, rng)
    run_m = plan.total_distance_m * distance_factor
    cooldown_steps = [step for step in plan.steps if step.kind is StepKind.COOLDOWN]
    cooldown_s = float(cooldown_steps[0].duration_s or 0.0) if (cooldown and cooldown_steps) else 0.0
    cooldown_pace = cooldown_steps[0].pace_s_per_km if cooldown_steps else 480.0

    times: list[float] = [0.0]
    distances: list[float] = [0.0]
    speeds: list[float] = [0.0]
    flat_speeds: list[float] = [0.0]
    wobble = 0.0
    clock_s = 0.0
    distance_m = 0.0
    flat_m = 0.0
    cooldown_start_s: float | None = None
    # The runner holds each intended pace like a watch's lap pace: the flat-equivalent distance behind or
    # ahead of where the pace would put them is made up over about CATCH_UP_S seconds.
    segment_pace = math.nan
    shocks: list[float] = []
    draw = 0
    segment_start_s = 0.0
    segment_start_flat_m = 0.0
    while True:
        running = distance_m < run_m - 1e-9
        if not running:
            if cooldown_start_s is None:
                cooldown_start_s = clock_s
            if clock_s - cooldown_start_s >= cooldown_s - 1e-9:
                break
        intended_pace = pace_at(distance_m, clock_s) if running else cooldown_pace
        if intended_pace != segment_pace:
            segment_pace, segment_start_s, segment_start_flat_m = intended_pace, clock_s, flat_m
        intended_speed = 1000.0 / intended_pace
        behind_m = segment_start_flat_m + (clock_s - segment_start_s) * intended_speed - flat_m
        if draw >= len(shocks):
            shocks = rng.normal(0.0, 0.011, 4096).tolist()
            draw = 0
        wobble = 0.9 * wobble + shocks[draw] * noise
        draw += 1
        flat_speed = max(intended_speed * (1.0 + wobble) + behind_m / CATCH_UP_S, 0.3)
        speed = flat_speed / float(cost_factor(_grade(distance_m, hilly))) if hilly else flat_speed
        step_s = 1.0
        if running and distance_m + speed > run_m:
            step_s = max((run_m - distance_m) / speed, 1e-3)
        distance_m = run_m if running and step_s < 1.0 else distance_m + speed
        flat_m += flat_speed * step_s
        clock_s += step_s
        times.append(clock_s)
        distances.append(distance_m)
        speeds.append(speed)
        flat_speeds.append(flat_speed)
    speeds[0] = speeds[1] if len(speeds) > 1 else 0.0
    flat_speeds[0] = flat_speeds[1] if len(flat_speeds) > 1 else 0.0
    time_arr = np.array(times)
    distance_arr = np.array(distances)
    speed_arr = np.array(speeds)
    flat_arr = np.array(flat_speeds)
    altitude = _altitude_m(distance_arr, hilly) + rng.normal(0.0, 0.1, len(time_arr)) * noise
    lat, lon = _positions(distance_arr)
    heart = _heart_rate(flat_arr, noise, rng)
    cadence = np.round(
        np.clip(150.0 + (speed_arr - 2.5) * 12.0, 120.0, 200.0) + rng.normal(0.0, 1.0, len(time_arr)) * noise
    )

    lead_s = device_lead_s(Format.FIT, SIMULATED_DEVICE)
    if ran_workout:
        boundaries = [float(edge) for edge in _step_edges_m(plan)[1:]]
        if distance_factor > 1.0:
            boundaries = [*boundaries[:-1], run_m]
        cooldown_step = len(plan.running_steps)
        laps = _laps(time_arr, distance_arr, boundaries, cooldown_start_s, cooldown_step, lead_s=lead_s)
        workout_steps = _workout_steps(plan)
    else:
        unit_m = plan.unit.metres
        boundaries = [unit_m * (k + 1) for k in range(int(distance_arr[-1] // unit_m) + 1)]
        laps = _laps(time_arr, distance_arr, boundaries, None, None, lead_s=lead_s)
        workout_steps = ()
    begin = start if start is not None else None
    activity = make_activity(
        time_arr,
        distance_m=distance_arr,
        speed_m_s=speed_arr,
        lat_deg=lat,
        lon_deg=lon,
        altitude_m=altitude,
        heart_rate_bpm=heart,
        cadence_spm=cadence,
        start=begin + timedelta(days=seed % 365) if begin is not None else None,
        format=Format.FIT,
        device=SIMULATED_DEVICE,
        workout_name="progression run" if ran_workout else "",
        source=f"simulate:{behaviour}:seed={seed}",
    )
    return replace(activity, laps=laps, workout_steps=workout_steps)
