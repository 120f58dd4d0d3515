"""Race-time predictions that are not VDOT: Riegel's power law and Cameron's model, as second opinions.

* Riegel (Runner's World 1977; "Athletic records and human endurance", American Scientist 1981):
  ``T2 = T1 × (D2 / D1) ** 1.06``. Fitted to world records; holds for efforts of about 3.5 minutes
  to about 4 hours and is usually optimistic for under-trained marathoners.
* Cameron (as implemented and tested in Runalyze, ``Prognosis/Cameron.php``):
  ``T2 = T1 × (D2 / D1) × a(D1) / a(D2)`` with
  ``a(d) = 13.49681 − 0.000030363 d + 835.7114 / d ** 0.7905`` (d in metres).

Distances in metres, times in seconds.
"""

from __future__ import annotations

import math

RIEGEL_EXPONENT = 1.06


def _check(distance_from_m: float, time_from_s: float, distance_to_m: float) -> None:
    for name, value in (
        ("distance_from_m", distance_from_m),
        ("time_from_s", time_from_s),
        ("distance_to_m", distance_to_m),
    ):
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, not {value!r}")


def riegel_time(distance_from_m: float, time_from_s: float, distance_to_m: float) -> float:
    """Seconds predicted for `distance_to_m` from a race of `distance_from_m` in `time_from_s` (Riegel).

    >>> round(riegel_time(5000, 1200, 10000))
    2502
    """
    _check(distance_from_m, time_from_s, distance_to_m)
    return time_from_s * float((distance_to_m / distance_from_m) ** RIEGEL_EXPONENT)


def _cameron_factor(distance_m: float) -> float:
    return 13.49681 - 0.000030363 * distance_m + 835.7114 / float(distance_m**0.7905)


def cameron_time(distance_from_m: float, time_from_s: float, distance_to_m: float) -> float:
    """Seconds predicted for `distance_to_m` from a race of `distance_from_m` in `time_from_s` (Cameron).

    >>> round(cameron_time(5000, 992, 10000))  # 5k 16:32 -> 10k 34:26
    2066
    """
    _check(distance_from_m, time_from_s, distance_to_m)
    return (
        time_from_s
        * (distance_to_m / distance_from_m)
        * _cameron_factor(distance_from_m)
        / _cameron_factor(distance_to_m)
    )
