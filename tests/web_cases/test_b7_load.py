"""Catalogue B7 cases 105, 109 and 110, scaled to a test (threads on TestClient, one analysis worker):
the counts must be exact; no figure here is a time. The full-size run of 105 is `benchmarks/load_test.py`;
cases 106-108 are `test_b7_load_cases.py` and `benchmarks/web_load_cases.py`; see docs/web.md "Bad input"."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from garmin_fit_sdk import Decoder, Stream

from tests.tasks.conftest import distinct_gpx
from tests.web.api_accounts import bearer, register
from tests.web_cases.conftest import wait_done


def test_case_105_concurrent_distinct_uploads_give_one_row_each(client: TestClient) -> None:
    tokens = [register(client, f"load{n}@x.org") for n in range(4)]
    jobs = [(tokens[n % 4], 100 + n) for n in range(16)]

    def upload(job: tuple[str, int]) -> tuple[str, str, int]:
        token, index = job
        answer = client.post(
            "/api/runs", files={"file": (f"r{index}.gpx", distinct_gpx(index))}, headers=bearer(token)
        )
        assert answer.status_code == 202, answer.text
        return token, answer.json()["id"], answer.status_code

    with ThreadPoolExecutor(8) as pool:
        queued = list(pool.map(upload, jobs))
    outcomes = [wait_done(client, token, upload_id) for token, upload_id, _ in queued]
    assert [outcome["status"] for outcome in outcomes] == ["done"] * 16
    for token in tokens:
        assert client.get("/api/runs", headers=bearer(token)).json()["total"] == 4


def test_case_109_a_duplicate_storm_stores_each_file_once_per_runner(client: TestClient) -> None:
    tokens = [register(client, f"storm{n}@x.org") for n in range(3)]
    files = {index: distinct_gpx(index) for index in range(200, 204)}
    jobs = [(token, index, copy) for token in tokens for index in files for copy in range(3)]

    def upload(job: tuple[str, int, int]) -> tuple[str, str]:
        token, index, copy = job
        answer = client.post(
            "/api/runs", files={"file": (f"same{index}-{copy}.gpx", files[index])}, headers=bearer(token)
        )
        assert answer.status_code == 202, answer.text
        return token, answer.json()["id"]

    with ThreadPoolExecutor(8) as pool:
        queued = list(pool.map(upload, jobs))
    assert len(queued) == 36
    for token, upload_id in queued:
        assert wait_done(client, token, upload_id)["status"] in {"done", "failed"}
    for token in tokens:
        listing = client.get("/api/runs", headers=bearer(token)).json()
        assert listing["total"] == len(files), listing


def workout_steps(fit: bytes) -> list[tuple[object, ...]]:
    """The workout's steps (the file's creation time differs by the second between exports)."""
    messages, errors = Decoder(Stream.from_byte_array(fit)).read()
    assert errors == []
    return [
        (step["wkt_step_name"], step.get("custom_target_speed_low"), step.get("custom_target_speed_high"))
        for step in messages["workout_step_mesgs"]
    ]


def test_case_110_concurrent_exports_never_mix_users(client: TestClient) -> None:
    plans = {}
    for email, race in (("exportA@x.org", "5k=19:00"), ("exportB@x.org", "10k=55:00")):
        token = register(client, email)
        plan = client.post("/api/plans", json={"race": race, "distance": "5mi"}, headers=bearer(token)).json()
        fit = client.get(f"/api/plans/{plan['id']}/export/fit", headers=bearer(token)).content
        plans[token] = (plan["id"], workout_steps(fit))
    first, second = plans.values()
    assert len(first[1]) == 6 and first[1] != second[1]  # five mile splits and the cooldown, per runner

    def export(token: str) -> bool:
        plan_id, expected = plans[token]
        answer = client.get(f"/api/plans/{plan_id}/export/fit", headers=bearer(token))
        return answer.status_code == 200 and workout_steps(answer.content) == expected

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(export, [token for token in plans for _ in range(50)]))
    assert results == [True] * 100
