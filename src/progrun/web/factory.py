"""The app built from the environment, for `progrun serve --workers N` (each server process builds one)."""

from __future__ import annotations

from fastapi import FastAPI

from progrun.settings import Settings
from progrun.web import WebConfig, create_app


def app_from_environment() -> FastAPI:
    """`PROGRUN_DB`, `PROGRUN_BROKER` and `PROGRUN_DATA_DIR`, as `progrun serve` set them."""
    from progrun.web.operations import configure_json_logs

    configure_json_logs()
    settings = Settings.from_environment()
    return create_app(settings, WebConfig(broker_url=settings.broker_url))
