"""Client against fake_freshsales, in-process (httpx.WSGITransport) and over a real socket,
asserting the fake's state afterwards."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.stream import realistic_stream
from fake_freshsales import (
    AccountConfig,
    FakeConfig,
    FakeFreshsales,
    Limits,
    create_app,
)
from segment_freshsales import AuthError, RateLimits
from tests.dead_letters import dead_letters
from tests.harness import Harness

KEY = "e2e-key-1b7c3d9f0a"
# The fake account's one user, who owns the activities whose person has no owner.
OWNER = "api-user@acme.example.com"


@pytest.fixture(params=["wsgi", pytest.param("socket", marks=pytest.mark.slow)])
def fake(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "wsgi":
        app = create_app(FakeConfig(accounts=(AccountConfig(domain="acme", api_key=KEY),)))
        harness = Harness(httpx.WSGITransport(app=app), "http://fake.test", KEY)
    else:
        server: FakeFreshsales = request.getfixturevalue("fake_freshsales")
        harness = Harness(httpx.HTTPTransport(), server.url, server.api_key)
    harness.admin.add_activity_type("Segment Event")
    harness.admin.add_activity_type("Page View")
    yield harness
    harness.close()
    harness.conformance.assert_conforms()


SEED_LEAD = {
    "type": "identify",
    "messageId": "lead-1",
    "userId": "97980cfea0067",
    "traits": {
        "firstName": "John",
        "lastName": "Doe",
        "email": "john.doe@example.com",
        "title": "CTO",
        "phone": "555-0100",
        "cfAlternateNumber": "98765432",
        "company": {"name": "Example.com"},
    },
}


def test_identify_makes_a_lead_with_the_mapped_fields(fake: Harness, tmp_path: Path) -> None:
    fake.admin.add_custom_field("leads", "cf_alternate_number", "text")
    assert fake.client(tmp_path).deliver(SEED_LEAD).status == "delivered"
    [lead] = fake.state()["leads"]
    assert {
        k: lead[k]
        for k in ("first_name", "last_name", "email", "external_id", "job_title", "work_number")
    } == {
        "first_name": "John",
        "last_name": "Doe",
        "email": "john.doe@example.com",
        "external_id": "97980cfea0067",
        "job_title": "CTO",
        "work_number": "555-0100",
    }
    assert lead["custom_field"]["cf_alternate_number"] == "98765432"
    assert lead["company"]["name"] == "Example.com"


def test_contact_with_company_and_deal_makes_three_linked_records(
    fake: Harness, tmp_path: Path
) -> None:
    message = {
        "type": "identify",
        "userId": "97980cfea0067",
        "traits": {
            "firstName": "John",
            "email": "john.doe@example.com",
            "fsContact": "true",
            "company": {"name": "Example.com", "employee_count": 12},
            "deal": {"name": "Sample Deal", "amount": 1234},
        },
    }
    client = fake.client(tmp_path)
    assert client.deliver(message).status == "delivered"
    assert client.deliver({**message, "messageId": "again"}).status == "delivered"  # idempotent
    state = fake.state()
    [contact], [account], [deal] = state["contacts"], state["sales_accounts"], state["deals"]
    assert state["leads"] == []
    assert account["name"] == "Example.com"
    assert account["number_of_employees"] == 12
    assert [a["id"] for a in contact["sales_accounts"]] == [account["id"]]
    assert deal["sales_account_id"] == account["id"]
    assert contact["id"] in deal["contact_ids"]
    assert float(deal["amount"]) == 1234


def test_identify_then_track_puts_one_activity_on_the_contact(
    fake: Harness, tmp_path: Path
) -> None:
    client = fake.client(tmp_path, owner=OWNER)
    identify = {
        "type": "identify",
        "userId": "u-1",
        "traits": {"email": "ann@example.com", "fsContact": True},
    }
    track = {
        "type": "track",
        "userId": "ann@example.com",
        "event": "Signed Up",
        "properties": {"plan": "pro"},
    }
    assert client.deliver(identify).status == "delivered"
    assert client.deliver(track).status == "delivered"
    state = fake.state()
    assert state["leads"] == []
    [contact] = state["contacts"]
    [activity] = state["sales_activities"]
    assert (activity["targetable_type"], activity["targetable_id"]) == ("Contact", contact["id"])
    assert activity["title"] == "Signed Up"
    [user] = fake.api_get("/selector/owners")["users"]
    assert activity["owner_id"] == user["id"]


def test_track_from_a_fresh_client_finds_the_existing_contact(
    fake: Harness, tmp_path: Path
) -> None:
    identify = {
        "type": "identify",
        "userId": "u-1",
        "traits": {"email": "ann@example.com", "fsContact": True},
    }
    assert fake.client(tmp_path).deliver(identify).status == "delivered"
    track = {"type": "track", "userId": "u-1", "event": "Signed Up"}  # by external id
    assert fake.client(tmp_path, owner=OWNER).deliver(track).status == "delivered"
    state = fake.state()
    assert (len(state["leads"]), len(state["contacts"]), len(state["sales_activities"])) == (
        0,
        1,
        1,
    )


def test_page_is_an_activity_of_the_page_type(fake: Harness, tmp_path: Path) -> None:
    page = {
        "type": "page",
        "userId": "ann@example.com",
        "name": "Pricing",
        "properties": {"url": "https://x.io/pricing"},
    }
    assert fake.client(tmp_path, owner=OWNER).deliver(page).status == "delivered"
    state = fake.state()
    [lead] = state["leads"]
    [activity] = state["sales_activities"]
    types = fake.api_get("/selector/sales_activity_types")["sales_activity_types"]
    page_view = next(t["id"] for t in types if t["name"] == "Page View")
    assert activity["sales_activity_type_id"] == page_view
    assert activity["targetable_type"] == "Lead" and activity["targetable_id"] == lead["id"]
    assert activity["title"] == "Pricing"


def test_invalid_event_is_rejected_without_a_request(fake: Harness, tmp_path: Path) -> None:
    outcome = fake.client(tmp_path).deliver({"type": "identify", "userId": "u-1"})
    assert outcome.status == "rejected"
    assert fake.journal() == []
    assert dead_letters(tmp_path / "dead-letter.jsonl")[0]["reason"].startswith(
        "invalid event: traits.email"
    )


def test_wrong_key_raises_auth_error_and_loses_nothing(fake: Harness, tmp_path: Path) -> None:
    client = fake.client(tmp_path, api_key="not-the-key-1234")
    messages = [
        {"type": "identify", "userId": f"u{i}@x.io", "messageId": f"m{i}"} for i in range(5)
    ]
    with pytest.raises(AuthError, match="401"):
        client.deliver_all(messages)
    assert [d["message"]["messageId"] for d in dead_letters(tmp_path / "dead-letter.jsonl")] == [
        f"m{i}" for i in range(5)
    ]
    assert fake.state()["leads"] == []


def test_faults_over_500_events_lose_nothing(fake: Harness, tmp_path: Path) -> None:
    fake.admin.set_faults(
        rate=0.2, statuses=[429, 500, 503], latency_ms=[0, 2], drop_connection_rate=0.05, seed=7
    )
    client = fake.client(tmp_path, max_attempts=3, owner=OWNER)
    messages = realistic_stream(500, users=60, seed=3)
    report = client.deliver_all(messages)
    assert report.delivered + report.rejected + report.failed == 500
    assert report.retries > 0
    kept = dead_letters(tmp_path / "dead-letter.jsonl")
    assert len(kept) == report.rejected + report.failed
    ids = {m["messageId"] for m in messages}
    assert {d["message"]["messageId"] for d in kept} <= ids
    # Faults never touch state, and upserts are idempotent: no twin lead, no twin contact.
    state = fake.state()
    for kind in ("leads", "contacts"):
        emails = [person["email"] for person in state[kind]]
        assert len(emails) == len(set(emails)), kind


def test_pacing_at_60_a_minute_meets_no_429(fake: Harness, tmp_path: Path) -> None:
    slow = fake.admin.add_account(
        "slow", "slow-key-9x8y7z", limits=Limits(hourly=100000, per_minute=60)
    )
    fake.admin.add_activity_type("Segment Event", domain="slow")
    client = fake.client(
        tmp_path,
        domain="slow",
        api_key="slow-key-9x8y7z",
        limits=RateLimits(((60, 60.0),)),
        owner=slow["user"]["id"],
    )
    messages = [
        {
            "type": "track",
            "userId": f"user{i % 10}@example.com",
            "event": "Viewed",
            "messageId": f"t{i}",
        }
        for i in range(150)
    ]
    report = client.deliver_all(messages)
    assert report.delivered == 150
    assert report.by_status[429] == 0
    assert report.api_calls >= 150 + 10
    # a burst of one budget, then one request a second: paced, not stopped by the server
    assert fake.now >= report.api_calls - 60


def test_group_of_a_known_contact_links_it_and_makes_no_lead_twin(
    fake: Harness, tmp_path: Path
) -> None:
    # Issue 12, bug 1: the classic host used to end with a lead twin and an unlinked contact.
    client = fake.client(tmp_path)
    identify = {"type": "identify", "userId": "c@example.com", "traits": {"fsContact": "true"}}
    group = {
        "type": "group",
        "userId": "c@example.com",
        "groupId": "g1",
        "traits": {"name": "Initech"},
    }
    assert client.deliver(identify).status == "delivered"
    assert client.deliver(group).status == "delivered"
    state = fake.state()
    assert state["leads"] == []
    [contact], [account] = state["contacts"], state["sales_accounts"]
    assert account["name"] == "Initech"
    assert [(a["id"], a["is_primary"]) for a in contact["sales_accounts"]] == [
        (account["id"], True)
    ]


def test_a_fresh_client_links_the_contact_a_group_names(fake: Harness, tmp_path: Path) -> None:
    identify = {"type": "identify", "userId": "c@example.com", "traits": {"fsContact": "true"}}
    assert fake.client(tmp_path).deliver(identify).status == "delivered"
    group = {"type": "group", "userId": "c@example.com", "groupId": "g1", "traits": {"name": "A"}}
    assert fake.client(tmp_path).deliver(group).status == "delivered"  # found by lookup
    state = fake.state()
    assert state["leads"] == []
    assert [a["name"] for a in state["contacts"][0]["sales_accounts"]] == ["A"]


CONTACT_C = {
    "type": "identify",
    "userId": "u-c",
    "traits": {"email": "c@example.com", "fsContact": True},
}


def joins(kind: str, company: str) -> dict[str, Any]:
    """A message that links contact c@example.com to `company`: a group, or an identify."""
    if kind == "group":
        return {
            "type": "group",
            "userId": "c@example.com",
            "groupId": company,
            "traits": {"name": company},
        }
    return {**CONTACT_C, "traits": {**CONTACT_C["traits"], "company": company}}


@pytest.mark.parametrize("kind", ["group", "identify"])
def test_a_second_company_is_added_and_the_first_stays_primary(
    fake: Harness, tmp_path: Path, kind: str
) -> None:
    client = fake.client(tmp_path)
    for message in (CONTACT_C, joins(kind, "Initech"), joins(kind, "Globex")):
        assert client.deliver(message).status == "delivered", message
    [contact] = fake.state()["contacts"]
    assert [(a["name"], a["is_primary"]) for a in contact["sales_accounts"]] == [
        ("Initech", True),
        ("Globex", False),
    ]


def test_one_deal_name_for_two_companies_is_two_deals(fake: Harness, tmp_path: Path) -> None:
    client = fake.client(tmp_path)
    for company in ("Initech", "Globex", "Initech"):
        message = {
            "type": "identify",
            "userId": "u-c",
            "traits": {
                "email": "c@example.com",
                "fsContact": True,
                "company": company,
                "deal": {"name": "Renewal", "amount": 100},
            },
        }
        assert client.deliver(message).status == "delivered", company
    state = fake.state()
    accounts = {a["id"]: a["name"] for a in state["sales_accounts"]}
    [contact] = state["contacts"]
    deals = sorted((accounts[d["sales_account_id"]], d["contact_ids"]) for d in state["deals"])
    assert deals == [("Globex", [contact["id"]]), ("Initech", [contact["id"]])]
    assert fake.journal(method="POST", path="/api/deals/upsert") == []


def test_a_lead_is_found_and_updated_without_a_lead_upsert(fake: Harness, tmp_path: Path) -> None:
    client = fake.client(tmp_path)
    first = {"type": "identify", "userId": "u-1", "traits": {"email": "ann@example.com"}}
    second = {**first, "traits": {"email": "ann@example.com", "title": "CTO"}}
    assert client.deliver(first).status == "delivered"
    assert fake.client(tmp_path).deliver(second).status == "delivered"  # a fresh client
    [lead] = fake.state()["leads"]
    assert (lead["external_id"], lead["job_title"]) == ("u-1", "CTO")
    assert fake.journal(method="POST", path="/api/leads/upsert") == []
    assert len(fake.journal(method="PUT")) == 1


def test_an_activity_without_any_owner_is_rejected_before_it_is_sent(
    fake: Harness, tmp_path: Path
) -> None:
    track = {"type": "track", "userId": "ann@example.com", "event": "Signed Up"}
    outcome = fake.client(tmp_path).deliver(track)
    assert outcome.status == "rejected"
    assert outcome.reason is not None and "--owner" in outcome.reason
    assert "Settings.owner" in outcome.reason
    assert fake.journal(method="POST", path="/api/sales_activities") == []


def test_the_owner_a_message_names_owns_its_activity(fake: Harness, tmp_path: Path) -> None:
    [user] = fake.api_get("/selector/owners")["users"]
    track = {
        "type": "track",
        "userId": "ann@example.com",
        "event": "Signed Up",
        "properties": {"ownerId": user["id"]},
    }
    assert fake.client(tmp_path).deliver(track).status == "delivered"
    [activity] = fake.state()["sales_activities"]
    assert activity["owner_id"] == user["id"]
    assert len(fake.journal(path="/api/selector/owners")) == 1  # this test's own, above
