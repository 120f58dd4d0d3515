"""Every hint names something the reader can actually do, and the library speaks fields, not flags.

Each `--option` in the package's texts is a real option of a progrun command; no library message
(outside `cli/`) names a flag: it suggests a field (`Suggestion("distance", "6mi")`), every suggested
field has a row in the CLI's field -> option table, and that option is real. No message offers
`on_error=...`. Every error class has an HTTP status.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

import progrun
from progrun import errors
from progrun.cli import cli
from progrun.cli.fields import FIELD_OPTIONS, error_text, option_text
from progrun.errors import HTTP_STATUS, PlanError, ProgrunError, Suggestion, http_status
from progrun.formats.fit import _HINTS
from progrun.formats.fit_container import ProblemKind

PACKAGE = Path(progrun.__file__).parent
OPTION = re.compile(r"(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)")


def _cli_options() -> set[str]:
    names: set[str] = set()

    def visit(command: click.Command) -> None:
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                names.update(opt.lstrip("-") for opt in (*parameter.opts, *parameter.secondary_opts))
        if isinstance(command, click.Group):
            context = click.Context(command)
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                if sub is not None:
                    visit(sub)

    visit(cli)
    return names | {"help", "version"}


def _texts() -> list[tuple[str, int, str, bool]]:
    """Every string constant in the package: (file, line, text, is a docstring)."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append((str(path.relative_to(PACKAGE)), node.lineno, node.value, id(node) in docstrings))
    return out


def test_every_option_named_in_a_text_exists() -> None:
    options = _cli_options()
    assert "salvage" in options
    unknown = [
        f"{file}:{line}: --{name}"
        for file, line, text, _doc in _texts()
        for name in OPTION.findall(text)
        if name not in options
    ]
    assert unknown == []


def test_no_message_offers_on_error() -> None:
    offers = [f"{file}:{line}" for file, line, text, doc in _texts() if not doc and "on_error=" in text]
    assert offers == []


def test_damage_hints_suggest_salvage() -> None:
    nothing_to_salvage = {ProblemKind.NOT_FIT, ProblemKind.HEADER_SIZE}
    for kind, hint in _HINTS.items():
        assert (Suggestion("salvage") in hint) is (kind not in nothing_to_salvage), kind


#: Library texts that may name a flag, each with why: none.
_FLAGS_ALLOWED_IN: set[str] = set()


def test_no_library_message_names_a_flag() -> None:
    named = [
        f"{file}:{line}: {text!r}"
        for file, line, text, doc in _texts()
        if not doc and not file.startswith("cli/") and file not in _FLAGS_ALLOWED_IN and OPTION.search(text)
    ]
    assert named == []


def _suggested_fields() -> set[str]:
    """The field of every `Suggestion("<field>", ...)` written in the package."""
    fields = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Suggestion"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                fields.add(node.args[0].value)
    return fields


def test_every_suggested_field_is_a_real_option() -> None:
    fields = _suggested_fields()
    assert {"distance", "duration", "step", "tempo_splits", "start", "salvage", "db", "date"} <= fields
    assert fields - FIELD_OPTIONS.keys() == set()
    options = _cli_options()
    for field, spelled in FIELD_OPTIONS.items():
        flags = re.findall(r"--([a-z0-9]+(?:-[a-z0-9]+)*)", spelled)  # "--10k-pace" too
        assert flags, field
        assert set(flags) <= options, field


def test_a_suggestion_renders_as_text_for_the_library_and_as_an_option_for_the_cli() -> None:
    error = PlanError(
        "distance", "too short", ["try ", Suggestion("distance", "6mi"), " or ", Suggestion("step")]
    )
    assert str(error) == "distance: too short; try distance 6mi or step"
    assert error_text(error) == "distance: too short; try --distance 6mi or --step"
    assert error.suggestions == (Suggestion("distance", "6mi"), Suggestion("step"))
    assert option_text(Suggestion("tempo_splits", "2")) == "--tempo-splits 2"
    assert option_text(Suggestion("plan_json", "plan.json")) == "progrun plan --json -o plan.json"


def _subclasses(cls: type[ProgrunError]) -> list[type[ProgrunError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found += _subclasses(sub)
    return found


def test_every_error_class_has_an_http_status() -> None:
    classes = {
        cls for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, ProgrunError)
    }
    assert set(_subclasses(ProgrunError)) >= classes
    assert classes - HTTP_STATUS.keys() == set()
    assert all(400 <= status < 600 for status in HTTP_STATUS.values())


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.NotFound("activity", "12"), 404),
        (errors.UnknownFormat("a.bin", "not FIT"), 415),
        (errors.DiskFull("the log"), 507),
        (PlanError("distance", "too short"), 422),
        (errors.UnitError("five", "distance", "5mi", field="distance"), 422),
        (errors.StorageError("cannot open the log"), 503),
    ],
)
def test_http_status_of_an_error(error: ProgrunError, status: int) -> None:
    assert http_status(error) == status
