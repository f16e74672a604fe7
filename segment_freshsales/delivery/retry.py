"""Which failures are worth another attempt, and how long to wait before it."""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["RETRYABLE_STATUSES", "RetryPolicy"]

# Segment's own rule for destinations: 408, 423 and 429 among the 4xx, every 5xx but 501.
RETRYABLE_STATUSES = frozenset({408, 423, 429}) | (frozenset(range(500, 600)) - {501})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded by `max_attempts` per request.

    The n-th retry waits a random time in [0, min(cap, base * 2**n)] unless the server said how
    long (`Retry-After`, `X-RateLimit-Reset`), which is then honoured, up to `max_wait`.
    """

    max_attempts: int = 6
    base: float = 0.5
    cap: float = 30.0
    max_wait: float = 900.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts: expected at least 1")

    def wait(self, retry: int, hint: float | None, rng: random.Random) -> float:
        """Seconds before retry number `retry` (0 for the first)."""
        if hint is not None:
            return min(hint, self.max_wait)
        return rng.uniform(0.0, min(self.cap, self.base * 2**retry))
