"""Every hint names something the reader can actually do: each `--option` in the package's texts is a
real option of a progrun command, and no message offers `on_error=...`, which the CLI does not have."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click

import progrun
from progrun.cli import cli
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


def test_damage_hints_name_salvage() -> None:
    nothing_to_salvage = {ProblemKind.NOT_FIT, ProblemKind.HEADER_SIZE}
    for kind, hint in _HINTS.items():
        assert ("--salvage" in hint) is (kind not in nothing_to_salvage), kind
