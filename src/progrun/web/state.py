"""What the app holds for its lifetime: the database (one per process), limits, templates, pool, caches."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.templating import Jinja2Templates

from progrun.settings import Settings
from progrun.storage.database import Database
from progrun.web.config import WebConfig
from progrun.web.limits import RateLimiter

if TYPE_CHECKING:
    from progrun.web.analysis import Analysis
    from progrun.web.runner_cache import RunnerCache


def _runner_cache() -> RunnerCache:
    from progrun.web.runner_cache import RunnerCache

    return RunnerCache()


WEB_DIR = Path(__file__).parent


@dataclass
class AppState:
    settings: Settings
    config: WebConfig
    database: Database
    templates: Jinja2Templates
    sign_in_limiter: RateLimiter
    upload_limiter: RateLimiter
    analysis: Analysis | None = None
    #: Progress reports and advice by runner, until their data changes (`progrun.web.runner_cache`).
    runner_cache: RunnerCache = field(default_factory=_runner_cache)
    extra: dict[str, object] = field(default_factory=dict)


def app_state(request: Request) -> AppState:
    """The app's state (a FastAPI dependency)."""
    state: AppState = request.app.state.progrun
    return state
