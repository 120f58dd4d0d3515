"""An import's temporary folder (nested zips are copied there), removed on every way an import can end.

* a normal end, an error, Ctrl-C: the `with` block removes it;
* SIGTERM (a `kill`, a service manager stopping progrun): while the folder exists, SIGTERM raises
  SystemExit in the main thread, so the same `with` block runs, then the process exits with 143;
* SIGKILL or a power cut, where no code runs: the folder's name carries the process id
  (`progrun-import-<pid>-...`), and the next import removes every such folder whose process is gone.

The folder is created 0700 (`tempfile.mkdtemp`): the copies hold the runner's tracks.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

PREFIX = "progrun-import-"
_NAME = re.compile(rf"^{re.escape(PREFIX)}(\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean
        return True
    return True


def sweep_abandoned(root: Path | None = None) -> list[Path]:
    """Remove the folders of imports whose process has gone (killed with SIGKILL); return them."""
    folder = Path(root or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        candidates = list(folder.iterdir())
    except OSError:
        return removed
    for candidate in candidates:
        match = _NAME.match(candidate.name)
        if match is None or not candidate.is_dir() or _alive(int(match.group(1))):
            continue
        shutil.rmtree(candidate, ignore_errors=True)
        removed.append(candidate)
    return removed


#: The process that installed `_terminate`: a pool worker forked from it inherits the handler, and the pool
#: sends its workers SIGTERM when it breaks; there the handler must end the worker at once, never unwind
#: the parent's stack it was forked with.
_INSTALLED_BY: list[int] = []


def _terminate(signum: int, _frame: FrameType | None) -> None:
    if _INSTALLED_BY and os.getpid() != _INSTALLED_BY[-1]:
        os._exit(128 + signum)
    raise SystemExit(128 + signum)


@contextmanager
def import_workspace(root: Path | None = None) -> Iterator[Path]:
    """A new 0700 folder for one import, removed on every exit (see the module docstring)."""
    sweep_abandoned(root)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
    previous = None
    if threading.current_thread() is threading.main_thread():
        _INSTALLED_BY.append(os.getpid())
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield folder
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
            _INSTALLED_BY.pop()
        shutil.rmtree(folder, ignore_errors=True)
