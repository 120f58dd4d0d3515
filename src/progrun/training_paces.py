"""TrainingPaces: the paces a runner trains at, whether derived from a race or entered by hand.

`progrun.paces` computes them from a race result (Daniels–Gilbert VDOT) or checks paces a runner
enters; the planner reads them. All paces are seconds per kilometre.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The published tables (*Daniels' Running Formula*, 3rd ed., 2014) run from VDOT 30 to 85; outside
#: them progrun extrapolates the formulas and says so.
TABLE_MIN_VDOT = 30.0
TABLE_MAX_VDOT = 85.0

#: The long-race slowdown of marathon (M) pace. The book's M pace equals the marathon race-equivalent
#: pace while the marathon takes up to about 3 hours (VDOT 45 and up), and is slower than it for slower
#: runners: 10.9 s/km at VDOT 30, 5.8 at 35, 2.5 at 40 (sports-science.md section 1.3). progrun adds
#: `MARATHON_SLOWDOWN_S_PER_KM * (hours beyond MARATHON_SLOWDOWN_FROM_S) ** MARATHON_SLOWDOWN_POWER`
#: to the race-equivalent pace. The three numbers are a least-squares-of-the-worst-error fit to the M
#: column of the 3rd-edition pace table, VDOT 30 to 85 (every row; tests/test_paces.py carries it):
#: the largest difference is 0.62 s/km, where the table itself is rounded to the second. Below a
#: 3:20 marathon (VDOT 47 and up) M pace is the race-equivalent pace, as before.
MARATHON_SLOWDOWN_FROM_S = 200.0 * 60.0
MARATHON_SLOWDOWN_S_PER_KM = 6.7
MARATHON_SLOWDOWN_POWER = 1.25
#: The slowest marathon of the tables (VDOT 30, 4:49:17): beyond it there is nothing to fit, so the
#: slowdown is held at its value there (11.1 s/km) rather than extrapolated.
MARATHON_SLOWDOWN_UNTIL_S = 4 * 3600.0 + 49 * 60.0 + 17.0


def marathon_slowdown_s_per_km(marathon_time_s: float) -> float:
    """How much slower than the marathon race-equivalent pace M pace is, s/km (0 up to a 3:20 marathon).

    >>> round(marathon_slowdown_s_per_km(4 * 3600 + 49 * 60 + 17), 1)  # VDOT 30: 4:49:17
    11.1
    """
    held = min(marathon_time_s, MARATHON_SLOWDOWN_UNTIL_S)
    hours_beyond = max(0.0, held - MARATHON_SLOWDOWN_FROM_S) / 3600.0
    return MARATHON_SLOWDOWN_S_PER_KM * float(hours_beyond**MARATHON_SLOWDOWN_POWER)


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
