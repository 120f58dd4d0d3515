"""The runner's profile: its checks and the fields a race result sets."""

from __future__ import annotations

from typing import Any

from progrun.errors import ProgrunError
from progrun.storage import Profile


class ProfileError(ProgrunError):
    """A profile value that cannot be right; `field` names the profile field (clients name it their way)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_profile(profile: Profile) -> None:
    """ProfileError when the values contradict each other (a maximum heart rate not above the resting one)."""
    if (
        profile.max_heart_rate_bpm
        and profile.resting_heart_rate_bpm
        and profile.max_heart_rate_bpm <= profile.resting_heart_rate_bpm
    ):
        raise ProfileError("max_heart_rate_bpm", "must be above the resting heart rate")


def race_profile_fields(distance_m: float, time_s: float) -> dict[str, Any]:
    """The profile fields a race result sets: VDOT, threshold pace and easy pace (s/km)."""
    from progrun.paces import training_paces_from_race

    paces = training_paces_from_race(distance_m, time_s)
    return {
        "vdot": paces.vdot,
        "threshold_s_per_km": paces.threshold_s_per_km,
        "easy_s_per_km": paces.easy_fast_s_per_km,
    }
