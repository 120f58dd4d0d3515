"""The plan options of `progrun plan`, `export` and `judge`: declared once, read once, built once.

A command takes them with `@plan_options(distance_required=...)`, and `--plan FILE` with
`@plan_file_option` when it can load a saved plan; it receives one frozen `PlanRequest` (keyword
`request`) instead of a parameter per option and builds the plan with `build_requested_plan`.

Bad input, the same in every command:

- options that do not go together, or text that is not a pace, distance, duration or race result
  (`5k=twenty`): `click.UsageError`, exit 2, as in every other command;
- a race outside the model, a plan that cannot work or a plan file that cannot be read: a
  `ProgrunError`, exit 1.

>>> request = PlanRequest(race_text="5k=20:00", distance_text="5mi")
>>> plan, paces = build_requested_plan(request)
>>> (plan.unit.value, len(plan.running_steps), round(paces.threshold_s_per_km or 0.0))
('mi', 5, 256)
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from progrun.errors import UnitError
from progrun.paces import training_paces_from_entered, training_paces_from_race
from progrun.plan import Plan, SplitUnit
from progrun.plan_io import plan_from_json
from progrun.planner import StartChoice, TargetChoice, build_duration_plan, build_plan
from progrun.training_paces import TrainingPaces
from progrun.units import METRES_PER_MILE, parse_distance, parse_duration, parse_pace, parse_race

#: Parameter name of each plan option -> its flag, in the order they are declared (and shown by --help).
PLAN_OPTIONS: dict[str, str] = {
    "race_text": "--race",
    "marathon_pace": "--marathon-pace",
    "target_pace": "--target-pace",
    "easy_pace": "--easy-pace",
    "distance_text": "--distance",
    "duration_text": "--duration",
    "start": "--start",
    "target": "--target",
    "step_s": "--step",
    "tempo_splits": "--tempo-splits",
    "unit": "--unit",
    "warmup": "--warmup",
    "cooldown_text": "--cooldown",
}

_PLAN_PATH = "plan_path"
_NO_COOLDOWN = frozenset({"0", "none"})

Command = Callable[..., Any]


@dataclass(frozen=True)
class PlanRequest:
    """What the command line asked for: a saved plan to load, or the options of a new plan, unparsed.

    `given` lists the plan options (flags, e.g. "--race") set on the command line rather than left at
    their default; `plan_file_option` says whether the command offers `--plan`.
    """

    race_text: str | None = None
    marathon_pace: str | None = None
    target_pace: str | None = None
    easy_pace: str | None = None
    distance_text: str | None = None
    duration_text: str | None = None
    start: StartChoice = StartChoice.AUTO
    target: TargetChoice = TargetChoice.TEN_K
    step_s: float | None = None
    tempo_splits: int = 2
    unit: SplitUnit | None = None
    warmup: bool = False
    cooldown_text: str = "5min"
    plan_path: Path | None = None
    given: tuple[str, ...] = ()
    plan_file_option: bool = False


def _choice_option(flag: str, default: enum.Enum, help_text: str) -> Callable[[Command], Command]:
    """An option taking one value of `default`'s enum (by value), shown with its default."""
    values = [choice.value for choice in type(default)]
    return click.option(
        flag, type=click.Choice(values), default=default.value, show_default=True, help=help_text
    )


