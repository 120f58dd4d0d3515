"""The docs stay true to the code: the CLI reference is current and every command shows an example."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from progrun.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_generated_from_the_current_help() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_cli_docs.py"), "--check"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_an_example_in_its_help(name: str) -> None:
    context = click.Context(cli, info_name="progrun")
    command = cli.get_command(context, name)
    assert command is not None
    help_text = command.get_help(click.Context(command, info_name=name, parent=context))
    assert "Example:" in help_text
    assert f"progrun {name}" in help_text


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_shown_in_a_feature_page(name: str) -> None:
    pages = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md") if path.name != "cli.md"
    )
    assert re.search(rf"progrun {re.escape(name)}\b", pages), f"no docs page shows `progrun {name}`"


def test_readme_gives_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in setup.splitlines() if line.startswith("./dev ")]
    assert commands == ["./dev demo", "./dev test"]
    assert "./dev test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_library_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import ACTIVITIES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = readme.split("## As a library", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    imports = [line for line in code.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import progrun"]
    run_file = ACTIVITIES / "tcx" / "sportstracker__Forerunner405-Running_CadenceSensor.tcx"
    exec(compile(code.replace('"morning-run.fit"', repr(str(run_file))), "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "['7:58/mi', '7:32/mi', '7:06/mi', '6:40/mi', '6:40/mi']"
    score, text = printed[1].split(" ", 1)
    assert 0.0 <= float(score) <= 100.0
    assert text


def test_error_tree_in_docs_matches_the_classes() -> None:
    import progrun.errors as errors

    docstring_tree = (errors.__doc__ or "").split("```")[1].strip("\n")
    assert docstring_tree in (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    documented = {line.lstrip("│├└─ ").split()[0] for line in docstring_tree.splitlines()}
    classes = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.ProgrunError)
    }
    assert documented == classes
