"""The tracking API: /track/visitors, /track/events and /track/page_views at the account URL of
both hosts, with the application token in the body picking the account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales import AccountConfig, FakeConfig, FakeFreshsales, Limits, create_app

if TYPE_CHECKING:
    from conftest import Fake, MakeFake

TOKEN = "test-app-token-acme"
NOW = "2026-01-01T00:00:00+00:00"
NOT_FOUND = {"errors": {"code": 404, "message": ["Not found."]}}
REFUSED = {"errors": {"code": 401, "message": ["Invalid application token."]}}
HOSTS = ("", "/crm/sales")


def errors(*messages: str, code: int = 400) -> dict[str, Any]:
    return {"errors": {"code": code, "message": list(messages)}}


def track(fake: Fake, kind: str, body: Any, *, host: str = "", token: str | None = TOKEN) -> Any:
    sent = dict(body) if isinstance(body, dict) else body
    if token is not None and isinstance(sent, dict):
        sent = {"application_token": token, "sdk": "python", **sent}
    return fake.client.post(f"{host}/track/{kind}", json=sent)


@pytest.fixture
def fake(make_fake: MakeFake) -> Fake:
    return make_fake(app_token=TOKEN)


@pytest.mark.parametrize("host", HOSTS)
def test_each_route_records_per_identifier(fake: Fake, host: str) -> None:
    for kind, body in (
        ("visitors", {"identifier": "ann@b.com", "visitor": {"First name": "Ann"}}),
        ("events", {"identifier": "ann@b.com", "event": {"name": "Signed Up", "plan": "Pro"}}),
        ("page_views", {"identifier": "ann@b.com", "page_view": {"url": "https://x.io/p"}}),
        ("events", {"identifier": "bob@b.com", "event": {"name": "Left"}}),
    ):
        response = track(fake, kind, body, host=host)
        assert (response.status_code, response.json) == (200, {})
    assert fake.admin_client.tracking() == {
        "visitors": {"ann@b.com": {"First name": "Ann"}},
        "events": {
            "ann@b.com": [{"name": "Signed Up", "plan": "Pro", "tracked_at": NOW}],
            "bob@b.com": [{"name": "Left", "tracked_at": NOW}],
        },
        "page_views": {"ann@b.com": [{"url": "https://x.io/p", "tracked_at": NOW}]},
    }
    # Nothing of it reaches the REST records.
    assert fake.state()["contacts"] == []


def test_visitor_properties_merge_and_events_keep_their_order(fake: Fake) -> None:
    track(fake, "visitors", {"identifier": "a", "visitor": {"x": 1, "y": 1}})
    track(fake, "visitors", {"identifier": "a", "visitor": {"y": 2}})
    track(fake, "visitors", {"identifier": "b"})
    track(fake, "events", {"identifier": "a", "event": {"name": "One"}})
    fake.admin("POST", "/clock", {"advance": 5})
    track(fake, "events", {"identifier": "a", "event": {"name": "Two"}})
    recorded = fake.admin_client.tracking()
    assert recorded["visitors"] == {"a": {"x": 1, "y": 2}, "b": {}}
    assert recorded["events"]["a"] == [
        {"name": "One", "tracked_at": NOW},
        {"name": "Two", "tracked_at": "2026-01-01T00:00:05+00:00"},
    ]


@pytest.mark.parametrize("token", ["wrong-token", "", None, 5])
@pytest.mark.parametrize("host", HOSTS)
def test_a_wrong_or_missing_token_is_refused(fake: Fake, token: Any, host: str) -> None:
    body: dict[str, Any] = {"identifier": "a", "event": {"name": "E"}}
    if token is not None:
        body["application_token"] = token
    response = fake.client.post(f"{host}/track/events", json=body)
    assert (response.status_code, response.json) == (401, REFUSED)
    assert "X-RateLimit-Remaining" not in response.headers
    assert fake.admin_client.tracking()["events"] == {}


def test_an_account_without_a_token_takes_no_tracking(make_fake: MakeFake) -> None:
    fake = make_fake()
    response = track(fake, "events", {"identifier": "a", "event": {"name": "E"}}, token="x")
    assert (response.status_code, response.json) == (401, REFUSED)


def test_the_token_picks_the_account(fake: Fake) -> None:
    fake.admin_client.add_account("b", "b-key", app_token="b-token")
    track(fake, "events", {"identifier": "a", "event": {"name": "Theirs"}}, token="b-token")
    assert fake.admin_client.tracking()["events"] == {}
    assert fake.admin_client.tracking("b")["events"] == {
        "a": [{"name": "Theirs", "tracked_at": NOW}]
    }
    [entry] = fake.admin_client.journal(path="/track/events")
    assert entry["account"] == "b"


@pytest.mark.parametrize(
    ("kind", "body", "message"),
    [
        ("events", {"event": {"name": "E"}}, "identifier"),
        ("events", {"identifier": " ", "event": {"name": "E"}}, "identifier"),
        ("events", {"identifier": 5, "event": {"name": "E"}}, "identifier"),
        ("events", {"identifier": "a"}, "event"),
        ("events", {"identifier": "a", "event": {"plan": "Pro"}}, "event.name"),
        ("events", {"identifier": "a", "event": {"name": ""}}, "event.name"),
        ("page_views", {"identifier": "a", "page_view": {}}, "page_view.url"),
        ("page_views", {"identifier": "a", "page_view": {"url": 7}}, "page_view.url"),
    ],
)
def test_a_missing_field_is_400_naming_it(
    fake: Fake, kind: str, body: dict[str, Any], message: str
) -> None:
    response = track(fake, kind, body)
    assert (response.status_code, response.json) == (
        400,
        errors(f"param is missing or the value is empty: {message}"),
    )


def test_a_field_of_the_wrong_type_is_400(fake: Fake) -> None:
    response = track(fake, "visitors", {"identifier": "a", "visitor": ["x"]})
    assert response.json == errors("The type for visitor is invalid.")
    wrapped = fake.client.post(
        "/track/events",
        data=f'{{"application_token": "{TOKEN}", "identifier": "a", "event": {{"name": "E"}}}}',
        content_type="text/plain",
    )
    assert wrapped.json == errors("Invalid or missing attributes")


@pytest.mark.parametrize("host", HOSTS)
def test_without_the_tracking_api_the_routes_are_unknown(make_fake: MakeFake, host: str) -> None:
    fake = make_fake(app_token=TOKEN, variants={"tracking_api": False})
    for kind in ("visitors", "events", "page_views"):
        response = track(fake, kind, {"identifier": "a"}, host=host)
        assert (response.status_code, response.json) == (404, NOT_FOUND)
    # A token that names no account answers as the default account's switch says.
    unknown = track(fake, "events", {"identifier": "a"}, host=host, token="other")
    assert (unknown.status_code, unknown.json) == (404, NOT_FOUND)
    fake.admin_client.set_variants({"tracking_api": True})
    assert track(fake, "visitors", {"identifier": "a"}, host=host).status_code == 200


def test_tracking_spends_a_budget_of_its_own(make_fake: MakeFake) -> None:
    fake = make_fake(app_token=TOKEN, tracking_limits=Limits(hourly=100, per_minute=2))
    body = {"identifier": "a", "event": {"name": "E"}}
    assert track(fake, "events", body).headers["X-RateLimit-Remaining"] == "1"
    assert track(fake, "events", body).headers["X-RateLimit-Remaining"] == "0"
    refused = track(fake, "events", body)
    assert (refused.status_code, refused.json) == (
        429,
        errors("Request limit exceeded: 2 requests per minute for this account.", code=429),
    )
    assert len(fake.admin_client.tracking()["events"]["a"]) == 2
    # The REST budget is untouched.
    assert fake.get("/selector/owners").headers["X-RateLimit-Remaining"] == "399"
    assert track(fake, "events", body).status_code == 429


def test_injected_faults_reach_tracking(fake: Fake) -> None:
    response = fake.client.post(
        "/track/events",
        json={"application_token": TOKEN, "identifier": "a", "event": {"name": "E"}},
        headers={"X-Fake-Fault": "503"},
    )
    assert response.status_code == 503
    assert fake.admin_client.tracking()["events"] == {}


def test_the_journal_never_holds_the_token(fake: Fake) -> None:
    track(fake, "page_views", {"identifier": "a", "page_view": {"url": "https://x.io"}})
    track(fake, "page_views", {"identifier": "a"}, token="wrong-token")
    entries = fake.admin_client.journal(path="/track/page_views")
    assert [(e["status"], e["account"]) for e in entries] == [(200, "acme"), (401, None)]
    assert entries[0]["body"] == {
        "application_token": "[REDACTED]",
        "sdk": "python",
        "identifier": "a",
        "page_view": {"url": "https://x.io"},
    }
    assert TOKEN not in str(entries) and "wrong-token" not in str(entries)


def test_reset_forgets_what_was_tracked(fake: Fake) -> None:
    track(fake, "visitors", {"identifier": "a"})
    fake.admin("POST", "/reset")
    assert fake.admin_client.tracking() == {"visitors": {}, "events": {}, "page_views": {}}


def test_the_token_stays_out_of_reprs_and_must_be_unique() -> None:
    account = AccountConfig(domain="a", api_key="key-1", app_token="token-secret")
    assert "token-secret" not in repr(account)
    assert "app_token='***'" in repr(account)
    twin = AccountConfig(domain="b", api_key="key-2", app_token="token-secret")
    with pytest.raises(ValueError, match="Application token has already been taken"):
        create_app(FakeConfig(accounts=(account, twin)))
    with pytest.raises(ValueError, match="app_token must be a non-empty string"):
        AccountConfig(domain="a", api_key="k", app_token=" ")


def test_the_server_has_a_token_of_its_own_or_the_one_given() -> None:
    assert FakeFreshsales(app_token="given-token").app_token == "given-token"
    generated = FakeFreshsales().app_token
    assert generated and generated != FakeFreshsales().app_token
    assert FakeConfig().accounts[0].app_token
    config = FakeConfig(accounts=(AccountConfig(domain="a", api_key="k"),))
    assert FakeFreshsales(config=config).app_token is None
    with pytest.raises(ValueError, match="either a config or the account settings"):
        FakeFreshsales(config=config, app_token="t")
