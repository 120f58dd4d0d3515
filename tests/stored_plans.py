"""Helpers for tests of stored plans: a plan row an older progrun wrote that no longer reads as a plan."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from progrun.storage import Store


def add_unreadable_plan(store: Store, planned_on: date) -> None:
    """A plan row whose JSON does not parse, as a damaged or much older log may hold."""
    with store.database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO plans (runner_id, planned_on, name, plan_json, created_at) "
                "VALUES (:runner, :day, 'broken', '{not json', :now)"
            ),
            {"runner": store.runner_id, "day": planned_on, "now": datetime.now(UTC)},
        )
