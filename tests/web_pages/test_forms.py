"""The page forms with FastAPI's TestClient: sign-in required, CSRF required, bad fields named."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from progrun.settings import Settings
from progrun.web import WebConfig, create_app

PAGES = ("/paces", "/plan", "/upload", "/history", "/progress", "/next", "/block", "/profile", "/runs/1")


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(db_url=f"sqlite:///{tmp_path}/log.db", data_dir=tmp_path), WebConfig())
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def register(client: TestClient, email: str, password: str = "a long enough password") -> int:
    token = csrf(client, "/register")
    form = {"csrf_token": token, "email": email, "password": password, "name": "Ann"}
    return client.post("/register", data=form, follow_redirects=False).status_code


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_an_anonymous_visitor_to_sign_in(client: TestClient, path: str) -> None:
    answer = client.get(path, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")


def test_register_refuses_a_taken_address_and_a_form_without_its_token(client: TestClient) -> None:
    assert register(client, "ann@example.org") == 303
    client.cookies.delete("progrun_session")
    answer = client.post(
        "/register",
        data={
            "csrf_token": csrf(client, "/register"),
            "email": "ann@example.org",
            "password": "another long one",
        },
    )
    assert answer.status_code == 422 and "email" in answer.text and "exists" in answer.text
    forged = client.post(
        "/register", data={"csrf_token": "forged", "email": "b@example.org", "password": "x" * 9}
    )
    assert forged.status_code == 403


def test_profile_names_the_field_out_of_range_and_needs_the_csrf_token(client: TestClient) -> None:
    assert register(client, "cy@example.org") == 303
    token = csrf(client, "/profile")
    fields = {"name": "Cy", "max_heart_rate_bpm": "260", "units": "km"}
    answer = client.post("/profile", data={"csrf_token": token, **fields})
    assert answer.status_code == 422 and "max_heart_rate_bpm" in answer.text and "100-230" in answer.text
    answer = client.post(
        "/profile",
        data={
            "csrf_token": token,
            **fields,
            "max_heart_rate_bpm": "150",
            "resting_heart_rate_bpm": "60",
            "threshold_pace": "4:30",
        },
    )
    assert answer.status_code == 200 and 'value="4:30/km"' in answer.text
    assert client.post("/profile", data=fields).status_code == 403
    block = client.get("/block")
    assert "no fitness to build from" in block.text  # a threshold pace alone gives no VDOT
