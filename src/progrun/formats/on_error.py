"""How strictly a reader treats damaged input."""

from __future__ import annotations

import enum


class OnError(enum.Enum):
    """What a reader does when a file is damaged.

    RAISE: refuse the whole file (the default); nothing partial is ever returned.
    WARN: return what is certain (for example the messages before a bad CRC) and say so in
    `Activity.warnings`.
    """

    RAISE = "raise"
    WARN = "warn"
