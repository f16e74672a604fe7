"""The relay's HTTP API (Flask test client): what is queued, and what is refused untouched."""

import base64
import gzip
import hashlib
import hmac
import json
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask.testing import FlaskClient

from segment_freshsales.delivery.dedupe import SqliteIds
from segment_freshsales.relay.app import create_app
from segment_freshsales.relay.auth import Auth
from segment_freshsales.relay.queue import Queue
from segment_freshsales.segment.tracking_api import MAX_NESTING

WRITE_KEY = "wk-4e1a"
SECRET = "webhook-secret-77"


def basic(user: str, password: str = "") -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


AUTH = basic(WRITE_KEY)


@pytest.fixture
def worker(tmp_path: Path) -> SimpleNamespace:
    """What the app reads of the worker."""
    return SimpleNamespace(
        alive=True,
        problem=None,
        last_error=None,
        failing_since=None,
        dedupe_path=tmp_path / "delivered.sqlite",
        cache_hit_rate=None,
    )


def make_client(queue: Queue, worker: SimpleNamespace, secret: str | None) -> FlaskClient:
    return create_app(queue, worker, Auth(WRITE_KEY, secret)).test_client()  # type: ignore[arg-type]


@pytest.fixture
def client(queue: Queue, worker: SimpleNamespace) -> FlaskClient:
    return make_client(queue, worker, SECRET)


def queued(queue: Queue) -> list[dict[str, Any]]:
    messages = []
    while (row := queue.next(timeout=0)) is not None:
        messages.append(row[1])
        queue.done(row[0], "delivered")
    return messages


def test_a_batch_is_queued_stamped_and_merged_as_segment_does(
    client: FlaskClient, queue: Queue
) -> None:
    body = {
        "batch": [
            {
                "type": "identify",
                "userId": "u1",
                "messageId": "m1",
                "timestamp": "2024-05-06T08:00:00Z",
            },
            {"type": "track", "userId": "u1", "event": "E", "context": {"ip": "1.1.1.1"}},
        ],
        "context": {"ip": "9.9.9.9", "locale": "en-US"},
        "sentAt": "2024-05-06T08:00:01Z",
    }
    response = client.post("/v1/batch", json=body, headers=AUTH)
    assert (response.status_code, response.json) == (200, {"success": True})
    first, second = queued(queue)
    received = first["receivedAt"]
    assert received.endswith("Z") and second["receivedAt"] == received
    assert first == {
        "type": "identify",
        "userId": "u1",
        "messageId": "m1",
        "timestamp": "2024-05-06T08:00:00Z",
        "context": {"ip": "9.9.9.9", "locale": "en-US"},
        "receivedAt": received,
    }
    assert second["messageId"].startswith("relay-")  # given one, as Segment does
    assert second["timestamp"] == received
    assert second["context"] == {"ip": "1.1.1.1", "locale": "en-US"}


@pytest.mark.parametrize("kind", ["identify", "track", "page", "screen", "group", "alias"])
def test_each_call_has_its_endpoint_and_the_path_says_the_type(
    client: FlaskClient, queue: Queue, kind: str
) -> None:
    response = client.post(f"/v1/{kind}", json={"type": "delete", "userId": "u"}, headers=AUTH)
    assert response.status_code == 200
    assert [m["type"] for m in queued(queue)] == [kind]


