"""Import workers never outlive their parent.

A process-pool worker blocked on its task queue would wait for ever once the importing process is
killed (`kill -9`, the OOM killer). `die_with_parent`, run by the pool's initializer, asks Linux to
send the worker SIGKILL when its parent dies (`prctl(PR_SET_PDEATHSIG)`), and everywhere starts a
daemon thread that ends the worker once its parent pid changes (the worker was re-parented).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

#: prctl option: the signal the kernel sends this process when its parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1
#: How often the watchdog thread compares the parent pid (seconds).
WATCH_INTERVAL_S = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when `parent_pid` (its parent) dies; call it first thing in a worker."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no usable libc: the watchdog below still applies
            pass
    if os.getppid() != parent_pid:  # the parent died before the signal was asked for
        os._exit(1)
    watchdog = threading.Thread(target=_watch, args=(parent_pid,), name="progrun-parent-watch", daemon=True)
    watchdog.start()


def _watch(parent_pid: int) -> None:
    while True:
        time.sleep(WATCH_INTERVAL_S)
        if os.getppid() != parent_pid:
            os._exit(1)
