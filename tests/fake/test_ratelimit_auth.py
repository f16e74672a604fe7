"""Authentication, accounts, and per-account budgets on the fake clock; the switches
auth_error_body, reset_unit and retry_after."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales import Limits

if TYPE_CHECKING:
    from conftest import Fake, MakeFake

UNAUTHORISED = {"login": "failed", "message": None}
# The fake clock starts at 2026-01-01T00:00:00Z.
START = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())


def rate_headers(response: Any) -> tuple[str | None, ...]:
    return tuple(
        response.headers.get(f"X-RateLimit-{name}") for name in ("Limit", "Remaining", "Reset")
    )


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Token token=wrong",
        "Token token=",
        "Bearer test-key-acme",
        "token token=test-key-acme",
    ],
)
def test_unknown_or_malformed_key_is_401(fake: Fake, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = fake.client.get("/api/selector/owners", headers=headers)
    assert (response.status_code, response.json) == (401, UNAUTHORISED)
    assert rate_headers(response) == (None, None, None)


@pytest.mark.parametrize(
    ("style", "body"),
    [
        ("login", UNAUTHORISED),
        ("errors", {"errors": {"code": 401, "message": ["Login failed."]}}),
    ],
)
def test_the_401_body_is_a_switch(make_fake: MakeFake, style: str, body: Any) -> None:
    fake = make_fake(variants={"auth_error_body": style})
    # A wrong key names no account: the default (first) account's switch decides.
    fake.admin_client.add_account("other", "other-key")
    for root in ("/api", "/crm/sales/api"):
        response = fake.client.post(f"{root}/contacts", headers={"Authorization": "Token token=x"})
        assert (response.status_code, response.json) == (401, body)


def test_the_key_picks_the_account(fake: Fake) -> None:
    fake.admin_client.add_account("globex", "globex-key")
    fake.create("contacts", "contact", {"email": "a@b.com"})
    theirs = fake.post("/contacts", {"contact": {"email": "a@b.com"}}, key="globex-key")
    assert theirs.status_code == 200
    assert theirs.json["contact"]["id"] == 71000000001
    assert [c["id"] for c in fake.state()["contacts"]] == [70000000001]
    assert [c["id"] for c in fake.state("globex")["contacts"]] == [71000000001]
    owners = fake.get("/selector/owners", key="globex-key").json["users"]
    assert owners[0]["email"] == "api-user@globex.example.com"


def test_every_authenticated_answer_carries_rate_headers(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=1000, per_minute=400))
    assert rate_headers(fake.get("/selector/owners")) == ("400", "399", "60")
    assert rate_headers(fake.get("/contacts/1")) == ("400", "398", "60")
    fake.admin_client.advance_clock(45)
    assert rate_headers(fake.post("/contacts", [])) == ("400", "397", "15")


def test_headers_describe_the_window_with_fewest_requests_left(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=5, per_minute=4))
    assert rate_headers(fake.get("/selector/owners")) == ("4", "3", "60")
    fake.admin_client.advance_clock(60)
    # A tie, 3 left in the refilled minute and in the hour: the later reset is described.
    assert rate_headers(fake.get("/selector/owners")) == ("5", "3", "3540")


def test_exhaust_the_minute_then_advance_the_clock(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=100, per_minute=3))
    for remaining in ("2", "1", "0"):
        assert rate_headers(fake.get("/selector/owners"))[1] == remaining
    blocked = fake.get("/selector/owners")
    assert blocked.status_code == 429
    assert blocked.json == {
        "errors": {
            "code": 429,
            "message": ["Request limit exceeded: 3 requests per minute for this account."],
        }
    }
    assert rate_headers(blocked) == ("3", "0", "60")
    assert "Retry-After" not in blocked.headers
    fake.admin_client.advance_clock(59)
    assert rate_headers(fake.get("/selector/owners")) == ("3", "0", "1")
    fake.admin_client.advance_clock(1)
    refilled = fake.get("/selector/owners")
    assert (refilled.status_code, rate_headers(refilled)) == (200, ("3", "2", "60"))


def test_refused_requests_do_not_consume_budget(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=3, per_minute=3))
    for _ in range(3):
        fake.get("/selector/owners")
    for _ in range(5):
        assert fake.get("/selector/owners").status_code == 429
    fake.admin_client.advance_clock(3600)
    assert rate_headers(fake.get("/selector/owners")) == ("3", "2", "3600")


def test_the_hourly_budget_blocks_across_minutes(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=2, per_minute=400))
    fake.get("/selector/owners")
    fake.admin_client.advance_clock(120)
    fake.get("/selector/owners")
    blocked = fake.get("/selector/owners")
    assert blocked.json["errors"]["message"] == [
        "Request limit exceeded: 2 requests per hour for this account."
    ]
    assert rate_headers(blocked) == ("2", "0", "3480")


@pytest.mark.parametrize("enabled", [False, True])
def test_retry_after_only_when_the_account_enables_it(make_fake: MakeFake, enabled: bool) -> None:
    fake = make_fake(limits=Limits(hourly=100, per_minute=1), variants={"retry_after": enabled})
    fake.get("/selector/owners")
    fake.admin_client.advance_clock(20)
    blocked = fake.get("/selector/owners")
    assert (blocked.status_code, blocked.headers.get("Retry-After")) == (
        429,
        "40" if enabled else None,
    )
    # Only a refusal carries it.
    fake.admin_client.advance_clock(40)
    assert "Retry-After" not in fake.get("/selector/owners").headers


def test_retry_after_is_the_wait_of_the_refusing_window(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=2, per_minute=400), variants={"retry_after": True})
    fake.get("/selector/owners")
    fake.admin_client.advance_clock(120)
    fake.get("/selector/owners")
    blocked = fake.get("/selector/owners")
    assert blocked.headers["Retry-After"] == "3480"


def test_retry_after_stays_in_seconds_when_reset_is_an_epoch(make_fake: MakeFake) -> None:
    fake = make_fake(
        limits=Limits(hourly=100, per_minute=1),
        variants={"retry_after": True, "reset_unit": "epoch"},
    )
    fake.get("/selector/owners")
    fake.admin_client.advance_clock(15)
    blocked = fake.get("/selector/owners")
    assert (blocked.headers["Retry-After"], blocked.headers["X-RateLimit-Reset"]) == (
        "45",
        str(START + 60),
    )


@pytest.mark.parametrize(
    ("unit", "resets"),
    [
        ("seconds", ["60", "15", "60"]),
        ("epoch", [str(START + 60), str(START + 60), str(START + 120)]),
    ],
)
def test_the_reset_header_unit_is_a_switch(
    make_fake: MakeFake, unit: str, resets: list[str]
) -> None:
    fake = make_fake(variants={"reset_unit": unit})
    seen = [fake.get("/selector/owners").headers["X-RateLimit-Reset"]]
    fake.admin_client.advance_clock(45)
    seen.append(fake.get("/selector/owners").headers["X-RateLimit-Reset"])
    fake.admin_client.advance_clock(15)  # into the next minute
    seen.append(fake.get("/selector/owners").headers["X-RateLimit-Reset"])
    assert seen == resets


def test_accounts_have_separate_budgets(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=100, per_minute=1))
    fake.admin_client.add_account("b", "b-key", limits=Limits(hourly=10, per_minute=10))
    fake.get("/selector/owners")
    assert fake.get("/selector/owners").status_code == 429
    assert fake.get("/selector/owners", key="b-key").status_code == 200


def test_admin_routes_never_count(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=100, per_minute=1))
    for _ in range(3):
        fake.admin("GET", "/state")
    assert fake.get("/selector/owners").status_code == 200


def test_a_ticking_clock_follows_real_time() -> None:
    from datetime import UTC, datetime

    from fake_freshsales.harness.clock import FakeClock

    readings = iter([100.0, 102.5])
    clock = FakeClock(
        datetime(2026, 1, 1, tzinfo=UTC), ticks=True, monotonic=lambda: next(readings)
    )
    assert clock.isoformat(clock.now()) == "2026-01-01T00:00:02+00:00"
