"""TrainingPaces: the paces a runner trains at, whether derived from a race or entered by hand.

`progrun.paces` computes them from a race result (Daniels–Gilbert VDOT) or checks paces a runner
enters; the planner reads them. All paces are seconds per kilometre.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The paces a TrainingPaces holds, slow to fast; field names are these plus "_s_per_km".
PACE_NAMES: tuple[str, ...] = (
    "easy_slow",
    "easy_fast",
    "marathon",
    "threshold",
    "interval",
    "repetition",
    "race_10k",
    "race_5k",
)


@dataclass(frozen=True)
class TrainingPaces:
    """Training paces in s/km. `easy_slow` > `easy_fast` > `marathon` > `threshold` > ... (slow to fast).

    `vdot` is the race VDOT, or for entered paces the VDOT fitted to them
    (None when only an easy pace is known).
    A pace the runner did not give and that cannot be derived is None.
    """

    easy_slow_s_per_km: float | None
    easy_fast_s_per_km: float | None
    marathon_s_per_km: float | None
    threshold_s_per_km: float | None
    interval_s_per_km: float | None
    repetition_s_per_km: float | None
    race_10k_s_per_km: float | None
    race_5k_s_per_km: float | None
    vdot: float | None = None
    source: str = ""
    warnings: tuple[str, ...] = ()
