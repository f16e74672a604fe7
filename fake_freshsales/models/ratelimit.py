"""Per-account request budgets: an hourly and a per-minute fixed window on the fake clock."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..config import Limits


@dataclass(frozen=True)
class WindowState:
    """One window as the client sees it: what `X-RateLimit-*` headers report."""

    period: str
    limit: int
    remaining: int
    reset_seconds: int
    # The epoch second (on the fake clock) the window resets at.
    reset_at: int


class _Window:
    def __init__(self, period: str, length: int, limit: int) -> None:
        self.period = period
        self.length = length
        self.limit = limit
        self._index = -1
        self._used = 0

    def _roll(self, now: float) -> None:
        # Windows are aligned to multiples of their length since the epoch, so every account
        # and every restart agree on where a minute or an hour starts.
        index = math.floor(now / self.length)
        if index != self._index:
            self._index = index
            self._used = 0

    def state(self, now: float) -> WindowState:
        self._roll(now)
        end = (self._index + 1) * self.length
        reset = max(1, math.ceil(end - now))
        return WindowState(self.period, self.limit, self.limit - self._used, reset, end)

    def consume(self) -> None:
        self._used += 1


class RateLimiter:
    """Counts requests; a request over either budget is refused and not counted."""

    def __init__(self, limits: Limits) -> None:
        self._windows = (
            _Window("minute", 60, limits.per_minute),
            _Window("hour", 3600, limits.hourly),
        )

    def try_consume(self, now: float) -> bool:
        if any(window.state(now).remaining <= 0 for window in self._windows):
            return False
        for window in self._windows:
            window.consume()
        return True

    def tightest(self, now: float, *, spent: str | None = None) -> WindowState:
        """The window with the fewest requests left; on a tie the one that resets last.
        `spent` names a window to count as spent whatever its count (an injected 429).

        [I] Freshsales' header semantics are unconfirmed; this choice tells a client the longest
        it may have to wait when it is blocked.
        """
        states = [window.state(now) for window in self._windows]
        states = [replace(s, remaining=0) if s.period == spent else s for s in states]
        return min(states, key=lambda s: (s.remaining, -s.reset_seconds))
