"""The client against every world the evidence allows: the default profile of the fake and each
single flip of a switch, on both hosts, with faults on.

Every message must end delivered, or rejected with a reason that names the switch where a
switch takes a capability away. The fake must end with one record per person and one activity
per delivered event. The full matrix is 14 profiles x 2 hosts (not a pairwise cover): each
switch is independent of the others in the fake, and a run takes well under a second.
"""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_freshsales import AccountConfig, FakeConfig, create_app
from fake_freshsales.models.variants import SPECS
from segment_freshsales import Outcome
from tests.dead_letters import dead_letters
from tests.harness import Harness

KEY = "matrix-key-5d1e0c2b7a"
HOSTS = {"classic": "acme", "suite": "acme.myfreshworks.com"}
PROFILES: dict[str, dict[str, Any]] = {"default": {}} | {
    f"{name}={alternative}": {name: alternative}
    for name, spec in SPECS.items()
    for alternative in spec.alternatives
}
# What a switch takes away, and the messages of the stream that then cannot be delivered. (A
# track by the userId of a person the client identified itself needs no lookup: the client
# knows them. Erin is in the account already, so only a lookup by external id finds her.)
REMOVES = {"lookup_external_id=False": {"track-by-unseen-user-id"}}
ERIN = {"email": "erin@example.com", "external_id": "u-erin"}

JOHN = {"firstName": "John", "lastName": "Doe", "email": "john.doe@example.com"}
# The source document's five examples, as written there.
SEED_EXAMPLES: list[dict[str, Any]] = [
    {
        "type": "identify",
        "messageId": "seed-lead",
        "userId": "97980cfea0067",
        "traits": {**JOHN, "cfAlternateNumber": "98765432", "company": {"name": "Example.com"}},
    },
    {
        "type": "identify",
        "messageId": "seed-contact",
        "userId": "97980cfea0067",
        "traits": {
            **JOHN,
            "fsContact": "true",
            "cfAlternateNumber": "98765432",
            "company": {"name": "Example.com"},
        },
    },
    {
        "type": "identify",
        "messageId": "seed-deal",
        "userId": "97980cfea0067",
        "traits": {
            **JOHN,
            "fsContact": "true",
            "company": {"name": "Example.com"},
            "deal": {"name": "Sample Deal", "amount": 1234},
        },
    },
    {
        "type": "track",
        "messageId": "seed-track",
        "userId": "john.doe@example.com",
        "event": "Email Bounced",
        "properties": {
            "emailId": "110688",
            "emailSubject": "Welcome to Example.com",
            "campaignId": "123",
            "campaignName": "New Customer Discount",
        },
    },
    {
        "type": "page",
        "messageId": "seed-page",
        "userId": "john.doe@example.com",
        "name": "Page view",
        "properties": {
            "title": "Welcome to pricing page | Example.com",
            "url": "http://example.com/pricing",
        },
    },
]
# Every message type, every way of naming a person.
MIXED: list[dict[str, Any]] = [
    {
        "type": "identify",
        "messageId": "ann-contact",
        "userId": "u-ann",
        "traits": {"email": "ann@example.com", "fsContact": True, "company": {"name": "Initech"}},
    },
    {
        "type": "identify",
        "messageId": "bob-lead",
        "userId": "u-bob",
        "traits": {"email": "bob@example.com", "name": "Bob Stone"},
    },
    {
        "type": "group",
        "messageId": "ann-group",
        "userId": "u-ann",
        "groupId": "g-1",
        "traits": {"name": "Initrode", "industry": "Banking"},
    },
    {"type": "track", "messageId": "track-by-email", "userId": "ann@example.com", "event": "Login"},
    {"type": "track", "messageId": "track-by-user-id", "userId": "u-bob", "event": "Upgraded"},
    {
        "type": "track",
        "messageId": "track-by-unseen-user-id",
        "userId": "u-erin",
        "event": "Renewed",
    },
    {
        "type": "page",
        "messageId": "page-by-context",
        "anonymousId": "anon-carol",
        "name": "Pricing",
        "context": {"traits": {"email": "carol@example.com"}},
    },
    {
        "type": "screen",
        "messageId": "screen-by-email",
        "userId": "ann@example.com",
        "name": "Settings",
    },
    {
        "type": "track",
        "messageId": "track-by-property",
        "anonymousId": "anon-dave",
        "event": "Downloaded",
        "properties": {"email": "dave@example.com", "file": "guide.pdf"},
    },
    {"type": "alias", "messageId": "alias", "userId": "u-ann", "previousId": "anon-ann"},
    {
        "type": "identify",
        "messageId": "ann-deal",
        "userId": "u-ann",
        "traits": {
            "email": "ann@example.com",
            "fsContact": True,
            "company": {"name": "Initech"},
            "deal": {"name": "Initech renewal", "amount": 990.5},
        },
    },
]
STREAM = SEED_EXAMPLES + MIXED
EVENTS = {"track", "page", "screen"}
# The fake account's one user (its GET /selector/owners): activities whose person has no owner
# are hers, found by email as `--owner EMAIL` would.
OWNER = "api-user@acme.example.com"


