"""Club night: one session on one route for a group, run in pace groups.

Pace groups come from the members' fitness (their current VDOT, `training_log.fitness`): fastest
first, a new group starts when a runner's VDOT is more than `GROUP_SPAN_VDOT` below the group's
fastest (about 10 s/km at 5k pace around VDOT 45), or the coach asks for a number of groups (the sorted
members cut into that many runs of near-equal size), or gives the groups as lists of athletes. A group
runs together, so its plan is built from its *slowest* member's paces: nobody is asked for more than
their own fitness. Each member gets the group's plan saved in their log on the date (so their run
links to it) and the coach can move a runner to another group, which re-plans the groups involved.
After the session, `results` is every runner against their group's plan.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from progrun.coaching.errors import CoachingRequestError, Unavailable
from progrun.coaching.sessions import (
    AS,
    S,
    SessionSpec,
    SessionView,
    assign,
    athletes_of,
    plan_for,
    session_view,
    store_session,
)
from progrun.coaching.wording import short_name
from progrun.errors import PlanError
from progrun.paces import training_paces_for_vdot
from progrun.plan import Plan
from progrun.storage.database import Database, Runner
from progrun.training_log.fitness import current_fitness

#: A runner more than this many VDOT points below their group's fastest starts the next group.
GROUP_SPAN_VDOT = 3.0
MAX_GROUPS = 20


@dataclass(frozen=True)
class Member:
    runner: Runner
    vdot: float | None


def members_fitness(database: Database, runners: Sequence[Runner], today: date) -> list[Member]:
    return [Member(runner, current_fitness(database.runner(runner.id), today).vdot) for runner in runners]


def pace_groups(members: Sequence[Member], groups: int | None = None) -> list[list[Member]]:
    """Members in pace groups, fastest group first (members without a VDOT in a last group of their own)."""
    known = sorted((m for m in members if m.vdot is not None), key=lambda m: (-(m.vdot or 0.0), m.runner.id))
    unknown = [m for m in members if m.vdot is None]
    formed: list[list[Member]] = []
    if groups is not None and known:
        count = max(1, min(groups, len(known)))
        size, extra = divmod(len(known), count)
        at = 0
        for index in range(count):
            length = size + (1 if index < extra else 0)
            formed.append(known[at : at + length])
            at += length
    else:
        for member in known:
            if formed and (formed[-1][0].vdot or 0.0) - (member.vdot or 0.0) <= GROUP_SPAN_VDOT:
                formed[-1].append(member)
            else:
                formed.append([member])
    if unknown:
        formed.append(unknown)
    return formed


def group_plan(group: Sequence[Member], spec: SessionSpec) -> tuple[Plan | None, str]:
    """The group's plan from its slowest member's VDOT, or why there is none."""
    vdots = [m.vdot for m in group if m.vdot is not None]
    if not vdots:
        names = ", ".join(short_name(m.runner.name) for m in group)
        return None, f"no fitness known for {names}: no run of 3 km or more and no race in their profile"
    try:
        return plan_for(training_paces_for_vdot(min(vdots)), spec), ""
    except PlanError as error:
        return None, str(error)


def create_club_session(
    database: Database,
    coach_user_id: int,
    spec: SessionSpec,
    runner_ids: Sequence[int],
    *,
    today: date,
    groups: int | list[list[int]] | None = None,
) -> int:
    """Form the groups, plan each, save each member's plan in their log; the session's id."""
    spec.checked()
    runners = athletes_of(database, coach_user_id, runner_ids)
    members = members_fitness(database, runners, today)
    if isinstance(groups, list):
        formed = _given_groups(members, groups)
    else:
        if groups is not None and not 1 <= groups <= MAX_GROUPS:
            raise CoachingRequestError("groups", f"give 1 to {MAX_GROUPS} groups, or the groups as lists")
        formed = pace_groups(members, groups)
    layout = [[m.runner.id for m in group] for group in formed]
    session_id = store_session(database, coach_user_id, spec, "club", layout)
    for index, group in enumerate(formed):
        plan, error = group_plan(group, spec)
        for member in group:
            assign(database, session_id, member.runner, plan, error=error, on=spec.on, group=index)
    return session_id


def _given_groups(members: Sequence[Member], groups: list[list[int]]) -> list[list[Member]]:
    by_id = {m.runner.id: m for m in members}
    seen: set[int] = set()
    formed: list[list[Member]] = []
    for group in groups:
        for runner_id in group:
            if runner_id not in by_id:
                raise CoachingRequestError("groups", f"athlete {runner_id} is in a group but not in athletes")
            if runner_id in seen:
                raise CoachingRequestError("groups", f"athlete {runner_id} is in two groups")
            seen.add(runner_id)
        if group:
            formed.append([by_id[runner_id] for runner_id in group])
    left = [m for m in members if m.runner.id not in seen]
    if left:
        raise CoachingRequestError("groups", f"athlete {left[0].runner.id} is in no group")
    return formed


def move_runner(
    database: Database, coach_user_id: int, session_id: int, *, runner_id: int, to_group: int, today: date
) -> None:
    """Move a runner to another group (or a new one, numbered after the last) and re-plan both groups."""
    view = session_view(database, coach_user_id, session_id, kind="club")
    layout: list[list[int]] = [list(group) for group in view.groups]
    if not any(runner_id in group for group in layout):
        raise Unavailable("athlete", f"athletes: no athlete {runner_id} in this club session")
    if not 0 <= to_group <= len(layout):
        raise CoachingRequestError("group", f"choose a group from 0 to {len(layout)}")
    from_group = next(index for index, group in enumerate(layout) if runner_id in group)
    if to_group == len(layout):
        layout.append([])
    layout[from_group].remove(runner_id)
    layout[to_group].append(runner_id)
    spec = SessionSpec(view.on, view.distance, view.start, view.target)
    runners = {runner.id: runner for runner in database.coached_by(coach_user_id)}
    with database.engine.begin() as connection:
        connection.execute(S.update().where(S.c.id == session_id).values(groups_json=json.dumps(layout)))
    for index in {from_group, to_group}:
        group = [runner_id for runner_id in layout[index] if runner_id in runners]
        members = members_fitness(database, [runners[rid] for rid in group], today)
        plan, error = group_plan(members, spec)
        for member in members:
            _replan(database, session_id, member.runner, plan, error=error, group=index, on=view.on)


def _replan(
    database: Database,
    session_id: int,
    runner: Runner,
    plan: Plan | None,
    *,
    error: str,
    group: int,
    on: date,
) -> None:
    with database.engine.begin() as connection:
        connection.execute(AS.delete().where(AS.c.session_id == session_id, AS.c.runner_id == runner.id))
    assign(database, session_id, runner, plan, error=error, on=on, group=group)


@dataclass(frozen=True)
class GroupView:
    index: int
    plan: Plan | None
    error: str
    members: tuple[Any, ...]


def groups_of(view: SessionView) -> list[GroupView]:
    """The session's groups with their plan and members' outcomes (the plan is the group's)."""
    out: list[GroupView] = []
    for index, _ in enumerate(view.groups):
        members = tuple(o for o in view.outcomes if o.group == index)
        if not members:
            continue
        first = members[0]
        out.append(GroupView(index, first.plan, first.error, members))
    return out


def club_dict(view: SessionView) -> dict[str, Any]:
    from progrun.plan_io import plan_to_dict

    return {
        **view.to_dict(),
        "groups": [
            {
                "group": group.index,
                "name": f"Group {group.index + 1}",
                "athletes": [member.runner_id for member in group.members],
                "plan": None if group.plan is None else plan_to_dict(group.plan),
                "error": group.error or None,
            }
            for group in groups_of(view)
        ],
    }


def check_club(database: Database, coach_user_id: int, session_id: int) -> None:
    with database.engine.connect() as connection:
        found = connection.execute(
            select(S.c.id).where(S.c.id == session_id, S.c.coach_user_id == coach_user_id, S.c.kind == "club")
        ).first()
    if found is None:
        raise Unavailable("session", f"session: no club session {session_id} of this coach")
