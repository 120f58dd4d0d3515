"""Migration 0010: a log written before it keeps its heart rates under the new names."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from progrun.storage import Store
from progrun.storage.opening import _config
from progrun.storage.records import Profile


def test_an_older_log_keeps_the_runners_heart_rates_and_the_runs_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    with Store.open(url) as store:
        store.set_profile(Profile(name="Ann", max_heart_rate_bpm=188, resting_heart_rate_bpm=48))
    engine = create_engine(url)
    with engine.begin() as connection:  # back to the log as revision 0009 wrote it
        config = _config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0009_deflate_sha256")
        raw = connection.execute(text("SELECT profile_json FROM runners")).scalar_one()
        columns = {row[1] for row in connection.execute(text("PRAGMA table_info(activities)"))}
    assert '"hr_max_bpm": 188' in raw and '"hr_rest_bpm": 48' in raw
    assert {"avg_hr_bpm", "max_hr_bpm"} <= columns
    with Store.open(url) as store:
        profile = store.profile()
    with engine.connect() as connection:
        columns = {row[1] for row in connection.execute(text("PRAGMA table_info(activities)"))}
        split_columns = {row[1] for row in connection.execute(text("PRAGMA table_info(splits)"))}
    engine.dispose()
    assert (profile.max_heart_rate_bpm, profile.resting_heart_rate_bpm) == (188, 48)
    assert {"heart_rate_avg_bpm", "heart_rate_max_bpm"} <= columns and "avg_hr_bpm" not in columns
    assert "heart_rate_avg_bpm" in split_columns
