"""Catalogue B5 body cases (85, 90 and the JSON/Unicode ones of 79-80): bombs, NUL, caps, no leaks."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.api_accounts import PASSWORD, bearer, register

JSON = {"Content-Type": "application/json"}
#: What no error body may hold (case 90): tracebacks, file-system paths, SQL.
LEAKS = ("Traceback", 'File "', "/work/", "site-packages", "sqlite", "SELECT ", "INSERT ", "psycopg")


def assert_clear(body: dict[str, object]) -> None:
    assert set(body) == {"error", "field", "suggestions"}
    text = str(body)
    assert not [leak for leak in LEAKS if leak in text], text


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_case_090_deeply_nested_json_is_refused_clearly(client: TestClient, depth: int) -> None:
    token = register(client, f"nested{depth}@x.org")
    body = b'{"race": ' + b"[" * depth + b"]" * depth + b"}"
    answer = client.post("/api/plans", content=body, headers={**JSON, **bearer(token)})
    assert answer.status_code in {400, 422}
    assert_clear(answer.json())
    if answer.status_code == 400:  # Python's parser gave up (RecursionError)
        assert answer.json()["error"].startswith("the request body could not be read (nested too deeply")
    else:
        assert answer.json()["field"] == "race"


@pytest.mark.parametrize(
    ("number", "status"),
    [(b"1" * 5_000, 400), (b"1e999999", 422), (b"-" + b"9" * 4_000, 422)],
)
def test_case_090_huge_numbers_are_refused_clearly(client: TestClient, number: bytes, status: int) -> None:
    token = register(client, f"number{len(number)}@x.org")
    body = b'{"race": "5k=22:30", "distance": ' + number + b"}"
    answer = client.post("/api/plans", content=body, headers={**JSON, **bearer(token)})
    assert answer.status_code == status, answer.text
    assert_clear(answer.json())
    if status == 422:
        assert answer.json()["field"] == "distance"
    else:  # over Python's 4300-digit limit for int()
        assert "a number too long" in answer.json()["error"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Ann\x00"), ("name", "Ann\x1b[2J"), ("name", "line\nbreak"), ("email", "a\x00b@x.org")],
)
def test_case_080_nul_and_control_characters_in_account_fields_are_422(
    client: TestClient, field: str, value: str
) -> None:
    body = {"email": f"ctl{len(value)}{field}@x.org", "password": PASSWORD, "name": "Ann", field: value}
    answer = client.post("/api/auth/register", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    assert_clear(answer.json())
    if field == "email":
        assert answer.json()["error"] == (
            "email: 'a\\x00b@x.org' is not in the form it needs, or holds a space or control character"
        )
    else:
        assert answer.json()["error"] == "name: holds control characters; write it on one line"


@pytest.mark.parametrize("name", ["Zoë Ødegård", "李小龙", "🏃‍♀️ Run Club", "\u202eevil"])
def test_case_080_unicode_names_are_kept_as_data_and_escaped(client: TestClient, name: str) -> None:
    email = f"uni{abs(hash(name)) % 10**8}@x.org"
    answer = client.post("/api/auth/register", json={"email": email, "password": PASSWORD, "name": name})
    if not name.isprintable():  # a right-to-left override would disguise the name on screen
        assert answer.status_code == 422 and answer.json()["field"] == "name"
        return
    assert answer.status_code == 201 and answer.json()["name"] == name
    login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert client.get("/api/auth/me", headers=bearer(login.json()["token"])).json()["name"] == name
    client.cookies.clear()


@pytest.mark.parametrize(
    "data",
    [
        {"email": "nul\x00@x.org", "password": PASSWORD},
        {"email": "a@x.org", "password": "p\x00" * 600},
        {"email": "é" * 400 + "@x.org", "password": PASSWORD},
    ],
)
def test_case_080_sign_in_form_with_nul_or_huge_fields_is_a_page_not_a_traceback(
    client: TestClient, data: dict[str, str]
) -> None:
    client.cookies.clear()
    client.get("/login")
    answer = client.post("/login", data={**data, "csrf_token": client.cookies["progrun_csrf"]})
    client.cookies.clear()
    assert answer.status_code in {401, 422}
    if answer.status_code == 401:
        assert "do not match an account" in answer.text and "<form" in answer.text
    else:  # a page's form: the refusal is a styled page naming the field, never JSON or a traceback
        assert answer.headers["content-type"].startswith("text/html") and 'role="alert"' in answer.text
        assert "<strong>email</strong>" in answer.text or "<strong>password</strong>" in answer.text
        assert not [leak for leak in LEAKS if leak in answer.text], answer.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=1000000", "page_size"),
        ("page=-1", "page"),
        ("page=99999999999", "page"),
        ("page=%00", "page"),
    ],
)
def test_case_085_list_limits_are_capped_naming_the_field(client: TestClient, query: str, field: str) -> None:
    token = register(client, f"cap{abs(hash(query)) % 10**8}@x.org")
    answer = client.get(f"/api/runs?{query}", headers=bearer(token))
    assert answer.status_code == 422 and answer.json()["field"] == field
    assert answer.json()["error"].startswith(f"{field}: ")
    assert_clear(answer.json())


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/api/runs/u%00", {}),
        ("GET", "/api/runs/999999", {}),
        ("GET", "/api/plans/999999/export/fit", {}),
        ("GET", "/api/plans/1/export/..%2F..%2Fetc%2Fpasswd", {}),
        ("POST", "/api/plans", {"json": {"race": "'; DROP TABLE runs; --", "distance": "5mi"}}),
        ("POST", "/api/plans", {"json": {"race": "5k=22:30", "distance": "\x00"}}),
        ("POST", "/api/plans", {"content": b"\xff\xfe\x00garbage", "headers": JSON}),
        (
            "POST",
            "/api/runs",
            {"content": b"--x\r\nbroken", "headers": {"Content-Type": "multipart/form-data"}},
        ),
    ],
)
def test_case_090_error_bodies_leak_nothing(
    client: TestClient, method: str, path: str, kwargs: dict[str, object]
) -> None:
    token = register(client, f"leak{abs(hash((method, path, str(kwargs)))) % 10**8}@x.org")
    headers = {**bearer(token), **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    answer = client.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text)
    assert_clear(answer.json())
    assert answer.json()["error"]


@pytest.mark.parametrize(("header_bytes", "status"), [(30_000, 200), (40_000, 431), (1_000_000, 431)])
def test_case_078_the_app_refuses_headers_over_32_kb(
    client: TestClient, header_bytes: int, status: int
) -> None:
    answer = client.get("/healthz", headers={"Cookie": "junk=" + "a" * header_bytes})
    assert answer.status_code == status
    if status == 431:
        assert answer.json()["error"].endswith(
            "over the 32 KB limit; clear this site's cookies and try again"
        )
        assert answer.headers["x-frame-options"] == "DENY"
