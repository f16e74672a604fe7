"""Delivering the messages read by a command, with the product's Client, message by message
observed for the progress display and the summary."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from segment_freshsales.cli.input import Item, Malformed
from segment_freshsales.cli.progress import ProgressDisplay, waits_shown
from segment_freshsales.cli.stopping import exit_status, held_signals, stop_reason
from segment_freshsales.cli.summary import NOT_JSON, Tally, kind_of
from segment_freshsales.delivery.async_client import AsyncClient
from segment_freshsales.delivery.client import Client
from segment_freshsales.delivery.deadletter import DeadLetters
from segment_freshsales.delivery.dedupe import DEFAULT_DEDUPE_WINDOW
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.outcome import Outcome, Report
from segment_freshsales.delivery.pacing import RateLimits
from segment_freshsales.delivery.people import DEFAULT_CACHE_SIZE, People
from translator.settings import Settings

__all__ = ["DeliveryOptions", "Run", "deliver"]


@dataclass(frozen=True)
class DeliveryOptions:
    """How to deliver: where undelivered messages go, pacing, concurrency, dedupe store."""

    dead_letter: Path
    limits: RateLimits
    concurrency: int = 1
    dedupe_path: Path | None = None
    cache_size: int = DEFAULT_CACHE_SIZE
    dedupe_window: float = DEFAULT_DEDUPE_WINDOW
    bulk_size: int | None = None  # identifies of contacts in bulk jobs of this many; None: not
    tracking_limits: RateLimits | None = None  # the tracking API's, with an app token

    @property
    def bulk(self) -> dict[str, Any]:
        """deliver_all's bulk arguments."""
        return {} if self.bulk_size is None else {"bulk": True, "bulk_size": self.bulk_size}


@dataclass
class Run:
    """The outcome of a run: the tally, and why it stopped early, if it did."""

    tally: Tally = field(default_factory=Tally)
    stopped: str | None = None  # AuthError's text, or the signal's
    interrupt: KeyboardInterrupt | None = None  # Ctrl-C or SIGTERM (stopping.Terminated)
    people: People | None = None  # the client's person cache, for its hit rate

    @property
    def exit_status(self) -> int:
        """130 or 143 when Ctrl-C or SIGTERM stopped it; else 0 when every message was
        delivered (or skipped, as delivered before), 1 when any was not."""
        if self.interrupt is not None:
            return exit_status(self.interrupt)
        return 0 if self.tally.undelivered == 0 else 1


class _Tracker:
    """Which input items have an outcome yet, so nothing unfinished is lost on a stop."""

    def __init__(self, items: list[Item | Malformed], progress: ProgressDisplay) -> None:
        self.pending: dict[int, Item | Malformed] = dict(enumerate(items))
        self._sent: list[int] = []  # the item behind each position of the delivered stream
        self.run = Run()
        self._progress = progress

    def observe(self, position: int, message: object, outcome: Outcome) -> None:
        item = self.pending.pop(self._sent[position])
        self._count(item.where, kind_of(message), outcome)

    def keep_malformed(self, index: int, item: Malformed, dead_letters: DeadLetters) -> None:
        reason = f"{item.where}: {item.reason}"
        dead_letters.write(item.text, "rejected", reason, 0)
        del self.pending[index]
        self._count(item.where, NOT_JSON, Outcome("rejected", None, reason=item.reason))

    def _count(self, where: str, kind: str, outcome: Outcome) -> None:
        self.run.tally.add(where, kind, outcome)
        self._progress.update(self.run.tally.done, self.run.tally.report)

    def messages(self, dead_letters: DeadLetters) -> Iterator[object]:
        """The messages to deliver, in order; malformed input is kept as it comes."""
        for index, item in list(self.pending.items()):
            if isinstance(item, Malformed):
                self.keep_malformed(index, item, dead_letters)
            else:
                self._sent.append(index)
                yield item.message

    def keep_unfinished(self, dead_letters: DeadLetters, unsent_reason: str | None) -> None:
        """After a stop: every item without an outcome is counted, and kept (a message as
        `unsent` with `unsent_reason`; None when the client kept it already)."""
        handed_over = set(self._sent)
        for index, item in list(self.pending.items()):
            if isinstance(item, Malformed):
                self.keep_malformed(index, item, dead_letters)
                continue
            if unsent_reason is not None:
                # Handed to the client but without an outcome: it was being sent.
                in_flight = index in handed_over
                dead_letters.keep_unsent([item.message], unsent_reason, maybe_sent=in_flight)
            self.run.tally.add_unsent(kind_of(item.message))
        self.pending.clear()


def deliver(
    items: list[Item | Malformed],
    settings: Settings,
    options: DeliveryOptions,
    progress: ProgressDisplay,
) -> Run:
    """Deliver every item with Client (AsyncClient when concurrency > 1); never raises
    AuthError or KeyboardInterrupt (Ctrl-C, SIGTERM): the Run says it stopped, and every
    message is counted and kept."""
    tracker = _Tracker(items, progress)
    common: dict[str, Any] = {
        "limits": options.limits,
        "tracking_limits": options.tracking_limits,
        "dead_letter": options.dead_letter,
        "dedupe_path": options.dedupe_path,
        "cache_size": options.cache_size,
        "dedupe_window": options.dedupe_window,
    }
    dead_letters = DeadLetters(options.dead_letter, settings.api_key)
    try:
        with waits_shown(progress.note):
            if options.concurrency > 1:
                report = asyncio.run(_deliver_async(tracker, settings, options, common))
            else:
                with Client(settings, **common) as client:
                    tracker.run.people = client.engine.people
                    report = client.deliver_all(
                        tracker.messages(client.dead_letters),
                        on_outcome=tracker.observe,
                        **options.bulk,
                    )
            # Which outcomes came from bulk jobs only the client's own report says.
            tracker.run.tally.report.bulk = report.bulk
            tracker.run.tally.report.bulk_jobs = report.bulk_jobs
    except AuthError as error:
        # deliver_all kept the message refused (as failed) and every one after it (unsent).
        tracker.run.stopped = str(error)
        tracker.keep_unfinished(dead_letters, None)
    except KeyboardInterrupt as interrupt:
        tracker.run.stopped = stop_reason(interrupt)
        tracker.run.interrupt = interrupt
        with held_signals():
            tracker.keep_unfinished(
                dead_letters, f"{stop_reason(interrupt)} before it was delivered"
            )
    finally:
        progress.close()
    return tracker.run


async def _deliver_async(
    tracker: _Tracker, settings: Settings, options: DeliveryOptions, common: dict[str, Any]
) -> Report:
    async with AsyncClient(settings, concurrency=options.concurrency, **common) as client:
        tracker.run.people = client.engine.people
        return await client.deliver_all(
            tracker.messages(client.dead_letters), on_outcome=tracker.observe, **options.bulk
        )
