"""Client against fake_freshsales, in-process (httpx.WSGITransport) and over a real socket,
asserting the fake's state afterwards."""

import logging
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


def test_injected_429s_cost_a_minute_each_at_most_and_every_wait_is_shown(
    fake: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The report's reproduction: each injected 429 once said "reset in 2866 s" (the hour) and
    # the client waited up to 15 minutes without a word. Now each says the minute is spent.
    fake.admin.set_faults(rate=0.2, statuses=[429], seed=1)
    client = fake.client(tmp_path, owner=OWNER)
    with caplog.at_level(logging.INFO, logger="segment_freshsales.delivery"):
        report = client.deliver_all(realistic_stream(300, users=40, seed=5))
    assert report.delivered == 300
    refused = fake.journal(status=429)
    assert len(refused) == report.by_status[429] > 50
    waits = [r.getMessage() for r in caplog.records if r.getMessage().startswith("waiting")]
    assert waits == ["waiting 60 s for the rate limit"] * len(refused)
    assert all(r.levelname == "INFO" for r in caplog.records)
    # No other wait: an hour and a half of (virtual) minutes for 300 messages, not a stall.
    assert fake.now == 60.0 * len(refused)


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


# Issue 14: events that say what they mean, lenient optional fields, Segment's message read whole.


def entry_id(fake: Harness, selector: str, name: str) -> int:
    """The id of the entry of a selector of the fake account, by name."""
    found: int = next(
        e["id"] for e in fake.api_get(f"/selector/{selector}")[selector] if e["name"] == name
    )
    return found


ANN = {
    "type": "identify",
    "messageId": "ann-1",
    "userId": "u-ann",
    "traits": {
        "email": "ann@example.com",
        "fsContact": True,
        "firstName": "Ann",
        "lifecycleStageId": "abc",
        "campaignId": "x",
    },
}


def test_a_bad_optional_trait_is_dropped_reported_and_the_rest_delivered(
    fake: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="segment_freshsales.delivery"):
        report = fake.client(tmp_path).deliver_all([ANN])
    assert (report.delivered, report.fields_dropped) == (1, 2)
    assert report.first_warnings == [
        "traits.lifecycleStageId dropped: expected an integer (or a string of digits), "
        "got the string 'abc'",
        "traits.campaignId dropped: expected an integer (or a string of digits), "
        "got the string 'x'",
    ]
    [contact] = fake.state()["contacts"]
    assert (contact["first_name"], contact["lifecycle_stage_id"], contact["campaign_id"]) == (
        "Ann",
        None,
        None,
    )
    logged = [
        r.getMessage()
        for r in caplog.records
        if r.name == "segment_freshsales.delivery" and r.levelno == logging.WARNING
    ]
    assert logged == [f"identify ann-1: {warning}" for warning in report.first_warnings]


def test_strict_settings_reject_a_message_with_a_bad_optional_trait(
    fake: Harness, tmp_path: Path
) -> None:
    outcome = fake.client(tmp_path, strict=True).deliver(ANN)
    assert outcome.status == "rejected"
    assert outcome.reason == (
        "invalid event: traits.lifecycleStageId: expected an integer (or a string of digits), "
        "got the string 'abc'"
    )
    assert fake.conformance.checked == 0
    assert fake.state()["contacts"] == []


def test_a_sales_activity_track_makes_the_activity_its_properties_describe(
    fake: Harness, tmp_path: Path
) -> None:
    track = {
        "type": "track",
        "messageId": "sa-1",
        "userId": "ann@example.com",
        "event": "Sales Activity",
        "properties": {
            "title": "Call with Ann",
            "sales_activity_type": "Phone",  # outcome-mandatory in the fake
            "outcome": "Interested",
            "startDate": "2026-05-01T09:30:00Z",
            "endDate": "2026-05-01T09:45:00Z",
            "notes": "Asked about pricing",
            "location": "Berlin",
            "latitude": 52.52,
            "longitude": "13.405",
        },
    }
    outcome = fake.client(tmp_path, owner=OWNER).deliver(track)
    assert outcome.status == "delivered", outcome.reason
    state = fake.state()
    [lead], [activity] = state["leads"], state["sales_activities"]
    assert {k: activity[k] for k in ("title", "notes", "start_date", "end_date", "location")} == {
        "title": "Call with Ann",
        "notes": "Asked about pricing\nSegment messageId: sa-1",
        "start_date": "2026-05-01T09:30:00Z",
        "end_date": "2026-05-01T09:45:00Z",
        "location": "Berlin",
    }
    assert (activity["latitude"], activity["longitude"]) == (52.52, 13.405)
    assert activity["sales_activity_type_id"] == entry_id(fake, "sales_activity_types", "Phone")
    assert activity["sales_activity_outcome_id"] == entry_id(
        fake, "sales_activity_outcomes", "Interested"
    )
    assert (activity["targetable_type"], activity["targetable_id"]) == ("Lead", lead["id"])


def test_a_sales_activity_goes_to_the_deal_its_external_id_names(
    fake: Harness, tmp_path: Path
) -> None:
    client = fake.client(tmp_path, owner=OWNER)
    identify = {
        "type": "identify",
        "userId": "u-ann",
        "traits": {"email": "ann@example.com", "fsContact": True, "deal": {"name": "Pro"}},
    }
    assert client.deliver(identify).status == "delivered"
    [deal] = fake.state()["deals"]
    lookups = len(fake.journal(path="/api/lookup"))
    track = {
        "type": "track",
        "userId": "u-nobody",  # nobody Freshsales knows: the deal is named, no lookup is made
        "event": "sales_activity",
        "properties": {"title": "Demo", "sales_activity_type": "Meeting"},
        "context": {"externalId": [{"type": "Deal", "id": str(deal["id"])}]},
    }
    assert client.deliver(track).status == "delivered"
    [activity] = fake.state()["sales_activities"]
    assert (activity["targetable_type"], activity["targetable_id"]) == ("Deal", deal["id"])
    assert activity["sales_activity_type_id"] == entry_id(fake, "sales_activity_types", "Meeting")
    assert len(fake.journal(path="/api/lookup")) == lookups


def test_an_outcome_the_account_does_not_have_is_rejected_naming_it(
    fake: Harness, tmp_path: Path
) -> None:
    track = {
        "type": "track",
        "userId": "ann@example.com",
        "event": "sales_activity",
        "properties": {"outcome": "Maybe"},
    }
    outcome = fake.client(tmp_path, owner=OWNER).deliver(track)
    assert outcome.status == "rejected"
    assert outcome.reason is not None
    assert "sales_activity_outcomes" in outcome.reason and "'Maybe'" in outcome.reason
    assert fake.state()["sales_activities"] == []


def test_a_lifecycle_stage_track_sets_the_stage_of_a_contact(fake: Harness, tmp_path: Path) -> None:
    client = fake.client(tmp_path)
    contact = {**ANN, "traits": {"email": "ann@example.com", "fsContact": True}}
    assert client.deliver(contact).status == "delivered"
    track = {
        "type": "track",
        "userId": "ann@example.com",
        "event": "lifecycle_stage",
        "properties": {"lifecycle_stage": "Customer"},
    }
    assert client.deliver(track).status == "delivered"
    state = fake.state()
    [contact] = state["contacts"]
    assert contact["lifecycle_stage_id"] == entry_id(fake, "lifecycle_stages", "Customer")
    assert state["leads"] == [] and state["sales_activities"] == []


def test_a_lifecycle_stage_track_updates_a_lead_or_creates_one_with_the_stage(
    fake: Harness, tmp_path: Path
) -> None:
    client = fake.client(tmp_path)
    known = {"type": "identify", "userId": "u-bob", "traits": {"email": "bob@example.com"}}
    assert client.deliver(known).status == "delivered"
    stage = entry_id(fake, "lifecycle_stages", "Sales Qualified Lead")
    for email in ("bob@example.com", "carl@example.com"):
        track = {
            "type": "track",
            "userId": email,
            "event": "Lifecycle Stage",
            "properties": {"lifecycleStageId": stage},
        }
        assert client.deliver(track).status == "delivered"
    leads = {lead["email"]: lead["lifecycle_stage_id"] for lead in fake.state()["leads"]}
    assert leads == {"bob@example.com": stage, "carl@example.com": stage}
    assert len(fake.journal(method="PUT")) == 1  # bob's lead; carl's was created with it


def test_a_lifecycle_stage_the_account_does_not_have_is_rejected(
    fake: Harness, tmp_path: Path
) -> None:
    track = {
        "type": "track",
        "userId": "ann@example.com",
        "event": "lifecycle_stage",
        "properties": {"lifecycle_stage": "Trial"},
    }
    outcome = fake.client(tmp_path).deliver(track)
    assert outcome.status == "rejected"
    assert outcome.reason is not None
    assert "lifecycle_stages" in outcome.reason and "'Trial'" in outcome.reason
    assert fake.state()["leads"] == []


def test_a_lifecycle_stage_for_nobody_known_is_rejected_not_delivered(
    fake: Harness, tmp_path: Path
) -> None:
    track = {
        "type": "track",
        "userId": "u-nobody",
        "event": "lifecycle_stage",
        "properties": {"lifecycle_stage": "Customer"},
    }
    outcome = fake.client(tmp_path).deliver(track)
    assert outcome.status == "rejected"
    assert outcome.reason is not None and "external_id 'u-nobody'" in outcome.reason
    assert [method for method, _, _ in outcome.calls] == ["GET"]  # the lookup, and nothing else


def test_the_event_map_sets_a_stage_and_ignores_events(fake: Harness, tmp_path: Path) -> None:
    client = fake.client(
        tmp_path,
        event_map={"Trial Started": {"lifecycle_stage": "Customer"}, "Heartbeat": None},
    )
    messages = [
        {**ANN, "traits": {"email": "ann@example.com", "fsContact": True}},
        {"type": "track", "userId": "ann@example.com", "event": "Trial Started"},
        {"type": "track", "userId": "ann@example.com", "event": "Heartbeat"},
    ]
    report = client.deliver_all(messages)
    assert (report.delivered, report.skipped, report.by_reason) == (2, 1, {"event_map": 1})
    state = fake.state()
    [contact] = state["contacts"]
    assert contact["lifecycle_stage_id"] == entry_id(fake, "lifecycle_stages", "Customer")
    assert state["sales_activities"] == []


def test_messages_whose_integrations_turn_freshsales_off_are_skipped_unsent(
    fake: Harness, tmp_path: Path
) -> None:
    messages = [
        {**ANN, "integrations": {"All": True, "Freshsales": False}},
        {
            "type": "track",
            "userId": "ann@example.com",
            "event": "E",
            "integrations": {"All": False},
        },
    ]
    report = fake.client(tmp_path, owner=OWNER).deliver_all(messages)
    assert (report.skipped, report.by_reason, report.api_calls) == (2, {"integrations": 2}, 0)
    assert fake.conformance.checked == 0
    on = {**messages[1], "integrations": {"All": False, "Freshsales": True}}
    assert fake.client(tmp_path, owner=OWNER).deliver(on).status == "delivered"


def test_original_timestamp_and_context_traits_are_read(fake: Harness, tmp_path: Path) -> None:
    client = fake.client(tmp_path, owner=OWNER)
    identify = {
        "type": "identify",
        "userId": "u-dan",
        "traits": {"firstName": "Dan"},
        "context": {"traits": {"email": "dan@example.com", "lastName": "Doe", "firstName": "X"}},
    }
    assert client.deliver(identify).status == "delivered"
    [lead] = fake.state()["leads"]
    assert (lead["email"], lead["first_name"], lead["last_name"]) == (
        "dan@example.com",
        "Dan",
        "Doe",
    )
    track = {
        "type": "track",
        "userId": "dan@example.com",
        "event": "Signed Up",
        "originalTimestamp": "2026-05-01T09:59:58.120Z",
    }
    assert client.deliver(track).status == "delivered"
    [activity] = fake.state()["sales_activities"]
    assert activity["start_date"] == activity["end_date"] == "2026-05-01T09:59:58.120Z"


def test_coalescing_never_merges_away_a_dropped_value(fake: Harness, tmp_path: Path) -> None:
    later = {**ANN, "messageId": "ann-2", "traits": {**ANN["traits"], "title": "CTO"}}
    report = fake.client(tmp_path).deliver_all([ANN, later], coalesce=True)
    assert (report.delivered, report.fields_dropped, report.calls_saved) == (2, 4, 0)
    [contact] = fake.state()["contacts"]
    assert (contact["first_name"], contact["job_title"]) == ("Ann", "CTO")
