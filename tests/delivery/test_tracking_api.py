"""With an app token, tracks and pages go to the tracking API of the fake: the seed's examples
land as an event and a page view, spend no REST call, and fall back to sales activities on an
account without a tracking API."""

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.stream import realistic_stream
from contracts import load_translations
from fake_freshsales import AccountConfig, FakeConfig, Limits, create_app
from segment_freshsales import AuthError, Outcome
from tests.dead_letters import dead_letters
from tests.harness import Harness

KEY = "tracking-key-5c1e9b7a20"
TOKEN = "app-token-d41f0c2e"
OWNER = "api-user@acme.example.com"
SEED_CASES = {case.name: case.message for case in load_translations()}
# The seed's track and page examples, as the contract cases marked `seed` hold them.
SEED_TRACK = {**SEED_CASES["seed-track"], "messageId": "track-1"}
SEED_PAGE = {**SEED_CASES["seed-page"], "messageId": "page-1"}


@pytest.fixture
def fake() -> Iterator[Harness]:
    unlimited = Limits(hourly=10**9, per_minute=10**9)
    account = AccountConfig(domain="acme", api_key=KEY, app_token=TOKEN, limits=unlimited)
    app = create_app(FakeConfig(accounts=(account,)))
    harness = Harness(httpx.WSGITransport(app=app), "http://fake.test", KEY)
    harness.admin.add_activity_type("Segment Event")
    harness.admin.add_activity_type("Page View")
    yield harness
    harness.close()


def test_the_seed_track_and_page_land_as_an_event_and_a_page_view(
    fake: Harness, tmp_path: Path
) -> None:
    client = fake.client(tmp_path, app_token=TOKEN)
    report = client.deliver_all([SEED_TRACK, SEED_PAGE])
    assert (report.delivered, report.api_calls, report.tracking_calls) == (2, 0, 2)
    recorded = fake.admin.tracking()
    [event] = recorded["events"]["john.doe@example.com"]
    assert event["name"] == "Email Bounced"
    assert event["campaignName"] == "New Customer Discount"
    [page_view] = recorded["page_views"]["john.doe@example.com"]
    assert page_view["url"] == "http://example.com/pricing"
    # No person was looked up or made, and no sales activity recorded.
    state = fake.state()
    assert state["sales_activities"] == [] and state["leads"] == [] and state["contacts"] == []
    assert fake.journal(path="/api/lookup") == []


def test_the_token_is_sent_only_in_the_body_at_the_account_url(
    fake: Harness, tmp_path: Path
) -> None:
    seen: list[httpx.Request] = []
    inner = fake.conformance

    class Spy(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return inner.handle_request(request)

    fake.conformance = Spy()  # type: ignore[assignment]
    fake.client(tmp_path, app_token=TOKEN).deliver(SEED_TRACK)
    [request] = seen
    assert str(request.url) == "http://fake.test/track/events"
    assert TOKEN.encode() in request.content
    assert TOKEN not in str(request.url) and TOKEN not in str(request.headers)


def test_track_as_activities_keeps_sales_activities(fake: Harness, tmp_path: Path) -> None:
    client = fake.client(tmp_path, app_token=TOKEN, track_as="activities", owner=OWNER)
    assert client.deliver(SEED_TRACK).status == "delivered"
    assert len(fake.state()["sales_activities"]) == 1
    assert fake.admin.tracking()["events"] == {}


def test_an_account_without_the_tracking_api_falls_back_once(
    fake: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake.admin.set_variants({"tracking_api": False})
    client = fake.client(tmp_path, app_token=TOKEN, owner=OWNER)
    second = {**SEED_TRACK, "messageId": "track-2", "event": "Opened"}
    with caplog.at_level(logging.WARNING, logger="segment_freshsales.delivery"):
        report = client.deliver_all([SEED_TRACK, SEED_PAGE, second])
    assert report.delivered == 3
    assert len(fake.state()["sales_activities"]) == 3
    # One 404, then straight to activities: the account is not asked again.
    assert report.tracking_calls == 1
    notices = [r.getMessage() for r in caplog.records if "no tracking API" in r.getMessage()]
    assert notices == [
        "POST /track/events answered 404 (Not found.): this account has no tracking API; "
        "tracks and pages are sent as sales activities from now on"
    ]


def test_a_refused_token_stops_delivery_and_keeps_the_messages(
    fake: Harness, tmp_path: Path
) -> None:
    client = fake.client(tmp_path, app_token="not-the-token")
    with pytest.raises(AuthError, match="401"):
        client.deliver_all([SEED_TRACK, SEED_PAGE])
    kept = dead_letters(tmp_path / "dead-letter.jsonl")
    assert [(r["message"]["messageId"], r["status"]) for r in kept] == [
        ("track-1", "failed"),
        ("page-1", "unsent"),
    ]


def test_in_a_mixed_stream_only_identifies_spend_the_rest_budget(
    fake: Harness, tmp_path: Path
) -> None:
    messages: list[dict[str, Any]] = list(realistic_stream(400, users=40, seed=3))
    rest_calls_by_type: dict[str, int] = {}

    def count(_position: int, message: object, outcome: Outcome) -> None:
        assert isinstance(message, dict)
        rest = [path for _, path, _ in outcome.calls if not path.startswith("/track/")]
        kind = message["type"]
        rest_calls_by_type[kind] = rest_calls_by_type.get(kind, 0) + len(rest)

    client = fake.client(tmp_path, app_token=TOKEN, owner=OWNER)
    report = client.deliver_all(messages, on_outcome=count)
    assert (report.delivered, report.total) == (400, 400)
    tracks_and_pages = sum(m["type"] in ("track", "page") for m in messages)
    assert report.tracking_calls == tracks_and_pages
    assert rest_calls_by_type["track"] == rest_calls_by_type["page"] == 0
    assert report.api_calls == rest_calls_by_type["identify"]
