"""The coach's application layer on SQLite: invitations, prescribed sessions judged in the third person,
roster flags, club-night groups and the sheet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from progrun.coaching import accept_invitation, coached_store, create_invitation, end_link
from progrun.coaching.club import Member, club_dict, create_club_session, move_runner, pace_groups
from progrun.coaching.comments import add_comment, thread
from progrun.coaching.errors import Unavailable
from progrun.coaching.roster import roster
from progrun.coaching.sessions import SessionSpec, prescribe, session_view
from progrun.coaching.sheet import club_sheet_pdf, pace_card_pdf
from progrun.errors import NotFound, RequestError
from progrun.paces import training_paces_for_vdot
from progrun.simulate import simulate_run
from progrun.storage.database import Database, Runner
from progrun.training_log import TrainingLog
from progrun.training_log.fitness import current_fitness
from progrun.training_log.views import load
from tests.synthetic_runs import gpx_text, synthetic_run

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RUN_DAY = date(2026, 3, 3)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    with Database.open(f"sqlite:///{tmp_path / 'log.db'}") as opened:
        yield opened


def athlete(database: Database, name: str, vdot: float | None) -> tuple[int, Runner]:
    user = database.create_user(f"{name.lower()}@example.org", name)
    runner = database.create_runner(name, user_id=user.id)
    if vdot is not None:
        TrainingLog(database.runner(runner.id)).set_profile(vdot=vdot)
    return user.id, runner


def linked(database: Database, coach_id: int, user_id: int) -> None:
    accept_invitation(database, create_invitation(database, coach_id, NOW).code, user_id, NOW)


def test_an_invitation_is_single_use_expires_and_cannot_be_guessed(database: Database) -> None:
    coach = database.create_user("coach@example.org", "Coach Kim")
    sam_user, sam = athlete(database, "Sam", 45.0)
    ann_user, _ = athlete(database, "Ann", 50.0)
    invitation = create_invitation(database, coach.id, NOW)
    assert len(invitation.code) == 22 and invitation.expires_at == NOW + timedelta(days=7)
    assert create_invitation(database, coach.id, NOW).code != invitation.code
    with pytest.raises(Unavailable):
        accept_invitation(
            database, invitation.code[:-1] + ("B" if invitation.code[-1] == "A" else "A"), sam_user, NOW
        )
    assert accept_invitation(database, invitation.code, sam_user, NOW).id == coach.id
    assert coached_store(database, coach.id, sam.id).runner_id == sam.id
    with pytest.raises(Unavailable):  # used
        accept_invitation(database, invitation.code, ann_user, NOW)
    late = create_invitation(database, coach.id, NOW)
    with pytest.raises(Unavailable):  # expired a second after 7 days
        accept_invitation(database, late.code, ann_user, NOW + timedelta(days=7, seconds=1))
    end_link(database, coach.id, sam.id)  # the athlete leaves: at once
    with pytest.raises(NotFound):
        coached_store(database, coach.id, sam.id)
    with pytest.raises(Unavailable):
        end_link(database, coach.id, sam.id)


def test_a_coach_accepting_their_own_code_is_refused(database: Database) -> None:
    coach_user, _ = athlete(database, "Kim", 50.0)
    with pytest.raises(RequestError, match="your own invitation"):
        accept_invitation(database, create_invitation(database, coach_user, NOW).code, coach_user, NOW)


def morning(day: date, seed: int) -> datetime:
    """07:00 UTC on `day` for `simulate_run(seed=seed)`, which moves the start by `seed % 365` days."""
    return datetime.combine(day, time(7, 0), UTC) - timedelta(days=seed % 365)


def upload(database: Database, runner: Runner, plan_id: int, behaviour: str, seed: int) -> None:
    store = database.runner(runner.id)
    plan = store.plan(plan_id).plan
    activity = simulate_run(plan, behaviour=behaviour, seed=seed, start=morning(RUN_DAY, seed))
    report = TrainingLog(store).import_bytes(f"{runner.name}.gpx", gpx_text(activity).encode())
    assert report.imported, report


def test_prescribed_session_plans_from_each_athletes_paces_and_reads_verdicts_in_third_person(
    database: Database,
) -> None:
    coach = database.create_user("coach@example.org", "Coach Kim")
    sam_user, sam = athlete(database, "Sam", 42.0)
    bo_user, bo = athlete(database, "Bo", 58.0)
    linked(database, coach.id, sam_user)
    linked(database, coach.id, bo_user)
    spec = SessionSpec(RUN_DAY, "5mi")
    session_id = prescribe(database, coach.id, spec, [sam.id, bo.id], NOW.date())
    view = session_view(database, coach.id, session_id)
    plans = {outcome.name: outcome.plan for outcome in view.outcomes}
    for name, vdot in (("Sam", 42.0), ("Bo", 58.0)):
        plan = plans[name]
        assert plan is not None
        ten_k = training_paces_for_vdot(vdot).race_10k_s_per_km
        assert ten_k is not None and plan.target_pace_s_per_km == pytest.approx(ten_k, abs=1.0)
        assert plan.total_distance_m == pytest.approx(5 * 1609.344, abs=1.0)
    # the plan is the athlete's own, on the date
    assert [stored.planned_on for stored in database.runner(sam.id).plans()] == [RUN_DAY]
    sam_plan = view.outcomes[0].plan_id
    bo_plan = view.outcomes[1].plan_id
    assert sam_plan is not None and bo_plan is not None
    upload(database, sam, sam_plan, "follow", 1)
    upload(database, bo, bo_plan, "too_fast", 2)
    after = {o.name: o for o in session_view(database, coach.id, session_id).outcomes}
    assert after["Sam"].progressed is True and after["Sam"].score is not None and after["Sam"].score >= 85
    assert after["Sam"].finding.startswith("Sam ")
    assert after["Sam"].finding.startswith("Sam ran a good progression run")
    assert after["Bo"].finding.startswith("Bo did not run a clean progression")
    assert ": Bo went out too fast." in after["Bo"].finding
    assert "you" not in after["Bo"].finding.lower().split()
    assert after["Bo"].score is not None and after["Bo"].score < after["Sam"].score
    # the athlete's own report still speaks to them
    bo_run = after["Bo"].activity_id
    assert bo_run is not None
    assert (
        TrainingLog(database.runner(bo.id)).activity(bo_run).finding().startswith("Not a clean progression")
    )
    # talk under the run
    add_comment(database, bo.id, bo_run, author_user_id=coach.id, body="Hold back the first mile", now=NOW)
    add_comment(database, bo.id, bo_run, author_user_id=bo_user, body="Will do", now=NOW)
    assert [(c.role, c.body) for c in thread(database, bo.id, bo_run)] == [
        ("coach", "Hold back the first mile"),
        ("athlete", "Will do"),
    ]
    with pytest.raises(Unavailable):
        thread(database, sam.id, bo_run)
    # the roster: Bo's last run red or amber, Sam's green; the athlete leaves and the session hides them
    cards = {card.name: card for card in roster(database, coach.id, RUN_DAY)}
    assert cards["Sam"].runs[0].colour == "green" and cards["Bo"].runs[0].colour in {"amber", "red"}
    bo_fitness = current_fitness(database.runner(bo.id), RUN_DAY)  # now the log's, from the run
    assert bo_fitness.source == "the log" and bo_fitness.paces is not None
    assert cards["Bo"].paces_s_per_km["10k"] == pytest.approx(bo_fitness.paces.race_10k_s_per_km, abs=0.05)
    end_link(database, coach.id, bo.id)
    assert [o.name for o in session_view(database, coach.id, session_id).outcomes] == ["Sam"]
    with pytest.raises(Unavailable):
        prescribe(database, coach.id, spec, [bo.id], NOW.date())


def test_roster_flags(database: Database) -> None:
    coach = database.create_user("coach@example.org", "Coach Kim")
    user, ann = athlete(database, "Ann", 50.0)
    linked(database, coach.id, user)
    quiet = roster(database, coach.id, RUN_DAY)[0]
    assert [flag.code for flag in quiet.flags] == ["no_recent_run"]
    assert quiet.flags[0].text == "Ann has not run in the log yet (two weeks or more)"
    store = database.runner(ann.id)
    plan = prescribe(database, coach.id, SessionSpec(RUN_DAY, "4mi"), [ann.id], NOW.date())
    plan_id = session_view(database, coach.id, plan).outcomes[0].plan_id
    assert plan_id is not None
    log = TrainingLog(store)
    for offset in range(3):  # three progression runs in four days, each too fast
        day = RUN_DAY + timedelta(days=2 * offset)
        store.add_plan(store.plan(plan_id).plan, planned_on=day)
        activity = simulate_run(
            store.plan(plan_id).plan,
            behaviour="too_fast",
            seed=offset,
            start=morning(day, offset),
        )
        log.import_bytes(f"r{offset}.gpx", gpx_text(activity).encode())
    card = roster(database, coach.id, RUN_DAY + timedelta(days=4))[0]
    codes = [flag.code for flag in card.flags]
    assert "too_many_hard" in codes and "no_recent_run" not in codes
    assert next(f.text for f in card.flags if f.code == "too_many_hard").startswith("Ann ran 3 hard sessions")
    assert [run.target_reached for run in card.runs[:2]] == [False, False]
    assert next(f.text for f in card.flags if f.code == "target_missed") == (
        f"Ann missed the target twice in a row ({RUN_DAY + timedelta(days=2)} and "
        f"{RUN_DAY + timedelta(days=4)})"
    )


@pytest.mark.parametrize(("last_week_km", "rule"), [(1, None), (2, "week"), (8, "acwr"), (12, "acwr")])
def test_load_spike_flag_follows_the_load_rules(
    database: Database, last_week_km: int, rule: str | None
) -> None:
    """Four weeks of 4 km every third day, then a week of daily runs of `last_week_km` (rTSS loads from
    the profile's threshold pace): no flag for 1 km a day; the week over 1.3 x the four before for 2 km;
    the acute:chronic ratio >= 1.5 for 8 and 12 km."""
    coach = database.create_user("coach@example.org", "Coach Kim")
    user, ann = athlete(database, "Ann", 50.0)
    linked(database, coach.id, user)
    log = TrainingLog(database.runner(ann.id))
    log.set_profile(threshold_s_per_km=270.0)
    first = date(2026, 2, 2)
    days = [first + timedelta(days=k) for k in range(0, 28, 3)] + [
        first + timedelta(days=28 + k) for k in range(7)
    ]
    for index, day in enumerate(days):
        km = 4 if day < first + timedelta(days=28) else last_week_km
        run = synthetic_run(datetime.combine(day, time(7), UTC), [340.0] * km)
        log.import_bytes(f"e{index}.gpx", gpx_text(run).encode())
    today = first + timedelta(days=34)
    card = roster(database, coach.id, today)[0]
    flagged = [flag.text for flag in card.flags if flag.code == "load_spike"]
    series = load(database.runner(ann.id), today)
    acwr = float(series.acwr[-1])
    assert (acwr >= 1.5) is (rule == "acwr")
    if rule is None:
        assert flagged == []
    elif rule == "acwr":
        assert flagged == [f"Ann's load is climbing too fast: acute:chronic ratio {acwr:.2f} (>= 1.5)"]
    else:
        assert len(flagged) == 1 and "x the mean of the four weeks before" in flagged[0]
        assert flagged[0].startswith("Ann's load is climbing too fast: the week from 2026-03-02 carries")


@pytest.mark.parametrize("groups", [None, 2])
def test_club_night_groups_plans_move_and_sheet(database: Database, groups: int | None) -> None:
    coach = database.create_user("coach@example.org", "Coach Kim")
    vdots = {"Ada": 61.0, "Ben": 59.5, "Cy": 58.5, "Di": 50.0, "Ed": 48.0, "Flo": 40.0}
    ids = {}
    for name, vdot in vdots.items():
        user, runner = athlete(database, name, vdot)
        linked(database, coach.id, user)
        ids[name] = runner.id
    session_id = create_club_session(
        database, coach.id, SessionSpec(RUN_DAY, "5mi"), list(ids.values()), today=NOW.date(), groups=groups
    )
    body = club_dict(session_view(database, coach.id, session_id, kind="club"))
    names = {runner_id: name for name, runner_id in ids.items()}
    layout = [[names[a] for a in group["athletes"]] for group in body["groups"]]
    if groups is None:
        assert layout == [["Ada", "Ben", "Cy"], ["Di", "Ed"], ["Flo"]]
    else:
        assert layout == [["Ada", "Ben", "Cy"], ["Di", "Ed", "Flo"]]
    for group, members in zip(body["groups"], layout, strict=True):
        slowest = min(vdots[name] for name in members)
        ten_k = training_paces_for_vdot(slowest).race_10k_s_per_km
        assert group["plan"]["target_s_per_km"] == pytest.approx(ten_k, abs=1.0)
    move_runner(database, coach.id, session_id, runner_id=ids["Cy"], to_group=1, today=NOW.date())
    moved = club_dict(session_view(database, coach.id, session_id, kind="club"))
    assert ids["Cy"] in moved["groups"][1]["athletes"]
    ten_k_ben = training_paces_for_vdot(59.5).race_10k_s_per_km
    assert moved["groups"][0]["plan"]["target_s_per_km"] == pytest.approx(ten_k_ben, abs=1.0)
    view = session_view(database, coach.id, session_id, kind="club")
    pdf = club_sheet_pdf(view, "Coach Kim")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") == 1
    assert pace_card_pdf(view, ids["Flo"]).startswith(b"%PDF")


def test_pace_groups_without_fitness_go_last() -> None:
    runners = [Member(Runner(i, f"R{i}", None), vdot) for i, vdot in enumerate([45.0, None, 44.0, 30.0])]
    assert [[m.runner.id for m in g] for g in pace_groups(runners)] == [[0, 2], [3], [1]]
