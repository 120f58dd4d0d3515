"""What every page router shares: the Jinja2 templates and the request's training log.

`page_log` is the request's `TrainingLog`. Until web-core's signed-in dependency is merged it is the
one the app was given as `app.state.page_log` (a callable returning the log of the signed-in runner);
pages never open a store themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from fastapi import Request
from fastapi.templating import Jinja2Templates

from progrun.training_log import TrainingLog
from progrun.units import format_distance, format_duration, format_pace

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _pace(value: Any, unit: str = "km") -> str:
    return (
        format_pace(float(value), unit, suffix=False) if isinstance(value, int | float) and value > 0 else "–"
    )


def _duration(value: Any) -> str:
    return format_duration(float(value)) if isinstance(value, int | float) and value >= 0 else "–"


def _distance(value: Any, unit: str = "km") -> str:
    return format_distance(float(value), unit) if isinstance(value, int | float) else "–"


templates.env.filters["pace"] = _pace
templates.env.filters["duration"] = _duration
templates.env.filters["distance"] = _distance


def page_log(request: Request) -> Iterator[TrainingLog]:
    """The signed-in runner's training log for this request."""
    factory = request.app.state.page_log
    log = cast(TrainingLog, factory(request))
    yield log
