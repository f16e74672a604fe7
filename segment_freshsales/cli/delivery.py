"""Delivering the messages read by a command, with the product's Client, message by message
observed for the progress display and the summary."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from segment_freshsales.cli.input import Item, Malformed
from segment_freshsales.cli.progress import ProgressDisplay
from segment_freshsales.cli.summary import NOT_JSON, Tally, kind_of
from segment_freshsales.delivery.async_client import AsyncClient
from segment_freshsales.delivery.client import Client
from segment_freshsales.delivery.deadletter import DeadLetters
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.outcome import Outcome
from segment_freshsales.delivery.pacing import RateLimits
from translator.settings import Settings

__all__ = ["DeliveryOptions", "Run", "deliver"]

Observe: TypeAlias = Callable[[object, Outcome], None]
INTERRUPTED = "interrupted (Ctrl-C) before it was delivered"


@dataclass(frozen=True)
class DeliveryOptions:
    """How to deliver: where undelivered messages go, pacing, concurrency, dedupe store."""

    dead_letter: Path
    limits: RateLimits
    concurrency: int = 1
    dedupe_path: Path | None = None


@dataclass
class Run:
    """The outcome of a run: the tally, and why it stopped early, if it did."""

    tally: Tally = field(default_factory=Tally)
    stopped: str | None = None  # AuthError's text, or that it was interrupted
    interrupted: bool = False  # by Ctrl-C
    kept: int = 0  # messages with no outcome of their own, kept in the dead-letter file


class _ObservedClient(Client):
    """Client that tells each outcome as it ends: deliver_all itself only returns counts."""

    def __init__(self, observe: Observe, settings: Settings, **options: Any) -> None:
        super().__init__(settings, **options)
        self._observe = observe

    def deliver(self, message: object, *, dead_letters: DeadLetters | None = None) -> Outcome:
        outcome = super().deliver(message, dead_letters=dead_letters)
        self._observe(message, outcome)
        return outcome


class _ObservedAsyncClient(AsyncClient):
    """AsyncClient that tells each outcome as it ends."""

    def __init__(self, observe: Observe, settings: Settings, **options: Any) -> None:
        super().__init__(settings, **options)
        self._observe = observe

    async def deliver(self, message: object, *, dead_letters: DeadLetters | None = None) -> Outcome:
        outcome = await super().deliver(message, dead_letters=dead_letters)
        self._observe(message, outcome)
        return outcome


class _Tracker:
    """Which input items have an outcome yet, so nothing unfinished is lost on a stop."""

    def __init__(self, items: list[Item | Malformed], progress: ProgressDisplay) -> None:
        self.pending: dict[int, Item | Malformed] = {id(item): item for item in items}
        # By the message object's identity, since deliver_all hands the same object back; in
        # order, since equal small values (`null`, `7`) are one object in Python.
        self._by_message: dict[int, deque[int]] = defaultdict(deque)
        for item in items:
            if isinstance(item, Item):
                self._by_message[id(item.message)].append(id(item))
        self.run = Run()
        self._progress = progress

    def observe(self, message: object, outcome: Outcome) -> None:
        item = self.pending.pop(self._by_message[id(message)].popleft())
        self._count(item.where, kind_of(message), outcome)

    def keep_malformed(self, item: Malformed, dead_letters: DeadLetters) -> None:
        reason = f"{item.where}: {item.reason}"
        dead_letters.write(item.text, "rejected", reason, 0)
        del self.pending[id(item)]
        self._count(item.where, NOT_JSON, Outcome("rejected", None, reason=item.reason))

    def _count(self, where: str, kind: str, outcome: Outcome) -> None:
        self.run.tally.add(where, kind, outcome)
        self._progress.update(self.run.tally.done, self.run.tally.report)

    def messages(self, dead_letters: DeadLetters) -> Iterator[object]:
        """The messages to deliver, in order; malformed input is kept as it comes."""
        for item in list(self.pending.values()):
            if isinstance(item, Malformed):
                self.keep_malformed(item, dead_letters)
            else:
                yield item.message

    def keep_unfinished(self, dead_letters: DeadLetters) -> None:
        """After Ctrl-C: every item without an outcome goes to the dead-letter file."""
        for item in list(self.pending.values()):
            if isinstance(item, Malformed):
                self.keep_malformed(item, dead_letters)
            else:
                dead_letters.write(item.message, "unsent", INTERRUPTED, 0)
                self.run.kept += 1
        self.pending.clear()


def deliver(
    items: list[Item | Malformed],
    settings: Settings,
    options: DeliveryOptions,
    progress: ProgressDisplay,
) -> Run:
    """Deliver every item with Client (AsyncClient when concurrency > 1); never raises
    AuthError or KeyboardInterrupt: the Run says it stopped, and every message is kept."""
    tracker = _Tracker(items, progress)
    common = {
        "limits": options.limits,
        "dead_letter": options.dead_letter,
        "dedupe_path": options.dedupe_path,
    }
    dead_letters = DeadLetters(options.dead_letter, settings.api_key)
    try:
        if options.concurrency > 1:
            asyncio.run(_deliver_async(tracker, settings, options.concurrency, common))
        else:
            with _ObservedClient(tracker.observe, settings, **common) as client:
                client.deliver_all(tracker.messages(client.dead_letters))
    except AuthError as error:
        # deliver_all kept the message refused and every one after it.
        tracker.run.stopped = str(error)
        tracker.run.kept = len(tracker.pending)
    except KeyboardInterrupt:
        tracker.run.stopped = "interrupted (Ctrl-C)"
        tracker.run.interrupted = True
        tracker.keep_unfinished(dead_letters)
    finally:
        progress.close()
    return tracker.run


async def _deliver_async(
    tracker: _Tracker, settings: Settings, concurrency: int, options: dict[str, Any]
) -> None:
    async with _ObservedAsyncClient(
        tracker.observe, settings, concurrency=concurrency, **options
    ) as client:
        await client.deliver_all(tracker.messages(client.dead_letters))
