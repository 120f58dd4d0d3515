"""Rate limits kept in the server's memory: at most `limit` events per key in a sliding window."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """`hit(key)` counts an event and says how many seconds to wait (0: allowed)."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Record an event for `key`; over the limit, the seconds to wait instead (nothing recorded)."""
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window_s:
                events.popleft()
            if len(events) >= self.limit:
                return max(0.001, events[0] + self.window_s - now)
            events.append(now)
            if len(self._events) > 100_000:  # forget idle keys so memory stays bounded
                for stale in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window_s]:
                    del self._events[stale]
            return 0.0

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)
