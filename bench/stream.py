"""A realistic, reproducible stream of Segment messages for the benchmarks.

The mix a B2B site sends: 60% track, 25% page, 10% identify of a lead, 5% identify of a contact
with company and deal, over a fixed population of users, with the context analytics.js adds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["realistic_stream", "stream"]

EVENTS = [
    ("Signed Up", {"type": "organic", "plan": "trial"}),
    ("Trial Started", {"trial_plan_name": "Pro", "trial_start_date": "2026-05-01"}),
    (
        "Order Completed",
        {
            "order_id": "o-1",
            "total": 99.5,
            "currency": "USD",
            "products": [{"sku": "A-1", "quantity": 2}],
        },
    ),
    ("Email Bounced", {"emailId": "110688", "emailSubject": "Welcome", "campaignId": "123"}),
    ("Invite Sent", {"invitee_email": "pat@example.net", "invitee_role": "admin"}),
]
PAGES = ["Pricing", "Docs", "Home", "Blog", "Careers"]
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell"]


def _context(rng: random.Random, page: str) -> dict[str, Any]:
    return {
        "ip": f"203.0.113.{rng.randrange(1, 255)}",
        "library": {"name": "analytics.js", "version": "next-1.70.0"},
        "locale": "en-US",
        "page": {
            "path": f"/{page.lower()}",
            "referrer": "https://www.google.com/",
            "title": f"{page} | Example",
            "url": f"https://example.com/{page.lower()}",
        },
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0",
        "timezone": "Europe/Berlin",
    }


def realistic_stream(count: int, users: int = 200, seed: int = 7) -> list[dict[str, Any]]:
    """`count` messages over `users` people, the same list for the same arguments."""
    return list(stream(count, users, seed))


def stream(count: int, users: int = 200, seed: int = 7) -> Iterator[dict[str, Any]]:
    """`realistic_stream`'s messages one at a time, for streams too long to hold."""
    rng = random.Random(seed)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    for index in range(count):
        user = rng.randrange(users)
        email = f"user{user}@example{user % 17}.com"
        page = rng.choice(PAGES)
        common: dict[str, Any] = {
            "messageId": f"bench-{seed}-{index}",
            "userId": email if user % 3 else f"u-{user:05d}",
            "anonymousId": f"anon-{user:05d}",
            "timestamp": (start + timedelta(seconds=index)).isoformat().replace("+00:00", "Z"),
            "context": _context(rng, page),
        }
        if user % 3 == 0:  # a userId that is not an email: the email travels in context
            common["context"]["traits"] = {"email": email}
        roll = rng.random()
        if roll < 0.60:
            event, properties = rng.choice(EVENTS)
            yield {**common, "type": "track", "event": event, "properties": properties}
        elif roll < 0.85:
            properties = dict(common["context"]["page"])
            yield {**common, "type": "page", "name": page, "properties": properties}
        else:
            traits: dict[str, Any] = {
                "email": email,
                "firstName": f"First{user}",
                "lastName": f"Last{user}",
                "title": rng.choice(["CTO", "Engineer", "Buyer"]),
                "phone": f"+1 555 01{user:02d}",
                "address": {"city": "Berlin", "country": "Germany", "postalCode": "10115"},
                "cfLeadScore": rng.randrange(100),
                "plan": "pro",
            }
            if roll >= 0.95:
                company = COMPANIES[user % len(COMPANIES)]
                traits["fsContact"] = "true"
                traits["company"] = {
                    "name": company,
                    "employee_count": 50 + user,
                    "website": f"{company.lower()}.com",
                }
                traits["deal"] = {"name": f"{company} renewal", "amount": 1200 + user}
            yield {**common, "type": "identify", "traits": traits}