def test_the_write_key_is_the_basic_auth_username_and_anything_else_is_401(
    client: FlaskClient, queue: Queue
) -> None:
    message = {"userId": "u", "event": "E"}
    refused = {
        "success": False,
        "error": "expected HTTP Basic auth with the relay's write key as username",
    }
    for headers in (
        {},
        basic("other"),
        {"Authorization": "Basic !!!"},
        {"Authorization": f"Bearer {WRITE_KEY}"},
    ):
        response = client.post("/v1/track", json=message, headers=headers)
        assert (response.status_code, response.json) == (401, refused)
    assert queue.depth() == 0
    assert (
        client.post("/v1/track", json=message, headers=basic(WRITE_KEY, "ignored")).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("path", "data", "headers", "status", "error"),
    [
        ("/v1/track", b'{"userId": "u",', {"Content-Type": "application/json"}, 400,
         "body: not valid JSON: Expecting property name enclosed in double quotes: "
         "line 1 column 16 (char 15)"),
        ("/v1/track", b'{"n": NaN}', {"Content-Type": "application/json"}, 400,
         "body: not valid JSON: NaN is not a JSON value"),
        ("/v1/track", b"[1]", {"Content-Type": "application/json"}, 400,
         "body: expected a JSON object"),
        ("/v1/track", b"{}", {"Content-Type": "text/plain"}, 415,
         "Content-Type must be application/json, got text/plain"),
        ("/v1/track", b"{}", {}, 415, "Content-Type must be application/json, got none"),
        ("/v1/track", b"{}", {"Content-Type": "application/json", "Content-Encoding": "br"}, 415,
         "Content-Encoding must be gzip or none, got br"),
        ("/v1/track", b"{}", {"Content-Type": "application/json", "Content-Encoding": "gzip"}, 400,
         "body: not valid gzip"),
        ("/v1/batch", b'{"batch": {}}', {"Content-Type": "application/json"}, 400,
         "batch: expected a list of messages"),
        ("/v1/batch", b'{"batch": [{}, 3]}', {"Content-Type": "application/json"}, 400,
         "batch[1]: expected a JSON object (a Segment message)"),
    ],
)  # fmt: skip
def test_bad_requests_are_refused_with_a_clear_error_and_nothing_queued(
    client: FlaskClient,
    queue: Queue,
    path: str,
    data: bytes,
    headers: dict[str, str],
    status: int,
    error: str,
) -> None:
    response = client.post(path, data=data, headers={**AUTH, **headers})
    assert (response.status_code, response.json) == (status, {"success": False, "error": error})
    assert queue.depth() == 0


def message_of(size: int) -> bytes:
    """A track message of exactly `size` bytes of JSON."""
    head = b'{"userId":"u","event":"E","properties":{"pad":"'
    return head + b"x" * (size - len(head) - 3) + b'"}}'


def test_segments_size_limits(client: FlaskClient, queue: Queue) -> None:
    json_type = {**AUTH, "Content-Type": "application/json"}
    assert client.post("/v1/track", data=message_of(32768), headers=json_type).status_code == 200
    response = client.post("/v1/track", data=message_of(32769), headers=json_type)
    assert (response.status_code, response.json["error"]) == (  # type: ignore[index]
        400,
        "message is 32769 bytes: Segment's limit is 32768 bytes (32 KB)",
    )
    item = json.loads(message_of(32769))
    response = client.post("/v1/batch", json={"batch": [{"type": "track"}, item]}, headers=AUTH)
    assert (response.status_code, response.json["error"]) == (  # type: ignore[index]
        400,
        "batch[1] is 32769 bytes: Segment's limit is 32768 bytes (32 KB)",
    )
    small = json.loads(message_of(30000))
    body = json.dumps({"batch": [small] * 18}).encode()
    assert len(body) > 500 * 1024
    response = client.post("/v1/batch", data=body, headers=json_type)
    assert (response.status_code, response.json["error"]) == (  # type: ignore[index]
        400,
        f"batch request is {len(body)} bytes: Segment's limit is 512000 bytes (500 KB)",
    )
    assert queue.depth() == 1  # only the message of exactly 32 KB


def test_gzip_bodies_are_accepted_and_a_bomb_stays_small(client: FlaskClient, queue: Queue) -> None:
    headers = {**AUTH, "Content-Type": "application/json", "Content-Encoding": "gzip"}
    body = gzip.compress(json.dumps({"batch": [{"type": "track", "event": "E"}]}).encode())
    assert client.post("/v1/batch", data=body, headers=headers).status_code == 200
    bomb = gzip.compress(b'{"pad": "' + b"0" * 10_000_000 + b'"}')
    response = client.post("/v1/track", data=bomb, headers=headers)
    assert (response.status_code, response.json["error"]) == (  # type: ignore[index]
        400,
        "message is more than 32768 bytes: Segment's limit is 32768 bytes (32 KB)",
    )
    assert queue.depth() == 1


