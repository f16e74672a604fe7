"""Benchmark: a backfill of 10,000 identifies, with bulk upserts and without, in API calls.

10,000 people identify once each; a third name their company, drawn from a pool of 300 with a
long tail (a few large customers, many small ones), each company always with the same fields.
They go to a Suite account of an in-process fake (WSGI) on a virtual clock shared with the
client (the client's sleeps advance the fake's clock), with 20% of the API requests faulted
(16% answered 429, 500 or 503, 4% dropped connections), at the Free plan's budget (1,000
requests an hour, 400 a minute).

1. `bulk=True` over the whole stream.
2. The same stream without bulk, in a fresh fake (about a minute of real time).

Counted: `api_calls`, every API request the fake received, faulted ones included, polls and
searches included (a counting transport); `lost`, the messages not delivered, by the report
and by the fake's state (each email must have exactly one contact with the right name,
external id and account); `twins`, extra records for one email or one account name.
The last line printed is one JSON object; targets: api_calls_per_event <= 0.03, lost 0,
twins 0.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from fake_freshsales import AccountConfig, AdminClient, FakeConfig, create_app
from segment_freshsales import Client, Report
from translator import Settings

EVENTS = 10_000
COMPANIES = 300
KEY = "backfill-key-3c9a41e7"
DOMAIN = "acme.myfreshworks.com"
ORIGIN = "http://fake.test"
FIRST = ("Ann", "Bob", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana", "Ivo", "Jun")
LAST = ("Stone", "Okafor", "Novak", "Silva", "Kim", "Larsen", "Mehta", "Rossi", "Weber")


def company_pool(count: int) -> list[dict[str, Any]]:
    """Companies with fixed fields: the same company is always sent alike."""
    return [
        {"name": f"Company {n:03d}", "website": f"company{n:03d}.example.com"} for n in range(count)
    ]


def identifies(count: int, seed: int = 15) -> Iterator[dict[str, Any]]:
    """`count` identifies, one per person, a third with a company (Zipf-like draw)."""
    rng = random.Random(seed)
    pool = company_pool(COMPANIES)
    weights = [1 / (rank + 1) for rank in range(len(pool))]
    for n in range(count):
        traits: dict[str, Any] = {
            "email": f"person{n:05d}@example.com",
            "firstName": rng.choice(FIRST),
            "lastName": rng.choice(LAST),
            "title": "Engineer",
        }
        if n % 3 == 0:
            traits["company"] = dict(rng.choices(pool, weights)[0])
        yield {
            "type": "identify",
            "messageId": f"backfill-{n:05d}",
            "userId": f"user-{n:05d}",
            "timestamp": "2026-05-01T00:00:00Z",
            "traits": traits,
        }


class _Counting(httpx.BaseTransport):
    """Counts the API requests (the fake's own admin calls are not)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.api_calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.startswith("/_fake"):
            self.api_calls += 1
        return self.inner.handle_request(request)


def run(count: int, *, bulk: bool, folder: Path) -> tuple[int, Report, int, int]:
    """(api calls, report, lost by the fake's state, twins) of `count` identifies."""
    account = AccountConfig(domain="acme", api_key=KEY)
    transport = _Counting(httpx.WSGITransport(app=create_app(FakeConfig(accounts=(account,)))))
    now = [0.0]
    with AdminClient(ORIGIN, transport=transport) as admin:
        admin.set_faults(rate=0.16, statuses=[429, 500, 503], drop_connection_rate=0.04, seed=9)

        def sleep(seconds: float) -> None:
            now[0] += seconds
            admin.advance_clock(seconds)

        settings = Settings(domain=DOMAIN, api_key=KEY, base_url=ORIGIN)
        with Client(
            settings,
            transport=transport,
            dead_letter=folder / f"dead-{bulk}.jsonl",
            sleep=sleep,
            clock=lambda: now[0],
            seed=3,
        ) as client:
            report = client.deliver_all(identifies(count), bulk=bulk)
        admin.clear_faults()
        lost, twins = _check(admin.state(), list(identifies(count)))
    return transport.api_calls, report, lost, twins


def _check(state: dict[str, Any], messages: list[dict[str, Any]]) -> tuple[int, int]:
    """(people without exactly one right contact, extra records for one email or name)."""
    contacts: dict[str, list[dict[str, Any]]] = {}
    for contact in state["contacts"]:
        contacts.setdefault(contact["email"], []).append(contact)
    names = Counter(account["name"] for account in state["sales_accounts"])
    twins = sum(len(found) - 1 for found in contacts.values()) + sum(n - 1 for n in names.values())
    lost = 0
    for message in messages:
        traits = message["traits"]
        found = contacts.get(traits["email"], [])
        accounts = {a["name"] for c in found for a in c.get("sales_accounts") or []}
        right = len(found) == 1 and (
            found[0]["first_name"],
            found[0]["last_name"],
            found[0]["external_id"],
        ) == (traits["firstName"], traits["lastName"], message["userId"])
        if "company" in traits:
            right = right and traits["company"]["name"] in accounts
        lost += not right
    return lost, twins


def main() -> None:
    with TemporaryDirectory() as folder:
        calls, report, lost, twins = run(EVENTS, bulk=True, folder=Path(folder))
        plain_calls, plain, plain_lost, plain_twins = run(EVENTS, bulk=False, folder=Path(folder))
    print(
        f"without bulk: {plain.delivered} delivered, {plain.rejected} rejected, "
        f"{plain.failed} failed (lost {plain_lost}, twins {plain_twins}); {plain_calls} API "
        f"calls = {plain_calls / EVENTS:.3f} per event = {plain_calls / 1000:.1f} h at 1,000/h"
    )
    print(
        f"with bulk: {report.delivered} delivered ({report.bulk} in bulk, {report.bulk_jobs} "
        f"jobs), {report.rejected} rejected, {report.failed} failed; statuses "
        f"{dict(sorted(report.by_status.items()))}"
    )
    print(
        json.dumps(
            {
                "bench": "backfill",
                "events": EVENTS,
                "api_calls": calls,
                "api_calls_per_event": round(calls / EVENTS, 4),
                "lost": lost + (EVENTS - report.delivered),
                "twins": twins,
                "hours_at_1000_per_hour": round(calls / 1000, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
