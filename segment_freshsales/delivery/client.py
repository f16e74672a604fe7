"""Client: delivers Segment messages to Freshsales over httpx."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

import httpx

from segment_freshsales.delivery.bulk import DEFAULT_BULK_SIZE, BulkRun
from segment_freshsales.delivery.coalesce import Batch, coalesce_identifies, single_batches
from segment_freshsales.delivery.deadletter import DeadLetters
from segment_freshsales.delivery.dedupe import DEFAULT_DEDUPE_WINDOW, open_delivered_ids
from segment_freshsales.delivery.engine import Engine, Steps
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.events import (
    Action,
    Check,
    Checked,
    Done,
    Event,
    Instant,
    Notice,
    Send,
    Settle,
    Sleep,
)
from segment_freshsales.delivery.identities import user_keys
from segment_freshsales.delivery.ledger import Ledger
from segment_freshsales.delivery.outcome import Outcome, Report
from segment_freshsales.delivery.pacing import RateLimiter, RateLimits
from segment_freshsales.delivery.people import DEFAULT_CACHE_SIZE
from segment_freshsales.delivery.retry import RetryPolicy
from segment_freshsales.delivery.wire import Http, Requests, headers, no_reply, read_reply, send
from translator.settings import Settings

__all__ = ["BaseClient", "Client", "OnOutcome"]

logger = logging.getLogger("segment_freshsales.delivery")

OnOutcome: TypeAlias = Callable[[int, object, Outcome], None]
"""Told each input message's outcome: (its position in the stream, the message, the outcome)."""
T = TypeVar("T")


class BaseClient:
    """What Client and AsyncClient share: the engine, the ledger at its edge, the time, the
    counting of a stream, and the httpx options."""

    def __init__(
        self,
        settings: Settings,
        *,
        max_attempts: int,
        timeout: float,
        limits: RateLimits | None,
        tracking_limits: RateLimits | None,
        dead_letter: str | Path | None,
        dedupe_path: str | Path | None,
        cache_size: int,
        dedupe_window: float,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
        seed: int | None,
    ) -> None:
        if cache_size < 1:
            raise ValueError("cache_size: expected at least 1")
        self.settings = settings
        self.engine = Engine(
            settings,
            policy=RetryPolicy(max_attempts=max_attempts),
            limiter=RateLimiter(limits or RateLimits()),
            rng=random.Random(seed),
            cache_size=cache_size,
            tracking_limiter=RateLimiter(tracking_limits or RateLimits()),
        )
        delivered = open_delivered_ids(dedupe_path, dedupe_window, wall_clock)
        self.ledger = Ledger(delivered, DeadLetters(dead_letter, settings.api_key))
        self._clock = clock
        self._wall_clock = wall_clock
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
        return self.ledger.dead_letters

    def now(self) -> Instant:
        """The time, as the engine is told it."""
        return Instant(self._clock(), self._wall_clock())

    def _steps(
        self,
        message: object,
        message_ids: Sequence[str] | None = None,
        maybe_sent: bool = False,
    ) -> Steps:
        return self.engine.deliver(message, self.now(), message_ids, maybe_sent=maybe_sent)

    def _batches(self, messages: Iterable[object], coalesce: bool) -> Iterable[Batch]:
        if coalesce:
            return coalesce_identifies(messages, self.settings)
        return single_batches(messages)

    def _store(self, action: Check | Settle | Notice, dead_letters: DeadLetters | None) -> Event:
        """Carry out a storage action (or log a notice); blocking (AsyncClient runs it in a
        worker thread)."""
        if isinstance(action, Check):
            return Checked(self.ledger.was_delivered(action.message_id), self.now())
        if isinstance(action, Notice):
            logger.warning("%s", action.text)
            return Done(self.now())
        self.ledger.settle(action, dead_letters)
        return Done(self.now())

    def _bulk_run(self, report: Report, on_outcome: OnOutcome | None, bulk_size: int) -> BulkRun:
        """A stream's delivery with bulk upserts (see `bulk`)."""
        return BulkRun(
            self.engine,
            at=self.now(),
            report=report,
            on_outcome=on_outcome,
            bulk_size=bulk_size,
            keys=user_keys,
        )

    def _keep_bulk_unsent(
        self,
        run: BulkRun,
        rest: Iterable[object],
        error: AuthError,
        dead_letters: DeadLetters | None,
    ) -> None:
        """Keep, after a 401/403, the messages a bulk run held (a job may have written them)
        and those it had not read."""
        kept = dead_letters or self.dead_letters
        kept.keep_unsent(run.unsettled(), str(error), maybe_sent=True)
        kept.keep_unsent(rest, str(error))

    def _keep_unsent(self, batches: Iterable[Batch], error: AuthError) -> None:
        """Keep every message of `batches`, none of them sent since sending stopped."""
        messages = (message for batch in batches for _, message in batch.members)
        self.dead_letters.keep_unsent(messages, str(error))

    def _trial_dead_letters(self, batch: Batch) -> DeadLetters | None:
        """Where a batch's message goes if undelivered: nowhere final for a merged one, whose
        members are then sent one by one (see Batch.split)."""
        return DeadLetters(None, self.settings.api_key) if batch.merged else None

    @staticmethod
    def _count(
        report: Report, batch: Batch, outcome: Outcome, on_outcome: OnOutcome | None
    ) -> None:
        """Count a batch's outcome, and tell it for each message the batch stands for."""
        report.add(outcome, len(batch.members))
        report.calls_saved += batch.calls_saved
        if on_outcome is not None:
            for position, message in batch.members:
                on_outcome(position, message, outcome)


