"""The plan builder's issue-15 fields with TestClient: heart-rate guidance, treadmill, conditions and a GPX
route give the numbers `plan_from_request` gives for the same request (the CLI's path)."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from progrun.coaching.sessions import SessionSpec, plan_for
from progrun.formats.gpx_route import read_route
from progrun.heart_rate import hr_bands_of
from progrun.judge import judge
from progrun.judge_heart_rate import heart_rate_verdict
from progrun.paces import training_paces_for_vdot
from progrun.plan_io import plan_rows
from progrun.plan_request import PlanRequest, plan_from_request
from progrun.settings import Settings
from progrun.simulate import simulate_run
from progrun.storage.store import Store
from progrun.training_log import TrainingLog
from progrun.treadmill import treadmill_card
from progrun.web import WebConfig, create_app
from tests.heart_rate_traces import with_heart_rate_trace
from tests.route_builders import piecewise_elevation, route_gpx
from tests.synthetic_runs import fit_bytes, gpx_text

BASE = {"race": "5k=20:00", "distance": "5mi"}


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(db_url=f"sqlite:///{tmp_path}/log.db", data_dir=tmp_path), WebConfig())
    with TestClient(app, base_url="http://testserver") as test_client:
        assert register(test_client, "ann@example.org") == 303
        yield test_client


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def register(client: TestClient, email: str, password: str = "a long enough password") -> int:
    form = {"csrf_token": csrf(client, "/register"), "email": email, "password": password, "name": "Ann"}
    return client.post("/register", data=form, follow_redirects=False).status_code


def cells(page: str, table_id: str, column: int) -> list[str]:
    """The texts of one column of a table's body rows (the row header is column 0)."""
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.S)
    assert table is not None, f"no table {table_id}"
    body = table.group(1).split("<tbody>")[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [html.unescape(re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)[column]) for row in rows]


@pytest.mark.parametrize(
    "hr_fields",
    [
        {"max_hr": "190", "resting_hr": "50"},
        {"max_hr": "175", "resting_hr": "62"},
        {"lthr": "150"},
        {"lthr": "178"},
    ],
)
def test_heart_rate_fields_give_the_hr_column_of_plan_from_request(
    client: TestClient, hr_fields: dict[str, str]
) -> None:
    page = client.get("/plan/preview", params=BASE | hr_fields).text
    plan, _ = plan_from_request(PlanRequest(**BASE, **hr_fields))  # type: ignore[arg-type]
    bands = hr_bands_of(plan)
    assert bands is not None
    expected = [f"{b.low_bpm:.0f}-{b.high_bpm:.0f} {b.zone}" if b else "-" for b in bands]
    assert cells(page, "plan-table", 4) == expected
    assert cells(page, "plan-table", 2) == [row.pace_text for row in plan_rows(plan)]
    assert "HR bpm" not in client.get("/plan/preview", params=BASE).text


@pytest.mark.parametrize(("unit", "label"), [("kmh", "km/h"), ("mph", "mph")])
def test_treadmill_field_shows_the_card_of_treadmill_card(client: TestClient, unit: str, label: str) -> None:
    page = client.get("/plan/preview", params=BASE | {"treadmill": unit}).text
    plan, _ = plan_from_request(PlanRequest(**BASE, treadmill=unit))
    card = treadmill_card(plan, unit)
    assert f"Speed {label}" in page
    assert cells(page, "treadmill-card", 2) == [f"{row.speed:.1f}" for row in card.rows]
    assert cells(page, "treadmill-card", 3) == [f"{row.incline_percent:g}" for row in card.rows]
    assert [float(speed) for speed in cells(page, "treadmill-card", 2)][:-1] == sorted(
        float(speed) for speed in cells(page, "treadmill-card", 2)[:-1]
    )  # the belt speeds climb to the target, the cooldown last


