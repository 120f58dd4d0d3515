"""Generate docs/cli.md, the CLI reference, from the commands' own --help text.

.venv/bin/python scripts/gen_cli_docs.py          # rewrite docs/cli.md
.venv/bin/python scripts/gen_cli_docs.py --check  # exit 1 if docs/cli.md is stale (tests run this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from progrun.cli import COMMANDS, cli

OUT = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
WIDTH = 100


def _help(command: click.Command, name: str, parent: click.Context | None = None) -> str:
    context = click.Context(
        command, info_name=name, parent=parent, terminal_width=WIDTH, max_content_width=WIDTH
    )
    return command.get_help(context)


def render() -> str:
    root = click.Context(cli, info_name="progrun", terminal_width=WIDTH, max_content_width=WIDTH)
    parts = [
        "# CLI reference",
        "",
        "Generated from each command's `--help` by `scripts/gen_cli_docs.py`; a test fails when it is stale.",
        "Domain errors (a bad file, an impossible plan) exit 1 with one `Error:` line; usage errors exit 2.",
        "",
        "## progrun",
        "",
        "```",
        _help(cli, "progrun"),
        "```",
    ]
    for name in sorted(COMMANDS):
        command = cli.get_command(root, name)
        assert command is not None, name
        parts += ["", f"## progrun {name}", "", "```", _help(command, name, root), "```"]
    return "\n".join(parts) + "\n"


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is stale: run .venv/bin/python scripts/gen_cli_docs.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
