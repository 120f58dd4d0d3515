"""A plan request: the texts a runner typed (command line or web form) -> a Plan. No click, no terminal.

`PlanRequest` holds the fields as typed ("5k=20:00", "5mi", "8:30", "easy", "5min", "Tuesday build");
`plan_from_request` reads and checks them and builds the plan, or loads a saved one. Bad input raises an
error naming the field (`error.field`), never a command-line flag:

- `UnitError(field=...)`: text that is not a pace, distance, duration or race result ("5k=twenty");
- `RequestError(field=...)`: a field missing, or fields that do not go together (race and paces);
- `PlanError` / `PaceError`: a plan that cannot work, or a race outside the model, with suggestions.

The CLI renders the fields as its options (`--distance 6mi`), a web app as form fields.

>>> plan, paces = plan_from_request(PlanRequest(race="5k=20:00", distance="5mi", name="Tuesday build"))
>>> (plan.unit.value, len(plan.running_steps), plan.name, round(paces.threshold_s_per_km or 0.0))
('mi', 5, 'Tuesday build', 256)
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from progrun.errors import PlanError, RequestError, Suggestion, UnitError
from progrun.paces import training_paces_from_entered, training_paces_from_race
from progrun.plan import Plan, SplitUnit
from progrun.planner import StartChoice, TargetChoice, build_duration_plan, build_plan
from progrun.training_paces import TrainingPaces
from progrun.units import (
    METRES_PER_MILE,
    format_distance,
    parse_distance,
    parse_duration,
    parse_pace,
    parse_race,
)

if TYPE_CHECKING:
    from progrun.conditions import ConditionsAdjustment
    from progrun.route import Route

#: The fields of a new plan, in the order a form shows them (and `given` lists them).
PLAN_FIELDS: tuple[str, ...] = (
    "race",
    "marathon_pace",
    "target_pace",
    "easy_pace",
    "distance",
    "duration",
    "start",
    "target",
    "step",
    "tempo_splits",
    "unit",
    "warmup",
    "cooldown",
    "route",
    "temperature",
    "dew_point",
    "altitude",
    "treadmill",
    "max_hr",
    "resting_hr",
    "lthr",
)
#: The day's conditions (`progrun.conditions`): they slow every pace of a new plan.
CONDITION_FIELDS: tuple[str, ...] = ("temperature", "dew_point", "altitude")
#: The entered paces, instead of a race result.
PACE_FIELDS: tuple[str, ...] = ("marathon_pace", "target_pace", "easy_pace")
#: The longest plan name kept (a calendar summary or file name; watches show fewer, see fit_workout).
MAX_NAME_CHARS = 60

_NO_COOLDOWN = frozenset({"0", "none"})
_E = TypeVar("_E", bound=enum.Enum)


@dataclass(frozen=True)
class PlanRequest:
    """What the runner asked for: a saved plan to load, or the fields of a new plan, as typed.

    `start`, `target` and `unit` take their enum's value ("marathon", "5k", "km"); `step` is seconds per
    split unit. `temperature`, `dew_point` ("28C", "82F") and `altitude` ("1800m", "5900ft") slow every
    pace for the day (`progrun.conditions`; the plan's reasons say by how much and why). `treadmill`
    ("kmh" or "mph") marks the plan for the treadmill: `progrun.treadmill.treadmill_card` shows each split
    as belt speed and incline, and the PNG/PDF exports draw that card. `max_hr` with `resting_hr`
    (Karvonen) or `lthr` (Friel) make the plan heart-rate guided (`progrun.heart_rate`). `name` names
    the plan ("" for the default "Progression 5mi"). `given` lists the fields of
    a new plan the runner set rather than left at their default (so a saved plan is not mixed with them);
    `plan_file_allowed` says whether the client offers a saved plan (`plan_path`) at all. `route` is a route
    already read (`progrun.formats.gpx_route`): the plan's paces follow its hills
    (`progrun.route_plan`), and its length is the distance when none is given.
    """

    race: str | None = None
    marathon_pace: str | None = None
    target_pace: str | None = None
    easy_pace: str | None = None
    distance: str | None = None
    duration: str | None = None
    start: str | StartChoice = StartChoice.AUTO
    target: str | TargetChoice = TargetChoice.TEN_K
    step: str | float | None = None
    tempo_splits: str | int = 2
    unit: str | SplitUnit | None = None
    warmup: bool = False
    cooldown: str = "5min"
    temperature: str | None = None
    dew_point: str | None = None
    altitude: str | None = None
    treadmill: str | None = None
    max_hr: str | int | None = None
    resting_hr: str | int | None = None
    lthr: str | int | None = None
    name: str = ""
    route: Route | None = None
    plan_path: Path | None = None
    given: tuple[str, ...] = ()
    plan_file_allowed: bool = False


def split_unit_of(distance_text: str) -> SplitUnit:
    """Miles when the distance is written in miles ("5mi", "5 miles", "mile"), else km."""
    letters = "".join(char for char in distance_text.lower() if char.isalpha())
    return SplitUnit.MILE if letters.startswith("mi") else SplitUnit.KM


def plan_from_request(request: PlanRequest, *, strict: bool = False) -> tuple[Plan, TrainingPaces | None]:
    """The plan asked for and, when built here rather than loaded, the paces it was built from.

    `strict` refuses a request outside the method instead of warning (`build_plan(strict_method=...)`).
    """
    name = plan_name_of(request.name)
    if request.plan_path is not None:
        if request.given:
            named: list[str | Suggestion] = []
            for index, field in enumerate(request.given):
                named += [", "] * (index > 0) + [Suggestion(field)]
            raise RequestError(
                request.given[0],
                [
                    "give either ",
                    Suggestion("plan"),
                    " or the options of a new plan (",
                    *named,
                    "), not both",
                ],
            )
        from progrun.plan_io import plan_from_json  # only a saved plan needs its reader

        loaded = plan_from_json(request.plan_path)
        return (dataclasses.replace(loaded, name=name) if name else loaded), None
    _check_pace_source(request)
    route = request.route
    if route is not None and request.duration is not None:
        raise RequestError(
            "duration",
            ["a plan over a route is by distance: give ", Suggestion("route"), " without a duration"],
        )
    if request.distance is not None and request.duration is not None:
        raise RequestError(
            "duration", ["give either ", Suggestion("distance"), " or ", Suggestion("duration"), ", not both"]
        )
    start = _choice(StartChoice, request.start, "start")
    target = _choice(TargetChoice, request.target, "target")
    unit_given = None if request.unit is None else _choice(SplitUnit, request.unit, "unit")
    step_s = _step(request.step)
    tempo_splits = _whole(request.tempo_splits, "tempo_splits")
    cooldown_text = request.cooldown.strip()
    cooldown_s = 0.0 if cooldown_text in _NO_COOLDOWN else _read("cooldown", parse_duration, request.cooldown)
    if request.duration is not None:
        duration_s = _read("duration", parse_duration, request.duration)
        unit = unit_given if unit_given is not None else SplitUnit.KM
        paces, adjustment = _in_conditions(request, _paces(request, unit, target), unit, target, strict)
        timed = build_duration_plan(
            paces,
            duration_s,
            unit=unit,
            start=start,
            target=target,
            step_s=step_s,
            tempo_splits=tempo_splits,
            cooldown_s=cooldown_s,
            strict_method=strict,
        )
        timed = _with_conditions(dataclasses.replace(timed, name=name), adjustment)
        return _guided(_on_treadmill(timed, request.treadmill), request), paces
    distance_text = request.distance
    if distance_text is None and route is not None:
        distance_text = format_distance(route.length_m, (unit_given or SplitUnit.KM).value)
    if distance_text is None:
        raise RequestError(
            "distance",
            [
                "give the run's length: ",
                Suggestion("distance", "5mi"),
                ", or a run by time: ",
                Suggestion("duration", "40min"),
            ],
        )
    distance_m = route.length_m if request.distance is None and route is not None else None
    if distance_m is None:
        distance_m = _read("distance", parse_distance, distance_text)
        _check_metres(distance_text, distance_m)
    unit = unit_given if unit_given is not None else split_unit_of(distance_text)
    paces, adjustment = _in_conditions(request, _paces(request, unit, target), unit, target, strict)
    plan = build_plan(
        paces,
        distance_m,
        unit=unit,
        start=start,
        target=target,
        step_s=step_s,
        tempo_splits=tempo_splits,
        warmup=request.warmup,
        cooldown_s=cooldown_s,
        strict_method=strict,
    )
    if route is not None:
        from progrun.route_plan import route_aware_plan  # numpy: only for a plan over a route

        plan = route_aware_plan(plan, route)
    plan = _with_conditions(dataclasses.replace(plan, name=name), adjustment)
    return _guided(_on_treadmill(plan, request.treadmill), request), paces


def _in_conditions(
    request: PlanRequest, paces: TrainingPaces, unit: SplitUnit, target: TargetChoice, strict: bool
) -> tuple[TrainingPaces, ConditionsAdjustment | None]:
    """The paces slowed for the day's conditions, and the adjustment (None when no condition was given)."""
    if request.temperature is None and request.dew_point is None and request.altitude is None:
        return paces, None  # most plans: no need to load the conditions model
    from progrun.conditions import (
        Conditions,
        adjusted_paces,
        conditions_adjustment,
        parse_altitude,
        parse_temperature,
    )

    conditions = Conditions(
        temperature_c=None
        if request.temperature is None
        else _read("temperature", parse_temperature, request.temperature),
        dew_point_c=None
        if request.dew_point is None
        else _read("dew_point", functools.partial(parse_temperature, field="dew_point"), request.dew_point),
        altitude_m=None if request.altitude is None else _read("altitude", parse_altitude, request.altitude),
    )
    target_pace = paces.race_10k_s_per_km if target is TargetChoice.TEN_K else paces.race_5k_s_per_km
    adjustment = conditions_adjustment(
        conditions, strict=strict, example_pace_s_per_km=target_pace, unit=unit.value
    )
    return adjusted_paces(paces, adjustment), adjustment


def _bpm(value: str | int | None, field: str) -> float | None:
    if value is None or isinstance(value, int):
        return None if value is None else float(value)
    try:
        return float(value.strip().lower().removesuffix("bpm").strip())
    except ValueError:
        raise UnitError(value, "heart rate in bpm", "170", field=field) from None


def _guided(plan: Plan, request: PlanRequest) -> Plan:
    """The plan guided by heart rate when zones were given: Karvonen (max and resting) or LTHR (Friel)."""
    max_bpm, resting_bpm = _bpm(request.max_hr, "max_hr"), _bpm(request.resting_hr, "resting_hr")
    lthr_bpm = _bpm(request.lthr, "lthr")
    if lthr_bpm is not None and (max_bpm is not None or resting_bpm is not None):
        raise RequestError(
            "lthr",
            [
                "give either ",
                Suggestion("lthr"),
                " or ",
                Suggestion("max_hr"),
                " and ",
                Suggestion("resting_hr"),
                ", not both",
            ],
        )
    if lthr_bpm is None and max_bpm is None and resting_bpm is None:
        return plan
    from progrun.heart_rate import karvonen_zones, lthr_zones, with_heart_rate

    if lthr_bpm is not None:
        return with_heart_rate(plan, lthr_zones(lthr_bpm))
    if max_bpm is None or resting_bpm is None:
        missing = "max_hr" if max_bpm is None else "resting_hr"
        raise RequestError(
            missing,
            [
                "Karvonen zones need both ",
                Suggestion("max_hr", "185"),
                " and ",
                Suggestion("resting_hr", "55"),
            ],
        )
    return with_heart_rate(plan, karvonen_zones(max_bpm, resting_bpm))


def _on_treadmill(plan: Plan, treadmill: str | None) -> Plan:
    """The plan marked for the treadmill (`options["treadmill"]`, the speed unit), with a reason line."""
    if treadmill is None:
        return plan
    from progrun.treadmill import INCLINE_PERCENT, INCLINE_SOURCE, SpeedUnit

    unit = _choice(SpeedUnit, treadmill, "treadmill")
    return dataclasses.replace(
        plan,
        reasons=(
            *plan.reasons,
            f"treadmill: belt speed in {unit.label} at {INCLINE_PERCENT:g} % incline, the grade that costs "
            f"what level road running does ({INCLINE_SOURCE})",
        ),
        options={**plan.options, "treadmill": unit.value},
    )


def _with_conditions(plan: Plan, adjustment: ConditionsAdjustment | None) -> Plan:
    """The plan with the conditions' reasons, warnings and numbers (in `options["conditions"]`)."""
    if adjustment is None:
        return plan
    return dataclasses.replace(
        plan,
        reasons=(*plan.reasons, *adjustment.reasons),
        warnings=(*plan.warnings, *adjustment.warnings),
        options={**plan.options, "conditions": adjustment.to_dict()},
    )


def plan_name_of(text: str) -> str:
    """The plan's name as typed, trimmed; PlanError for control characters or a name too long to show."""
    name = text.strip()
    if any(not char.isprintable() for char in name):
        raise PlanError("name", f"{name!r} holds control characters", "write the name on one line")
    if len(name) > MAX_NAME_CHARS:
        raise PlanError(
            "name",
            f"{len(name)} characters is longer than a plan's name can be ({MAX_NAME_CHARS})",
            ["try ", Suggestion("name", repr(name[:MAX_NAME_CHARS].rstrip()))],
        )
    return name


def _choice(choices: type[_E], value: str | _E, field: str) -> _E:
    if isinstance(value, choices):
        return value
    try:
        return choices(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(str(choice.value) for choice in choices)
        raise UnitError(
            str(value), f"{field} ({allowed})", str(next(iter(choices)).value), field=field
        ) from None


def _step(value: str | float | None) -> float | None:
    if value is None or isinstance(value, float | int):
        return None if value is None else float(value)
    try:
        step_s = float(value.strip().removesuffix("s"))
    except ValueError:
        raise UnitError(value, "step in seconds", "20", field="step") from None
    return step_s


def _whole(value: str | int, field: str) -> int:
    if isinstance(value, int):
        return value
    try:
        return int(value.strip())
    except ValueError:
        raise UnitError(value, "whole number", "2", field=field) from None


def _check_metres(text: str, distance_m: float) -> None:
    """A run written in metres that is shorter than a mile was almost surely meant in miles ("5m")."""
    letters = "".join(char for char in text.lower() if char.isalpha())
    if letters in {"m", "metre", "metres", "meter", "meters"} and distance_m < METRES_PER_MILE:
        raise UnitError(
            text,
            "distance",
            f"{distance_m:g}mi",
            field="distance",
            message=f"{text!r} is {distance_m:g} metres, too short for a progression run; "
            f"for miles write {distance_m:g}mi",
        )


def _check_pace_source(request: PlanRequest) -> None:
    """Exactly one of a race result and entered paces."""
    entered = [field for field in PACE_FIELDS if getattr(request, field) is not None]
    if request.race is not None and entered:
        named: list[str | Suggestion] = []
        for index, field in enumerate(entered):
            named += [", "] * (index > 0) + [Suggestion(field)]
        raise RequestError(entered[0], ["give either ", Suggestion("race"), " or ", *named, ", not both"])
    if request.race is None and not entered:
        saved: list[str | Suggestion] = (
            [", or a saved plan (", Suggestion("plan", "plan.json"), ")"] if request.plan_file_allowed else []
        )
        raise RequestError(
            "race",
            [
                "give a race result (",
                Suggestion("race", "5k=20:00"),
                ") or your paces (",
                Suggestion("marathon_pace", "8:30"),
                " ",
                Suggestion("target_pace", "7:30"),
                ")",
                *saved,
            ],
        )


def _read(field: str, parse: Callable[[str], float], text: str) -> float:
    """`text` read by `parse`; a UnitError names the field it was typed in."""
    try:
        return parse(text)
    except UnitError as error:
        raise UnitError(error.text, error.kind, error.example, field=field) from None


def _paces(request: PlanRequest, unit: SplitUnit, target: TargetChoice) -> TrainingPaces:
    """Training paces from the race result, or from the entered paces (read in the split unit)."""
    if request.race is not None:
        try:
            race = parse_race(request.race)
        except UnitError as error:
            raise UnitError(error.text, error.kind, error.example, field="race") from None
        return training_paces_from_race(*race)
    read_pace = functools.partial(parse_pace, default_unit=unit.value)
    parsed = {
        field: None if getattr(request, field) is None else _read(field, read_pace, getattr(request, field))
        for field in PACE_FIELDS
    }
    is_ten_k = target is TargetChoice.TEN_K
    return training_paces_from_entered(
        marathon_s_per_km=parsed["marathon_pace"],
        race_10k_s_per_km=parsed["target_pace"] if is_ten_k else None,
        race_5k_s_per_km=None if is_ten_k else parsed["target_pace"],
        easy_s_per_km=parsed["easy_pace"],
    )