def test_webhook_deliveries_are_checked_by_segments_signature(
    client: FlaskClient, queue: Queue
) -> None:
    body = json.dumps({"type": "page", "userId": "u", "name": "Pricing"}).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    json_type = {"Content-Type": "application/json"}
    response = client.post("/webhook", data=body, headers={**json_type, "X-Signature": signature})
    assert (response.status_code, response.json) == (200, {"success": True})
    for headers in ({"X-Signature": "0" * 40}, {}, AUTH):  # the write key is no signature
        response = client.post("/webhook", data=body, headers={**json_type, **headers})
        assert (response.status_code, response.json) == (
            401,
            {
                "success": False,
                "error": "X-Signature: not the HMAC-SHA1 of the body with the shared secret",
            },
        )
    assert [m["name"] for m in queued(queue)] == ["Pricing"]


def test_without_a_secret_webhooks_take_the_write_key(
    queue: Queue, worker: SimpleNamespace
) -> None:
    client = make_client(queue, worker, None)
    message = {"type": "track", "userId": "u", "event": "E"}
    assert client.post("/webhook", json=message).status_code == 401
    assert client.post("/webhook", json=message, headers=AUTH).status_code == 200
    assert queue.depth() == 1


def test_health_and_metrics(client: FlaskClient, queue: Queue, worker: SimpleNamespace) -> None:
    client.post("/v1/batch", json={"batch": [{"type": "alias"}] * 3}, headers=AUTH)
    response = client.get("/health")
    assert (response.status_code, response.json) == (200, {"status": "ok"})
    assert client.get("/metrics").json == {
        "queue_depth": 3,
        "worker": "running",
        "last_error": None,
        "accepted": 3,
        "delivered": 0,
        "rejected": 0,
        "failed": 0,
        "skipped": 0,
        "queue_bytes": queue.file_bytes(),
        "dedupe_bytes": 0,  # no message delivered yet: no file
        "cache_hit_rate": None,  # no person looked for yet
    }
    worker.alive, worker.problem = False, "Freshsales answered 401: the API key is wrong"
    response = client.get("/health")
    assert (response.status_code, response.json) == (
        503,
        {
            "status": "unhealthy",
            "problems": ["Freshsales answered 401: the API key is wrong"],
            "oldest_queued_seconds": 0,
        },
    )
    assert client.get("/metrics").json["worker"] == "stopped"  # type: ignore[index]


def test_metrics_give_each_sqlite_file_size_and_the_cache_hit_rate(
    client: FlaskClient, queue: Queue, worker: SimpleNamespace
) -> None:
    delivered = SqliteIds(worker.dedupe_path)
    delivered.add("m-1")
    worker.cache_hit_rate = 2 / 3
    metrics = client.get("/metrics").json
    assert metrics is not None
    assert metrics["queue_bytes"] == queue.file_bytes() > 0
    assert metrics["dedupe_bytes"] == delivered.file_bytes() > 0
    assert metrics["cache_hit_rate"] == 0.6667
    delivered.close()


def test_unknown_routes_and_methods_answer_json(client: FlaskClient) -> None:
    missing = client.get("/v2/track")
    assert missing.status_code == 404 and missing.json["success"] is False  # type: ignore[index]
    wrong = client.get("/v1/batch")
    assert wrong.status_code == 405 and wrong.json == {  # type: ignore[comparison-overlap]
        "success": False,
        "error": "The method is not allowed for the requested URL.",
    }


def deep(levels: int) -> bytes:
    """A track whose properties nest `levels` arrays deep (10,000: 20 KB, within the limits)."""
    nested = b"[" * levels + b"]" * levels
    return b'{"userId": "u", "event": "E", "properties": {"p": ' + nested + b"}}"


@pytest.mark.parametrize("path", ["/v1/track", "/v1/batch", "/webhook"])
def test_json_nested_too_deep_is_a_400_that_says_so(
    queue: Queue, worker: SimpleNamespace, path: str
) -> None:
    client = make_client(queue, worker, None)
    data = deep(10_000)
    if path == "/v1/batch":
        data = b'{"batch": [' + data + b"]}"
    assert 20_000 < len(data) < 32_768
    response = client.post(path, data=data, headers={**AUTH, "Content-Type": "application/json"})
    levels = 10_004 if path == "/v1/batch" else 10_002
    assert (response.status_code, response.json) == (
        400,
        {
            "success": False,
            "error": f"body: JSON nested {levels} levels deep: at most {MAX_NESTING} levels "
            "of arrays and objects are accepted",
        },
    )
    assert queue.depth() == 0


