"""Who may call what: every route of the app x every role and relation, on SQLite and PostgreSQL.

The routes are enumerated from `app.routes`, so a new endpoint or page without a row here fails
`test_every_route_has_a_row`. The people, all about one athlete (Sam, who has a run, a plan, a coach
and a former coach):

- self: Sam; other_runner: Olive (Oscar's athlete); own_coach: Kim (coaches Sam now);
- other_coach: Oscar (coaches Olive, not Sam); former_coach: Fay (coached Sam; Sam left her);
- admin: Ada (the accounts list; no runner's data); anonymous: nobody signed in.

Every call is made with a Bearer token (no CSRF needed), except where a row says otherwise. A call
that changes the people's links (accepting, leaving, removing) is undone before the next one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Table, select

from progrun.coaching import accept_invitation, create_invitation, end_link, make_admin
from progrun.coaching.club import create_club_session
from progrun.coaching.sessions import SessionSpec, plan_for, prescribe
from progrun.paces import training_paces_for_vdot
from progrun.settings import Settings
from progrun.simulate import simulate_run
from progrun.storage.database import Database
from progrun.storage.schema import CoachRunnerRow
from progrun.training_log import TrainingLog
from progrun.web import WebConfig, create_app
from progrun.web.sessions import set_password, start_session
from tests.route_builders import route_gpx
from tests.storage.conftest import _pg_schema_url, pg_database_url  # noqa: F401  (the fixture)
from tests.synthetic_runs import gpx_text

ROLES = ("self", "other_runner", "own_coach", "other_coach", "former_coach", "admin", "anonymous")
SIGNED_IN = ROLES[:-1]
PASSWORD = "correct horse battery"
RUN_DAY = date(2026, 3, 3)
C = cast(Table, CoachRunnerRow.__table__)


@dataclass
class World:
    app: FastAPI
    client: TestClient
    database: Database
    users: dict[str, int] = field(default_factory=dict)
    runners: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    links: set[tuple[int, int]] = field(default_factory=set)

    def restore_links(self) -> None:
        """Back to the world's coach links (Kim-Sam, Oscar-Olive), whatever a call changed."""
        with self.database.engine.begin() as connection:
            now = {(int(a), int(b)) for a, b in connection.execute(select(C.c.coach_user_id, C.c.runner_id))}
        for coach, runner in now - self.links:
            end_link(self.database, coach, runner)
        for coach, runner in self.links - now:
            self.database.add_coach(coach, runner)


def _person(database: Database, role: str, name: str, vdot: float) -> tuple[int, int]:
    user = database.create_user(f"{role}-{uuid.uuid4().hex[:6]}@example.org", name)
    set_password(database, user.id, PASSWORD)
    runner = database.create_runner(name, user_id=user.id)
    TrainingLog(database.runner(runner.id)).set_profile(vdot=vdot)
    return user.id, runner.id


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("matrix")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'log.db'}"
    else:
        url = _pg_schema_url(request.getfixturevalue("pg_database_url"))
    database = Database.open(url)
    config = WebConfig(sign_in_attempts=10_000, uploads_per_hour=10_000, analysis_workers=1)
    app = create_app(Settings(db_url=url, data_dir=folder), config, database=database)
    with TestClient(app, base_url="http://testserver") as client:
        found = World(app, client, database)
        names = {"self": "Sam", "other_runner": "Olive", "own_coach": "Kim", "other_coach": "Oscar"}
        names |= {"former_coach": "Fay", "admin": "Ada"}
        for role, name in names.items():
            found.users[role], found.runners[role] = _person(database, role, name, 50.0)
            found.tokens[role] = start_session(database, found.users[role], timedelta(hours=1))
        make_admin(database, found.users["admin"])
        now = datetime.now(UTC)
        for coach, athlete in (
            ("own_coach", "self"),
            ("other_coach", "other_runner"),
            ("former_coach", "self"),
        ):
            code = create_invitation(database, found.users[coach], now).code
            accept_invitation(database, code, found.users[athlete], now)
        sam = found.runners["self"]
        store = database.runner(sam)
        plan = plan_for(training_paces_for_vdot(50.0), SessionSpec(RUN_DAY, "4mi"))
        found.ids["plan"] = store.add_plan(plan, planned_on=RUN_DAY).plan_id
        activity = simulate_run(plan, start=datetime.combine(RUN_DAY, time(7), UTC))
        TrainingLog(store).import_bytes("sam.gpx", gpx_text(activity).encode())
        found.ids["run"] = store.list_activities()[0].id
        found.ids["former_session"] = prescribe(
            database, found.users["former_coach"], SessionSpec(RUN_DAY, "4mi"), [sam], RUN_DAY
        )
        end_link(database, found.users["former_coach"], sam)  # Sam leaves Fay
        kim = found.users["own_coach"]
        found.ids["session"] = prescribe(database, kim, SessionSpec(RUN_DAY, "4mi"), [sam], RUN_DAY)
        found.ids["club"] = create_club_session(
            database, kim, SessionSpec(RUN_DAY, "4mi"), [sam], today=RUN_DAY
        )
        found.links = {(kim, sam), (found.users["other_coach"], found.runners["other_runner"])}
        yield found
    database.close()


