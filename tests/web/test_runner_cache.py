"""Progress and advice kept per runner until the runner's data changes (`progrun.web.runner_cache`).

The runs are imported, re-analysed and the profile changed through another `Database` on the same
log, as a `progrun worker` or another server process does, so the app learns of each change only
through `runners.data_version`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from progrun.settings import Settings
from progrun.storage.database import Database
from progrun.training_log import TrainingLog
from progrun.web import WebConfig, create_app
from progrun.web.runner_cache import RunnerCache
from tests.synthetic_runs import BASE_START, gpx_text, progression_paces, synthetic_run
from tests.web.api_accounts import bearer, register

WEEKS = 5


def as_json(value: object) -> object:
    """A report's dict as the API answers it (NaN is null)."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return None if isinstance(value, float) and math.isnan(value) else value


def run_gpx(week: int) -> bytes:
    """Week `week`'s progression run (3 s/km faster each week), as GPX bytes."""
    return gpx_text(synthetic_run(BASE_START + timedelta(weeks=week), progression_paces(week))).encode()


@dataclass
class Site:
    client: TestClient
    headers: dict[str, str]
    cache: RunnerCache
    #: The same runner's log through another Database (another process's view).
    log: TrainingLog

    def get(self, path: str) -> dict[str, object]:
        answer = self.client.get(path, headers=self.headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, object] = answer.json()
        return body


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    app = create_app(Settings(db_url=url, data_dir=tmp_path), WebConfig(analysis_workers=1))
    with TestClient(app, base_url="http://testserver") as client, Database.open(url) as other:
        headers = bearer(register(client, "cache@example.com"))
        user = other.user_by_email("cache@example.com")
        runner = other.runner_of(user.id) if user is not None else None
        assert runner is not None
        yield Site(client, headers, app.state.progrun.runner_cache, TrainingLog(other.runner(runner.id)))


def test_progress_and_advice_follow_every_imported_run(site: Site) -> None:
    assert site.get("/api/progress")["weeks"] == []
    for week in range(WEEKS):
        version = site.log.store.data_version()
        assert site.log.import_bytes(f"week{week}.gpx", run_gpx(week)).imported == 1
        assert site.log.store.data_version() == version + 1
        misses = site.cache.misses
        progress = site.get("/api/progress")
        weeks = progress["weeks"]
        assert isinstance(weeks, list)
        assert [row["runs"] for row in weeks] == [1] * (week + 1)
        assert progress == as_json(site.log.progress_report().to_dict())
        advice = site.get("/api/next")
        assert advice == as_json(site.log.advice(date.fromisoformat(str(advice["today"]))).to_dict())
        assert site.cache.misses == misses + 2  # each computed once at the new version
        page = site.client.get("/progress", headers=site.headers)
        assert page.status_code == 200
        assert site.get("/api/progress") == progress and site.get("/api/next") == advice
        assert site.cache.misses == misses + 2  # the page and the repeats were kept ones
    version = site.log.store.data_version()
    assert site.log.import_bytes("again.gpx", run_gpx(0)).imported == 0  # a duplicate changes nothing
    assert site.log.store.data_version() == version
    misses = site.cache.misses
    site.get("/api/progress")
    assert site.cache.misses == misses


def test_profile_change_and_reanalysis_are_seen(site: Site) -> None:
    for week in range(WEEKS):
        site.log.import_bytes(f"week{week}.gpx", run_gpx(week))
    before = site.get("/api/progress")
    notes = before["notes"]
    assert isinstance(notes, list) and len(notes) == 2  # no threshold pace, no heart-rate values
    version = site.log.store.data_version()
    site.log.set_profile(
        max_heart_rate_bpm=190.0, resting_heart_rate_bpm=50.0
    )  # a field the analysis reads: re-analysed
    assert site.log.store.data_version() == version + 1 + WEEKS  # the profile, then each run
    after = site.get("/api/progress")
    assert after == as_json(site.log.progress_report().to_dict())
    assert isinstance(after["notes"], list) and len(after["notes"]) == 1
    version = site.log.store.data_version()
    assert site.log.reanalyse(everything=True).reanalysed == WEEKS
    assert site.log.store.data_version() == version + WEEKS


def test_cache_keeps_one_value_per_version_and_drops_the_least_recently_used() -> None:
    cache = RunnerCache(max_entries=3)
    computed: list[str] = []

    def compute(value: str) -> object:
        return lambda: computed.append(value) or value

    for runner in range(3):
        assert cache.get((runner, "progress"), 0, compute(f"r{runner}v0")) == f"r{runner}v0"
        assert cache.get((runner, "progress"), 0, compute("never")) == f"r{runner}v0"
    assert cache.get((0, "progress"), 1, compute("r0v1")) == "r0v1"  # a new version: computed again
    assert cache.get((0, "progress"), 1, compute("never")) == "r0v1"
    assert cache.get((3, "progress"), 0, compute("r3v0")) == "r3v0"  # a fourth key drops runner 1's
    assert cache.get((1, "progress"), 0, compute("r1v0 again")) == "r1v0 again"
    assert computed == ["r0v0", "r1v0", "r2v0", "r0v1", "r3v0", "r1v0 again"]
    # a slow request that read an older version does not replace the newer value kept meanwhile
    assert cache.get((0, "progress"), 0, compute("r0v0 late")) == "r0v0 late"
    assert cache.get((0, "progress"), 1, compute("never")) == "r0v1"
    assert (cache.hits, cache.misses) == (5, 7)
