"""The relay's background delivery: the oldest queued message, through the Client, then the next.

One message at a time, so one user's messages keep their order, and the Client paces the
account's rate limit on its own. A message leaves the queue only once it has an outcome.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from translator.client import Client
from translator.errors import AuthError
from translator.pacing import RateLimits
from translator.redact import scrub
from translator.relay.queue import Queue
from translator.settings import Settings

__all__ = ["Worker"]

logger = logging.getLogger("translator.relay")
_POLL_SECONDS = 1.0


class _Stopping(Exception):
    """Raised in the client's sleep when the relay stops: the message stays queued."""


class Worker:
    """Delivers queued messages in a background thread.

    ```python
    worker = Worker(queue, settings, limits=RateLimits(), dead_letter=..., dedupe_path=...)
    worker.start()
    worker.alive, worker.problem, worker.last_error
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
        **client_options: Any,
    ) -> None:
        self._queue = queue
        self._key = settings.api_key
        self._stop = threading.Event()
        self._client = Client(
            settings,
            limits=limits,
            dead_letter=dead_letter,
            dedupe_path=dedupe_path,
            sleep=self._sleep,
            **client_options,
        )
        self._thread = threading.Thread(target=self._run, name="relay-worker", daemon=True)
        self.problem: str | None = None  # why delivery stopped, while the relay still runs
        self.last_error: str | None = None

    @property
    def alive(self) -> bool:
        """Delivering, or ready to."""
        return self._thread.is_alive() and self.problem is None

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
        try:
            outcome = self._client.deliver(message)
        except _Stopping:
            return False
        except AuthError as error:
            # The client kept this message in the dead-letter file; the rest stay queued until
            # the relay is restarted with a key Freshsales accepts.
            self._queue.done(row_id, "failed")
            self.problem = self.last_error = str(error)
            logger.error("delivery paused until restart: %s", error)
            return False
        if outcome.reason is not None:
            self.last_error = outcome.reason
        self._queue.done(row_id, outcome.status)
        return True