def only(role: str, status: int, *, others: int = 404) -> dict[str, int]:
    """`status` for `role`, `others` for every other signed-in role, 401 for anonymous."""
    return {r: (status if r == role else others) for r in SIGNED_IN} | {"anonymous": 401}


def signed_in(status: int) -> dict[str, int]:
    return {r: status for r in SIGNED_IN} | {"anonymous": 401}


def everyone(status: int) -> dict[str, int]:
    return {r: status for r in ROLES}


@dataclass(frozen=True)
class Row:
    """One route: the request to make (from the world) and the status each role gets."""

    request: Callable[[World, str], dict[str, Any]]
    expected: dict[str, int]
    fresh_token: bool = False


def url(template: str) -> Callable[[World, str], dict[str, Any]]:
    return lambda w, role: {"url": template.format(**w.ids, sam=w.runners["self"], kim=w.users["own_coach"])}


def with_json(
    template: str, body: Callable[[World], dict[str, Any]]
) -> Callable[[World, str], dict[str, Any]]:
    return lambda w, role: {**url(template)(w, role), "json": body(w)}


def _register(w: World, role: str) -> dict[str, Any]:
    email = f"new-{uuid.uuid4().hex[:8]}@example.org"
    return {"url": "/api/auth/register", "json": {"email": email, "password": PASSWORD, "name": "New"}}


def _accept(w: World, role: str) -> dict[str, Any]:
    code = create_invitation(w.database, w.users["own_coach"], datetime.now(UTC)).code
    return {"url": f"/api/invitations/{code}/accept"}


def _session_body(w: World) -> dict[str, Any]:
    return {"date": RUN_DAY.isoformat(), "athletes": [w.runners["self"]], "distance": "4mi"}


def _sam_login(w: World) -> dict[str, Any]:
    email = w.database.user(w.users["self"])
    assert email is not None
    return {"email": email.email, "password": PASSWORD}


def _profile_form(w: World, role: str) -> dict[str, Any]:
    """The profile form sent back unchanged but for the heart rate (names stay, so later rows still see
    "Sam" on the coach's roster)."""
    user = w.users.get(role)
    runner = w.database.runner_of(user) if user is not None else None
    name = w.database.runner(runner.id).profile().name if runner is not None else ""
    return {"url": "/profile", "data": {"name": name, "max_heart_rate_bpm": "190"}}


def page(expected: dict[str, int]) -> dict[str, int]:
    """A page's statuses: as given, but anonymous visitors are redirected to sign in (303)."""
    return expected | {"anonymous": 303}


def form(template: str, body: Callable[[World], dict[str, Any]]) -> Callable[[World, str], dict[str, Any]]:
    return lambda w, role: {**url(template)(w, role), "data": body(w)}


def _form_session(w: World) -> dict[str, Any]:
    return {"on": RUN_DAY.isoformat(), "athletes": [w.runners["self"]], "distance": "4mi"}


ROUTE_FILE = {
    "files": {"route": ("loop.gpx", route_gpx(3000.0, lambda d: 100.0 + 0.02 * d), "application/gpx+xml")}
}
ANY_RUN_FILE = {"files": {"file": ("notes.txt", b"not a run", "text/plain")}}
COACH = only("own_coach", 200)

