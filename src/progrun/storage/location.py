"""Where the embedded training log lives by default: the per-user data directory (platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs


def default_data_dir() -> Path:
    """The per-user data directory, e.g. `~/.local/share/progrun` on Linux."""
    return Path(platformdirs.user_data_dir("progrun", appauthor=False))
