"""AsyncClient: Client's rules with asyncio, bounded concurrency, and per-user order."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Generator, Iterable
from pathlib import Path
from typing import TypeVar

import httpx

from segment_freshsales.delivery.bulk import DEFAULT_BULK_SIZE
from segment_freshsales.delivery.client import BaseClient, OnOutcome, log_sleep
from segment_freshsales.delivery.coalesce import Batch
from segment_freshsales.delivery.deadletter import DeadLetters
from segment_freshsales.delivery.dedupe import DEFAULT_DEDUPE_WINDOW
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.events import Action, Done, Event, Send, Sleep
from segment_freshsales.delivery.identities import user_keys
from segment_freshsales.delivery.outcome import Outcome, Report
from segment_freshsales.delivery.pacing import RateLimits
from segment_freshsales.delivery.people import DEFAULT_CACHE_SIZE
from segment_freshsales.delivery.wire import AsyncHttp, Requests, no_reply, read_reply
from translator.settings import Settings

__all__ = ["AsyncClient"]

T = TypeVar("T")


class AsyncClient(BaseClient):
    """Client with `await`: up to `concurrency` messages in flight, one user's messages in order.

    ```python
    async with AsyncClient(settings, concurrency=8, dead_letter="dead-letter.jsonl") as client:
        report = await client.deliver_all(messages)
    ```

    Parameters as Client's, plus **concurrency**; `transport` is an async httpx transport and
    `sleep` a coroutine function. Dead letters and the dedupe store are written from a worker
    thread, so the event loop never waits on a disk.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_attempts: int = 6,
        timeout: float = 10.0,
        limits: RateLimits | None = None,
        tracking_limits: RateLimits | None = None,
        dead_letter: str | Path | None = None,
        dedupe_path: str | Path | None = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
        dedupe_window: float = DEFAULT_DEDUPE_WINDOW,
        concurrency: int = 8,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        seed: int | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency: expected at least 1")
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
        self.concurrency = concurrency
        self._sleep = sleep
        self._http = AsyncHttp(
            transport=transport,
            limits=httpx.Limits(max_connections=concurrency),
            **self._http_options,
        )
        self._request = Requests(self._http, settings)
        # GETs in flight by path and query: another message's identical GET waits for that
        # answer instead of sending its own (the selectors, which every message needs before
        # the first answer is kept, or one account's deals).
        self._reading: dict[tuple[str, tuple[tuple[str, str], ...]], asyncio.Task[Event]] = {}

    async def deliver(
        self,
        message: object,
        *,
        dead_letters: DeadLetters | None = None,
        maybe_sent: bool = False,
    ) -> Outcome:
        """Deliver one message. Raises AuthError (after keeping the message) on 401/403.

        `dead_letters` keeps this message elsewhere than the client's own when undelivered;
        `maybe_sent` as for `Client.deliver`.
        """
        return await self._drive(self._steps(message, maybe_sent=maybe_sent), dead_letters)

    async def deliver_all(
        self,
        messages: Iterable[object] | AsyncIterable[object],
        *,
        coalesce: bool = False,
        on_outcome: OnOutcome | None = None,
        bulk: bool = False,
        bulk_size: int = DEFAULT_BULK_SIZE,
    ) -> Report:
        """Deliver a stream concurrently; messages of one user keep their order.

        `on_outcome(position, message, outcome)` is told each message's outcome as it ends.
        With `bulk` (a plain iterable only), as `Client.deliver_all`'s: one message or job at
        a time, since bulk jobs are what saves requests then.
        On 401/403 sending stops: messages in flight finish, every other undelivered message
        goes to the dead-letter file as `unsent`, then AuthError is raised.
        """
        report = Report()
        if bulk:
            if isinstance(messages, AsyncIterable):
                raise TypeError("bulk: needs a plain iterable of messages, not an async one")
            if coalesce:
                raise ValueError("coalesce and bulk: choose one")
            bulk_run = self._bulk_run(report, on_outcome, bulk_size)
            source = iter(messages)
            try:
                await self._drive(bulk_run.steps((message, False) for message in source), None)
            except AuthError as error:
                await asyncio.to_thread(self._keep_bulk_unsent, bulk_run, source, error, None)
                raise
            return report
        slots = asyncio.Semaphore(self.concurrency)
        last_of_user: dict[str, asyncio.Task[None]] = {}
        tasks: set[asyncio.Task[None]] = set()
        stopped: list[AuthError] = []
        unsent: list[Batch] = []

        async def run(batch: Batch, before: list[asyncio.Task[None]]) -> None:
            try:
                if before:
                    await asyncio.wait(before)
                if stopped:
                    unsent.append(batch)
                    return
                try:
                    await self._deliver_batch(batch, report, on_outcome)
                except AuthError as error:
                    stopped.append(error)
            finally:
                slots.release()

        batches = aiter(self._async_batches(messages, coalesce))
        async for batch in batches:
            if stopped:
                unsent.append(batch)
                break
            await slots.acquire()
            keys = set().union(*(user_keys(m) for _, m in batch.members))
            before = list({last_of_user[key] for key in keys if key in last_of_user})
            task = asyncio.create_task(run(batch, before))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            for key in keys:
                last_of_user[key] = task
            if len(last_of_user) > 4 * self.concurrency:
                # Forget users whose last message is done, so the map stays small.
                for key in [k for k, t in last_of_user.items() if t.done()]:
                    del last_of_user[key]
        if tasks:
            await asyncio.wait(set(tasks))
        if stopped:
            # In the stream's order: those that waited for a message in flight, then the rest,
            # kept as they are read so a long stream is never held in memory.
            unsent.sort(key=lambda batch: batch.members[0][0])
            await asyncio.to_thread(self._keep_unsent, unsent, stopped[0])
            async for batch in batches:
                await asyncio.to_thread(self._keep_unsent, [batch], stopped[0])
            raise stopped[0]
        return report

    async def _deliver_batch(
        self, batch: Batch, report: Report, on_outcome: OnOutcome | None
    ) -> None:
        steps = self._steps(batch.message, batch.message_ids)
        outcome = await self._drive(steps, self._trial_dead_letters(batch))
        if batch.merged and outcome.status in ("rejected", "failed"):
            for single in batch.split():
                await self._deliver_batch(single, report, on_outcome)
            return
        self._count(report, batch, outcome, on_outcome)

    async def _async_batches(
        self, messages: Iterable[object] | AsyncIterable[object], coalesce: bool
    ) -> AsyncIterable[Batch]:
        if not isinstance(messages, AsyncIterable):
            for batch in self._batches(messages, coalesce):
                yield batch
            return
        if coalesce:
            raise TypeError("coalesce: needs a plain iterable of messages, not an async one")
        position = 0
        async for message in messages:
            yield Batch.single(position, message)
            position += 1

    async def _drive(
        self, steps: Generator[Action, Event, T], dead_letters: DeadLetters | None
    ) -> T:
        """Carry out the engine's actions until it returns its result."""
        try:
            action = next(steps)
            while True:
                action = steps.send(await self._perform(action, dead_letters))
        except StopIteration as stop:
            result: T = stop.value
            return result

    async def _perform(self, action: Action, dead_letters: DeadLetters | None) -> Event:
        if isinstance(action, Send):
            if action.method != "GET":
                return await self._send(action)
            key = (action.path, tuple(sorted((action.query or {}).items())))
            reading = self._reading.get(key)
            if reading is not None:
                return await asyncio.shield(reading)  # see below
            reading = self._reading[key] = asyncio.create_task(self._send(action))
            try:
                # Shielded: a message cancelled while waiting leaves the GET to the others.
                return await asyncio.shield(reading)
            finally:
                # Kept until this message resumes and hands the answer to the engine, which
                # keeps what it needs before any other message runs: a later GET asks again.
                if self._reading.get(key) is reading:
                    del self._reading[key]
        if isinstance(action, Sleep):
            log_sleep(action)
            await self._sleep(action.seconds)
            return Done(self.now())
        return await asyncio.to_thread(self._store, action, dead_letters)

    async def _send(self, action: Send) -> Event:
        try:
            response = await self._http.send(self._request(action))
        except (httpx.TransportError, OSError) as error:
            return no_reply(error, self.now())
        return read_reply(response, self.now())

    async def aclose(self) -> None:
        """Close the HTTP connections and the dedupe store."""
        await self._http.aclose()
        self.ledger.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncClient(settings={self.settings!r}, concurrency={self.concurrency})"
