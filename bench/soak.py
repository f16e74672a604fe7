"""Fault soak: a mixed stream through AsyncClient to the fake while 20% of requests fail.

The fake (on a loopback socket) answers 429, 500, 502 or 503 to a fifth of the API requests,
drops some connections and adds latency, reproducibly for a seed; the client's backoff sleeps
advance the fake's clock instead of waiting. Afterwards every message must be accounted for
(delivered, rejected or failed, each undelivered one in the dead-letter file with its reason)
and the fake must hold no twin: no two leads or contacts with one email, no two accounts or
deals with one name, and exactly one activity per delivered track, page or screen.

`python -m bench.soak [EVENTS]` (default 10,000) prints, as its last line,
`{"bench": "soak", "events": N, "lost": 0, "twins": 0, ...}`. The test suite runs a short one.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from bench.owner import fake_user
from bench.stream import realistic_stream
from fake_freshsales import AccountConfig, FakeConfig, FakeFreshsales, Limits
from segment_freshsales import AsyncClient, Report
from translator import Settings

KEY = "soak-key-3e8a61f0"
FAULTS = {
    "rate": 0.2,
    "statuses": [429, 500, 502, 503],
    "latency_ms": [0, 20],
    "drop_connection_rate": 0.05,
    "seed": 5,
}


def twins(state: dict[str, list[dict[str, Any]]], delivered_activities: int) -> dict[str, int]:
    """Records that exist more often than they should, by kind."""
    found: dict[str, int] = {}
    for kind, key in (("leads", "email"), ("contacts", "email"), ("sales_accounts", "name")):
        counts = Counter(str(record[key]).lower() for record in state[kind])
        found[kind] = sum(n - 1 for n in counts.values())
    deals = Counter(deal["name"] for deal in state["deals"])
    found["deals"] = sum(n - 1 for n in deals.values())
    activities = Counter(
        (a["targetable_type"], a["targetable_id"], a["title"], a["start_date"])
        for a in state["sales_activities"]
    )
    found["activities"] = sum(n - 1 for n in activities.values())
    found["activities_beyond_delivered"] = max(
        0, len(state["sales_activities"]) - delivered_activities
    )
    return found


def run_soak(
    events: int, folder: Path, concurrency: int = 8, max_attempts: int = 6
) -> dict[str, Any]:
    """Soak the client with `events` messages; the figures, with `lost` and `twins`."""
    account = AccountConfig(
        domain="acme",
        api_key=KEY,
        limits=Limits(hourly=10**9, per_minute=10**9),
        activity_types=("Segment Event", "Page View"),
    )
    messages = realistic_stream(events, users=max(20, events // 10), seed=21)
    dead_letter = folder / "soak-dead-letter.jsonl"
    with FakeFreshsales(config=FakeConfig(accounts=(account,), journal_size=10)) as fake:
        fake.admin.set_faults(**FAULTS)

        async def sleep(seconds: float) -> None:
            await asyncio.to_thread(fake.admin.advance_clock, seconds)

        async def deliver() -> tuple[Report, dict[str, int]]:
            async with AsyncClient(
                Settings(domain="acme", api_key=KEY, base_url=fake.url, owner=fake_user("acme")),
                concurrency=concurrency,
                max_attempts=max_attempts,
                dead_letter=dead_letter,
                sleep=sleep,
                seed=9,
            ) as client:
                report = await client.deliver_all(messages)
                return report, _delivered_by_type(client, messages)

        started = time.perf_counter()
        report, delivered_by_type = asyncio.run(deliver())
        seconds = time.perf_counter() - started
        fake.admin.clear_faults()
        state = fake.admin.state()
    kept = (
        [json.loads(line) for line in dead_letter.read_text().splitlines()]
        if dead_letter.exists()
        else []
    )
    accounted = report.delivered + report.rejected + report.failed + report.skipped
    found = twins(state, sum(delivered_by_type.get(t, 0) for t in ("track", "page", "screen")))
    return {
        "bench": "soak",
        "events": events,
        "lost": events - accounted,
        "twins": sum(found.values()),
        "delivered": report.delivered,
        "rejected": report.rejected,
        "failed": report.failed,
        "dead_letters": len(kept),
        "dead_letters_without_reason": sum(1 for d in kept if not d.get("reason")),
        "retries": report.retries,
        "api_calls": report.api_calls,
        "injected_statuses": {
            str(s): n for s, n in sorted(report.by_status.items()) if s >= 429 or s == 0
        },
        "twins_by_kind": found,
        "seconds": round(seconds, 1),
    }


def _delivered_by_type(client: AsyncClient, messages: list[dict[str, Any]]) -> dict[str, int]:
    """Delivered messages by type, from the client's record of delivered messageIds."""
    counts: Counter[str] = Counter()
    for message in messages:
        if client.ledger.was_delivered(message["messageId"]):
            counts[message["type"]] += 1
    return dict(counts)


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with TemporaryDirectory() as folder:
        figures = run_soak(events, Path(folder))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
