"""Catalogue B5 case 91: every operation in the app's OpenAPI schema, fuzzed (hypothesis, not
schemathesis, which the project does not depend on): random JSON bodies built from each operation's
own property names, and random path parameters. No answer is a 500; every error is `{error, field,
suggestions}`."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.api_accounts import bearer, register

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["5k=22:30", "5mi", "40min", "", "\x00", "<script>", "../../etc", "1e999", "-1"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def operations(client: TestClient) -> list[tuple[str, str, list[str]]]:
    """(method, path, JSON property names) of every operation in /openapi.json."""
    spec: dict[str, Any] = client.get("/openapi.json").json()
    found = []
    for path, verbs in spec["paths"].items():
        for method, operation in verbs.items():
            schema = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
            )
            if "$ref" in schema:
                schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
            found.append((method.upper(), path, sorted(schema.get("properties", {}))))
    return found


def test_case_091_the_schema_lists_the_api(client: TestClient) -> None:
    paths = {path for _, path, _ in operations(client)}
    assert {"/api/runs", "/api/plans", "/api/auth/login", "/api/runs/{run_id}", "/api/progress"} <= paths


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_case_091_no_operation_answers_500_to_fuzzed_input(client: TestClient, data: st.DataObject) -> None:
    token = client.app.state.progrun.extra.setdefault("fuzz-token", "")  # type: ignore[attr-defined]
    if not token:
        token = register(client, "fuzz@x.org")
        client.app.state.progrun.extra["fuzz-token"] = token  # type: ignore[attr-defined]
    method, path, properties = data.draw(st.sampled_from(operations(client)))
    if path == "/api/auth/logout":
        return  # would end the fuzzing session itself; covered by case 87
    filled = re.sub(
        r"\{[^}]+\}",
        lambda _: data.draw(st.text(alphabet="u0123456789abcdef%./", min_size=1, max_size=20)),
        path,
    )
    body = data.draw(st.fixed_dictionaries({}, optional={name: VALUES for name in properties}))
    kwargs: dict[str, Any] = {"json": body} if method in {"POST", "PUT", "PATCH"} and properties else {}
    answer = client.request(method, filled, headers=bearer(token), **kwargs)
    assert answer.status_code < 500, (method, filled, body, answer.text)
    if answer.status_code >= 400 and answer.headers.get("content-type", "").startswith("application/json"):
        assert set(answer.json()) == {"error", "field", "suggestions"}, answer.text
