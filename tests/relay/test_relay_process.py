"""`segment-freshsales serve` as a real process against the fake: concurrent posters, SIGINT,
and a kill -9 mid-queue followed by a restart that delivers every message exactly once."""

import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_freshsales import FakeFreshsales
from tests.processes import Process, Relay, clean_env
from tests.relay.conftest import owner_email

pytestmark = pytest.mark.slow  # relay processes on sockets

WRITE_KEY = "relay-wk-19"


@pytest.fixture
def fake(fake_freshsales: FakeFreshsales) -> FakeFreshsales:
    fake_freshsales.admin.add_activity_type("Segment Event")
    return fake_freshsales


@pytest.fixture
def relays(fake: FakeFreshsales, tmp_path: Path) -> Iterator[Callable[[Path], Relay]]:
    """Start relays in front of the fake (each stopped at the end), logging to relay.log;
    the account's user owns the activities."""
    owner = ("--owner", owner_email(fake))
    with ExitStack() as stack:
        log = stack.enter_context((tmp_path / "relay.log").open("a"))

        def start(state_dir: Path) -> Relay:
            relay = Relay(fake.url, fake.api_key, WRITE_KEY, state_dir, log, *owner)
            return stack.enter_context(relay)

        yield start


def track(n: int) -> dict[str, Any]:
    """A track for a user seen for the first time: looked up, created, then the activity."""
    return {"userId": f"user{n}@example.com", "event": f"Event {n}", "messageId": f"m{n}"}


def test_concurrent_posters_lose_nothing_and_sigint_stops_cleanly(
    fake: FakeFreshsales, tmp_path: Path, relays: Callable[[Path], Relay]
) -> None:
    relay = relays(tmp_path / "state")

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
    metrics = relay.metrics()
    sizes = {name: metrics.pop(name) for name in ("queue_bytes", "dedupe_bytes")}
    assert metrics == {
        "queue_depth": 0,
        "worker": "running",
        "last_error": None,
        "accepted": 24,
        "delivered": 24,
        "rejected": 0,
        "failed": 0,
        "skipped": 0,
        "cache_hit_rate": 0.5,  # each identify looked its person up; each track did not
    }
    assert all(size > 0 for size in sizes.values())
    assert relay.http.get("/health").json() == {"status": "ok"}
    state = fake.admin.state()
    assert len(state["leads"]) == 12
    assert sorted(a["title"] for a in state["sales_activities"]) == sorted(
        f"Event {w * 10 + b}" for w in range(4) for b in range(3)
    )
    out, _ = relay.interrupt()
    assert relay.returncode == 0
    assert out.endswith("segment-freshsales relay stopped\n")
    assert fake.api_key not in (tmp_path / "relay.log").read_text()


def test_kill_9_mid_queue_then_restart_delivers_every_message_exactly_once(
    fake: FakeFreshsales, tmp_path: Path, relays: Callable[[Path], Relay]
) -> None:
    messages = 8
    fake.admin.set_faults(latency_ms=[120, 120])  # each message takes three slow requests
    state_dir = tmp_path / "state"
    first = relays(state_dir)
    first.post("/v1/batch", {"batch": [{"type": "track", **track(n)} for n in range(messages)]})
    # Killed right after a message is counted: the next one is then in its first request, a
    # lookup, which changes nothing and may be sent again.
    first.wait_until(lambda m: m["delivered"] >= 3)
    first.kill()
    delivered_before = len(fake.admin.journal(method="POST", path="/api/sales_activities"))
    assert 3 <= delivered_before < messages

    second = relays(state_dir)
    second.wait_until(lambda m: m["queue_depth"] == 0)
    metrics = second.metrics()
    assert (metrics["accepted"], metrics["delivered"], metrics["failed"]) == (messages, messages, 0)
    # Every activity and every lead created once, each write sent once (a lead is looked up,
    # then created: the account has no /leads/upsert).
    state = fake.admin.state()
    assert sorted(a["title"] for a in state["sales_activities"]) == [
        f"Event {n}" for n in range(messages)
    ]
    assert len(state["leads"]) == messages
    for path in ("/api/sales_activities", "/api/leads"):
        sent = Counter(str(entry["body"]) for entry in fake.admin.journal(method="POST", path=path))
        assert len(sent) == messages and set(sent.values()) == {1}, path
    assert not (state_dir / "dead-letter.jsonl").exists()


def test_health_turns_503_when_deliveries_fail_past_the_threshold(tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: nothing listens, every request is refused.
    with (tmp_path / "relay.log").open("a") as log, Relay(
        "http://127.0.0.1:9", "relay-key-5e2f0a9b7c3d1e44", WRITE_KEY, tmp_path / "state", log,
        "--unhealthy-after", "1",
    ) as relay:  # fmt: skip
        assert relay.http.get("/health").json() == {"status": "ok"}
        relay.post("/v1/track", track(1))
        deadline = time.monotonic() + 40  # six attempts with backoff: 16 s at the most
        while (health := relay.http.get("/health")).status_code == 200:
            assert time.monotonic() < deadline, "still healthy"
            time.sleep(0.2)
        body = health.json()
        assert (health.status_code, body["status"]) == (503, "degraded")
        [problem] = body["problems"]
        assert re.fullmatch(
            r"deliveries have failed for \d+ s: GET /lookup: no answer after 6 attempts "
            r"\(ConnectError: .*\)",
            problem,
        ), problem
        assert body["oldest_queued_seconds"] >= 1
        assert relay.metrics()["queue_depth"] == 1  # held, not given up
        relay.interrupt()
    assert "relay-key-5e2f0a9b7c3d1e44" not in (tmp_path / "relay.log").read_text()


def test_a_port_in_use_exits_1_naming_it_and_leaves_no_state(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        state = tmp_path / "state"
        with Process(
            "segment-freshsales", "serve", "--domain", "acme", "--port", str(port),
            "--write-key", WRITE_KEY, "--state-dir", str(state),
            env=clean_env(FRESHSALES_API_KEY="relay-key-5e2f0a9b7c3d1e44"),
        ) as relay:  # fmt: skip
            out, err = relay.wait()
    assert (relay.returncode, out) == (1, "")
    assert err == (
        f"segment-freshsales serve: error: cannot listen on 127.0.0.1:{port}: "
        "Address already in use\n"
    )
    assert not state.exists()
