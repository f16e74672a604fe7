"""The relay's worker against the fake Freshsales, in-process: outcomes, pauses, stops."""

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fake_freshsales import FakeFreshsales
from segment_freshsales import Client, RateLimits
from segment_freshsales.relay.queue import Queue
from segment_freshsales.relay.worker import Worker
from tests.relay.conftest import owner_email
from translator import Settings

pytestmark = pytest.mark.slow  # the worker sends to the fake over a socket

IDENTIFY = {"type": "identify", "messageId": "m1", "userId": "u1", "traits": {"email": "a@b.co"}}
TRACK = {"type": "track", "messageId": "m2", "userId": "u1", "event": "Signed Up"}
BROKEN = {"type": "track", "messageId": "m3", "userId": "u1"}


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def start(
    fake_freshsales: FakeFreshsales, queue: Queue, tmp_path: Path
) -> Iterator[Callable[..., Worker]]:
    fake_freshsales.admin.add_activity_type("Segment Event")
    owner = owner_email(fake_freshsales)  # before any test injects faults
    workers: list[Worker] = []

    def start(api_key: str = fake_freshsales.api_key, retry_window: float = 3600.0) -> Worker:
        settings = Settings(
            domain="acme",
            api_key=api_key,
            base_url=fake_freshsales.url,
            owner=owner,
        )
        worker = Worker(
            queue,
            settings,
            limits=RateLimits(),
            dead_letter=tmp_path / "dead.jsonl",
            dedupe_path=tmp_path / "delivered.sqlite",
            retry_window=retry_window,
            retry_pauses=(0.01, 0.05),
            max_attempts=2,
            seed=3,
        )
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        assert worker.stop(10)


def dead_statuses(tmp_path: Path) -> list[tuple[str, str]]:
    lines = (tmp_path / "dead.jsonl").read_text().splitlines()
    return [(r["message"]["messageId"], r["status"]) for r in map(json.loads, lines)]


def test_every_queued_message_gets_its_outcome_once(
    start: Callable[..., Worker], queue: Queue, fake_freshsales: FakeFreshsales, tmp_path: Path
) -> None:
    queue.put([IDENTIFY, TRACK, TRACK, BROKEN])  # the second TRACK: a redelivery
    worker = start()
    wait_for(lambda: queue.depth() == 0)
    assert queue.counters() == {
        "accepted": 4,
        "delivered": 2,
        "rejected": 1,
        "failed": 0,
        "skipped": 1,
    }
    assert worker.alive
    assert worker.last_error == "invalid event: event: expected the event name, a non-empty string"
    assert dead_statuses(tmp_path) == [("m3", "rejected")]
    state = fake_freshsales.admin.state()
    assert (len(state["leads"]), len(state["sales_activities"])) == (1, 1)


def test_a_refused_key_pauses_delivery_and_keeps_everything_queued(
    start: Callable[..., Worker], queue: Queue, tmp_path: Path
) -> None:
    queue.put([IDENTIFY, TRACK, BROKEN])
    worker = start(api_key="revoked-key-51c")
    wait_for(lambda: worker.problem is not None)
    assert not worker.alive
    # The 401 body a real tenant answers: {"login": "failed", "message": null}.
    assert worker.problem == (
        "Freshsales answered 401: the API key is wrong or revoked (login failed)"
    )
    assert queue.depth() == 3
    assert queue.counters()["failed"] == 0
    assert not (tmp_path / "dead.jsonl").exists()


def received(seconds_ago: float, message: dict[str, object]) -> dict[str, object]:
    moment = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    return {**message, "receivedAt": moment.isoformat()}


def test_an_outage_holds_the_queue_and_delivery_resumes_in_order(
    start: Callable[..., Worker], queue: Queue, fake_freshsales: FakeFreshsales, tmp_path: Path
) -> None:
    fake_freshsales.admin.set_faults(rate=1.0, statuses=[503])
    queue.put([received(0, IDENTIFY), received(0, TRACK)])
    worker = start()
    assert worker.failing_since is None
    began = time.monotonic()
    wait_for(lambda: len(fake_freshsales.admin.journal(status=503)) >= 6)  # three rounds of two
    # Failing since the first failed delivery began, not since it ended.
    assert worker.failing_since is not None and worker.failing_since - began < 0.5
    assert queue.depth() == 2
    assert queue.counters()["failed"] == 0
    assert not (tmp_path / "dead.jsonl").exists()
    assert worker.alive
    # A lead is looked up first: the account has no /leads/upsert.
    assert worker.last_error == "GET /lookup: 503 Service Unavailable after 2 attempts"
    fake_freshsales.admin.clear_faults()
    wait_for(lambda: queue.depth() == 0)
    assert queue.counters()["delivered"] == 2
    assert worker.failing_since is None
    state = fake_freshsales.admin.state()
    assert (len(state["leads"]), len(state["sales_activities"])) == (1, 1)


def test_a_message_failing_past_its_retry_window_goes_to_the_dead_letters(
    start: Callable[..., Worker], queue: Queue, fake_freshsales: FakeFreshsales, tmp_path: Path
) -> None:
    fake_freshsales.admin.set_faults(rate=1.0, statuses=[503])
    queue.put([received(120, IDENTIFY)])
    start(retry_window=60.0)
    wait_for(lambda: queue.depth() == 0)
    assert queue.counters()["failed"] == 1
    assert dead_statuses(tmp_path) == [("m1", "failed")]


def test_stopping_cuts_a_retry_wait_short_and_the_message_stays_queued(
    start: Callable[..., Worker], queue: Queue, fake_freshsales: FakeFreshsales
) -> None:
    fake_freshsales.admin.set_faults(rate=1.0, statuses=[503])
    queue.put([IDENTIFY])
    worker = start()
    wait_for(lambda: len(fake_freshsales.admin.journal(status=503)) >= 1)
    started = time.monotonic()
    assert worker.stop(10)
    assert time.monotonic() - started < 2
    assert queue.depth() == 1
    assert queue.counters()["failed"] == 0


def test_a_message_tried_before_is_not_made_twice_when_its_activity_exists(
    start: Callable[..., Worker], queue: Queue, fake_freshsales: FakeFreshsales
) -> None:
    # An earlier relay sent the activity, then died before recording the delivery: the
    # activity exists, the messageId is not in the store, and the queue holds the message
    # marked as tried.
    settings = Settings(
        domain="acme",
        api_key=fake_freshsales.api_key,
        base_url=fake_freshsales.url,
        owner=owner_email(fake_freshsales),
    )
    with Client(settings) as earlier:
        assert earlier.deliver(IDENTIFY).status == "delivered"
        assert earlier.deliver(TRACK).status == "delivered"
    queue.put([TRACK])
    row = queue.next(timeout=0)
    assert row is not None and queue.attempt(row[0]) is False
    start()
    wait_for(lambda: queue.depth() == 0)
    assert queue.counters()["delivered"] == 1
    [activity] = fake_freshsales.admin.state()["sales_activities"]
    assert activity["notes"] == 'Segment track "Signed Up"\nSegment messageId: m2'
    journal = fake_freshsales.admin.journal()
    lead = activity["targetable_id"]
    assert [(e["method"], e["path"]) for e in journal if "activities" in e["path"]] == [
        ("POST", "/api/sales_activities"),
        ("GET", f"/api/leads/{lead}/activities"),
    ]
