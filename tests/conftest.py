"""Shared test fixtures and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).parent
DATA = TESTS / "data"
#: The shared corpus beside the project (CI always has it). Copyleft files are used only from here.
SHARED = TESTS.parent.parent / "shared"
ACTIVITIES = SHARED / "data" / "activities"


@pytest.fixture(scope="session")
def activities_dir() -> Path:
    assert ACTIVITIES.is_dir(), f"the shared corpus is missing at {ACTIVITIES}"
    return ACTIVITIES