def matrix_harness(request: pytest.FixtureRequest, **faults: float) -> Harness:
    """The fake under the test's profile, set up as the matrix runs it, with 15% 429/500/503,
    3% dropped connections and the `faults` given on top."""
    profile = PROFILES[request.node.callspec.params["profile"]]
    account = AccountConfig(domain="acme", api_key=KEY, variants=profile)
    app = create_app(FakeConfig(accounts=(account,)))
    harness = Harness(httpx.WSGITransport(app=app), "http://fake.test", KEY)
    for name in ("Segment Event", "Page View"):
        harness.admin.add_activity_type(name)
    for entity in ("leads", "contacts"):
        harness.admin.add_custom_field(entity, "cf_alternate_number", "text")
    harness.admin.seed({"contacts": [ERIN]})
    harness.admin.set_faults(
        rate=0.15, statuses=[429, 500, 503], drop_connection_rate=0.03, seed=5, **faults
    )
    return harness


@pytest.fixture
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    harness = matrix_harness(request)
    yield harness
    harness.close()
    harness.conformance.assert_conforms()


@pytest.mark.parametrize("host", sorted(HOSTS))
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_message_ends_delivered_or_rejected_for_its_switch(
    harness: Harness, tmp_path: Path, profile: str, host: str
) -> None:
    outcomes: dict[str, Outcome] = {}
    client = harness.client(tmp_path, domain=HOSTS[host], max_attempts=6, owner=OWNER)
    report = client.deliver_all(
        STREAM,
        on_outcome=lambda _, message, outcome: outcomes.__setitem__(message["messageId"], outcome),
    )
    removed = REMOVES.get(profile, set())
    for message_id, outcome in outcomes.items():
        if message_id in removed:
            assert outcome.status == "rejected", message_id
            assert profile.split("=")[0] in (outcome.reason or ""), outcome.reason
        else:
            assert outcome.status == "delivered", (message_id, outcome.reason)
    assert set(outcomes) == {m["messageId"] for m in STREAM}
    assert report.rejected == len(removed)
    assert len(dead_letters(tmp_path / "dead-letter.jsonl")) == len(removed)

    state = harness.state()
    for kind in ("leads", "contacts"):
        emails = Counter(person["email"] for person in state[kind])
        assert all(count == 1 for count in emails.values()), (kind, emails)
    delivered_events = [
        m for m in STREAM if m["type"] in EVENTS and outcomes[m["messageId"]].status == "delivered"
    ]
    assert len(state["sales_activities"]) == len(delivered_events)
    assert all(activity["owner_id"] is not None for activity in state["sales_activities"])
    deals = Counter(deal["name"] for deal in state["deals"])
    assert deals == {"Sample Deal": 1, "Initech renewal": 1}
