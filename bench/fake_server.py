"""Throughput and latency of the fake under waitress on loopback, driven by concurrent upserts.

Run: `.venv/bin/python bench/fake_server.py [--requests N] [--workers N]`. The last line is
one JSON object: {"bench": "fake_server", "requests_per_s": N, "p99_ms": P}.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from fake_freshsales import FakeFreshsales, Limits

# 300 people, each upserted ten times: the first call creates, the rest update.
PEOPLE = 300


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def run(requests: int, workers: int) -> dict[str, object]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    local = threading.local()
    unlimited = Limits(hourly=10**9, per_minute=10**9)
    with FakeFreshsales(limits=unlimited, threads=workers) as fake:
        clients: list[httpx.Client] = []

        def client() -> httpx.Client:
            # One keep-alive connection per worker thread, as a real delivery loop would hold.
            if not hasattr(local, "client"):
                local.client = httpx.Client(base_url=fake.url, headers=fake.auth_headers)
                with lock:
                    clients.append(local.client)
            found: httpx.Client = local.client
            return found

        def upsert(n: int) -> None:
            email = f"person{n % PEOPLE}@example.com"
            body = {
                "unique_identifier": {"emails": email},
                "contact": {"first_name": f"P{n}", "job_title": "Engineer", "city": "Pune"},
            }
            started = time.perf_counter()
            response = client().post("/crm/sales/api/contacts/upsert", json=body)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(upsert, range(requests)))
        wall = time.perf_counter() - started
        for each in clients:
            each.close()
        stored = len(fake.admin.state()["contacts"])
    people = min(PEOPLE, requests)
    expected = {201: people, 200: requests - people} if requests > people else {201: people}
    if statuses != expected or stored != people:
        raise SystemExit(f"unexpected answers {statuses} or {stored} contacts stored")
    print(
        f"{requests} upserts, {workers} workers: {wall:.2f} s, "
        f"p50 {_percentile(latencies, 0.5) * 1000:.2f} ms, statuses {statuses}"
    )
    return {
        "bench": "fake_server",
        "requests_per_s": round(requests / wall, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
    }


def main() -> None:
    # Under full load waitress warns at every queued task; the figures say it better.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(run(args.requests, args.workers)))


if __name__ == "__main__":
    main()
