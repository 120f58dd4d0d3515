"""Prescribed sessions: a coach assigns one progression session to athletes on a date.

Each athlete gets the plan built from their *own* current fitness (`training_log.fitness`: the log's
VDOT, else their profile's) by the planner, with the session's distance, start and target. The plan is
stored in the athlete's own log as a saved plan on that date, so the athlete sees it in their plans and
calendar and exports it for the watch, and a run they upload on that day is judged against it by
itself (the importer links a run to the plan of its day, `analysis.link_plan`). The coach then reads
each athlete's verdict against what was prescribed, in the third person.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, func, select

from progrun.coaching.errors import CoachingRequestError, Unavailable
from progrun.coaching.wording import about, score_colour, short_name
from progrun.errors import PlanError
from progrun.plan import Plan
from progrun.plan_io import plan_to_dict
from progrun.plan_request import split_unit_of
from progrun.planner import StartChoice, TargetChoice, build_plan
from progrun.storage.coaching_schema import AssignmentRow, CoachSessionRow
from progrun.storage.database import Database, Runner
from progrun.storage.schema import ActivityRow, VerdictRow
from progrun.storage.store import Store
from progrun.training_log.fitness import current_fitness
from progrun.training_paces import TrainingPaces
from progrun.units import parse_distance

S = cast(Table, CoachSessionRow.__table__)
AS = cast(Table, AssignmentRow.__table__)
ACT = cast(Table, ActivityRow.__table__)
V = cast(Table, VerdictRow.__table__)
#: Most athletes in one session (a club night of a large club).
MAX_ATHLETES = 200


@dataclass(frozen=True)
class SessionSpec:
    """What the coach asked for, as typed ("5mi", "auto", "10k")."""

    on: date
    distance: str
    start: str = "auto"
    target: str = "10k"

    def checked(self) -> tuple[float, StartChoice, TargetChoice]:
        try:
            distance_m = parse_distance(self.distance)
        except ValueError:
            raise CoachingRequestError(
                "distance", f"{self.distance!r} is not a distance; give e.g. 5mi or 8km"
            ) from None
        start = _choice(StartChoice, self.start, "start")
        target = _choice(TargetChoice, self.target, "target")
        return distance_m, StartChoice(start), TargetChoice(target)


def _choice(kind: type[StartChoice] | type[TargetChoice], text: str, field: str) -> str:
    choices = [item.value for item in kind]
    if text.strip().lower() not in choices:
        raise CoachingRequestError(field, f"{text!r} is not one of {', '.join(choices)}")
    return text.strip().lower()


def plan_for(paces: TrainingPaces, spec: SessionSpec) -> Plan:
    """The session's plan at these paces (PlanError when the method cannot build it)."""
    distance_m, start, target = spec.checked()
    return build_plan(paces, distance_m, unit=split_unit_of(spec.distance), start=start, target=target)


def athletes_of(database: Database, coach_user_id: int, runner_ids: Sequence[int]) -> list[Runner]:
    """The listed athletes, in order; Unavailable (404) if any is not the coach's now."""
    if not runner_ids:
        raise CoachingRequestError("athletes", "choose at least one athlete")
    if len(set(runner_ids)) > MAX_ATHLETES:
        raise CoachingRequestError("athletes", f"at most {MAX_ATHLETES} athletes in one session")
    mine = {runner.id: runner for runner in database.coached_by(coach_user_id)}
    missing = [runner_id for runner_id in runner_ids if runner_id not in mine]
    if missing:
        raise Unavailable("athlete", f"athletes: no athlete {missing[0]} among this coach's athletes")
    return [mine[runner_id] for runner_id in dict.fromkeys(runner_ids)]


def store_session(database: Database, coach_user_id: int, spec: SessionSpec, kind: str, groups: Any) -> int:
    with database.engine.begin() as connection:
        return int(
            connection.execute(
                S.insert()
                .values(
                    coach_user_id=coach_user_id,
                    kind=kind,
                    on_date=spec.on,
                    distance=spec.distance.strip(),
                    start=spec.start,
                    target=spec.target,
                    groups_json=json.dumps(groups),
                    created_at=datetime.now(UTC),
                )
                .returning(S.c.id)
            ).scalar_one()
        )


def assign(
    database: Database,
    session_id: int,
    runner: Runner,
    plan: Plan | None,
    *,
    error: str,
    on: date,
    group: int | None,
) -> None:
    """The athlete's part: the plan saved in their own log on the session's date."""
    plan_id = None
    if plan is not None:
        plan_id = database.runner(runner.id).add_plan(plan, planned_on=on, name="").plan_id
    with database.engine.begin() as connection:
        connection.execute(
            AS.insert().values(
                session_id=session_id, runner_id=runner.id, plan_id=plan_id, group_index=group, error=error
            )
        )


def prescribe(
    database: Database, coach_user_id: int, spec: SessionSpec, runner_ids: Sequence[int], today: date
) -> int:
    """Store the session and one plan per athlete from their own paces; the session's id.

    An athlete whose paces are unknown, or whose paces the method cannot stretch to the session, gets no
    plan and the reason (the others still get theirs)."""
    spec.checked()
    athletes = athletes_of(database, coach_user_id, runner_ids)
    session_id = store_session(database, coach_user_id, spec, "prescribed", [])
    for runner in athletes:
        plan, error = _own_plan(database.runner(runner.id), runner, spec, today)
        assign(database, session_id, runner, plan, error=error, on=spec.on, group=None)
    return session_id