# A wait this long or longer is one a person watching would take for a hang: it is logged at
# INFO, so the command line and the relay show it; shorter ones at DEBUG.
_VISIBLE_WAIT_SECONDS = 2.0


def log_sleep(action: Sleep) -> None:
    """Say how long the client waits and why: "waiting 42 s for the rate limit"."""
    if action.seconds >= _VISIBLE_WAIT_SECONDS:
        logger.info("waiting %.0f s %s", action.seconds, action.why)
    else:
        logger.debug("waiting %.2f s %s", action.seconds, action.why)


class Client(BaseClient):
    """Delivers Segment messages to a Freshsales account; every message ends delivered,
    rejected with a reason, or kept for replay.

    ```python
    settings = Settings(domain="acme", api_key="...")
    with Client(settings, dead_letter="dead-letter.jsonl") as client:
        outcome = client.deliver({"type": "track", "userId": "a@b.co", "event": "Signed Up"})
        report = client.deliver_all(messages)
    ```

    **Parameters** (keyword-only after `settings`):

    * **settings** - the account (`translator.Settings`).
    * **transport** - an httpx transport to use instead of the network (`httpx.MockTransport`,
      `httpx.WSGITransport` around the fake server, respx).
    * **max_attempts** - attempts per request before a message is `failed` (default 6).
    * **timeout** - seconds per request (default 10).
    * **limits** - the account's budgets to pace under (`RateLimits`, default 1000/h, 400/min).
    * **tracking_limits** - the tracking API's budgets (with `Settings.app_token`), paced apart
      from the REST API's (`RateLimits`; its real limits are not published, default as `limits`).
    * **dead_letter** - the JSONL file for undelivered messages; without one they are kept in
      `client.dead_letters.kept`.
    * **dedupe_path** - a SQLite file remembering delivered messageIds across runs.
    * **cache_size** - people remembered at most (least recently used forgotten first), and
      selector entries (default 100,000); deals found by name, a tenth as many.
    * **dedupe_window** - seconds a delivered messageId is remembered (default 604800, a
      week): a message sent again after longer is delivered again.
    * **sleep**, **clock**, **wall_clock**, **seed** - time and randomness, injectable so tests
      run instantly and reproducibly.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        max_attempts: int = 6,
        timeout: float = 10.0,
        limits: RateLimits | None = None,
        tracking_limits: RateLimits | None = None,
        dead_letter: str | Path | None = None,
        dedupe_path: str | Path | None = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
        dedupe_window: float = DEFAULT_DEDUPE_WINDOW,
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
            tracking_limits=tracking_limits,
            dead_letter=dead_letter,
            dedupe_path=dedupe_path,
            cache_size=cache_size,
            dedupe_window=dedupe_window,
            clock=clock,
            wall_clock=wall_clock,
            seed=seed,
        )
        self._sleep = sleep
        self._http = Http(transport=transport, **self._http_options)
        self._request = Requests(self._http, settings)

    def deliver(
        self,
        message: object,
        *,
        dead_letters: DeadLetters | None = None,
        maybe_sent: bool = False,
    ) -> Outcome:
        """Deliver one message. Raises AuthError (after keeping the message) on 401/403.

        `dead_letters` keeps this message elsewhere than the client's own dead letters when it
        is not delivered (the relay decides for itself what to keep). `maybe_sent` says an
        earlier delivery of it may have sent requests that got no answer (a relay restarted
        mid-delivery, a replayed `failed` message): its sales activity is then looked for
        among its record's activities before it is sent, so it is never made twice.
        """
        return self._drive(self._steps(message, maybe_sent=maybe_sent), dead_letters)

    def deliver_all(
        self,
        messages: Iterable[object],
        *,
        coalesce: bool = False,
        on_outcome: OnOutcome | None = None,
        bulk: bool = False,
        bulk_size: int = DEFAULT_BULK_SIZE,
    ) -> Report:
        """Deliver a stream of messages in order, lazily; returns the counts.

        With `coalesce`, consecutive identifies of one person are merged into one when that
        leaves the state they would leave one by one; a merged one that is not delivered is
        sent again one message at a time.
        With `bulk`, identifies of contacts (with their accounts) go in bulk upsert jobs of
        up to `bulk_size` (see docs/bulk.md); each person's messages keep their order.
        `on_outcome(position, message, outcome)` is told each message's outcome as it ends.
        On 401/403 every message not yet sent goes to the dead-letter file as `unsent`, then
        AuthError is raised.
        """
        report = Report()
        if bulk:
            if coalesce:
                raise ValueError("coalesce and bulk: choose one")
            pairs = ((message, False) for message in messages)
            return self.deliver_bulk(pairs, bulk_size=bulk_size, on_outcome=on_outcome)
        batches = iter(self._batches(messages, coalesce))
        for batch in batches:
            try:
                self._deliver_batch(batch, report, on_outcome)
            except AuthError as error:
                self._keep_unsent(batches, error)
                raise
        return report

    def _deliver_batch(self, batch: Batch, report: Report, on_outcome: OnOutcome | None) -> None:
        steps = self._steps(batch.message, batch.message_ids)
        outcome = self._drive(steps, self._trial_dead_letters(batch))
        if batch.merged and outcome.status in ("rejected", "failed"):
            for single in batch.split():
                self._deliver_batch(single, report, on_outcome)
            return
        self._count(report, batch, outcome, on_outcome)

    def deliver_bulk(
        self,
        messages: Iterable[tuple[object, bool]],
        *,
        bulk_size: int = DEFAULT_BULK_SIZE,
        on_outcome: OnOutcome | None = None,
        dead_letters: DeadLetters | None = None,
    ) -> Report:
        """`deliver_all(bulk=True)` of `(message, maybe_sent)` pairs (`maybe_sent` as for
        `deliver`), keeping what is not delivered in `dead_letters` (else the client's own).
        On 401/403 the messages held for a job and those not read yet are kept as `unsent`,
        then AuthError is raised."""
        report = Report()
        run = self._bulk_run(report, on_outcome, bulk_size)
        source = iter(messages)
        try:
            self._drive(run.steps(source), dead_letters)
        except AuthError as error:
            rest = (message for message, _ in source)
            self._keep_bulk_unsent(run, rest, error, dead_letters)
            raise
        return report

    def _drive(self, steps: Generator[Action, Event, T], dead_letters: DeadLetters | None) -> T:
        """Carry out the engine's actions until it returns its result."""
        try:
            action = next(steps)
            while True:
                action = steps.send(self._perform(action, dead_letters))
        except StopIteration as stop:
            result: T = stop.value
            return result

    def _perform(self, action: Action, dead_letters: DeadLetters | None) -> Event:
        if isinstance(action, Send):
            try:
                response = send(self._http, self._request(action))
            except (httpx.TransportError, OSError) as error:
                # OSError: a connection dropped inside an in-process (WSGI) transport.
                return no_reply(error, self.now())
            return read_reply(response, self.now())
        if isinstance(action, Sleep):
            log_sleep(action)
            self._sleep(action.seconds)
            return Done(self.now())
        return self._store(action, dead_letters)

    def close(self) -> None:
        """Close the HTTP connections and the dedupe store."""
        self._http.close()
        self.ledger.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client(settings={self.settings!r})"
