"""The fake's own clock: timestamps and rate-limit windows read it, tests move it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo

from ..models.rendering import timestamp

__all__ = ["FakeClock"]


class FakeClock:
    """Seconds since the epoch, starting at `start` and moved forward by `advance`.

    A frozen clock (the default for tests) moves only when advanced, so bodies and windows are
    deterministic. A ticking clock also follows real time, for a long-running local server whose
    hourly budget must refill on its own.
    """

    def __init__(
        self,
        start: datetime,
        *,
        ticks: bool = False,
        utc_offset_minutes: int = 0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._start = start.timestamp()
        self._ticks = ticks
        self._zone = timezone(timedelta(minutes=utc_offset_minutes))
        self._monotonic = monotonic
        self._origin = monotonic()
        self._advanced = 0.0

    def now(self) -> float:
        elapsed = self._monotonic() - self._origin if self._ticks else 0.0
        return self._start + self._advanced + elapsed

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._advanced += seconds

    def reset(self) -> None:
        self._origin = self._monotonic()
        self._advanced = 0.0

    @property
    def zone(self) -> tzinfo:
        """The fixed UTC offset that rendered timestamps carry."""
        return self._zone

    def isoformat(self, moment: float) -> str:
        """`moment` as Freshsales renders timestamps, in this clock's zone."""
        return timestamp(moment, self._zone)
