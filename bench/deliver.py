"""Benchmark: deliver a realistic stream to the fake over loopback.

The fake runs as its own process (`fake-freshsales serve`, waitress), as a user would run it,
so client and server do not share one interpreter.

1. Throughput: 2,000 events over 200 users (60% track, 25% page, 10% identify of a lead, 5%
   identify of a contact with company and deal) through AsyncClient (8 at a time), with budgets
   too large to matter: events per second, API calls per event, and how many 429s came back.
2. Pacing: the same stream through Client against an account allowing 400 requests a minute,
   on a virtual clock shared with the fake (the client's sleeps advance the fake's clock):
   `limit_utilisation` is the mean fill of the fake's one-minute windows (requests sent in the
   window / the budget), over every window but the last, which the stream's end leaves part
   empty; and whether any 429 came back.

3. With an app token: the throughput stream again, to an account with a tracking API, so tracks
   and pages become tracking API events and page views: REST and tracking calls per event.

The last line printed is one JSON object with all the figures.
Targets: api_calls_per_event <= 1.3, http_429 == 0, limit_utilisation >= 0.9,
app_token_rest_calls_per_event <= 0.3.
"""

from __future__ import annotations

import asyncio
import json
import math
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from bench.owner import fake_user
from bench.stream import realistic_stream
from fake_freshsales import AdminClient, Limits
from segment_freshsales import AsyncClient, Client, RateLimits, Report
from translator import Settings

EVENTS = 2_000
USERS = 200
PER_MINUTE = 400
KEY = "bench-key-7d2e91"
PACED_KEY = "paced-key-51c0e8"
TOKENED_KEY = "tokened-key-9a4c27"
APP_TOKEN = "bench-app-token-3f8d"
TYPES = ("Segment Event", "Page View")


def throughput(url: str, folder: Path, app_token: str | None = None) -> tuple[float, Report]:
    domain, key = ("acme", KEY) if app_token is None else ("tokened", TOKENED_KEY)
    settings = Settings(
        domain=domain, api_key=key, base_url=url, owner=fake_user(domain), app_token=app_token
    )
    messages = realistic_stream(EVENTS, users=USERS, seed=11)

    async def run() -> Report:
        async with AsyncClient(
            settings,
            concurrency=8,
            limits=RateLimits(((10**9, 1.0),)),
            tracking_limits=RateLimits(((10**9, 1.0),)),
            dead_letter=folder / f"throughput-{domain}.jsonl",
        ) as client:
            return await client.deliver_all(messages)

    started = time.perf_counter()
    report = asyncio.run(run())
    return EVENTS / (time.perf_counter() - started), report


class _Timed(httpx.HTTPTransport):
    """Notes the virtual time of every request sent."""

    def __init__(self, now: Callable[[], float]) -> None:
        super().__init__()
        self.now = now
        self.sent: list[float] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(self.now())
        return super().handle_request(request)


def pacing(url: str, admin: AdminClient, folder: Path) -> tuple[float, Report]:
    start = admin.clock()["epoch"]
    elapsed = [0.0]

    def sleep(seconds: float) -> None:
        elapsed[0] += seconds
        admin.advance_clock(seconds)

    transport = _Timed(lambda: start + elapsed[0])
    settings = Settings(domain="paced", api_key=PACED_KEY, base_url=url, owner=fake_user("paced"))
    with Client(
        settings,
        transport=transport,
        limits=RateLimits(((PER_MINUTE, 60.0),)),
        dead_letter=folder / "pacing.jsonl",
        sleep=sleep,
        clock=lambda: elapsed[0],
    ) as client:
        report = client.deliver_all(realistic_stream(EVENTS, users=USERS, seed=12))
    per_window = Counter(math.floor(moment / 60) for moment in transport.sent)
    full = [per_window[w] for w in sorted(per_window)[:-1]]
    return sum(full) / (len(full) * PER_MINUTE), report


@contextmanager
def serve_fake() -> Iterator[str]:
    """`fake-freshsales serve` on a free port, with budgets too large to matter."""
    command = [
        sys.executable, "-m", "fake_freshsales.cli", "serve", "--port", "0", "--api-key", KEY,
        "--hourly", str(10**9), "--per-minute", str(10**9), "--frozen-clock",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline().split()
        yield next(word for word in first if word.startswith("http://"))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def main() -> None:
    with TemporaryDirectory() as folder, serve_fake() as url, AdminClient(url) as admin:
        admin.add_account("paced", PACED_KEY, limits=Limits(hourly=10**9, per_minute=PER_MINUTE))
        unlimited = Limits(hourly=10**9, per_minute=10**9)
        admin.add_account(
            "tokened",
            TOKENED_KEY,
            limits=unlimited,
            app_token=APP_TOKEN,
            tracking_limits=unlimited,
        )
        for domain in ("acme", "paced", "tokened"):
            for name in TYPES:
                admin.add_activity_type(name, domain=domain)
        rate, fast = throughput(url, Path(folder))
        utilisation, slow = pacing(url, admin, Path(folder))
        _, tokened = throughput(url, Path(folder), APP_TOKEN)
    for name, report in (("throughput", fast), ("pacing", slow), ("app token", tokened)):
        print(
            f"{name}: delivered {report.delivered}, rejected {report.rejected}, "
            f"failed {report.failed}, {report.api_calls} REST API calls, "
            f"{report.tracking_calls} tracking API calls, statuses {dict(report.by_status)}"
        )
    print(
        json.dumps(
            {
                "bench": "deliver",
                "events_per_s": round(rate, 1),
                "api_calls_per_event": round(fast.api_calls / EVENTS, 3),
                "http_429": fast.by_status[429] + slow.by_status[429],
                "limit_utilisation": round(utilisation, 3),
                "app_token_rest_calls_per_event": round(tokened.api_calls / EVENTS, 3),
                "app_token_tracking_calls_per_event": round(tokened.tracking_calls / EVENTS, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
