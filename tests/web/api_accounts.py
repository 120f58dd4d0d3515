"""Accounts for API tests: a registered, signed-in user and its Bearer header (tests/web, tests/tasks)."""

from __future__ import annotations

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def register(client: TestClient, email: str) -> str:
    """A new account signed in; its Bearer token."""
    answer = client.post("/api/auth/register", json={"email": email, "password": PASSWORD, "name": "Ann"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["email"] == email
    login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    client.cookies.clear()
    return str(login.json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