def _declarations(distance_required: bool) -> list[Callable[[Command], Command]]:
    """The click options, in the order --help shows them."""
    distance_help = "Total run: 5mi, 8km, 5.5mi (or --duration)."
    return [
        click.option(
            "--race",
            "race_text",
            metavar="DIST=TIME",
            help="A race result: 5k=20:00, 10k=50:00, half=1:45:00.",
        ),
        click.option(
            "--marathon-pace", metavar="PACE", help="Instead of --race: your marathon pace, e.g. 8:30."
        ),
        click.option(
            "--target-pace",
            metavar="PACE",
            help="Instead of --race: your 10k (or 5k, with --target 5k) pace.",
        ),
        click.option("--easy-pace", metavar="PACE", help="Instead of --race: your easy pace (optional)."),
        click.option("--distance", "distance_text", metavar="DIST", help=distance_help),
        click.option(
            "--duration",
            "duration_text",
            metavar="DURATION",
            help="Instead of --distance: a run by time, 20-60 min (40min), in timed splits each faster.",
        ),
        _choice_option(
            "--start",
            StartChoice.AUTO,
            "Start at easy or marathon pace; auto picks the one the rules allow and says why.",
        ),
        _choice_option("--target", TargetChoice.TEN_K, "The pace to build to."),
        click.option(
            "--step",
            "step_s",
            type=float,
            metavar="SECONDS",
            help="Seconds faster per split (default: chosen).",
        ),
        click.option(
            "--tempo-splits", type=int, default=2, show_default=True, help="Most splits at the target (1-3)."
        ),
        click.option(
            "--unit", type=click.Choice(["mi", "km"]), help="Split unit [default: that of --distance]."
        ),
        click.option("--warmup", is_flag=True, help="Make the first split an easy warm-up."),
        click.option(
            "--cooldown",
            "cooldown_text",
            metavar="DURATION",
            default="5min",
            show_default=True,
            help="Walk/jog after the run (0: none).",
        ),
    ]


def plan_options(*, distance_required: bool) -> Callable[[Command], Command]:
    """Add the plan options to a click command, which then receives them as one `request: PlanRequest`.

    `distance_required=True` for a command that always builds a plan; a command that can also load one
    (`@plan_file_option`) leaves --distance optional, and `build_requested_plan` asks for it.
    """

    def decorate(command: Command) -> Command:
        @functools.wraps(command)
        def with_request(*args: Any, **kwargs: Any) -> Any:
            return command(*args, request=_request(kwargs), **kwargs)

        decorated: Command = with_request
        for declare in reversed(_declarations(distance_required)):
            decorated = declare(decorated)
        return decorated

    return decorate


def plan_file_option(command: Command) -> Command:
    """Add `--plan FILE` (a saved plan, instead of the plan options) to a command using `plan_options`."""
    return click.option(
        "--plan",
        _PLAN_PATH,
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Instead of --race or paces: a plan saved with `progrun plan --json -o plan.json`.",
    )(command)


def _request(kwargs: dict[str, Any]) -> PlanRequest:
    """Take the plan options (and --plan) out of a command's keyword arguments, as one PlanRequest."""
    context = click.get_current_context()
    given = tuple(
        flag
        for name, flag in PLAN_OPTIONS.items()
        if context.get_parameter_source(name) not in {None, ParameterSource.DEFAULT}
    )
    values = {name: kwargs.pop(name) for name in PLAN_OPTIONS}  # PlanRequest's fields, by the same names
    values["start"] = StartChoice(values["start"])
    values["target"] = TargetChoice(values["target"])
    values["unit"] = None if values["unit"] is None else SplitUnit(values["unit"])
    return PlanRequest(
        **values,
        plan_path=kwargs.pop(_PLAN_PATH, None),
        given=given,
        plan_file_option=any(param.name == _PLAN_PATH for param in context.command.params),
    )


def split_unit_of(distance_text: str) -> SplitUnit:
    """Miles when the distance is written in miles ("5mi", "5 miles", "mile"), else km."""
    letters = "".join(char for char in distance_text.lower() if char.isalpha())
    return SplitUnit.MILE if letters.startswith("mi") else SplitUnit.KM


