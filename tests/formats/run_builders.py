"""Shared test helpers (moved from test_fit_writer.py so tests never import from another test module)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from progrun.activity import Activity, Lap, LapTrigger, Pause, WorkoutStep, make_activity

START = datetime(2024, 5, 1, 7, 0, tzinfo=UTC)


def synthetic_run(n: int = 600, *, start: datetime | None = START) -> Activity:
    time_s = np.arange(n, dtype=np.float64)
    speed = np.linspace(2.8, 3.6, n)
    distance = np.concatenate([[0.0], np.cumsum((speed[1:] + speed[:-1]) / 2)])
    heart_rate = np.round(130 + time_s / 20)
    if n > 10:
        heart_rate[10] = np.nan  # a dropout: written as the FIT invalid value
    half = n // 2
    return make_activity(
        time_s,
        start=start,
        distance_m=distance,
        speed_m_s=speed,
        lat_deg=51.5 + distance * 1e-5,
        lon_deg=-0.1 + distance * 2e-5,
        altitude_m=20 + np.sin(time_s / 50),
        heart_rate_bpm=heart_rate,
        cadence_spm=np.full(n, 171.0),
        pauses=(Pause(100.0, 130.0),),
        laps=(
            Lap(
                0,
                0.0,
                float(half),
                float(half) - 30,
                round(float(distance[half]), 2),
                LapTrigger.DISTANCE,
                "running",
                "active",
                0,
            ),
            Lap(
                1,
                float(half),
                float(n - 1 - half),
                float(n - 1 - half),
                round(float(distance[-1] - distance[half]), 2),
                LapTrigger.SESSION_END,
                "running",
                "active",
                1,
            ),
        ),
        workout_steps=(
            WorkoutStep(0, "easy", "distance", 1000.0, "speed", 2.8, 3.0, "active"),
            WorkoutStep(1, "tempo", "open", None, "open", None, None, "active"),
        ),
        workout_name="progression",
        device="garmin fr945",
    )
