"""`segment-freshsales serve` as a real process against the fake: concurrent posters, SIGINT,
and a kill -9 mid-queue followed by a restart that delivers every message exactly once."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_freshsales import FakeFreshsales

WRITE_KEY = "relay-wk-19"
COMMAND = str(Path(sys.executable).with_name("segment-freshsales"))


class Relay:
    """A relay process and an HTTP client for it."""

    def __init__(self, fake: FakeFreshsales, state_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FRESHSALES_", "SEGMENT_"))}
        env["FRESHSALES_API_KEY"] = fake.api_key
        self.log = (state_dir.parent / "relay.log").open("a")
        self.process = subprocess.Popen(
            [COMMAND, "serve", "--domain", "acme", "--base-url", fake.url, "--port", "0",
             "--write-key", WRITE_KEY, "--state-dir", str(state_dir)],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=env,
        )  # fmt: skip
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        assert first.startswith("segment-freshsales relay serving http://127.0.0.1:"), first
        self.url = first.rsplit(" ", 1)[1].strip()
        self.http = httpx.Client(base_url=self.url, auth=(WRITE_KEY, ""), timeout=10)

    def post(self, path: str, body: dict[str, Any]) -> None:
        response = self.http.post(path, json=body)
        assert (response.status_code, response.json()) == (200, {"success": True})

    def metrics(self) -> dict[str, Any]:
        metrics: dict[str, Any] = self.http.get("/metrics").json()
        return metrics

    def wait_until(self, condition: Callable[[dict[str, Any]], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self.metrics()):
            assert time.monotonic() < deadline, self.metrics()
            time.sleep(0.02)

    def close(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()
        self.log.close()


@pytest.fixture
def fake(fake_freshsales: FakeFreshsales) -> FakeFreshsales:
    fake_freshsales.add_activity_type("Segment Event")
    return fake_freshsales


@pytest.fixture
def relays() -> Iterator[list[Relay]]:
    started: list[Relay] = []
    yield started
    for relay in started:
        relay.close()


def track(n: int) -> dict[str, Any]:
    """A track for a user seen for the first time: looked up, created, then the activity."""
    return {"userId": f"user{n}@example.com", "event": f"Event {n}", "messageId": f"m{n}"}


def test_concurrent_posters_lose_nothing_and_sigint_stops_cleanly(
    fake: FakeFreshsales, tmp_path: Path, relays: list[Relay]
) -> None:
    relay = Relay(fake, tmp_path / "state")
    relays.append(relay)

    def poster(worker: int) -> None:
        with httpx.Client(base_url=relay.url, auth=(WRITE_KEY, ""), timeout=10) as http:
            for batch in range(3):
                n = worker * 10 + batch
                traits = {"email": f"p{n}@example.com"}
                body = {"batch": [
                    {"type": "identify", "userId": f"u{n}", "traits": traits},
                    {"type": "track", "userId": f"u{n}", "event": f"Event {n}"},
                ]}  # fmt: skip
                assert http.post("/v1/batch", json=body).json() == {"success": True}

    threads = [threading.Thread(target=poster, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    relay.wait_until(lambda m: m["delivered"] == 24)
    assert relay.metrics() == {
        "queue_depth": 0,
        "worker": "running",
        "last_error": None,
        "accepted": 24,
        "delivered": 24,
        "rejected": 0,
        "failed": 0,
        "skipped": 0,
    }
    assert relay.http.get("/health").json() == {"status": "ok"}
    state = fake.state()
    assert len(state["leads"]) == 12
    assert sorted(a["title"] for a in state["sales_activities"]) == sorted(
        f"Event {w * 10 + b}" for w in range(4) for b in range(3)
    )
    relay.process.send_signal(signal.SIGINT)
    out, _ = relay.process.communicate(timeout=20)
    assert relay.process.returncode == 0
    assert out.endswith("segment-freshsales relay stopped\n")
    assert fake.api_key not in (tmp_path / "relay.log").read_text()


def test_kill_9_mid_queue_then_restart_delivers_every_message_exactly_once(
    fake: FakeFreshsales, tmp_path: Path, relays: list[Relay]
) -> None:
    messages = 8
    fake.set_faults(latency_ms=[120, 120])  # each message takes three slow requests
    state_dir = tmp_path / "state"
    first = Relay(fake, state_dir)
    relays.append(first)
    first.post("/v1/batch", {"batch": [{"type": "track", **track(n)} for n in range(messages)]})
    # Killed right after a message is counted: the next one is then in its first request, a
    # lookup, which changes nothing and may be sent again.
    first.wait_until(lambda m: m["delivered"] >= 3)
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    delivered_before = len(fake.journal(method="POST", path="/api/sales_activities"))
    assert 3 <= delivered_before < messages

    second = Relay(fake, state_dir)
    relays.append(second)
    second.wait_until(lambda m: m["queue_depth"] == 0)
    metrics = second.metrics()
    assert (metrics["accepted"], metrics["delivered"], metrics["failed"]) == (messages, messages, 0)
    # Every activity and every lead created once, each write sent once.
    state = fake.state()
    assert sorted(a["title"] for a in state["sales_activities"]) == [
        f"Event {n}" for n in range(messages)
    ]
    assert len(state["leads"]) == messages
    for path in ("/api/sales_activities", "/api/leads/upsert"):
        sent = Counter(str(entry["body"]) for entry in fake.journal(method="POST", path=path))
        assert len(sent) == messages and set(sent.values()) == {1}, path
    assert not (state_dir / "dead-letter.jsonl").exists()
