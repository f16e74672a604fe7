"""Delivering a stream with bulk upserts: identifies of contacts (and their accounts) in jobs of
up to `bulk_size`, everything else through the engine, each person's messages in order.

`BulkRun.steps(messages)` is a generator of the engine's actions, as `Engine.deliver` is, so
`Client` and `AsyncClient` drive it as they drive the engine; every request goes through
`Engine.request`, paced and retried as every request is.

How a flush goes (the identifies held so far):

1. The accounts they name that this run has not written with the same fields go in
   `POST /sales_accounts/bulk_upsert` (one item per name, the later fields last), and the jobs
   are polled to their end. Their ids come from the job's per-record results when it answers
   them, else from one `POST /filtered_search/sales_account` per 100 names.
2. The contacts go in `POST /contacts/bulk_upsert`, each with `sales_account_id` when it names
   an account: that account becomes the contact's primary one, the others kept [I] (one by
   one, the account is added last, primary only when it is the first). `sales_accounts`
   would replace the contact's accounts: it is never sent.
3. Each message then settles in stream order: delivered when its record (or, without
   per-record results, its job) succeeded; otherwise sent again alone through the engine,
   so its rejection keeps the API's own reason and nothing is lost.

A message for a person with an identify held waits for it: that identify leaves the held ones
and is sent alone through the engine first (flushing a half-full batch for it would cost a job
and its polls), then the message.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Final, TypeAlias

from segment_freshsales.delivery.bulk_jobs import Job, Now, follow, queue
from segment_freshsales.delivery.bulk_plan import (
    ACCOUNT_ID,
    BulkItem,
    bulk_item,
    merged_account,
    plan_of,
)
from segment_freshsales.delivery.engine import Engine, stamped
from segment_freshsales.delivery.events import Action, Check, Checked, Event, Instant, Settle
from segment_freshsales.delivery.outcome import Outcome, Report
from segment_freshsales.delivery.people import person_key
from translator.plan import JSON

__all__ = ["DEFAULT_BULK_SIZE", "HELD_BATCHES", "BulkRun"]

# [I] The fake's ceiling, and no other was found.
DEFAULT_BULK_SIZE: Final = 100
# Identifies held before a flush, in batches: holding several lets one account job serve
# many contact jobs, and their polls go together.
HELD_BATCHES: Final = 10
_SEARCH_PAGE: Final = 100

_OnOutcome: TypeAlias = Callable[[int, object, Outcome], None]
_Steps: TypeAlias = Generator[Action, Event, None]


@dataclass(eq=False)
class _Held:
    item: BulkItem
    keys: set[str]
    maybe_sent: bool
    job: Job | None = None
    index: int = 0  # the item's place in its job
    alone: bool = False  # to go through the engine, not in bulk


class BulkRun:
    """One stream delivered with bulk upserts; counts go to `report`, each message's outcome
    to `on_outcome(position, message, outcome)`."""

    def __init__(
        self,
        engine: Engine,
        *,
        at: Instant,
        report: Report,
        on_outcome: _OnOutcome | None = None,
        bulk_size: int = DEFAULT_BULK_SIZE,
        keys: Callable[[object], set[str]],
    ) -> None:
        if not 1 <= bulk_size <= DEFAULT_BULK_SIZE:
            raise ValueError(f"bulk_size: expected 1 to {DEFAULT_BULK_SIZE}, got {bulk_size}")
        self.engine = engine
        self.report = report
        self.bulk_size = bulk_size
        self._on_outcome = on_outcome
        self._keys = keys
        self._now = Now(at)
        self._held: list[_Held] = []
        self._held_keys: set[str] = set()
        self._held_ids: set[str] = set()
        self._accounts: dict[str, dict[str, JSON]] = {}  # to write at the next flush
        # Accounts this run wrote: their fields as written, and their ids.
        self._known: dict[str, tuple[dict[str, JSON], int]] = {}
        self._unbilled: list[Outcome] = []  # what requests made for many messages cost

    def steps(self, messages: Iterable[tuple[object, bool]]) -> _Steps:
        """Deliver `(message, maybe_sent)` pairs (see `Client.deliver`'s `maybe_sent`)."""
        return self._now.watch(self._stream(iter(messages)))

    def unsettled(self) -> list[object]:
        """The messages held without an outcome (after an AuthError stopped the run)."""
        return [held.item.message for held in self._held]

    def _stream(self, messages: Iterator[tuple[object, bool]]) -> _Steps:
        for position, (message, maybe_sent) in enumerate(messages):
            keys = self._keys(message)
            message_id = message.get("messageId") if isinstance(message, dict) else None
            message_id = message_id if isinstance(message_id, str) else None
            if keys & self._held_keys or message_id in self._held_ids:
                yield from self._release(keys, message_id)
            # Translated once: the plan decides bulk or not, and is the engine's if not.
            message = stamped(message, self._now.at)
            plan = plan_of(message, self.engine.settings)
            item = None if plan is None else bulk_item(position, message, plan)
            if item is None:
                outcome = yield from self.engine.deliver(
                    message, self._now.at, maybe_sent=maybe_sent, plan=plan
                )
                self._count(position, message, outcome)
                continue
            if item.message_id is not None:
                checked = yield Check(item.message_id)
                if isinstance(checked, Checked) and checked.delivered:
                    skipped = Outcome("skipped", item.message_id)
                    yield Settle(message, skipped, ())
                    self._count(position, message, skipped)
                    continue
            self._hold(item, keys, maybe_sent)
            full = len(self._held) >= HELD_BATCHES * self.bulk_size
            if full or len(self._accounts) >= self.bulk_size:
                yield from self._flush()
        yield from self._flush()

    def _release(self, keys: set[str], message_id: str | None) -> _Steps:
        """Send alone, now, the held identifies of the person a message names (or with its
        messageId), so it goes after them: cheaper than flushing the batch early, and the
        engine then knows the person as it does one message at a time."""
        person = [
            held
            for held in self._held
            if held.keys & keys or (message_id is not None and held.item.message_id == message_id)
        ]
        self._held_keys.clear()
        self._held_ids.clear()
        self._accounts.clear()
        for held in self._held:
            if held not in person:
                self._note(held)
        for held in person:  # each stays held until it settles: a 401/403 keeps the rest
            held.alone = True
            yield from self._end(held)

    def _hold(self, item: BulkItem, keys: set[str], maybe_sent: bool) -> None:
        held = _Held(item, keys, maybe_sent)
        self._held.append(held)
        self._note(held)

    def _note(self, held: _Held) -> None:
        """Count a held identify's person, messageId and account in."""
        item = held.item
        self._held_keys |= held.keys
        if item.message_id is not None:
            self._held_ids.add(item.message_id)
        if item.account is None or item.account_data is None:
            return
        name, data = item.account, item.account_data
        if name in self._accounts:
            self._accounts[name] = merged_account(self._accounts[name], data)
        elif name not in self._known or not _within(data, self._known[name][0]):
            self._accounts[name] = data

    def _flush(self) -> _Steps:
        if not self._held:
            return
        failed = yield from self._write_accounts()
        jobs = yield from self._write_contacts(failed)
        for job in jobs:
            self._cost(job)
        while self._held:
            yield from self._end(self._held[0])
        self._held_keys.clear()
        self._held_ids.clear()

    def _write_accounts(self) -> Generator[Action, Event, set[str]]:
        """Upsert the accounts to write; the names of those that could not be."""
        accounts, self._accounts = self._accounts, {}
        failed: set[str] = set()
        items: list[dict[str, JSON]] = []
        for name, data in accounts.items():
            filled = yield from self._filled(data)
            if filled is None:
                failed.add(name)
            else:
                items.append({"unique_identifier": {"name": name}, "data": filled})
        jobs = yield from self._run_jobs("sales_accounts", items)
        ids: dict[str, int] = {}
        unsure: list[str] = []
        for job in jobs:
            self._cost(job)
            names = [item["unique_identifier"]["name"] for item in job.items]
            if job.records is not None:
                found = _record_ids(job.records)
                ids.update((n, found[i]) for i, n in enumerate(names) if i in found)
            elif job.state == "completed":
                unsure.extend(names)
        for start in range(0, len(unsure), _SEARCH_PAGE):
            searched = yield from self._search(unsure[start : start + _SEARCH_PAGE])
            ids.update(searched)
        for name, data in accounts.items():
            if name in ids:
                known = self._known.get(name, ({}, 0))[0]
                self._known[name] = (merged_account(known, data), ids[name])
            else:
                failed.add(name)
                self._known.pop(name, None)
        return failed

    def _search(self, names: list[str]) -> Generator[Action, Event, dict[str, int]]:
        """The ids of the accounts named, found by one filtered search."""
        rule = {"attribute": "name", "operator": "is_in", "value": names}
        body = {"filter_rule": [rule], "page": 1, "per_page": _SEARCH_PAGE}
        reply, cost = yield from self.engine.request(
            "POST", "/filtered_search/sales_account", body, self._now.at
        )
        self._unbilled.append(cost)
        records = reply.body.get("sales_accounts") if reply and isinstance(reply.body, dict) else []
        wanted = set(names)
        return {
            record["name"]: record["id"]
            for record in records or []
            if isinstance(record, dict)
            and record.get("name") in wanted
            and isinstance(record.get("id"), int)
        }

    def _write_contacts(self, failed_accounts: set[str]) -> Generator[Action, Event, list[Job]]:
        """Upsert the held contacts whose account (if any) was written; the jobs."""
        items: list[dict[str, JSON]] = []
        going: list[_Held] = []
        for held in self._held:
            account = held.item.account
            if account is not None and (account in failed_accounts or account not in self._known):
                held.alone = True
                continue
            data = dict(held.item.contact["data"])
            if account is not None:
                data[ACCOUNT_ID] = self._known[account][1]
            filled = yield from self._filled(data)
            if filled is None:
                held.alone = True
                continue
            items.append(
                {"unique_identifier": held.item.contact["unique_identifier"], "data": filled}
            )
            going.append(held)
        jobs = yield from self._run_jobs("contacts", items)
        for index, held in enumerate(going):
            held.job, held.index = jobs[index // self.bulk_size], index % self.bulk_size
        return jobs

    def _run_jobs(
        self, entity: str, items: list[dict[str, JSON]]
    ) -> Generator[Action, Event, list[Job]]:
        """Queue `items` in jobs of `bulk_size`, then follow them all to their end."""
        size = self.bulk_size
        jobs = [Job(entity, items[start : start + size]) for start in range(0, len(items), size)]
        for job in jobs:
            yield from queue(self.engine, job, self._now)
            self.report.bulk_jobs += job.job_id is not None
        yield from follow(self.engine, [job for job in jobs if job.state is None], self._now)
        return jobs

    def _filled(self, data: dict[str, JSON]) -> Generator[Action, Event, JSON]:
        """The fields with their `$lookup`s filled; None when they cannot be (the message
        then goes alone, and the engine says why)."""
        filled, cost = yield from self.engine.filled(data, self._now.at)
        self._unbilled.append(cost)
        return filled if cost.status == "delivered" else None

    def _end(self, held: _Held) -> _Steps:
        """Settle a held message: delivered in bulk, or sent again alone."""
        item, job = held.item, held.job
        if not held.alone and job is not None and _succeeded(job, held.index):
            self._forget_person(item)
            outcome = Outcome("delivered", item.message_id, warnings=list(item.warnings))
            self.report.bulk += 1
            ids = (item.message_id,) if item.message_id else ()
            yield Settle(item.message, outcome, ids)
        else:
            maybe_sent = held.maybe_sent or (job is not None and job.state == "lost")
            # Not held any more: the engine settles it, even when a 401/403 stops the run.
            self._drop(held)
            outcome = yield from self.engine.deliver(
                item.message, self._now.at, maybe_sent=maybe_sent
            )
        self._drop(held)
        self._count(item.position, item.message, outcome)

    def _drop(self, held: _Held) -> None:
        if self._held and self._held[0] is held:
            self._held.pop(0)  # the usual case: a flush settles in order
        elif held in self._held:
            self._held.remove(held)

    def _forget_person(self, item: BulkItem) -> None:
        """A person the engine knew may now be another record (a contact where it knew a lead):
        it looks them up again."""
        self.engine.people.forget(person_key("email", item.email))
        data = item.contact["data"]
        external = data.get("external_id") if isinstance(data, dict) else None
        if isinstance(external, str):
            self.engine.people.forget(person_key("external_id", external))

    def _count(self, position: int, message: object, outcome: Outcome) -> None:
        # The requests a flush made for many messages (jobs, polls, searches, selectors) are
        # the first outcome's after it, so a Report built from outcomes counts every request.
        outcome.calls[:0] = [call for cost in self._unbilled for call in cost.calls]
        outcome.attempts += sum(cost.attempts for cost in self._unbilled)
        outcome.retries += sum(cost.retries for cost in self._unbilled)
        self._unbilled.clear()
        self.report.add(outcome)
        if self._on_outcome is not None:
            self._on_outcome(position, message, outcome)

    def _cost(self, job: Job) -> None:
        self._unbilled.extend(job.cost)
        job.cost.clear()


def _succeeded(job: Job, index: int) -> bool:
    """Whether the job wrote its item at `index`: by its own record when it answers them."""
    if job.records is not None:
        return index in _record_ids(job.records)
    return job.state == "completed"


def _record_ids(records: list[dict[str, JSON]]) -> dict[int, int]:
    """The id each successful record wrote, by its item's index."""
    return {
        record["index"]: record["id"]
        for record in records
        if isinstance(record, dict)
        and record.get("status") == "success"
        and isinstance(record.get("index"), int)
        and isinstance(record.get("id"), int)
    }


def _within(data: dict[str, JSON], written: dict[str, JSON]) -> bool:
    """Whether upserting `data` would change nothing `written` did not set already."""
    return all(
        json.dumps(written.get(k), sort_keys=True) == json.dumps(v, sort_keys=True)
        for k, v in data.items()
    )
