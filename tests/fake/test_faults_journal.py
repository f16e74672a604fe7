"""Injected faults (seeded, forced, dropped) and the request journal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales import FaultConfig, Limits
from fake_freshsales.harness.faults import FaultDecision, FaultInjector

if TYPE_CHECKING:
    from conftest import Fake, MakeFake

FAULTS = {
    "rate": 0.3,
    "statuses": [429, 500, 503],
    "latency_ms": [0, 0],
    "drop_connection_rate": 0.1,
    "seed": 7,
    "bulk_fail_rate": 0.0,
    "bulk_partial_rate": 0.0,
}


def outcomes(fake: Fake, count: int) -> list[int | str]:
    seen: list[int | str] = []
    for _ in range(count):
        response = fake.get("/selector/owners")
        try:
            # In-process, a dropped connection surfaces when the body is read.
            response.get_data()
            seen.append(response.status_code)
        except ConnectionResetError:
            seen.append("drop")
    return seen


def test_faults_are_deterministic_for_a_seed(make_fake: MakeFake) -> None:
    first, second = make_fake(), make_fake()
    for fake in (first, second):
        assert fake.admin("POST", "/faults", FAULTS).json == {"faults": FAULTS}
    sequence = outcomes(first, 40)
    assert sequence == outcomes(second, 40)
    assert {200, "drop"} <= set(sequence)
    assert set(sequence) - {200, "drop"} <= {429, 500, 503}
    assert len(set(sequence)) >= 3
    # Re-posting the same configuration replays the same sequence.
    first.admin("POST", "/faults", FAULTS)
    assert outcomes(first, 40) == sequence


def test_faults_from_the_config_come_back_on_reset(make_fake: MakeFake) -> None:
    fake = make_fake(config={"faults": FaultConfig(rate=1.0, statuses=(502,))})
    assert fake.get("/selector/owners").status_code == 502
    fake.admin("DELETE", "/faults")
    assert fake.get("/selector/owners").status_code == 200
    fake.admin("POST", "/reset")
    assert fake.get("/selector/owners").status_code == 502


def test_injected_status_changes_nothing_and_is_journaled(fake: Fake) -> None:
    body = {"unique_identifier": {"emails": "a@b.com"}, "contact": {}}
    response = fake.post("/contacts/upsert", body, headers={"X-Fake-Fault": "503"})
    assert (response.status_code, response.json) == (
        503,
        {"errors": {"code": 503, "message": ["Service Unavailable"]}},
    )
    assert response.headers["X-RateLimit-Remaining"] == "400"
    assert fake.state()["contacts"] == []
    entry = fake.admin("GET", "/journal").json["journal"][-1]
    assert (entry["status"], entry["fault"], entry["body"]) == (503, "status", body)


def test_forced_drop_raises_connection_reset_in_process(fake: Fake) -> None:
    response = fake.post(
        "/contacts/upsert",
        {"unique_identifier": {"emails": "a@b.com"}, "contact": {}},
        headers={"X-Fake-Fault": "drop"},
    )
    with pytest.raises(ConnectionResetError, match="connection dropped"):
        response.get_data()
    assert fake.state()["contacts"] == []
    entry = fake.admin("GET", "/journal").json["journal"][-1]
    assert (entry["status"], entry["fault"], entry["response"]) == (None, "drop", None)


@pytest.mark.parametrize("value", ["200", "600", "418x", "boom"])
def test_bad_fault_header_is_400(fake: Fake, value: str) -> None:
    response = fake.get("/selector/owners", headers={"X-Fake-Fault": value})
    assert response.json == {
        "errors": {
            "code": 400,
            "message": ["X-Fake-Fault must be an HTTP error status (400-599) or 'drop'."],
        }
    }


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"rate": 2}, "rate must be a number between 0 and 1."),
        ({"drop_connection_rate": -0.1}, "drop_connection_rate must be a number between 0 and 1."),
        ({"statuses": []}, "statuses must be a non-empty list of HTTP error statuses."),
        ({"statuses": [200]}, "statuses must be a non-empty list of HTTP error statuses."),
        ({"latency_ms": [5, 1]}, "latency_ms must be [min, max], 0 <= min <= max <= 60000."),
        ({"seed": "7"}, "seed must be an integer."),
        ({"colour": 1}, "Unknown fault setting colour."),
        ([], "The fault configuration must be a JSON object."),
    ],
)
def test_bad_fault_config_is_400(fake: Fake, config: Any, message: str) -> None:
    response = fake.admin("POST", "/faults", config)
    assert (response.status_code, response.json["errors"]["message"]) == (400, [message])


def test_fault_config_can_be_read_and_cleared(fake: Fake) -> None:
    assert fake.admin("GET", "/faults").json == {"faults": None}
    fake.admin("POST", "/faults", {"rate": 0.5})
    assert fake.admin("GET", "/faults").json == {
        "faults": {
            "rate": 0.5,
            "statuses": [500],
            "latency_ms": [0, 0],
            "drop_connection_rate": 0.0,
            "seed": 0,
            "bulk_fail_rate": 0.0,
            "bulk_partial_rate": 0.0,
        }
    }
    assert fake.admin("DELETE", "/faults").json == {"faults": None}


def test_journal_records_request_and_answer_without_the_key(fake: Fake) -> None:
    fake.post(
        "/contacts",
        {"contact": {"email": "a@b.com"}},
        headers={"User-Agent": "tests", "Cookie": "session=secret"},
    )
    [entry] = fake.admin("GET", "/journal").json["journal"]
    assert entry == {
        "seq": 1,
        "time": "2026-01-01T00:00:00+00:00",
        "method": "POST",
        "path": "/api/contacts",
        "query": {},
        "headers": {
            "Authorization": "[REDACTED]",
            "Content-Type": "application/json",
            "User-Agent": "tests",
        },
        "body": {"contact": {"email": "a@b.com"}},
        "status": 200,
        "response": fake.get("/contacts/70000000001").json,
        "account": "acme",
        "fault": None,
        "duration_ms": entry["duration_ms"],
    }
    assert fake.key not in json.dumps(fake.admin("GET", "/journal").json)


def test_journal_filters(fake: Fake) -> None:
    fake.get("/lookup", query_string={"q": "a@b.com", "f": "email"})
    fake.post("/deals", {"deal": {"name": "D"}}, root="/crm/sales/api")
    fake.get("/deals/1")
    fake.client.get("/api/deals/1")
    journal = fake.admin("GET", "/journal").json["journal"]
    assert [(e["method"], e["path"], e["status"]) for e in journal] == [
        ("GET", "/api/lookup", 200),
        ("POST", "/crm/sales/api/deals", 200),
        ("GET", "/api/deals/1", 404),
        ("GET", "/api/deals/1", 401),
    ]
    assert journal[0]["query"] == {"q": "a@b.com", "f": "email"}
    assert journal[3]["account"] is None

    def seqs(**query: str) -> list[int]:
        return [e["seq"] for e in fake.admin("GET", "/journal", query_string=query).json["journal"]]

    assert seqs(method="post") == [2]
    assert seqs(path="/api/deals") == [3, 4]
    assert seqs(status="404") == [3]
    assert seqs(method="GET", path="/api", status="200") == [1]
    assert fake.admin("GET", "/journal", query_string={"status": "x"}).status_code == 400


def test_journal_keeps_the_last_entries_only(make_fake: MakeFake) -> None:
    fake = make_fake(config={"journal_size": 3})
    for _ in range(5):
        fake.get("/selector/owners")
    assert [e["seq"] for e in fake.admin("GET", "/journal").json["journal"]] == [3, 4, 5]


def test_admin_calls_are_not_journaled(fake: Fake) -> None:
    fake.admin("GET", "/state")
    fake.admin("POST", "/clock", {"advance": 1})
    assert fake.admin("GET", "/journal").json == {"journal": []}


def test_non_json_body_is_journaled_as_text(fake: Fake) -> None:
    fake.post("/contacts", data="not json", content_type="text/plain")
    assert fake.admin("GET", "/journal").json["journal"][0]["body"] == "not json"


def test_injector_draws_latency_in_range_and_repeats_for_a_seed() -> None:
    config = FaultConfig(rate=0.5, statuses=(500, 503), latency_ms=(10, 50), seed=11)
    injector, again = FaultInjector(config), FaultInjector(config)
    decisions = [injector.decide() for _ in range(30)]
    assert decisions == [again.decide() for _ in range(30)]
    assert all(10 <= d.latency_ms <= 50 for d in decisions)
    assert {d.status for d in decisions} == {None, 500, 503}
    assert FaultInjector(None).decide() == FaultDecision()


LIMIT_MESSAGE = "Request limit exceeded: {} requests per {} for this account."


def limit_headers(response: Any) -> tuple[str | None, ...]:
    names = ("Limit", "Remaining", "Reset")
    return tuple(response.headers.get(f"X-RateLimit-{name}") for name in names)


def test_an_injected_429_says_the_per_minute_budget_is_spent(make_fake: MakeFake) -> None:
    # A large hourly budget, as in the report of a 429 that said "2866 s" with 99996 left.
    fake = make_fake(limits=Limits(hourly=100_000, per_minute=100_000))
    fake.admin_client.advance_clock(14)  # 46 s to the end of the minute
    forced = fake.get("/selector/owners", headers={"X-Fake-Fault": "429"})
    assert (forced.status_code, forced.json) == (
        429,
        {"errors": {"code": 429, "message": [LIMIT_MESSAGE.format(100_000, "minute")]}},
    )
    assert limit_headers(forced) == ("100000", "0", "46")
    assert "Retry-After" not in forced.headers
    fake.admin("POST", "/faults", {"rate": 1.0, "statuses": [429], "seed": 1})
    drawn = fake.get("/selector/owners")
    assert (drawn.status_code, limit_headers(drawn)) == (429, ("100000", "0", "46"))
    assert fake.admin("GET", "/journal").json["journal"][-1]["fault"] == "status"
    fake.admin("DELETE", "/faults")
    # Nothing was spent: the next answer tells the budget as it is (on a tie, the hour's).
    assert limit_headers(fake.get("/selector/owners")) == ("100000", "99999", "3586")


def test_an_injected_429_follows_the_accounts_header_switches(make_fake: MakeFake) -> None:
    fake = make_fake(variants={"retry_after": True, "reset_unit": "epoch"})
    fake.admin_client.advance_clock(50)
    forced = fake.get("/selector/owners", headers={"X-Fake-Fault": "429"})
    start = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    assert limit_headers(forced) == ("400", "0", str(start + 60))
    assert forced.headers["Retry-After"] == "10"


def test_an_injected_429_with_the_hour_spent_reports_the_hour(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=1, per_minute=400))
    fake.get("/selector/owners")
    fake.admin_client.advance_clock(60)
    forced = fake.get("/selector/owners", headers={"X-Fake-Fault": "429"})
    assert forced.json["errors"]["message"] == [LIMIT_MESSAGE.format(1, "hour")]
    assert limit_headers(forced) == ("1", "0", "3540")
