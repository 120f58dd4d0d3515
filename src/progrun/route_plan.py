"""Route-aware plans: each split's target pace follows the hills so the *effort* keeps progressing.

A flat plan's split at pace P costs, by Minetti et al. 2002 (`progrun.grade`), Cr(0) per kg and metre.
Laid over a route, a split of d metres whose grade profile is i(x) costs as much as its *equivalent
flat distance* D = sum Cr(i)/Cr(0) * dx flat metres. Running it at the flat split's effort means
running those D flat metres at P, so the split takes P * D and its pace on the watch is

    P_route = P * D / d      (and the band's edges likewise)

so its grade-adjusted pace is exactly P. Up a steady 5 % grade Cr(0.05)/Cr(0) = 1.301, so a 5:00/km
flat split becomes 6:30/km; down 5 %, 0.763 -> 3:49/km. The grade is taken from the route's smoothed
elevation profile (`progrun.elevation`, 10 m grid, 50 m average), as the GAP of a recording is.

The adjusted plan keeps its flat progression in `options["route"]` (the flat pace and cost factor of
each split), so the judge scores watch pace against the adjusted targets and GAP against the flat ones.
Timed plans cannot follow a route (where a split starts on the course depends on the pace run).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from progrun.elevation import SMOOTHING_WINDOW_M, elevation_profile
from progrun.errors import PlanError, Suggestion
from progrun.grade import equivalent_flat_distance
from progrun.plan import Plan, Step, StepKind
from progrun.plan_rules import DISTANCE_TOLERANCE_M
from progrun.units import format_distance, format_pace

if TYPE_CHECKING:
    from progrun.route import Route

#: The plan option holding the route's name, length and each running split's flat pace and factor.
ROUTE_OPTION = "route"
#: How far past its end the route's last slope is carried on, so neither the 10 m grid nor the 50 m
#: average reaches a made-up flat.
_RUN_ON_M = 2 * SMOOTHING_WINDOW_M


def split_cost_factors(route: Route, bounds_m: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """(cost factor D/d, mean grade) of each stretch (start, end) of the route, in metres along it."""
    # The profile's 10 m grid may end past the route's last point; carry the last slope on so the last
    # split's final metres keep their grade (the profile holds the altitude flat past its data).
    distance, elevation = route.distance_m, route.elevation_m
    run = float(distance[-1] - distance[-2])
    slope = float(elevation[-1] - elevation[-2]) / run if run > 0 else 0.0
    distance = np.append(distance, distance[-1] + _RUN_ON_M)
    elevation = np.append(elevation, elevation[-1] + slope * _RUN_ON_M)
    profile = elevation_profile(distance, elevation)
    if profile is None:
        return [(1.0, 0.0) for _ in bounds_m]
    flat_m = equivalent_flat_distance(profile)
    starts = np.array([start for start, _ in bounds_m], dtype=np.float64)
    ends = np.array([end for _, end in bounds_m], dtype=np.float64)
    flat = np.interp(ends, profile.distance_m, flat_m) - np.interp(starts, profile.distance_m, flat_m)
    rise = np.interp(ends, profile.distance_m, profile.altitude_m) - np.interp(
        starts, profile.distance_m, profile.altitude_m
    )
    length = ends - starts
    return [
        (float(f / d), float(r / d)) if d > 0 else (1.0, 0.0)
        for f, r, d in zip(flat, rise, length, strict=True)
    ]


def route_aware_plan(plan: Plan, route: Route) -> Plan:
    """`plan` laid over `route`: each running split's pace and band scaled by its Minetti cost factor.

    PlanError when the plan is by time, or longer than the route.
    """
    unit = plan.unit.value
    if plan.timed:
        raise PlanError(
            "route",
            "a plan by time cannot follow a route (where each split falls depends on the pace run)",
            [
                "give the run's length instead: ",
                Suggestion("distance", format_distance(route.length_m, unit)),
            ],
        )
    running = plan.running_steps
    total_m = sum(step.distance_m or 0.0 for step in running)
    if total_m > route.length_m + DISTANCE_TOLERANCE_M:
        raise PlanError(
            "route",
            f"the plan is {format_distance(total_m, unit)}, longer than the route "
            f"{route.name} ({format_distance(route.length_m, unit)})",
            ["plan the route's length: ", Suggestion("distance", format_distance(route.length_m, unit))],
        )
    bounds: list[tuple[float, float]] = []
    start_m = 0.0
    for step in running:
        end_m = min(start_m + (step.distance_m or 0.0), route.length_m)
        bounds.append((start_m, end_m))
        start_m = end_m
    factors = split_cost_factors(route, bounds)
    adjusted: list[Step] = []
    reasons: list[str] = []
    for index, (step, (factor, grade)) in enumerate(zip(running, factors, strict=True)):
        adjusted.append(
            replace(
                step,
                pace_s_per_km=step.pace_s_per_km * factor,
                low_s_per_km=step.low_s_per_km * factor,
                high_s_per_km=step.high_s_per_km * factor,
                cue=f"{step.cue} ({_grade_text(grade)})" if abs(grade) >= 0.005 else step.cue,
            )
        )
        if abs(factor - 1.0) >= 0.005:
            flat_text = format_pace(step.pace_s_per_km, unit)
            route_text = format_pace(step.pace_s_per_km * factor, unit)
            reasons.append(
                f"split {index + 1}: {grade * 100:+.1f}% mean grade, the effort of {flat_text} flat is "
                f"{route_text} (x{factor:.3f}, Minetti 2002)"
            )
    cooldown = tuple(step for step in plan.steps if step.kind is StepKind.COOLDOWN)
    covered = (
        f"the route {route.name}: {format_distance(route.length_m, unit)}"
        if total_m >= route.length_m - DISTANCE_TOLERANCE_M
        else f"the first {format_distance(total_m, unit)} of the route {route.name} "
        f"({format_distance(route.length_m, unit)})"
    )
    option = {
        "name": route.name,
        "length_m": route.length_m,
        "flat_paces_s_per_km": [step.pace_s_per_km for step in running],
        "cost_factors": [factor for factor, _ in factors],
        "grades": [grade for _, grade in factors],
    }
    return replace(
        plan,
        steps=(*adjusted, *cooldown),
        reasons=(*plan.reasons, f"paces follow the hills of {covered}", *reasons),
        warnings=(*plan.warnings, *route.warnings),
        options={**plan.options, ROUTE_OPTION: option},
    )


def flat_paces_of(plan: Plan) -> list[float] | None:
    """The flat (grade-adjusted) target of each running split of a route-aware plan, else None."""
    option = plan.options.get(ROUTE_OPTION)
    if not isinstance(option, dict):
        return None
    paces = option.get("flat_paces_s_per_km")
    if not isinstance(paces, list) or len(paces) != len(plan.running_steps):
        return None
    if not all(isinstance(pace, int | float) and math.isfinite(pace) and pace > 0 for pace in paces):
        return None
    return [float(pace) for pace in paces]


def _grade_text(grade: float) -> str:
    return f"up {grade * 100:.0f}%" if grade > 0 else f"down {-grade * 100:.0f}%"
