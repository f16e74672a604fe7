"""Bulk upserts: a job queued by `POST /<entity>/bulk_upsert` that runs later, on the fake clock.

Each item is applied by `operations.upsert`, the function behind `POST /<entity>/upsert`, so a
record of a bulk job passes exactly the checks a single upsert would. A job only decides when
that happens (when it is due) and how it is reported (`GET /job_statuses/<id>`).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any, Final

from . import operations
from .accounts import Account
from .entities import Entity
from .errors import BODY_NOT_OBJECT, ApiError, bad_request, missing, type_invalid
from .rendering import timestamp
from .store import IdSequence

__all__ = [
    "JOB_FAIL",
    "JOB_FAULTS",
    "JOB_PARTIAL",
    "MAX_ITEMS",
    "NOT_PROCESSED",
    "QUEUED_MESSAGE",
    "BulkJob",
    "BulkQueue",
    "ItemResult",
]

# The answer's message is a claim (a generated spec); the per-request ceiling is inferred [I].
QUEUED_MESSAGE: Final = "Bulk upsert has been queued."
MAX_ITEMS: Final = 100
QUEUED: Final = "queued"
# Faults a job can be given (the fake's fault injection): every item refused, or every
# second one (the items at odd places: a one-item job then completes).
JOB_FAIL: Final = "fail"
JOB_PARTIAL: Final = "partial"
JOB_FAULTS: Final = (JOB_FAIL, JOB_PARTIAL)
# [I] No real per-record refusal of a bulk job was found; this reads as a transient failure
# that a client may retry one record at a time.
NOT_PROCESSED: Final = "Record could not be processed. Please try again."


def _items_of(entity: Entity, body: object) -> list[Any]:
    """The items of `{"<plural>": [...]}`; each is checked when the job runs, not now."""
    if not isinstance(body, dict):
        raise bad_request(BODY_NOT_OBJECT)
    items = body.get(entity.plural)
    if items is None:
        raise bad_request(missing(entity.plural))
    if not isinstance(items, list):
        raise bad_request(type_invalid(entity.plural))
    if not 1 <= len(items) <= MAX_ITEMS:
        raise bad_request(f"A bulk upsert takes 1 to {MAX_ITEMS} {entity.plural}.")
    return items


def _single_upsert_body(entity: Entity, item: object) -> object:
    """The body `POST /<entity>/upsert` would get for one item: `data` goes in the envelope.
    Other keys of an item are ignored [I]."""
    if not isinstance(item, Mapping):
        # Not an object: the single upsert refuses it with its own message.
        return item
    body: dict[str, Any] = {}
    if "unique_identifier" in item:
        body["unique_identifier"] = item["unique_identifier"]
    if "data" in item:
        body[entity.singular] = item["data"]
    return body


@dataclass(frozen=True)
class ItemResult:
    """What became of one item: the record it wrote, or why it was refused."""

    index: int  # the item's place in the request, counted from 0 [I]
    id: int | None
    errors: tuple[str, ...] = ()

    @property
    def succeeded(self) -> bool:
        return not self.errors

    def describe(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "status": "success" if self.succeeded else "failed",
            "id": self.id,
            "errors": list(self.errors),
        }


@dataclass
class BulkJob:
    """One queued bulk upsert of one account; `results` stays None until it has run."""

    id: int
    account: Account
    entity: Entity
    items: list[Any]
    classic: bool
    created_at: float
    due_at: float
    # One of JOB_FAULTS when the job was given a fault, else None.
    fault: str | None = None
    results: list[ItemResult] | None = field(default=None)

    @property
    def status(self) -> str:
        if self.results is None:
            return QUEUED
        succeeded = sum(result.succeeded for result in self.results)
        if succeeded == len(self.results):
            return "completed"
        return "failed" if succeeded == 0 else "partially_completed"

    def run(self) -> None:
        """Apply every item in order, as one single upsert each, at the time the job was due."""
        results = []
        for index, item in enumerate(self.items):
            if self._refused(index):
                results.append(ItemResult(index, None, (NOT_PROCESSED,)))
                continue
            try:
                record, _created = operations.upsert(
                    self.account,
                    self.entity,
                    _single_upsert_body(self.entity, item),
                    now=self.due_at,
                    classic=self.classic,
                )
            except ApiError as error:
                results.append(ItemResult(index, None, tuple(error.messages)))
            else:
                results.append(ItemResult(index, record.id))
        self.results = results

    def _refused(self, index: int) -> bool:
        return self.fault == JOB_FAIL or (self.fault == JOB_PARTIAL and index % 2 == 1)

    def describe(self, zone: tzinfo, *, per_record: bool) -> dict[str, Any]:
        """The job as `GET /job_statuses/<id>` answers it; `per_record` adds each item's result
        (the `bulk_results` switch)."""
        results = self.results or []
        data: dict[str, Any] = {
            "total": len(self.items),
            "succeeded": sum(result.succeeded for result in results),
            "failed": sum(not result.succeeded for result in results),
        }
        if per_record:
            data["records"] = [result.describe() for result in results]
        return {
            "id": self.id,
            "status": self.status,
            # [I] Jobs run at once when due, so progress goes from 0 straight to 100.
            "progress": 0 if self.results is None else 100,
            # [I] The field is documented; no real value of it was found.
            "job_type_name": f"bulk_upsert_{self.entity.plural}",
            "created_at": timestamp(self.created_at, zone),
            "status_updated_at": timestamp(
                self.created_at if self.results is None else self.due_at, zone
            ),
            "data": data,
        }


class BulkQueue:
    """Every bulk job of the fake, numbered from 1; a job runs once the clock reaches its due
    time, `delay` seconds after it was queued (a new delay applies to jobs queued after it)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._new_id = IdSequence(1)
        self._jobs: dict[int, BulkJob] = {}
        # Jobs not yet run, by due time then id: a shorter delay set later may make a newer
        # job fall due first.
        self._pending: list[tuple[float, int]] = []

    def queue(
        self,
        account: Account,
        entity: Entity,
        body: object,
        *,
        now: float,
        classic: bool,
        fault: str | None = None,
    ) -> BulkJob:
        items = _items_of(entity, body)  # before an id is drawn: a refusal leaves no gap
        job = BulkJob(
            id=self._new_id(),
            account=account,
            entity=entity,
            items=items,
            classic=classic,
            created_at=now,
            due_at=now + self.delay,
            fault=fault,
        )
        self._jobs[job.id] = job
        heapq.heappush(self._pending, (job.due_at, job.id))
        return job

    def run_due(self, now: float) -> None:
        """Run the jobs due by `now`, in the order they fall due (queued order on a tie)."""
        while self._pending and self._pending[0][0] <= now:
            _due, job_id = heapq.heappop(self._pending)
            self._jobs[job_id].run()

    def find(self, account: Account, job_id: int) -> BulkJob | None:
        """The job, if it is this account's: another account's job does not exist for it."""
        job = self._jobs.get(job_id)
        return job if job is not None and job.account is account else None
