"""`/metrics` of a running relay (worker and app in-process, Freshsales mocked): the files'
sizes and the person cache's hit rate, as deliveries make them."""

import time
from pathlib import Path

import httpx

from segment_freshsales import RateLimits
from segment_freshsales.delivery.sqlite_space import file_bytes
from segment_freshsales.relay.app import create_app
from segment_freshsales.relay.auth import Auth
from segment_freshsales.relay.queue import Queue
from segment_freshsales.relay.worker import Worker
from translator import Settings


def freshsales(request: httpx.Request) -> httpx.Response:
    """A contact for every lookup, one activity type, activities created."""
    path = request.url.path.rsplit("/api", 1)[-1]
    if path == "/lookup":
        return httpx.Response(200, json={"contacts": {"contacts": [{"id": 3, "owner_id": 5}]}})
    if path == "/selector/sales_activity_types":
        return httpx.Response(200, json={"sales_activity_types": [{"id": 8, "name": "Page View"}]})
    assert (request.method, path) == ("POST", "/sales_activities")
    return httpx.Response(201, json={"sales_activity": {"id": 1}})


def test_metrics_follow_the_deliveries(queue: Queue, tmp_path: Path) -> None:
    worker = Worker(
        queue,
        Settings(domain="acme", api_key="k-metrics"),
        limits=RateLimits(),
        dead_letter=tmp_path / "dead.jsonl",
        dedupe_path=tmp_path / "delivered.sqlite",
        transport=httpx.MockTransport(freshsales),
        cache_size=10,
        dedupe_window=60.0,
    )
    app = create_app(queue, worker, Auth("wk", None)).test_client()
    before = app.get("/metrics").json
    assert before is not None
    assert before["cache_hit_rate"] is None  # nobody looked up yet
    assert before["dedupe_bytes"] == file_bytes(tmp_path / "delivered.sqlite") > 0
    pages = [{"type": "page", "userId": "a@b.co", "messageId": f"p-{n}"} for n in range(4)]
    queue.put(pages)
    worker.start()
    deadline = time.monotonic() + 10
    while queue.counters()["delivered"] < 4:
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
    assert worker.stop(5.0)
    metrics = app.get("/metrics").json
    assert metrics is not None
    assert metrics["cache_hit_rate"] == 0.75  # one lookup, then three from the cache
    assert metrics["dedupe_bytes"] == file_bytes(tmp_path / "delivered.sqlite")
    assert metrics["queue_bytes"] == queue.file_bytes()
