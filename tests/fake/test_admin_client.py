"""AdminClient against the app in-process (httpx.WSGITransport, no socket): every method has
its effect, and every failure is an AdminError that names the route and keeps keys out."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from flask import Flask

from fake_freshsales import AccountConfig, AdminClient, AdminError, FakeConfig, Limits, create_app

KEY = "admin-client-key"
ORIGIN = "http://fake.test"
SECRET = "globex-secret-key-5f2a"


@pytest.fixture
def app() -> Flask:
    return create_app(FakeConfig(accounts=(AccountConfig(domain="acme", api_key=KEY),)))


@pytest.fixture
def admin(app: Flask) -> Iterator[AdminClient]:
    with AdminClient(ORIGIN, transport=httpx.WSGITransport(app=app)) as client:
        yield client


@pytest.fixture
def api(app: Flask) -> Iterator[httpx.Client]:
    """The Freshsales API of the same app, as the first account."""
    transport = httpx.WSGITransport(app=app)
    headers = {"Authorization": f"Token token={KEY}"}
    with httpx.Client(transport=transport, base_url=ORIGIN, headers=headers) as client:
        yield client


def test_state_and_reset(admin: AdminClient, api: httpx.Client) -> None:
    created = api.post("/api/contacts", json={"contact": {"email": "a@b.com"}}).json()
    assert admin.state()["contacts"] == [created["contact"]]
    assert admin.reset() is None
    assert admin.state() == {
        "leads": [],
        "contacts": [],
        "sales_accounts": [],
        "deals": [],
        "sales_activities": [],
        "notes": [],
    }


def test_journal_with_its_filters(admin: AdminClient, api: httpx.Client) -> None:
    api.get("/api/selector/owners")
    api.post("/api/deals", json={"deal": {"name": "D"}})
    api.get("/api/deals/1")
    assert [(e["method"], e["status"]) for e in admin.journal()] == [
        ("GET", 200),
        ("POST", 200),
        ("GET", 404),
    ]
    assert [e["seq"] for e in admin.journal(method="post")] == [2]
    assert [e["seq"] for e in admin.journal(path="/api/deals")] == [2, 3]
    assert [e["seq"] for e in admin.journal(method="GET", status=404)] == [3]


def test_clock_and_advance_clock(admin: AdminClient, api: httpx.Client) -> None:
    assert admin.clock() == {"now": "2026-01-01T00:00:00+00:00", "epoch": 1767225600.0}
    assert admin.advance_clock(90) == {"now": "2026-01-01T00:01:30+00:00", "epoch": 1767225690.0}
    contact = api.post("/api/contacts", json={"contact": {"email": "a@b.com"}}).json()["contact"]
    assert contact["created_at"] == "2026-01-01T00:01:30+00:00"


def test_set_and_clear_faults(admin: AdminClient, api: httpx.Client) -> None:
    described = admin.set_faults(rate=1.0, statuses=[503], seed=4)
    assert described == {
        "rate": 1.0,
        "statuses": [503],
        "latency_ms": [0, 0],
        "drop_connection_rate": 0.0,
        "seed": 4,
        "bulk_fail_rate": 0.0,
        "bulk_partial_rate": 0.0,
    }
    assert api.get("/api/selector/owners").status_code == 503
    assert admin.clear_faults() is None
    assert api.get("/api/selector/owners").status_code == 200
    assert [e["fault"] for e in admin.journal()] == ["status", None]


def test_add_custom_field(admin: AdminClient, api: httpx.Client) -> None:
    field = admin.add_custom_field("deals", "cf_region", "dropdown", ["EU", "US"], label="Zone")
    assert (field["name"], field["label"], field["type"]) == ("cf_region", "Zone", "dropdown")
    assert [choice["value"] for choice in field["choices"]] == ["EU", "US"]
    listed = api.get("/api/settings/deals/fields").json()["fields"]
    assert listed[-1] == field
    deal = api.post("/api/deals", json={"deal": {"name": "D", "custom_field": {"cf_region": "EU"}}})
    assert deal.json()["deal"]["custom_field"] == {"cf_region": "EU"}


def test_add_activity_type(admin: AdminClient, api: httpx.Client) -> None:
    added = admin.add_activity_type("Segment Event")
    assert added["name"] == "Segment Event"
    listed = api.get("/api/selector/sales_activity_types").json()["sales_activity_types"]
    assert listed[-1] == added


def test_add_account_then_its_key_works(admin: AdminClient, api: httpx.Client) -> None:
    described = admin.add_account(
        "globex",
        SECRET,
        limits=Limits(hourly=10, per_minute=1),
        variants={"custom_fields": "strict", "retry_after": True},
    )
    assert SECRET not in str(described)
    assert (described["domain"], described["limits"]) == ("globex", {"hourly": 10, "per_minute": 1})
    assert {name: described["variants"][name] for name in ("custom_fields", "retry_after")} == {
        "custom_fields": "strict",
        "retry_after": True,
    }
    assert admin.variants(domain="globex")["custom_fields"]["value"] == "strict"
    theirs = {"Authorization": f"Token token={SECRET}"}
    assert api.get("/api/selector/owners", headers=theirs).status_code == 200
    refused = api.get("/api/selector/owners", headers=theirs)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "60")


def test_seed_into_the_first_and_another_account(admin: AdminClient) -> None:
    created = admin.seed({"contacts": [{"email": "a@b.com"}], "deals": [{"name": "D"}]})
    assert [c["email"] for c in created["contacts"]] == ["a@b.com"]
    assert admin.state()["contacts"] == created["contacts"]
    admin.add_account("globex", SECRET)
    theirs = admin.seed({"deals": [{"name": "G"}]}, domain="globex")
    assert admin.state(domain="globex")["deals"] == theirs["deals"]
    assert [d["name"] for d in admin.state()["deals"]] == ["D"]


def test_openapi(admin: AdminClient) -> None:
    document = admin.openapi()
    assert document["openapi"] == "3.0.3"
    assert "/crm/sales/api/contacts/upsert" in document["paths"]


def test_a_refusal_names_the_route_and_status(admin: AdminClient) -> None:
    with pytest.raises(AdminError) as refused:
        admin.state(domain="nowhere")
    assert str(refused.value) == (
        "GET /_fake/state answered 404: "
        '{"errors":{"code":404,"message":["Unknown domain nowhere."]}}'
    )
    with pytest.raises(AdminError, match=r"^POST /_fake/clock answered 400: .*0 or more"):
        admin.advance_clock(-1)


def test_a_refused_account_keeps_its_key_out_of_the_error(admin: AdminClient) -> None:
    with pytest.raises(AdminError) as refused:
        admin.add_account("acme", SECRET)
    assert str(refused.value).startswith("POST /_fake/accounts answered 400: ")
    assert "Domain has already been taken" in str(refused.value)
    assert SECRET not in str(refused.value) and SECRET not in repr(refused.value)


def test_a_remote_client_is_refused_by_the_loopback_guard(app: Flask) -> None:
    remote = httpx.WSGITransport(app=app, remote_addr="10.1.2.3")
    with AdminClient(ORIGIN, transport=remote) as outsider, pytest.raises(AdminError) as refused:
        outsider.reset()
    assert str(refused.value).startswith("POST /_fake/reset answered 403: ")


def test_an_unreachable_fake_is_an_admin_error_not_an_httpx_one() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with (
        AdminClient(ORIGIN, transport=httpx.MockTransport(refuse)) as admin,
        pytest.raises(AdminError) as failed,
    ):
        admin.add_account("globex", SECRET)
    message = str(failed.value)
    assert message == (
        "POST /_fake/accounts: the fake at http://fake.test could not be reached: "
        "connection refused"
    )
    assert SECRET not in message and SECRET not in repr(failed.value)


def test_an_answer_without_json_is_an_admin_error() -> None:
    def html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<h1>hello</h1>")

    with (
        AdminClient(ORIGIN, transport=httpx.MockTransport(html)) as admin,
        pytest.raises(AdminError) as failed,
    ):
        admin.clock()
    assert str(failed.value) == "GET /_fake/clock answered 200 without JSON"


def test_a_closed_client_says_so(app: Flask) -> None:
    with AdminClient(ORIGIN + "/", transport=httpx.WSGITransport(app=app)) as admin:
        assert repr(admin) == "AdminClient('http://fake.test')"
    with pytest.raises(AdminError, match=r"^GET /_fake/clock: this client is closed$"):
        admin.clock()


def test_an_account_with_an_app_token_and_what_its_tracking_recorded(
    admin: AdminClient, api: httpx.Client
) -> None:
    described = admin.add_account(
        "globex", SECRET, app_token="globex-token", tracking_limits=Limits(per_minute=7)
    )
    assert described["tracking_limits"] == {"hourly": 1000, "per_minute": 7}
    assert "globex-token" not in str(described)
    body = {"application_token": "globex-token", "identifier": "a", "visitor": {"plan": "Pro"}}
    assert api.post("/crm/sales/track/visitors", json=body).status_code == 200
    assert admin.tracking(domain="globex") == {
        "visitors": {"a": {"plan": "Pro"}},
        "events": {},
        "page_views": {},
    }
    assert admin.tracking() == {"visitors": {}, "events": {}, "page_views": {}}


def test_bulk_settings(admin: AdminClient, api: httpx.Client) -> None:
    assert admin.bulk() == {"job_seconds": 2.0}
    assert admin.set_bulk(job_seconds=0.5) == {"job_seconds": 0.5}
    with pytest.raises(AdminError, match=r"^POST /_fake/bulk answered 400: .*0 or more"):
        admin.set_bulk(job_seconds=-1)
    assert admin.bulk() == {"job_seconds": 0.5}
