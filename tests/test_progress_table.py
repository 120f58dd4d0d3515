"""The progress table: the latest PROGRESS_WEEKS_SHOWN weeks unless --all; the trend over every week."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from rich.console import Console

from progrun.cli.progress_commands import PROGRESS_WEEKS_SHOWN, print_progress
from progrun.progression_trend import ProgressionRun, weekly_trend
from progrun.training_log.views import ProgressView

FIRST_MONDAY = date(2020, 1, 6)


def _view(weeks: int) -> ProgressView:
    """One progression run a week, 0.5 s/km faster each week."""
    runs = [
        ProgressionRun(FIRST_MONDAY + timedelta(weeks=week, days=2), 300.0 - 0.5 * week, 80.0, None, 2)
        for week in range(weeks)
    ]
    return ProgressView(tuple(runs), weekly_trend(runs), 310.0, 300.0)


def _shown_weeks(view: ProgressView, *, every_week: bool) -> list[str]:
    out = io.StringIO()
    print_progress(view, "km", Console(file=out, width=200), every_week=every_week)
    text = out.getvalue()
    return [row.week_start.isoformat() for row in view.trend.weeks if row.week_start.isoformat() in text]


@pytest.mark.parametrize("weeks", [1, 30, PROGRESS_WEEKS_SHOWN, PROGRESS_WEEKS_SHOWN + 1, 120, 715])
def test_the_table_shows_the_latest_weeks_unless_all(weeks: int) -> None:
    view = _view(weeks)
    every = [row.week_start.isoformat() for row in view.trend.weeks]
    assert len(every) == weeks
    assert _shown_weeks(view, every_week=False) == every[-PROGRESS_WEEKS_SHOWN:]
    assert _shown_weeks(view, every_week=True) == every
    # The trend is the slope over every week, whatever the table shows.
    assert view.trend.pace_change_s_per_km_per_week == pytest.approx(
        -0.5 if weeks > 1 else float("nan"), nan_ok=True
    )