def signed(body: bytes) -> dict[str, str]:
    signature = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    return {"Content-Type": "application/json", "X-Signature": signature}


def test_a_batch_body_sent_to_the_webhook_is_unpacked_as_v1_batch_does(
    client: FlaskClient, queue: Queue
) -> None:
    body = json.dumps(
        {
            "batch": [
                {"type": "identify", "userId": "u1", "messageId": "w1"},
                {"type": "track", "userId": "u1", "event": "E", "context": {"ip": "1.1.1.1"}},
            ],
            "context": {"locale": "en-US"},
        }
    ).encode()
    response = client.post("/webhook", data=body, headers=signed(body))
    assert (response.status_code, response.json) == (200, {"success": True})
    first, second = queued(queue)
    assert (first["type"], first["messageId"], first["context"]) == (
        "identify",
        "w1",
        {"locale": "en-US"},
    )
    assert (second["type"], second["context"]) == ("track", {"ip": "1.1.1.1", "locale": "en-US"})


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"batch": {}}, "batch: expected a list of messages"),
        ({"batch": [{}, 3]}, "batch[1]: expected a JSON object (a Segment message)"),
        (
            json.loads(message_of(32769)),
            "message is 32769 bytes: Segment's limit is 32768 bytes (32 KB)",
        ),
    ],
)
def test_the_webhook_refuses_what_v1_refuses(
    client: FlaskClient, queue: Queue, body: Any, error: str
) -> None:
    data = json.dumps(body, separators=(",", ":")).encode()
    response = client.post("/webhook", data=data, headers=signed(data))
    assert (response.status_code, response.json) == (400, {"success": False, "error": error})
    assert queue.depth() == 0


def age_queue(path: Path, seconds: float) -> None:
    """Make every queued message `seconds` older, as if received that long before."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE messages SET received = received - ?", (seconds,))


FAILURE = "GET /lookup: no answer after 6 attempts (ConnectError: [Errno 111] Connection refused)"


def test_health_is_degraded_once_deliveries_have_failed_past_the_threshold(
    queue: Queue, worker: SimpleNamespace, tmp_path: Path
) -> None:
    client = make_client(queue, worker, SECRET)
    client.post("/v1/track", json={"userId": "u", "event": "E"}, headers=AUTH)
    age_queue(tmp_path / "queue.sqlite", 120)
    worker.last_error = FAILURE
    worker.failing_since = time.monotonic() - 30  # failing, but not for a minute yet
    assert client.get("/health").json == {"status": "ok"}
    worker.failing_since = time.monotonic() - 90
    response = client.get("/health")
    assert (response.status_code, response.json) == (
        503,
        {
            "status": "degraded",
            "problems": [f"deliveries have failed for 90 s: {FAILURE}"],
            "oldest_queued_seconds": 120,
        },
    )
    worker.failing_since = None  # a message got another outcome: delivery works again
    assert client.get("/health").status_code == 200


def test_the_health_threshold_is_a_setting_and_a_stopped_worker_is_unhealthy(
    queue: Queue, worker: SimpleNamespace
) -> None:
    app = create_app(queue, worker, Auth(WRITE_KEY), unhealthy_after=5)  # type: ignore[arg-type]
    client = app.test_client()
    worker.last_error, worker.failing_since = FAILURE, time.monotonic() - 6
    assert client.get("/health").json == {
        "status": "degraded",
        "problems": [f"deliveries have failed for 6 s: {FAILURE}"],
        "oldest_queued_seconds": None,
    }
    worker.alive, worker.problem = False, "delivery stopped: boom"
    assert client.get("/health").json == {
        "status": "unhealthy",
        "problems": ["delivery stopped: boom", f"deliveries have failed for 6 s: {FAILURE}"],
        "oldest_queued_seconds": None,
    }
