"""Shared test helpers (moved from test_plan_io.py so tests never import from another test module)."""

from __future__ import annotations

from progrun.training_paces import TrainingPaces

TOP_KEYS = {
    "version",
    "unit",
    "steps",
    "total_distance_m",
    "estimated_time_s",
    "tempo_time_s",
    "warnings",
    "reasons",
    "start_s_per_km",
    "target_s_per_km",
    "step_s",
    "tempo_splits",
    "threshold_s_per_km",
    "start_kind",
    "target_kind",
    "options",
    "name",
}


STEP_KEYS = {"kind", "pace_s_per_km", "low_s_per_km", "high_s_per_km", "cue", "expected_time_s"}


# Daniels paces (s/km) for a 5k in 20:00 (VDOT 49.8) and a 10k in 50:00 (VDOT 40.0), written out by hand
# so these tests do not depend on the pace engine.
FIVE_K_20 = TrainingPaces(
    easy_slow_s_per_km=334.843,
    easy_fast_s_per_km=296.194,
    marathon_s_per_km=272.003,
    threshold_s_per_km=256.024,
    interval_s_per_km=235.735,
    repetition_s_per_km=220.412,
    race_10k_s_per_km=248.785,
    race_5k_s_per_km=240.0,
    vdot=49.81,
)


TEN_K_50 = TrainingPaces(
    easy_slow_s_per_km=398.199,
    easy_fast_s_per_km=352.909,
    marathon_s_per_km=326.437,
    threshold_s_per_km=305.502,
    interval_s_per_km=281.431,
    repetition_s_per_km=261.431,
    race_10k_s_per_km=300.0,
    race_5k_s_per_km=289.170,
    vdot=40.01,
)


def paces_for(vdot_like: float, *, easy_width: float = 0.12, marathon_gap: float = 0.09) -> TrainingPaces:
    """A consistent pace set around a 10k pace of `vdot_like` s/km (Daniels' ratios, roughly)."""
    ten_k = vdot_like
    easy_fast = ten_k * 1.19
    return TrainingPaces(
        easy_slow_s_per_km=easy_fast * (1 + easy_width),
        easy_fast_s_per_km=easy_fast,
        marathon_s_per_km=ten_k * (1 + marathon_gap),
        threshold_s_per_km=ten_k * 1.03,
        interval_s_per_km=ten_k * 0.95,
        repetition_s_per_km=ten_k * 0.89,
        race_10k_s_per_km=ten_k,
        race_5k_s_per_km=ten_k * 0.965,
    )
