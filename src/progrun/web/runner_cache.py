"""Each runner's progress report and advice, kept by the server process until the runner's data changes.

```
data = progress_dict(state, user, log)        # /api/progress and /progress
data = advice_dict(state, user, log, today)   # /api/next and /next
```

Both are computed from every run of the runner (several statements and the fitness, load and trend
models), yet they change only when a run is imported or re-analysed or the profile changes. Each of
those transactions adds one to `runners.data_version` (migration 0009), and the request's session
lookup reads that number with the user (`CurrentUser.data_version`), so checking the cache costs no
statement: an entry computed at another version is computed again. The version is read before the
data, so an entry is never newer than the data it holds; a change committed by another server
process or a worker is seen by the next request. Entries are keyed by the day too (advice is for
today; the trend of an empty log starts today), and the least recently used are dropped past
`max_entries`. The dicts are shared between requests: callers must not change them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from progrun.training_log import TrainingLog
from progrun.web.auth import CurrentUser
from progrun.web.state import AppState


class RunnerCache:
    """Values by key, each valid for one data version of its runner; thread-safe, least recently used out."""

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, version: int, compute: Callable[[], Any]) -> Any:
        """The value kept for `key` at `version`, else `compute()` (kept unless a newer one came since)."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] == version:
                self._entries.move_to_end(key)
                self.hits += 1
                return found[1]
            self.misses += 1
        value = compute()
        with self._lock:
            current = self._entries.get(key)
            if current is None or current[0] <= version:
                self._entries[key] = (version, value)
                self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value


def progress_dict(state: AppState, user: CurrentUser, log: TrainingLog) -> dict[str, Any]:
    """`log.progress_report().to_dict()`, kept until the runner's data changes (do not modify it)."""
    key = (user.runner_id, "progress", date.today())
    data: dict[str, Any] = state.runner_cache.get(
        key, user.data_version, lambda: log.progress_report().to_dict()
    )
    return data


def advice_dict(state: AppState, user: CurrentUser, log: TrainingLog, day: date) -> dict[str, Any]:
    """`log.advice(day).to_dict()`, kept until the runner's data changes (do not modify it)."""
    key = (user.runner_id, "next", day, date.today())
    data: dict[str, Any] = state.runner_cache.get(key, user.data_version, lambda: log.advice(day).to_dict())
    return data
