"""The plan options of `progrun plan`, `export` and `judge`: declared once, read once, built once.

A command takes them with `@plan_options(distance_required=...)`, and `--plan FILE` with
`@plan_file_option` when it can load a saved plan; it receives one frozen `PlanRequest` (keyword
`request`, from `progrun.plan_request`, the library's request of texts as typed) and builds the plan
with `build_requested_plan`. This module only declares the options and renders the errors.

Bad input, the same in every command:

- options that do not go together, or text that is not a pace, distance, duration or race result
  (`5k=twenty`): `click.UsageError`, exit 2, as in every other command;
- a race outside the model, a plan that cannot work or a plan file that cannot be read: a
  `ProgrunError`, exit 1.

>>> request = PlanRequest(race="5k=20:00", distance="5mi")
>>> plan, paces = build_requested_plan(request)
>>> (plan.unit.value, len(plan.running_steps), round(paces.threshold_s_per_km or 0.0))
('mi', 5, 256)
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from progrun.cli.fields import FIELD_OPTIONS, error_text, option_name
from progrun.errors import RequestError, UnitError
from progrun.plan import Plan
from progrun.plan_request import PLAN_FIELDS, PlanRequest, plan_from_request, split_unit_of
from progrun.planner import StartChoice, TargetChoice
from progrun.training_paces import TrainingPaces

if TYPE_CHECKING:
    from progrun.route import Route

__all__ = [
    "PLAN_OPTIONS",
    "PlanRequest",
    "build_requested_plan",
    "plan_file_option",
    "plan_options",
    "split_unit_of",
]

#: Parameter name (= request field) of each plan option -> its flag, in the order --help shows them.
PLAN_OPTIONS: dict[str, str] = {field: FIELD_OPTIONS[field] for field in PLAN_FIELDS}

_PLAN_PATH = "plan_path"

Command = Callable[..., Any]


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
            "race",
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
        click.option("--distance", "distance", metavar="DIST", help=distance_help),
        click.option(
            "--duration",
            "duration",
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
            "step",
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
            "cooldown",
            metavar="DURATION",
            default="5min",
            show_default=True,
            help="Walk/jog after the run (0: none).",
        ),
        click.option(
            "--route",
            "route",
            metavar="GPX",
            type=click.Path(dir_okay=False, path_type=Path),
            callback=_read_route,
            help="A GPX route (times not needed): each split's pace follows its hills (Minetti 2002) so the "
            "effort keeps building; its length is the distance unless --distance is given.",
        ),
        click.option(
            "--temperature",
            "temperature",
            metavar="TEMP",
            help="Air temperature (28C, 82F): with --dew-point, slows every pace (Hadley's chart).",
        ),
        click.option(
            "--dew-point", "dew_point", metavar="TEMP", help="Dew point (20C, 68F), with --temperature."
        ),
        click.option(
            "--altitude",
            "altitude",
            metavar="HEIGHT",
            help="Altitude of the run (1800m, 5900ft): slows every pace for the lower VO2max.",
        ),
        click.option(
            "--treadmill",
            "treadmill",
            type=click.Choice(["kmh", "mph"]),
            help="Run it on a treadmill: each split as belt speed (km/h or mph) at 1 % incline.",
        ),
        click.option(
            "--max-hr", "max_hr", type=int, metavar="BPM", help="Guide by heart rate: maximum (Karvonen)."
        ),
        click.option(
            "--resting-hr", "resting_hr", type=int, metavar="BPM", help="Resting heart rate, with --max-hr."
        ),
        click.option(
            "--lthr",
            "lthr",
            type=int,
            metavar="BPM",
            help="Guide by heart rate: lactate-threshold heart rate (Friel's zones), instead of --max-hr.",
        ),
        click.option(
            "--name",
            "name",
            metavar="TEXT",
            default="",
            help='Name the plan ("Tuesday build"): the saved plan, the watch workout, the calendar event '
            '[default: "Progression 5mi"].',
        ),
    ]


def _read_route(_context: click.Context, _param: click.Parameter, value: Path | None) -> Route | None:
    """The route of `--route` (a CorruptFile naming it, exit 1, when it cannot be read as one)."""
    if value is None:
        return None
    from progrun.formats.gpx_route import read_route_file  # numpy and lxml: only with --route

    return read_route_file(value)


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
        field
        for field in PLAN_OPTIONS
        if context.get_parameter_source(field) not in {None, ParameterSource.DEFAULT}
    )
    values = {field: kwargs.pop(field) for field in PLAN_OPTIONS}  # PlanRequest's fields, by the same names
    return PlanRequest(
        **values,
        name=kwargs.pop("name"),
        plan_path=kwargs.pop(_PLAN_PATH, None),
        given=given,
        plan_file_allowed=any(param.name == _PLAN_PATH for param in context.command.params),
    )


def build_requested_plan(request: PlanRequest, *, strict: bool = False) -> tuple[Plan, TrainingPaces | None]:
    """`plan_from_request`, its errors as the command line shows them.

    A field missing or fields that do not go together: click.UsageError; text that cannot be read:
    click.BadParameter naming the option (both exit 2). A race result or plan that cannot work, or a plan
    file that cannot be read: the ProgrunError (exit 1), rendered with options by the CLI group.
    """
    try:
        return plan_from_request(request, strict=strict)
    except UnitError as error:
        if not error.field:
            raise
        raise click.BadParameter(error_text(error), param_hint=f"'{option_name(error.field)}'") from None
    except RequestError as error:
        raise click.UsageError(error_text(error)) from None