@pytest.mark.parametrize(
    "conditions",
    [
        {"temperature": "30C", "dew_point": "22C"},
        {"temperature": "86F", "dew_point": "75F"},
        {"altitude": "2000m"},
    ],
)
def test_conditions_slow_the_paces_and_say_why(client: TestClient, conditions: dict[str, str]) -> None:
    page = client.get("/plan/preview", params=BASE | conditions).text
    plan, _ = plan_from_request(PlanRequest(**BASE, **conditions))
    plain, _ = plan_from_request(PlanRequest(**BASE))
    assert cells(page, "plan-table", 2) == [row.pace_text for row in plan_rows(plan)]
    assert plan.steps[0].pace_s_per_km > plain.steps[0].pace_s_per_km
    shown = re.search(r'<ul class="reasons" id="plan-reasons">(.*?)</ul>', page, re.S)
    assert shown is not None
    assert re.findall(r"<li>(.*?)</li>", html.unescape(shown.group(1))) == list(plan.reasons)


def test_a_bad_heart_rate_names_its_field(client: TestClient) -> None:
    page = client.get("/plan/preview", params=BASE | {"max_hr": "140", "resting_hr": "105"}).text
    assert "<strong>resting_hr</strong>" in page and "within 40 bpm" in page


def test_a_route_posted_with_its_token_gives_the_route_aware_plan_and_saves_it(client: TestClient) -> None:
    gpx = route_gpx(8000.0, piecewise_elevation([0.0, 0.04, -0.04, 0.0], 2000.0))
    fields = {"race": "5k=20:00", "distance": "", "max_hr": "190", "resting_hr": "50"}
    token = csrf(client, "/plan")
    files = {"route": ("hills.gpx", gpx, "application/gpx+xml")}
    answer = client.post(
        "/plan/route",
        data=fields | {"csrf_token": token, "save": "1"},
        files=files,
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200, answer.text
    plan, _ = plan_from_request(
        PlanRequest(race="5k=20:00", max_hr="190", resting_hr="50", route=read_route(gpx, name="hills.gpx"))
    )
    assert cells(answer.text, "plan-table", 2) == [row.pace_text for row in plan_rows(plan)]
    assert "Over the route hills.gpx" in answer.text
    saved = re.search(r"/api/plans/(\d+)/export/json", answer.text)
    assert saved is not None
    stored = client.get(f"/api/plans/{saved.group(1)}").json()
    assert [round(step["pace_s_per_km"], 6) for step in stored["steps"]] == [
        round(step.pace_s_per_km, 6) for step in plan.steps
    ]
    forged = client.post("/plan/route", data=fields | {"csrf_token": "forged"}, files=files)
    assert forged.status_code == 403


def test_a_file_that_is_not_a_route_is_named(client: TestClient) -> None:
    token = csrf(client, "/plan")
    files = {"route": ("notes.gpx", b"not xml at all", "application/gpx+xml")}
    answer = client.post("/plan/route", data=BASE | {"csrf_token": token}, files=files)
    assert answer.status_code == 422 and "notes.gpx" in answer.text
    assert 'id="plan-form"' in answer.text  # without HTMX the whole page comes back, the form kept


@pytest.mark.parametrize("runs", [0, 1, 2])
def test_the_next_page_says_why_as_next_json_does(client: TestClient, runs: int) -> None:
    """No run, one run and two runs held to their plans: the page's "Why:" is `next --json`'s sentence."""
    state = client.app.state.progrun  # type: ignore[attr-defined]
    user = client.get("/api/auth/me").json()
    store = state.database.runner(user["runner_id"])
    today = date.today()
    for days_ago in range(runs * 3, 0, -3):
        day = today - timedelta(days=days_ago)
        plan = plan_for(training_paces_for_vdot(50.0), SessionSpec(day, "4mi"))
        store.add_plan(plan, planned_on=day)
        activity = simulate_run(plan, start=datetime.combine(day, time(7), UTC))
        TrainingLog(store).import_bytes(f"run{days_ago}.gpx", gpx_text(activity).encode())
    adaptation = client.get("/api/next").json()["adaptation"]
    page = client.get("/next").text
    shown = re.search(r'<p class="meta" id="next-why">(.*?)</p>', page, re.S)
    assert shown is not None
    assert html.unescape(shown.group(1)) == f"Why: {adaptation['sentence']}"
    assert (adaptation["rule"], adaptation["tempo_splits"]) == [("hold", 1), ("hold", 2), ("advance", 3)][
        runs
    ]


def _store_of(client: TestClient) -> Store:
    state = client.app.state.progrun  # type: ignore[attr-defined]
    store: Store = state.database.runner(client.get("/api/auth/me").json()["runner_id"])
    return store


@pytest.mark.parametrize(
    ("hr_fields", "offsets"), [({"max_hr": "190", "resting_hr": "50"}, {}), ({"lthr": "170"}, {0: 15.0})]
)
def test_a_run_of_an_hr_guided_plan_shows_its_hr_verdict(
    client: TestClient, hr_fields: dict[str, str], offsets: dict[int, float]
) -> None:
    store = _store_of(client)
    day = date.today() - timedelta(days=1)
    plan, _ = plan_from_request(PlanRequest(race="5k=20:00", distance="5mi", **hr_fields))  # type: ignore[arg-type]
    run = simulate_run(plan, start=datetime.combine(day, time(7), UTC), seed=5, ran_workout=False, noise=0.3)
    assert run.start is not None
    store.add_plan(plan, planned_on=run.start.date())  # simulate_run moves the start by `seed` days
    TrainingLog(store).import_bytes("hr.fit", fit_bytes(with_heart_rate_trace(run, plan, offsets, 1)))
    run_id = store.list_activities()[0].id
    expected = heart_rate_verdict(plan, judge(plan, store.load_activity(run_id)))
    assert expected is not None
    page = client.get(f"/runs/{run_id}").text
    score = re.search(r'<strong id="hr-score">([\d.]+)</strong>', page)
    assert score is not None and float(score.group(1)) == pytest.approx(expected.score, abs=0.05)
    assert [f"{s.average_bpm:.0f}" for s in expected.splits] == cells(page, "hr-table", 2)
    assert 'id="no-gps"' not in page


def test_a_run_without_gps_says_so_and_a_plain_plan_has_no_hr_verdict(client: TestClient) -> None:
    store = _store_of(client)
    day = date.today() - timedelta(days=1)
    plan, _ = plan_from_request(PlanRequest(race="5k=20:00", distance="5mi", treadmill="kmh"))
    run = simulate_run(plan, start=datetime.combine(day, time(7), UTC))
    store.add_plan(plan, planned_on=day)
    indoor = dataclasses.replace(
        run, lat_deg=np.full(run.records, np.nan), lon_deg=np.full(run.records, np.nan)
    )
    TrainingLog(store).import_bytes("treadmill.fit", fit_bytes(indoor))
    page = client.get(f"/runs/{store.list_activities()[0].id}").text
    assert 'id="no-gps"' in page and "belt distance / watch distance" in page
    assert 'id="hr-verdict"' not in page and '<svg class="route"' not in page


def test_the_report_carries_the_talk_and_the_nav_points_to_coach(client: TestClient) -> None:
    store = _store_of(client)
    plan, _ = plan_from_request(PlanRequest(race="5k=20:00", distance="5mi"))
    TrainingLog(store).import_bytes("run.gpx", gpx_text(simulate_run(plan)).encode())
    run_id = store.list_activities()[0].id
    page = client.get(f"/runs/{run_id}").text
    assert '<a href="/coach">Coach</a>' in page and "No comments yet." in page
    token = csrf(client, f"/runs/{run_id}")
    posted = client.post(
        f"/runs/{run_id}/talk",
        data={"csrf_token": token, "body": "legs felt heavy at 4 mi"},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert "legs felt heavy at 4 mi" in client.get(f"/runs/{run_id}").text
