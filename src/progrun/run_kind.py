"""RunKind: what a logged run was, as the log stores it and the frequency guard reads it.

A `StrEnum`, so a kind is its JSON/database string ("progression", "easy", ...) and compares equal to it.
"""

from __future__ import annotations

import enum


class RunKind(enum.StrEnum):
    """The kind of a logged run."""

    #: A run salvaged from a damaged file: too little is known to say more.
    PARTIAL = "partial"
    #: A planned (linked) or detected progression run.
    PROGRESSION = "progression"
    #: An unplanned run at threshold pace or faster.
    THRESHOLD = "threshold"
    #: Everything else.
    EASY = "easy"
    #: A timed race effort (the demo's 5k time trials).
    TIME_TRIAL = "time trial"
    RACE = "race"
    INTERVAL = "interval"
    HARD = "hard"