def build_requested_plan(request: PlanRequest, *, strict: bool = False) -> tuple[Plan, TrainingPaces | None]:
    """The plan asked for and, when built here rather than loaded, the paces it was built from.

    `strict` refuses a request outside the method instead of warning (`build_plan(strict_method=...)`).
    Raises click.UsageError for options that do not go together or cannot be read (exit 2), and a
    ProgrunError for a race result or plan that cannot work, or a plan file that cannot be read (exit 1).
    """
    if request.plan_path is not None:
        if request.given:
            raise click.UsageError(
                f"give either --plan or the options of a new plan ({', '.join(request.given)}), not both"
            )
        return plan_from_json(request.plan_path), None
    _check_pace_source(request)
    if request.distance_text is not None and request.duration_text is not None:
        raise click.UsageError("give either --distance or --duration, not both")
    text = request.cooldown_text.strip()
    cooldown_s = 0.0 if text in _NO_COOLDOWN else _read("cooldown", parse_duration, request.cooldown_text)
    if request.duration_text is not None:
        duration_s = _read("duration", parse_duration, request.duration_text)
        unit = request.unit if request.unit is not None else SplitUnit.KM
        paces = _paces(request, unit)
        timed = build_duration_plan(
            paces,
            duration_s,
            unit=unit,
            start=request.start,
            target=request.target,
            step_s=request.step_s,
            tempo_splits=request.tempo_splits,
            cooldown_s=cooldown_s,
            strict_method=strict,
        )
        return timed, paces
    if request.distance_text is None:
        raise click.UsageError("give the run's length: --distance 5mi, or a run by time: --duration 40min")
    distance_m = _read("distance", parse_distance, request.distance_text)
    _check_metres(request.distance_text, distance_m)
    unit = request.unit if request.unit is not None else split_unit_of(request.distance_text)
    paces = _paces(request, unit)
    plan = build_plan(
        paces,
        distance_m,
        unit=unit,
        start=request.start,
        target=request.target,
        step_s=request.step_s,
        tempo_splits=request.tempo_splits,
        warmup=request.warmup,
        cooldown_s=cooldown_s,
        strict_method=strict,
    )
    return plan, paces


def _check_metres(text: str, distance_m: float) -> None:
    """A run written in metres that is shorter than a mile was almost surely meant in miles ("5m")."""
    letters = "".join(char for char in text.lower() if char.isalpha())
    if letters in {"m", "metre", "metres", "meter", "meters"} and distance_m < METRES_PER_MILE:
        raise click.BadParameter(
            f"{text!r} is {distance_m:g} metres, too short for a progression run; "
            f"for miles write {distance_m:g}mi",
            param_hint="'--distance'",
        )


def _entered(request: PlanRequest) -> dict[str, str | None]:
    return {
        "marathon-pace": request.marathon_pace,
        "target-pace": request.target_pace,
        "easy-pace": request.easy_pace,
    }


def _check_pace_source(request: PlanRequest) -> None:
    """Exactly one of a race result and entered paces."""
    given = [f"--{name}" for name, text in _entered(request).items() if text is not None]
    if request.race_text is not None and given:
        raise click.UsageError(f"give either --race or {', '.join(given)}, not both")
    if request.race_text is None and not given:
        saved = ", or a saved plan (--plan plan.json)" if request.plan_file_option else ""
        raise click.UsageError(
            "give a race result (--race 5k=20:00) or your paces (--marathon-pace 8:30 --target-pace 7:30)"
            + saved
        )


def _bad(option: str, error: UnitError) -> click.BadParameter:
    return click.BadParameter(str(error), param_hint=f"'--{option}'")


def _read(option: str, parse: Callable[[str], float], text: str) -> float:
    try:
        return parse(text)
    except UnitError as error:
        raise _bad(option, error) from None


def _paces(request: PlanRequest, unit: SplitUnit) -> TrainingPaces:
    """Training paces from the race result, or from the entered paces (read in the split unit)."""
    if request.race_text is not None:
        try:
            race = parse_race(request.race_text)
        except UnitError as error:
            raise _bad("race", error) from None
        return training_paces_from_race(*race)
    parsed = {
        name: None
        if text is None
        else _read(name, functools.partial(parse_pace, default_unit=unit.value), text)
        for name, text in _entered(request).items()
    }
    is_ten_k = request.target is TargetChoice.TEN_K
    return training_paces_from_entered(
        marathon_s_per_km=parsed["marathon-pace"],
        race_10k_s_per_km=parsed["target-pace"] if is_ten_k else None,
        race_5k_s_per_km=None if is_ten_k else parsed["target-pace"],
        easy_s_per_km=parsed["easy-pace"],
    )
