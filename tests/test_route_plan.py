"""Route-aware plans over generated routes: each split's pace is its flat pace times Minetti's cost factor."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.errors import CorruptFile, PlanError
from progrun.formats.gpx_route import read_route
from progrun.grade import grade_adjusted_pace
from progrun.judge import judge
from progrun.paces import training_paces_from_race
from progrun.plan import SplitUnit
from progrun.planner import build_duration_plan, build_plan
from progrun.route_plan import flat_paces_of, route_aware_plan
from progrun.simulate import simulate_run
from progrun.units import METRES_PER_MILE
from tests.route_builders import minetti_factor, piecewise_elevation, route_gpx

PACES = training_paces_from_race(5000.0, 20 * 60.0)
FIVE_MI = 5 * METRES_PER_MILE


def _flat_plan(distance_m: float = FIVE_MI):
    return build_plan(PACES, distance_m, unit=SplitUnit.MILE)


@pytest.mark.parametrize("grade", [0.0, 0.02, 0.05, 0.10, -0.02, -0.05, -0.10])
def test_steady_grade_scales_every_split_by_minettis_factor(grade: float) -> None:
    route = read_route(route_gpx(FIVE_MI, lambda d: 100.0 + grade * d), name="steady.gpx")
    assert route.length_m == pytest.approx(FIVE_MI, abs=0.05)
    flat = _flat_plan()
    adjusted = route_aware_plan(flat, route)
    expected = minetti_factor(grade)
    for before, after in zip(flat.running_steps, adjusted.running_steps, strict=True):
        assert after.pace_s_per_km == pytest.approx(before.pace_s_per_km * expected, rel=1e-5)
        assert after.low_s_per_km == pytest.approx(before.low_s_per_km * expected, rel=1e-5)
        assert after.high_s_per_km == pytest.approx(before.high_s_per_km * expected, rel=1e-5)
        # its grade-adjusted pace is the flat target: the effort is the flat plan's
        assert float(grade_adjusted_pace(after.pace_s_per_km, grade)) == pytest.approx(
            before.pace_s_per_km, rel=1e-5
        )
    assert flat_paces_of(adjusted) == [step.pace_s_per_km for step in flat.running_steps]


def test_published_figures() -> None:
    # Minetti 2002: Cr(+0.10) = 5.97, Cr(-0.10) = 2.15 J/kg/m against 3.60 on the flat
    assert minetti_factor(0.10) * 3.6 == pytest.approx(5.97, abs=0.005)
    assert minetti_factor(-0.10) * 3.6 == pytest.approx(2.15, abs=0.005)
    up = route_aware_plan(_flat_plan(), read_route(route_gpx(FIVE_MI, lambda d: 0.05 * d), name="up.gpx"))
    assert up.options["route"]["cost_factors"][0] == pytest.approx(1.3014, abs=1e-4)


def test_rolling_route_each_mile_its_own_grade() -> None:
    grades = [0.0, 0.06, -0.04, 0.03, -0.08]
    route = read_route(route_gpx(FIVE_MI, piecewise_elevation(grades, METRES_PER_MILE)), name="rolling.gpx")
    flat = _flat_plan()
    adjusted = route_aware_plan(flat, route)
    for step, before, grade in zip(adjusted.running_steps, flat.running_steps, grades, strict=True):
        # the 50 m smoothing blurs 25 m at each change of grade: within 1.5 % of the mile's own factor
        assert step.pace_s_per_km / before.pace_s_per_km == pytest.approx(minetti_factor(grade), rel=0.015)
    paces = [step.pace_s_per_km for step in adjusted.running_steps]
    # watch paces go up and down with the hills (mile 2 up 6 % is slower than mile 1, mile 3 down is faster)
    assert paces[1] > paces[0] and paces[2] < paces[1] and paces[4] < paces[3]
    # the effort (flat-equivalent) still progresses split by split
    flat_paces = flat_paces_of(adjusted)
    assert flat_paces is not None and all(b <= a for a, b in itertools.pairwise(flat_paces))
    assert flat_paces[0] - flat_paces[-1] == pytest.approx(
        flat.running_steps[0].pace_s_per_km - flat.target_pace_s_per_km
    )
    assert (
        "split 2: +5.9% mean grade, the effort of 7:32/mi flat is 10:17/mi (x1.365, Minetti 2002)"
        in " ".join(adjusted.reasons)
    )


def test_route_longer_than_plan_uses_its_start_and_shorter_is_refused() -> None:
    grades = [0.05, -0.05]
    route = read_route(route_gpx(8000.0, piecewise_elevation(grades, 4000.0)), name="long.gpx")
    plan = route_aware_plan(_flat_plan(4 * METRES_PER_MILE), route)
    assert "the first 4 mi of the route long.gpx" in plan.reasons[-4] or any(
        "the first 4 mi" in reason for reason in plan.reasons
    )
    short = read_route(route_gpx(3000.0, None), name="short.gpx")
    with pytest.raises(PlanError, match=r"longer than the route short\.gpx"):
        route_aware_plan(_flat_plan(), short)
    with pytest.raises(PlanError, match="by time cannot follow a route"):
        route_aware_plan(build_duration_plan(PACES, 40 * 60.0), route)


def test_route_reader_accepts_routes_and_tracks_without_times() -> None:
    for tag in ("trkpt", "rtept"):
        route = read_route(route_gpx(2000.0, lambda d: 0.01 * d, tag=tag), name=f"{tag}.gpx")
        assert route.length_m == pytest.approx(2000.0, abs=0.02)
        assert route.elevation_m[-1] - route.elevation_m[0] == pytest.approx(20.0, abs=0.01)
        assert route.has_elevation
    timed = read_route(route_gpx(500.0, None, times=True), name="timed.gpx")
    assert timed.length_m == pytest.approx(500.0, abs=0.02)
    assert "no elevation" in timed.warnings[0]
    with pytest.raises(CorruptFile, match=r"empty\.gpx: has no route or track points"):
        read_route(b'<gpx version="1.1"></gpx>', name="empty.gpx")
    with pytest.raises(CorruptFile, match="too short for a plan"):
        read_route(route_gpx(50.0, None), name="tiny.gpx")


def test_cli_plan_over_a_route(tmp_path: Path) -> None:
    path = tmp_path / "hilly.gpx"
    path.write_bytes(
        route_gpx(FIVE_MI, piecewise_elevation([0.0, 0.06, -0.04, 0.03, -0.08], METRES_PER_MILE))
    )
    runner = CliRunner()
    result = runner.invoke(
        cli, ["plan", "--race", "5k=20:00", "--route", str(path), "--unit", "mi", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    flat = _flat_plan()
    paces = [step["pace_s_per_km"] for step in data["steps"] if step["kind"] != "cooldown"]
    assert paces[1] == pytest.approx(flat.running_steps[1].pace_s_per_km * minetti_factor(0.06), rel=0.015)
    assert data["options"]["route"]["name"] == str(path)
    table = runner.invoke(cli, ["plan", "--race", "5k=20:00", "--route", str(path), "--unit", "mi"])
    assert table.exit_code == 0 and "up 6%" in table.output
    timed = runner.invoke(cli, ["plan", "--race", "5k=20:00", "--route", str(path), "--duration", "40min"])
    assert timed.exit_code == 2 and "--route" in timed.output


def _simulator_course(distance_m: float) -> float:
    """The rolling course of `progrun.simulate` (its `hilly` behaviour), as a route."""
    return (
        100.0
        + 9.0 * math.sin(2 * math.pi * distance_m / 1200.0)
        + 2.5 * math.sin(2 * math.pi * distance_m / 500.0)
    )


def test_judge_scores_watch_pace_against_the_route_targets() -> None:
    flat = _flat_plan()
    route = read_route(route_gpx(FIVE_MI, _simulator_course), name="rolling.gpx")
    on_route = route_aware_plan(flat, route)
    # the runner holds the flat plan's effort over the hills (GAP on plan, watch pace swinging)
    run = simulate_run(flat, behaviour="hilly", noise=0.0, ran_workout=False)
    verdict = judge(on_route, run)
    assert verdict.judged_on == "watch pace against the route's hill-adjusted targets"
    flat_paces = flat_paces_of(on_route)
    assert flat_paces is not None
    for split, step, flat_pace in zip(verdict.splits, on_route.running_steps, flat_paces, strict=True):
        assert split.judged_s_per_km == split.actual_s_per_km
        # watch pace on the adjusted target, GAP on the flat one (the route's 50 m smoothing and the
        # split's rounding: within 2 s/km)
        assert split.actual_s_per_km == pytest.approx(step.pace_s_per_km, abs=2.0)
        assert split.gap_s_per_km == pytest.approx(flat_pace, abs=2.0)
        assert split.in_band
    assert verdict.target_reached and verdict.score.value >= 95.0
    assert "flat" in verdict.text