def _own_plan(store: Store, runner: Runner, spec: SessionSpec, today: date) -> tuple[Plan | None, str]:
    paces = current_fitness(store, today).paces
    if paces is None:
        return None, (
            f"{short_name(runner.name)} has no fitness yet: no run of 3 km or more in the log and no race "
            "in their profile"
        )
    try:
        return plan_for(paces, spec), ""
    except PlanError as error:
        return None, about(str(error), runner.name)


@dataclass(frozen=True)
class Outcome:
    """An athlete's part of a session and, once run, the verdict."""

    runner_id: int
    name: str
    group: int | None
    plan_id: int | None
    plan: Plan | None
    error: str
    activity_id: int | None
    score: float | None
    progressed: bool | None
    target_reached: bool | None
    finding: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "athlete": self.runner_id,
            "name": self.name,
            "group": self.group,
            "plan_id": self.plan_id,
            "plan": None if self.plan is None else plan_to_dict(self.plan),
            "error": self.error or None,
            "run": self.activity_id,
            "verdict": None
            if self.activity_id is None
            else {
                "score": self.score,
                "colour": score_colour(self.score),
                "progressed": self.progressed,
                "target_reached": self.target_reached,
                "finding": self.finding,
            },
        }


@dataclass(frozen=True)
class SessionView:
    id: int
    kind: str
    on: date
    distance: str
    start: str
    target: str
    groups: Any
    outcomes: tuple[Outcome, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "date": self.on.isoformat(),
            "distance": self.distance,
            "start": self.start,
            "target": self.target,
            "athletes": [outcome.to_dict() for outcome in self.outcomes],
        }


def session_view(
    database: Database, coach_user_id: int, session_id: int, kind: str | None = None
) -> SessionView:
    """The session with each athlete the coach still coaches: their plan and, once run, their verdict
    about them by name. Unavailable (404) for another coach's session."""
    with database.engine.connect() as connection:
        row = connection.execute(
            select(S).where(S.c.id == session_id, S.c.coach_user_id == coach_user_id)
        ).first()
        if row is None or (kind is not None and row.kind != kind):
            raise Unavailable("session", f"session: no session {session_id} of this coach")
        parts = connection.execute(select(AS).where(AS.c.session_id == session_id).order_by(AS.c.id)).all()
    athletes = {runner.id: runner for runner in database.coached_by(coach_user_id)}
    outcomes = tuple(
        _outcome(database, athletes[part.runner_id], part) for part in parts if part.runner_id in athletes
    )
    return SessionView(
        row.id,
        row.kind,
        row.on_date,
        row.distance,
        row.start,
        row.target,
        json.loads(row.groups_json),
        outcomes,
    )


def _outcome(database: Database, runner: Runner, part: Any) -> Outcome:
    store = database.runner(runner.id)
    plan = None
    if part.plan_id is not None:
        plan = store.plan(int(part.plan_id)).plan
    run_id = None if part.plan_id is None else linked_run(database, runner.id, int(part.plan_id))
    score = progressed = reached = None
    finding = ""
    if run_id is not None:
        detail = store.detail(run_id)
        if detail.verdict is not None:
            verdict = detail.verdict
            score, progressed, reached = verdict.score, verdict.progressed, verdict.target_reached
            finding = about(str(detail.verdict.details.get("verdict", "")), runner.name)
    return Outcome(
        runner.id,
        runner.name,
        part.group_index,
        part.plan_id,
        plan,
        part.error,
        run_id,
        score,
        progressed,
        reached,
        finding,
    )


def linked_run(database: Database, runner_id: int, plan_id: int) -> int | None:
    """The athlete's latest run judged against the plan, or None."""
    with database.engine.connect() as connection:
        row = connection.execute(
            select(ACT.c.id)
            .join(V, V.c.activity_id == ACT.c.id)
            .where(ACT.c.runner_id == runner_id, V.c.plan_id == plan_id)
            .order_by(ACT.c.id.desc())
            .limit(1)
        ).first()
    return None if row is None else int(row.id)


@dataclass(frozen=True)
class SessionLine:
    id: int
    kind: str
    on: date
    distance: str
    athletes: int


def sessions_of(database: Database, coach_user_id: int, limit: int = 50) -> list[SessionLine]:
    """The coach's latest sessions, newest date first."""
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(S.c.id, S.c.kind, S.c.on_date, S.c.distance)
            .where(S.c.coach_user_id == coach_user_id)
            .order_by(S.c.on_date.desc(), S.c.id.desc())
            .limit(limit)
        ).all()
        counts = {
            int(session_id): count
            for session_id, count in connection.execute(
                select(AS.c.session_id, func.count(AS.c.id))
                .where(AS.c.session_id.in_([row.id for row in rows]))
                .group_by(AS.c.session_id)
            )
        }
    return [SessionLine(int(r.id), r.kind, r.on_date, r.distance, counts.get(int(r.id), 0)) for r in rows]
