"""Bulk upsert jobs: queued by `POST /<entity>/bulk_upsert`, followed at `GET /job_statuses/<id>`.

Sans-I/O as the engine is: each function here is a generator of the engine's actions, every
request made by `Engine.request`, so it is paced by the engine's limiter and retried by its
policy like every other request.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias, TypeVar

from segment_freshsales.delivery.engine import Engine
from segment_freshsales.delivery.events import Action, Event, Instant, Reply, Sleep
from segment_freshsales.delivery.outcome import Outcome
from translator.plan import JSON

__all__ = [
    "FIRST_POLL",
    "GIVE_UP_AFTER",
    "POLL_CAP",
    "Job",
    "JobState",
    "Now",
    "follow",
    "poll_delay",
    "queue",
]

# [I] No figure for how long a job takes was found: a few seconds is what the fake takes, and
# what a job of 100 upserts would take at the API's own pace. Polls then space out, doubling,
# up to POLL_CAP; a job still unfinished after GIVE_UP_AFTER counts as failed for good.
FIRST_POLL: Final = 3.0
POLL_CAP: Final = 60.0
GIVE_UP_AFTER: Final = 1800.0
_FINAL: Final = frozenset({"completed", "partially_completed", "failed"})
# The statuses a job ends with, and `lost` when its POST or its polls failed for good (the
# job may or may not have run).
JobState: TypeAlias = Literal["completed", "partially_completed", "failed", "lost"]
_Steps: TypeAlias = Generator[Action, Event, None]
T = TypeVar("T")


@dataclass
class Now:
    """The time of the last event a run of generators was told: `watch` the outermost one."""

    at: Instant

    def watch(self, steps: Generator[Action, Event, T]) -> Generator[Action, Event, T]:
        """`steps` as they are, noting the time of every event sent in."""
        try:
            action = next(steps)
            while True:
                event = yield action
                self.at = event.at
                action = steps.send(event)
        except StopIteration as stop:
            result: T = stop.value
            return result


@dataclass
class Job:
    """One bulk upsert: what it carries and what became of it.

    `records` are the job's per-record results, when it answers them (`data.records`: each
    `{"index", "status", "id", "errors"}`); `reason` says why a job is not `completed`; `cost`
    holds the Outcome of each request made for it (for the counts).
    """

    entity: str  # "contacts" or "sales_accounts"
    items: list[dict[str, JSON]]
    job_id: str | None = None
    queued_at: float = 0.0  # monotonic seconds
    polls: int = 0
    state: JobState | None = None
    records: list[dict[str, JSON]] | None = None
    reason: str | None = None
    cost: list[Outcome] = field(default_factory=list)


def poll_delay(polls: int) -> float:
    """Seconds from a job's queueing to its poll number `polls` (0 for the first): the
    spacing grows with the job's age."""
    return sum(min(FIRST_POLL * 2.0**n, POLL_CAP) for n in range(polls + 1))


def queue(engine: Engine, job: Job, now: Now) -> _Steps:
    """POST the job's items. A job refused or unanswered is `lost`."""
    path = f"/{job.entity}/bulk_upsert"
    reply, cost = yield from engine.request("POST", path, {job.entity: job.items}, now.at)
    job.cost.append(cost)
    job_id = _job_id(reply)
    if reply is None or job_id is None:
        job.state = "lost"
        job.reason = cost.reason or f"POST {path} answered no job_status_url"
        return
    job.job_id, job.queued_at = job_id, reply.at.monotonic


def follow(engine: Engine, jobs: Sequence[Job], now: Now) -> _Steps:
    """Poll every queued job until it ends (or is given up).

    The jobs are polled in the order they were queued, each when its own schedule says, so
    jobs queued together are polled together once the first is due.
    """
    for job in jobs:
        while job.state is None:
            age = poll_delay(job.polls)
            if age > GIVE_UP_AFTER:
                job.state = "lost"
                job.reason = f"bulk job {job.job_id} unfinished after {GIVE_UP_AFTER:.0f} s"
                break
            wait = job.queued_at + age - now.at.monotonic
            if wait > 0:
                yield Sleep(wait, f"for bulk job {job.job_id}")
            yield from _poll(engine, job, now)


def _poll(engine: Engine, job: Job, now: Now) -> _Steps:
    job.polls += 1
    reply, cost = yield from engine.request("GET", f"/job_statuses/{job.job_id}", None, now.at)
    job.cost.append(cost)
    if reply is None:
        job.state, job.reason = "lost", cost.reason
        return
    body = reply.body if isinstance(reply.body, dict) else {}
    status = body.get("status")
    if status in _FINAL:
        job.state = status
        data = body.get("data")
        records = data.get("records") if isinstance(data, dict) else None
        job.records = records if isinstance(records, list) else None
        if status != "completed":
            job.reason = f"bulk job {job.job_id} {status}: {_counts(data)}"


def _job_id(reply: Reply | None) -> str | None:
    """The job's id: the last segment of the answer's `job_status_url`."""
    body = reply.body if reply is not None else None
    url = body.get("job_status_url") if isinstance(body, dict) else None
    if not isinstance(url, str):
        return None
    last = url.rstrip("/").rsplit("/", 1)[-1]
    return last or None


def _counts(data: JSON) -> str:
    if not isinstance(data, dict):
        return "no counts"
    return ", ".join(f"{data.get(key)} {key}" for key in ("total", "succeeded", "failed"))