MATRIX: dict[tuple[str, str], Row] = {
    ("GET", "/openapi.json"): Row(url("/openapi.json"), everyone(200)),
    ("HEAD", "/openapi.json"): Row(url("/openapi.json"), everyone(200)),
    ("GET", "/static"): Row(url("/static/app.css"), everyone(200)),
    ("GET", "/healthz"): Row(url("/healthz"), everyone(200)),
    ("POST", "/api/auth/register"): Row(_register, everyone(201)),
    ("POST", "/api/auth/login"): Row(with_json("/api/auth/login", _sam_login), everyone(200)),
    ("POST", "/api/auth/logout"): Row(url("/api/auth/logout"), signed_in(204), fresh_token=True),
    ("GET", "/api/auth/me"): Row(url("/api/auth/me"), signed_in(200)),
    ("POST", "/api/plans"): Row(
        with_json("/api/plans", lambda w: {"race": "5k=22:30", "distance": "4mi"}), signed_in(201)
    ),
    ("GET", "/api/plans"): Row(url("/api/plans"), signed_in(200)),
    ("GET", "/api/plans/{plan_id}"): Row(url("/api/plans/{plan}"), only("self", 200)),
    ("GET", "/api/plans/{plan_id}/export/{format}"): Row(
        url("/api/plans/{plan}/export/json"), only("self", 200)
    ),
    ("POST", "/api/runs"): Row(lambda w, r: {"url": "/api/runs", **ANY_RUN_FILE}, signed_in(415)),
    ("GET", "/api/runs"): Row(url("/api/runs"), signed_in(200)),
    ("GET", "/api/runs/{run_id}"): Row(url("/api/runs/{run}"), only("self", 200)),
    ("GET", "/api/progress"): Row(url("/api/progress"), signed_in(200)),
    ("GET", "/api/next"): Row(url("/api/next"), signed_in(200)),
    ("POST", "/api/coach/invitations"): Row(url("/api/coach/invitations"), signed_in(201)),
    ("GET", "/api/coach/athletes"): Row(url("/api/coach/athletes"), signed_in(200)),
    ("DELETE", "/api/coach/athletes/{athlete_id}"): Row(
        url("/api/coach/athletes/{sam}"), only("own_coach", 204)
    ),
    ("GET", "/api/coach/athletes/{athlete_id}/runs"): Row(url("/api/coach/athletes/{sam}/runs"), COACH),
    ("GET", "/api/coach/athletes/{athlete_id}/runs/{run_id}"): Row(
        url("/api/coach/athletes/{sam}/runs/{run}"), COACH
    ),
    ("GET", "/api/coach/athletes/{athlete_id}/plans"): Row(url("/api/coach/athletes/{sam}/plans"), COACH),
    ("GET", "/api/coach/athletes/{athlete_id}/progress"): Row(
        url("/api/coach/athletes/{sam}/progress"), COACH
    ),
    ("GET", "/api/coach/athletes/{athlete_id}/runs/{run_id}/comments"): Row(
        url("/api/coach/athletes/{sam}/runs/{run}/comments"), COACH
    ),
    ("POST", "/api/coach/athletes/{athlete_id}/runs/{run_id}/comments"): Row(
        with_json("/api/coach/athletes/{sam}/runs/{run}/comments", lambda w: {"body": "Nice pacing"}),
        only("own_coach", 201),
    ),
    ("POST", "/api/coach/sessions"): Row(
        with_json("/api/coach/sessions", _session_body), only("own_coach", 201)
    ),
    ("GET", "/api/coach/sessions/{session_id}"): Row(url("/api/coach/sessions/{session}"), COACH),
    ("POST", "/api/coach/club-sessions"): Row(
        with_json("/api/coach/club-sessions", _session_body), only("own_coach", 201)
    ),
    ("GET", "/api/coach/club-sessions/{session_id}"): Row(url("/api/coach/club-sessions/{club}"), COACH),
    ("POST", "/api/coach/club-sessions/{session_id}/move"): Row(
        with_json(
            "/api/coach/club-sessions/{club}/move", lambda w: {"athlete": w.runners["self"], "group": 0}
        ),
        COACH,
    ),
    ("GET", "/api/coach/club-sessions/{session_id}/sheet.pdf"): Row(
        url("/api/coach/club-sessions/{club}/sheet.pdf"), COACH
    ),
    ("GET", "/api/coach/club-sessions/{session_id}/cards/{athlete_id}.pdf"): Row(
        url("/api/coach/club-sessions/{club}/cards/{sam}.pdf"), COACH
    ),
    ("POST", "/api/invitations/{code}/accept"): Row(_accept, signed_in(200) | {"own_coach": 400}),
    ("GET", "/api/coaches"): Row(url("/api/coaches"), signed_in(200)),
    ("DELETE", "/api/coaches/{coach_id}"): Row(url("/api/coaches/{kim}"), only("self", 204)),
    ("GET", "/api/runs/{run_id}/comments"): Row(url("/api/runs/{run}/comments"), only("self", 200)),
    ("POST", "/api/runs/{run_id}/comments"): Row(
        with_json("/api/runs/{run}/comments", lambda w: {"body": "Thanks"}), only("self", 201)
    ),
    ("GET", "/api/admin/users"): Row(url("/api/admin/users"), only("admin", 200)),
    ("GET", "/login"): Row(url("/login"), everyone(200)),
    # a form post without the CSRF cookie and field is refused before anything else
    ("POST", "/login"): Row(lambda w, r: {"url": "/login", "data": _sam_login(w)}, everyone(403)),
    ("GET", "/login/once"): Row(url("/login/once?token=not-a-token"), everyone(401)),
    ("POST", "/logout"): Row(url("/logout"), signed_in(303), fresh_token=True),
    ("GET", "/"): Row(url("/"), signed_in(200) | {"anonymous": 303}),
    # the coach's pages (anonymous visitors are sent to sign in)
    ("GET", "/coach"): Row(url("/coach"), page(signed_in(200))),
    ("POST", "/coach/invitations"): Row(url("/coach/invitations"), page(signed_in(200))),
    ("POST", "/coach/athletes/{athlete_id}/remove"): Row(
        url("/coach/athletes/{sam}/remove"), page(only("own_coach", 303))
    ),
    ("GET", "/coach/athletes/{athlete_id}"): Row(url("/coach/athletes/{sam}"), page(COACH)),
    ("GET", "/coach/athletes/{athlete_id}/runs/{run_id}"): Row(
        url("/coach/athletes/{sam}/runs/{run}"), page(COACH)
    ),
    ("POST", "/coach/athletes/{athlete_id}/runs/{run_id}/comments"): Row(
        form("/coach/athletes/{sam}/runs/{run}/comments", lambda w: {"body": "Good"}),
        page(only("own_coach", 303)),
    ),
    ("GET", "/coach/prescribe"): Row(url("/coach/prescribe"), page(signed_in(200))),
    ("POST", "/coach/prescribe"): Row(form("/coach/prescribe", _form_session), page(only("own_coach", 303))),
    ("GET", "/coach/sessions/{session_id}"): Row(url("/coach/sessions/{session}"), page(COACH)),
    ("GET", "/coach/club"): Row(url("/coach/club"), page(signed_in(200))),
    ("POST", "/coach/club"): Row(form("/coach/club", _form_session), page(only("own_coach", 303))),
    ("GET", "/coach/club/{session_id}"): Row(url("/coach/club/{club}"), page(COACH)),
    ("POST", "/coach/club/{session_id}/move"): Row(
        form("/coach/club/{club}/move", lambda w: {"athlete": w.runners["self"], "group": 0}),
        page(only("own_coach", 303)),
    ),
    ("GET", "/coaches"): Row(url("/coaches"), page(signed_in(200))),
    ("POST", "/coaches/join"): Row(
        lambda w, r: {"url": "/coaches/join", "data": {"code": _accept(w, r)["url"].split("/")[3]}},
        page(signed_in(200) | {"own_coach": 400}),
    ),
    ("POST", "/coaches/{coach_id}/leave"): Row(url("/coaches/{kim}/leave"), page(only("self", 303))),
    ("GET", "/runs/{run_id}/talk"): Row(url("/runs/{run}/talk"), page(only("self", 200))),
    ("POST", "/runs/{run_id}/talk"): Row(
        form("/runs/{run}/talk", lambda w: {"body": "Thanks"}), page(only("self", 303))
    ),
    # operators
    ("GET", "/readyz"): Row(url("/readyz"), everyone(200)),
    ("GET", "/metrics"): Row(url("/metrics"), everyone(200)),
    # the runner's own pages: every signed-in user sees their own log, anonymous visitors sign in first
    ("GET", "/paces"): Row(url("/paces?race=5k%3D20%3A00"), page(signed_in(200))),
    ("GET", "/plan"): Row(url("/plan"), page(signed_in(200))),
    ("GET", "/plan/preview"): Row(url("/plan/preview?race=5k%3D20%3A00&distance=5mi"), page(signed_in(200))),
    ("POST", "/plan/save"): Row(
        form("/plan/save", lambda w: {"race": "5k=20:00", "distance": "5mi"}), page(signed_in(200))
    ),
    ("POST", "/plan/route"): Row(
        lambda w, r: {"url": "/plan/route", "data": {"race": "5k=20:00"}, **ROUTE_FILE}, page(signed_in(200))
    ),
    ("GET", "/upload"): Row(url("/upload"), page(signed_in(200))),
    ("GET", "/runs/{run_id}"): Row(url("/runs/{run}"), page(only("self", 200))),
    ("GET", "/history"): Row(url("/history"), page(signed_in(200))),
    ("GET", "/progress"): Row(url("/progress"), page(signed_in(200))),
    ("GET", "/next"): Row(url("/next"), page(signed_in(200))),
    ("GET", "/block"): Row(url("/block"), page(signed_in(200))),
    ("GET", "/block/block.ics"): Row(url("/block/block.ics"), page(signed_in(200))),
    ("GET", "/block/{day}.fit"): Row(url("/block/2099-01-05.fit"), page(signed_in(404))),
    ("GET", "/profile"): Row(url("/profile"), page(signed_in(200))),
    ("POST", "/profile"): Row(_profile_form, page(signed_in(200))),
    ("GET", "/register"): Row(url("/register"), everyone(200)),
    ("POST", "/register"): Row(
        lambda w, r: {
            "url": "/register",
            "data": {
                "email": f"page-{uuid.uuid4().hex[:8]}@example.org",
                "password": PASSWORD,
                "name": "New",
            },
        },
        everyone(403),  # without the form's CSRF token (tests/web_pages/test_forms.py registers with it)
    ),
}


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, from its routes (included routers walked)."""

    def walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for route in routes:
            if hasattr(route, "original_router"):
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif hasattr(route, "methods") and route.methods:
                for method in sorted(route.methods):
                    yield method, prefix + route.path
            else:  # a mount (static files)
                yield "GET", prefix + route.path

    return list(walk(list(app.routes), ""))


def test_every_route_has_a_row(world: World) -> None:
    routes = app_routes(world.app)
    assert len(routes) >= 40
    missing = [route for route in routes if route not in MATRIX]
    assert not missing, f"routes without a row in the authorisation matrix: {missing}"
    stale = [key for key in MATRIX if key not in routes]
    assert not stale, f"rows for routes the app no longer has: {stale}"


@pytest.mark.parametrize("key", list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
def test_matrix(world: World, key: tuple[str, str]) -> None:
    method, _ = key
    row = MATRIX[key]
    got: dict[str, int] = {}
    for role in ROLES:
        request = row.request(world, role)
        headers: dict[str, str] = {}
        if role != "anonymous":
            token = world.tokens[role]
            if row.fresh_token:
                token = start_session(world.database, world.users[role], timedelta(hours=1))
            headers["Authorization"] = f"Bearer {token}"
        world.client.cookies.clear()
        answer = world.client.request(method, headers=headers, follow_redirects=False, **request)
        got[role] = answer.status_code
        world.restore_links()
    assert got == row.expected


def test_what_each_coach_sees(world: World) -> None:
    """Beyond the status: the own coach's roster has Sam; the former coach's has no one and her old
    session no longer shows Sam; the admin's list has accounts but no runs."""
    client = world.client

    def get(role: str, path: str) -> Any:
        answer = client.get(path, headers={"Authorization": f"Bearer {world.tokens[role]}"})
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert [a["name"] for a in get("own_coach", "/api/coach/athletes")["athletes"]] == ["Sam"]
    assert get("former_coach", "/api/coach/athletes")["athletes"] == []
    assert get("former_coach", f"/api/coach/sessions/{world.ids['former_session']}")["athletes"] == []
    assert [a["name"] for a in get("other_coach", "/api/coach/athletes")["athletes"]] == ["Olive"]
    users = get("admin", "/api/admin/users")["users"]
    assert {"id", "email", "name", "athletes"} == set(users[0])
    assert [c["name"] for c in get("self", "/api/coaches")["coaches"]] == ["Kim"]
