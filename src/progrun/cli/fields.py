"""Request fields as the command line spells them: the one field -> option table, and error rendering.

The library's errors name fields (`Suggestion("distance", "6mi")`, `error.field == "race"`), never flags;
this module writes them as the CLI's options (`--distance 6mi`). A web app renders the same suggestions
as form fields. `tests/test_error_hints.py` checks every field the library suggests has a row here and
every option here is a real option of a progrun command.
"""

from __future__ import annotations

from progrun.errors import ProgrunError, Suggestion

#: Request field -> how the command line gives it (an option, or a command and options to add a value to).
FIELD_OPTIONS: dict[str, str] = {
    "race": "--race",
    "marathon_pace": "--marathon-pace",
    "target_pace": "--target-pace",
    "easy_pace": "--easy-pace",
    "pace_10k": "--10k-pace",
    "pace_5k": "--5k-pace",
    "threshold_pace": "--threshold-pace",
    "distance": "--distance",
    "duration": "--duration",
    "start": "--start",
    "target": "--target",
    "step": "--step",
    "tempo_splits": "--tempo-splits",
    "unit": "--unit",
    "warmup": "--warmup",
    "cooldown": "--cooldown",
    "route": "--route",
    "name": "--name",
    "temperature": "--temperature",
    "dew_point": "--dew-point",
    "altitude": "--altitude",
    "treadmill": "--treadmill",
    "distance_scale": "--distance-scale",
    "max_hr": "--max-hr",
    "resting_hr": "--resting-hr",
    "lthr": "--lthr",
    "plan": "--plan",
    "plan_json": "progrun plan --json -o",
    "date": "--date",
    "time": "--time",
    "weeks": "--weeks",
    "repeat": "--repeat",
    "salvage": "--salvage",
    "db": "--db",
}


def option_text(suggestion: Suggestion) -> str:
    """A suggestion as typed on the command line: "--distance 6mi", "--salvage"."""
    option = FIELD_OPTIONS.get(suggestion.field, "--" + suggestion.field.replace("_", "-"))
    return option if suggestion.value is None else f"{option} {suggestion.value}"


def option_name(field: str) -> str:
    """The option (e.g. "--distance") that gives a request field."""
    return FIELD_OPTIONS.get(field, "--" + field.replace("_", "-"))


def error_text(error: ProgrunError) -> str:
    """The error's message with its suggestions written as options."""
    return error.render(option_text)
