"""The relay's background delivery: the oldest queued message, through the Client, then the next.

One message at a time, so one user's messages keep their order, and the Client paces the
account's rate limit on its own. A message leaves the queue only once it has an outcome. It is
marked in the queue before its first request; a message found marked (tried before this
process, or failing and tried again) is delivered as `maybe_sent`, so a sales activity an
earlier try made without an answer is found instead of made twice.

When Freshsales keeps failing (5xx, 429, no answer) after the Client's own retries, the message
stays at the head of the queue and is tried again after a pause that grows to five minutes, for
up to `retry_window` seconds (four hours by default, as Segment retries a destination) from
when the relay received it; only then is it given up and kept in the dead-letter file. An
outage therefore holds the queue instead of emptying it into dead letters.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from segment_freshsales.delivery.client import Client
from segment_freshsales.delivery.deadletter import DeadLetters
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.pacing import RateLimits
from segment_freshsales.delivery.redact import scrub
from segment_freshsales.relay.queue import Queue
from translator.settings import Settings

__all__ = ["RETRY_PAUSES", "RETRY_WINDOW_SECONDS", "UNHEALTHY_AFTER_SECONDS", "Worker"]

logger = logging.getLogger("segment_freshsales.relay")
_POLL_SECONDS = 1.0
RETRY_WINDOW_SECONDS: Final = 4 * 3600.0
RETRY_PAUSES: Final = (5.0, 300.0)  # the first pause after a failed message, and the longest
# How long deliveries may keep failing before the relay's /health says so (503).
UNHEALTHY_AFTER_SECONDS: Final = 60.0


class _Stopping(Exception):
    """Raised in the client's sleep when the relay stops: the message stays queued."""


class Worker:
    """Delivers queued messages in a background thread.

    ```python
    worker = Worker(queue, settings, limits=RateLimits(), dead_letter=..., dedupe_path=...)
    worker.start()
    worker.alive, worker.problem, worker.last_error, worker.failing_since
    worker.stop()
    ```
    """

    def __init__(
        self,
        queue: Queue,
        settings: Settings,
        *,
        limits: RateLimits,
        dead_letter: Path,
        dedupe_path: Path,
        retry_window: float = RETRY_WINDOW_SECONDS,
        retry_pauses: tuple[float, float] = RETRY_PAUSES,
        **client_options: Any,
    ) -> None:
        self._queue = queue
        self._key = settings.api_key
        self.dedupe_path = dedupe_path
        self._stop = threading.Event()
        self._client = Client(
            settings,
            limits=limits,
            dedupe_path=dedupe_path,
            sleep=self._sleep,
            **client_options,
        )
        self._dead_letters = DeadLetters(dead_letter, settings.api_key)
        self._retry_window = retry_window
        self._retry_pauses = retry_pauses
        self._pause = 0.0
        self._thread = threading.Thread(target=self._run, name="relay-worker", daemon=True)
        self.problem: str | None = None  # why delivery stopped, while the relay still runs
        self.last_error: str | None = None
        # When (time.monotonic) the delivery that started the current run of failed ones
        # began; None once a message gets any other outcome.
        self.failing_since: float | None = None

    @property
    def alive(self) -> bool:
        """Delivering, or ready to."""
        return self._thread.is_alive() and self.problem is None

    @property
    def cache_hit_rate(self) -> float | None:
        """How often the client found a person in its cache; None before it looked one up."""
        return self._client.engine.people.hit_rate

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float) -> bool:
        """Stop after the message in hand (a retry wait is cut short and the message stays
        queued); whether the thread ended within `timeout` seconds."""
        self._stop.set()
        self._queue.wake()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _sleep(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise _Stopping

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                row = self._queue.next(_POLL_SECONDS)
                if row is not None and not self._deliver(*row):
                    break
        except Exception as error:  # the message in hand stays queued for the next start
            self.problem = self.last_error = scrub(f"delivery stopped: {error!r}", self._key)
            logger.error("%s", self.problem)
        finally:
            self._client.close()

    def _deliver(self, row_id: int, message: dict[str, Any]) -> bool:
        """Deliver one queued message; False when delivery must stop."""
        undelivered = DeadLetters(None, self._key)  # the worker decides what to keep
        maybe_sent = self._queue.attempt(row_id)
        started = time.monotonic()
        try:
            outcome = self._client.deliver(message, dead_letters=undelivered, maybe_sent=maybe_sent)
        except _Stopping:
            return False
        except AuthError as error:
            # This message and the rest stay queued until the relay is restarted with a key
            # Freshsales accepts.
            self.problem = self.last_error = str(error)
            logger.error("delivery paused until restart: %s", error)
            return False
        if outcome.reason is not None:
            self.last_error = outcome.reason
        if outcome.status != "failed":
            self.failing_since = None
        elif self.failing_since is None:
            self.failing_since = started
        if outcome.status == "failed" and self._within_window(message):
            # Still queued, at the head: wait, then try it again before anything behind it.
            self._pause = min(self._retry_pauses[1], self._pause * 2 or self._retry_pauses[0])
            logger.warning("delivery failing, next try in %.0fs: %s", self._pause, outcome.reason)
            try:
                self._sleep(self._pause)
            except _Stopping:
                return False
            return True
        self._pause = 0.0
        for record in undelivered.kept:
            self._dead_letters.write(
                record["message"], record["status"], record["reason"], record["attempts"]
            )
        self._queue.done(row_id, outcome.status)
        return True

    def _within_window(self, message: dict[str, Any]) -> bool:
        """Whether the message was received less than `retry_window` seconds ago."""
        received = message.get("receivedAt")
        try:
            moment = datetime.fromisoformat(str(received))
        except ValueError:
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (datetime.now(UTC) - moment).total_seconds() < self._retry_window
