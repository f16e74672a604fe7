"""Pacing requests under an account's rate limits instead of running into 429s.

Freshsales counts requests per account in an hourly and a per-minute window (1000 and 400 on
most plans). Each window is a token bucket here; the server's own count, read from
`X-RateLimit-Remaining` and `X-RateLimit-Reset`, corrects it, since the server's windows are
fixed and a bucket alone would let a burst straddle a window boundary. A 429 whose headers
contradict themselves is not believed (see `RateLimiter.observe`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["RateLimiter", "RateLimits", "parse_reset"]

_MINUTE = 60.0  # the shortest window Freshsales counts requests in, in seconds

# X-RateLimit-Reset is seconds until the window resets, or (on some APIs) an epoch time: a value
# this large cannot be a wait.
_EPOCH_THRESHOLD = 1_000_000_000.0


@dataclass(frozen=True)
class RateLimits:
    """Request budgets as (requests, window in seconds) pairs.

    ```python
    RateLimits()                          # Freshsales' defaults: 1000/hour and 400/minute
    RateLimits(((60, 1.0),))              # 60 a second, e.g. for a benchmark
    RateLimits.parse("1000/400")          # hourly/per-minute, as the CLI takes it
    ```
    """

    windows: tuple[tuple[int, float], ...] = ((1000, 3600.0), (400, 60.0))

    def __post_init__(self) -> None:
        if not self.windows or any(n < 1 or w <= 0 for n, w in self.windows):
            raise ValueError("rate limits: expected (requests >= 1, window seconds > 0) pairs")

    @classmethod
    def parse(cls, text: str) -> RateLimits:
        """`"1000/400"`: requests per hour / per minute."""
        parts = text.split("/")
        if len(parts) != 2:
            raise ValueError(
                f"rate limits: expected HOURLY/PER_MINUTE such as 1000/400, got {text!r}"
            )
        counts = []
        for name, part in zip(("HOURLY", "PER_MINUTE"), parts, strict=True):
            part = part.strip()
            if part.lstrip("-").isdigit() and not (part.isdigit() and int(part) > 0):
                raise ValueError(
                    f"rate limits: {name} must be a positive number of requests, got {part} "
                    f"in {text!r} (HOURLY/PER_MINUTE, such as 1000/400)"
                )
            if not part.isdigit():
                raise ValueError(
                    f"rate limits: expected HOURLY/PER_MINUTE such as 1000/400, got {text!r}"
                )
            counts.append(int(part))
        return cls(((counts[0], 3600.0), (counts[1], 60.0)))


def parse_reset(value: str | None, now_epoch: float) -> float | None:
    """Seconds to wait from an `X-RateLimit-Reset` or `Retry-After` value, if it is a number."""
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number != number or number < 0:  # NaN or negative
        return None
    return max(0.0, number - now_epoch) if number >= _EPOCH_THRESHOLD else number


class _Bucket:
    """One window as a token bucket that may go into debt: a reservation is a place in line."""

    def __init__(self, requests: int, window: float) -> None:
        self.capacity = float(requests)
        self.rate = requests / window
        self.tokens = self.capacity
        self.updated: float | None = None  # full until the first reservation

    def reserve(self, now: float) -> float:
        if self.updated is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class RateLimiter:
    """Reserves a slot for each request; `reserve(now)` says how long to wait before sending
    it. It reads no clock: the caller says what time it is (monotonic seconds)."""

    def __init__(self, limits: RateLimits) -> None:
        self._buckets = [_Bucket(n, w) for n, w in limits.windows]
        self._server_remaining: int | None = None
        self._server_reset_at = 0.0
        self._lock = threading.Lock()

    def reserve(self, now: float) -> float:
        """Take a place for one request; the seconds to wait before sending it."""
        with self._lock:
            delay = max(bucket.reserve(now) for bucket in self._buckets)
            if self._server_remaining is not None:
                if now >= self._server_reset_at:
                    self._server_remaining = None
                elif self._server_remaining <= 0:
                    # The server's window is spent: wait for its reset, and let the first
                    # answer after it tell the new count.
                    delay = max(delay, self._server_reset_at - now)
                    self._server_remaining = None
                else:
                    self._server_remaining -= 1
            return delay

    def observe(
        self, headers: Mapping[str, str], status: int, now: float, now_epoch: float
    ) -> float | None:
        """Learn the server's count from a response that came at `now` (monotonic) and
        `now_epoch`; the reset wait it announced, if any and if it can be trusted.

        A 429 whose reset is further away than a per-minute window while it says requests
        remain contradicts itself (say, an hourly reset of 48 minutes with 99996 left): nothing
        is learnt from it, and None tells the caller to back off as for a 5xx rather than
        stall for the better part of an hour.
        """
        text = (headers.get("x-ratelimit-remaining") or "").strip()
        remaining = int(text) if text.isdigit() else None
        reset = parse_reset(headers.get("x-ratelimit-reset"), now_epoch)
        if status == 429 and _suspect(reset, remaining):
            return None
        with self._lock:
            if reset is not None:
                self._server_reset_at = now + reset
            if status == 429:
                self._server_remaining = 0
            elif remaining is not None:
                self._server_remaining = remaining
        return reset


def _suspect(reset: float | None, remaining: int | None) -> bool:
    """Whether a refusal's reset is too far away for the requests it says remain."""
    return reset is not None and reset > _MINUTE and remaining is not None and remaining > 0
