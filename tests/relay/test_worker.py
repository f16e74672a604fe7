"""The relay's worker against the fake Freshsales, in-process: outcomes, pauses, stops."""

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fake_freshsales import FakeFreshsales
from translator import RateLimits, Settings
from translator.relay.queue import Queue
from translator.relay.worker import Worker

IDENTIFY = {"type": "identify", "messageId": "m1", "userId": "u1", "traits": {"email": "a@b.co"}}
TRACK = {"type": "track", "messageId": "m2", "userId": "u1", "event": "Signed Up"}
BROKEN = {"type": "track", "messageId": "m3", "userId": "u1"}


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[Queue]:
    queue = Queue(tmp_path / "queue.sqlite")
    yield queue
    queue.close()


@pytest.fixture
def start(
    fake_freshsales: FakeFreshsales, queue: Queue, tmp_path: Path
) -> Iterator[Callable[..., Worker]]:
    fake_freshsales.add_activity_type("Segment Event")
    workers: list[Worker] = []

    def start(api_key: str = fake_freshsales.api_key) -> Worker:
        settings = Settings(domain="acme", api_key=api_key, base_url=fake_freshsales.url)
        worker = Worker(
            queue,
            settings,
            limits=RateLimits(),
            dead_letter=tmp_path / "dead.jsonl",
            dedupe_path=tmp_path / "delivered.sqlite",
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
    state = fake_freshsales.state()
    assert (len(state["leads"]), len(state["sales_activities"])) == (1, 1)


def test_a_refused_key_pauses_delivery_and_keeps_the_rest_queued(
    start: Callable[..., Worker], queue: Queue, tmp_path: Path
) -> None:
    queue.put([IDENTIFY, TRACK, BROKEN])
    worker = start(api_key="revoked-key-51c")
    wait_for(lambda: worker.problem is not None)
    assert not worker.alive
    assert worker.problem == (
        "Freshsales answered 401: the API key is wrong or revoked "
        "(Invalid authorization credentials.)"
    )
    assert queue.depth() == 2
    assert queue.counters()["failed"] == 1
    assert dead_statuses(tmp_path) == [("m1", "failed")]
    assert "revoked-key-51c" not in (tmp_path / "dead.jsonl").read_text()


def test_stopping_cuts_a_retry_wait_short_and_the_message_stays_queued(
    start: Callable[..., Worker], queue: Queue, fake_freshsales: FakeFreshsales
) -> None:
    fake_freshsales.set_faults(rate=1.0, statuses=[503])
    queue.put([IDENTIFY])
    worker = start()
    wait_for(lambda: len(fake_freshsales.journal(status=503)) >= 1)
    started = time.monotonic()
    assert worker.stop(10)
    assert time.monotonic() - started < 2
    assert queue.depth() == 1
    assert queue.counters()["failed"] == 0
