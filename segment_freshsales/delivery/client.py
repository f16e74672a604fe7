"""Client: delivers Segment messages to Freshsales over httpx, and replays dead letters."""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx

from segment_freshsales.delivery.coalesce import Batch, coalesce_identifies
from segment_freshsales.delivery.deadletter import DeadLetters, read_dead_letters
from segment_freshsales.delivery.dedupe import open_delivered_ids
from segment_freshsales.delivery.engine import Engine, Reply, Send, Sleep, Steps
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.outcome import Outcome, Report
from segment_freshsales.delivery.pacing import RateLimiter, RateLimits
from segment_freshsales.delivery.retry import RetryPolicy
from segment_freshsales.delivery.wire import headers, read_reply, request_arguments
from translator.settings import Settings

__all__ = ["BaseClient", "Client", "replay"]


class BaseClient:
    """What Client and AsyncClient share: the settings, the engine and the httpx options."""

    def __init__(
        self,
        settings: Settings,
        *,
        max_attempts: int,
        timeout: float,
        limits: RateLimits | None,
        dead_letter: str | Path | None,
        dedupe_path: str | Path | None,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
        seed: int | None,
    ) -> None:
        self.settings = settings
        self.engine = Engine(
            settings,
            policy=RetryPolicy(max_attempts=max_attempts),
            limiter=RateLimiter(limits or RateLimits(), clock),
            delivered=open_delivered_ids(dedupe_path),
            dead_letters=DeadLetters(dead_letter, settings.api_key),
            rng=random.Random(seed),
            wall_clock=wall_clock,
        )
        # Redirects are never followed: the next host would be sent the API key.
        self._http_options: dict[str, Any] = {
            "base_url": settings.base_url,
            "timeout": timeout,
            "headers": headers(settings),
            "follow_redirects": False,
        }

    @property
    def dead_letters(self) -> DeadLetters:
        """Where undelivered messages go."""
        return self.engine.dead_letters

    def _count(self, report: Report, batch: Batch, outcome: Outcome) -> None:
        """Count a batch's outcome; a delivered batch's merged messageIds are delivered too."""
        report.add(outcome, batch.count)
        report.calls_saved += batch.calls_saved
        if outcome.status == "delivered":
            for message_id in batch.message_ids:
                self.engine.delivered.add(message_id)


class Client(BaseClient):
    """Delivers Segment messages to a Freshsales account; every message ends delivered,
    rejected with a reason, or kept for replay.

    ```python
    settings = Settings(domain="acme", api_key="...")
    with Client(settings, dead_letter="dead-letter.jsonl") as client:
        outcome = client.deliver({"type": "track", "userId": "a@b.co", "event": "Signed Up"})
        report = client.deliver_all(messages)
    ```

    **Parameters:**

    * **settings** - the account (`Settings`).
    * **transport** - an httpx transport to use instead of the network (`httpx.MockTransport`,
      `httpx.WSGITransport` around the fake server, respx).
    * **max_attempts** - attempts per request before a message is `failed` (default 6).
    * **timeout** - seconds per request (default 10).
    * **limits** - the account's budgets to pace under (`RateLimits`, default 1000/h, 400/min).
    * **dead_letter** - the JSONL file for undelivered messages; without one they are kept in
      `client.dead_letters.kept`.
    * **dedupe_path** - a SQLite file remembering delivered messageIds across runs.
    * **sleep**, **clock**, **wall_clock**, **seed** - time and randomness, injectable so tests
      run instantly and reproducibly.
    """

    def __init__(
        self,
        settings: Settings,
        transport: httpx.BaseTransport | None = None,
        max_attempts: int = 6,
        timeout: float = 10.0,
        limits: RateLimits | None = None,
        dead_letter: str | Path | None = None,
        dedupe_path: str | Path | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        seed: int | None = None,
    ) -> None:
        super().__init__(
            settings,
            max_attempts=max_attempts,
            timeout=timeout,
            limits=limits,
            dead_letter=dead_letter,
            dedupe_path=dedupe_path,
            clock=clock,
            wall_clock=wall_clock,
            seed=seed,
        )
        self._sleep = sleep
        self._http = httpx.Client(transport=transport, **self._http_options)

    def deliver(self, message: object, *, dead_letters: DeadLetters | None = None) -> Outcome:
        """Deliver one message. Raises AuthError (after keeping the message) on 401/403.

        `dead_letters` keeps this message elsewhere than the client's own dead letters when it
        is not delivered (the relay decides for itself what to keep).
        """
        return self._drive(self.engine.deliver(message, dead_letters))

    def deliver_all(self, messages: Iterable[object], *, coalesce: bool = False) -> Report:
        """Deliver a stream of messages in order, lazily; returns the counts.

        With `coalesce`, consecutive identifies of one person are merged (later traits win).
        On 401/403 every message not yet delivered goes to the dead-letter file as `unsent`,
        then AuthError is raised.
        """
        report = Report()
        batches: Iterable[Batch] = (
            coalesce_identifies(messages, self.settings)
            if coalesce
            else (Batch(message) for message in messages)
        )
        iterator = iter(batches)
        for batch in iterator:
            try:
                outcome = self.deliver(batch.message)
            except AuthError as error:
                for rest in iterator:
                    self.dead_letters.write(rest.message, "unsent", str(error), 0)
                raise
            self._count(report, batch, outcome)
        return report

    def _drive(self, steps: Steps) -> Outcome:
        """Run the engine's steps with httpx and sleep."""
        result: Reply | BaseException | None = None
        try:
            while True:
                action = steps.send(result)
                if isinstance(action, Sleep):
                    self._sleep(action.seconds)
                    result = None
                else:
                    result = self._send(action)
        except StopIteration as stop:
            outcome: Outcome = stop.value
            return outcome

    def _send(self, send: Send) -> Reply | BaseException:
        try:
            response = self._http.request(**request_arguments(send))
        except (httpx.TransportError, OSError) as error:
            # OSError: a connection dropped inside an in-process (WSGI) transport.
            return error
        return read_reply(response)

    def close(self) -> None:
        """Close the HTTP connections and the dedupe store."""
        self._http.close()
        self.engine.delivered.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client(settings={self.settings!r})"


def replay(path: str | Path, client: Client) -> Report:
    """Re-send the messages of a dead-letter file; rewrite it with what is still undelivered.

    Messages whose messageId the client already delivered are skipped (and dropped from the
    file); lines that are not dead-letter records stay as they are.
    """
    source = Path(path)
    report = Report()
    handle, temporary = tempfile.mkstemp(dir=source.parent, prefix=f".{source.name}.")
    os.close(handle)
    remaining = DeadLetters(temporary, client.settings.api_key)
    lines = list(read_dead_letters(source))
    try:
        for index, (_, record, raw) in enumerate(lines):
            if record is None:
                _append_raw(temporary, raw)
                continue
            try:
                outcome = client.deliver(record["message"], dead_letters=remaining)
            except AuthError:
                for _, _, rest in lines[index + 1 :]:
                    _append_raw(temporary, rest)
                raise
            report.add(outcome)
    finally:
        os.replace(temporary, source)
    return report


def _append_raw(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as file:
        file.write(line + "\n")
