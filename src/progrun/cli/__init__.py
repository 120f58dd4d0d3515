"""The progrun command line: one lazy Click group, one module per command family.

Every command parses its options, calls one library function and formats the result. This
module is the one place where a ProgrunError (or an OSError writing an output file) becomes a
one-line message, with its control characters replaced, and exit status 1; Click's usage errors
exit 2. No traceback ever reaches the user.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any

#: numpy's OpenBLAS starts a thread per core on import, which costs about 0.1 s of CPU on 2 cores
#: (`benchmarks/cli_startup.py`: `info` 0.33 s -> 0.23 s). progrun's arrays are element-wise work
#: with no large matrix products, and its servers and importers run their own process pools, so one
#: BLAS thread per process is all it needs. Set before numpy is imported; a user's setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click

from progrun.errors import ProgrunError

#: Whether this process paused the cyclic garbage collector for its start-up (`main`, `_start_up_over`).
_collector_paused = False

#: command name -> "module:attribute" of its Click command, imported only when used.
COMMANDS: dict[str, str] = {
    "paces": "progrun.cli.paces_command:paces",
    "plan": "progrun.cli.plan_command:plan",
    "demo": "progrun.cli.demo_command:demo",
    "export": "progrun.cli.export_command:export",
    "info": "progrun.cli.info_command:info",
    "judge": "progrun.cli.judge_command:judge",
    "detect": "progrun.cli.detect_command:detect",
    "splits": "progrun.cli.splits_command:splits",
    "import": "progrun.cli.log_commands:import_command",
    "history": "progrun.cli.log_commands:history",
    "show": "progrun.cli.log_commands:show",
    "progress": "progrun.cli.progress_commands:progress",
    "next": "progrun.cli.progress_commands:next_command",
    "block": "progrun.cli.progress_commands:block",
    "profile": "progrun.cli.profile_commands:profile",
    "reanalyse": "progrun.cli.profile_commands:reanalyse",
    "export-data": "progrun.cli.export_data_command:export_data",
    "serve": "progrun.cli.serve_command:serve",
    "sync": "progrun.cli.sync_command:sync",
    "worker": "progrun.cli.worker_command:worker",
}

#: command name -> the first paragraph of its help, so `progrun --help` lists the commands without
#: importing them (the log commands would pull in SQLAlchemy and Alembic). A test keeps these equal to
#: the commands' own help; a command missing here is imported to list it.
SUMMARIES: dict[str, str] = {
    "block": "A multi-week progression block from your current level, with down weeks.",
    "demo": (
        "Walk a sample runner through plan, export, twelve weeks of training, import, judge and progress."
    ),
    "detect": (
        "Decide whether a recorded run was a progression run; infer its start, target, step and tempo splits."
    ),
    "export": "Export a progression-run plan for a watch, a training platform, a calendar or the wrist.",
    "export-data": (
        "Write everything out: activities.csv and splits.csv (or Parquet when pyarrow is installed)."
    ),
    "history": (
        "List the runs in the training log, oldest first: the latest page of them unless --page or --all."
    ),
    "import": "Import runs: FIT/GPX/TCX files, .gz files, folders, Garmin and Strava export zips.",
    "info": "Show what a recorded run (FIT, GPX or TCX, or gzip of one) holds.",
    "judge": (
        "Judge a recorded run (FIT, TCX or GPX) against its progression plan: splits, checks, score 0-100."
    ),
    "next": "What to run next and why: frequency guard, fitness (VDOT) re-estimate, training load.",
    "paces": "Training paces and race equivalents from a race result (Daniels VDOT), or from paces you know.",
    "plan": (
        "Plan a progression run: start easy or at marathon pace, speed up each split, finish at 10k/5k pace."
    ),
    "profile": "Show or set the runner's profile: paces, heart-rate values, units.",
    "progress": (
        "Progression runs week by week: final-split pace, score, HR at a fixed pace, tempo splits held."
    ),
    "reanalyse": "Re-analyse stored runs from their raw files (after progrun's algorithms improve).",
    "serve": "Serve the web app over the training log; prints a one-time sign-in link.",
    "show": "Show one run: summary, splits and verdict.",
    "sync": (
        "Sync a watch over USB: copy the next workout to GARMIN/NewFiles, import new GARMIN/Activity runs."
    ),
    "worker": "Run the task queue's work: uploads and re-analysis batches, until SIGTERM.",
    "splits": "Split a recorded run (FIT, GPX or TCX) per km, mile, any distance, or device lap.",
}


class CommandError(click.ClickException):
    """A ProgrunError or an OSError as Click prints it: one line "Error: ...", exit status 1."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        from progrun.cli.safe_text import terminal_text

        super().__init__(terminal_text(message))
        self.exit_code = exit_code  # type: ignore[misc]


def describe_os_error(error: OSError) -> str:
    """An OSError as "<path>: <problem>; <what to do>" (a full disk, a missing folder, no permission)."""
    import errno

    where = error.filename if error.filename is not None else "output"
    problem = error.strerror or str(error)
    if error.errno == errno.ENOSPC:
        return f"{where}: no space left on the disk; free some space and try again"
    if error.errno in {errno.ENOENT, errno.ENOTDIR} and error.filename is not None:
        from pathlib import Path

        folder = Path(str(error.filename)).parent
        if not folder.is_dir():
            problem = "is a file, not a folder" if folder.exists() else "does not exist"
            return f"{where}: the folder {folder} {problem}; create it first or choose another path"
    if error.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
        return f"{where}: {problem}; choose a place you can write to"
    return f"{where}: {problem}; check the path"


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, so `progrun --help` stays fast.

    It is also the one place where a ProgrunError (and an OSError writing an output file) becomes
    "Error: ..." and exit status 1, for `progrun` and for CliRunner alike.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProgrunError as error:
            from progrun.cli.fields import error_text

            raise CommandError(error_text(error), error.exit_code) from error
        except OSError as error:
            raise CommandError(describe_os_error(error)) from error

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands from SUMMARIES, as Click would from the commands, without importing them."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            summary = SUMMARIES.get(name)
            command = click.Command(name, help=summary) if summary else self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        _start_up_over()
        return command


def _start_up_over() -> None:
    """The command is imported: freeze what the start-up made and let the collector run again.

    Frozen objects (`gc.freeze`) are never examined again: the modules, classes and functions of the
    start-up live as long as the process, so collecting among them is wasted work.
    """
    global _collector_paused  # noqa: PLW0603 (one flag for the one start-up of a process)
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()


@click.group(
    cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(package_name="progrun")
def cli() -> None:
    """progrun: plan, export, analyse and track progression runs.

    \b
    Example:
      progrun paces --race 5k=20:00
      progrun plan --race 5k=20:00 --distance 5mi
      progrun demo
    """


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; turn a ProgrunError into "Error: ..." and exit 1 (the one place that does).

    Run as the `progrun` program (no `argv`), the cyclic garbage collector is paused until the command
    is imported: the imports allocate a few hundred thousand objects that live as long as the process,
    and collecting among them cost 7 % of `progrun judge`'s instructions (callgrind;
    `benchmarks/cli_startup.py`).
    """
    global _collector_paused  # noqa: PLW0603 (see _start_up_over)
    if argv is None and gc.isenabled():
        gc.disable()
        _collector_paused = True
    try:
        return cli.main(args=argv, prog_name="progrun", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as usage:
        usage.show()
        sys.exit(usage.exit_code)
    except ProgrunError as error:
        from progrun.cli.fields import error_text

        click.echo(f"Error: {error_text(error)}", err=True)
        sys.exit(error.exit_code)
