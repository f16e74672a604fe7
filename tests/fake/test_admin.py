"""The admin API: reset, state, clock, seed, accounts, and the loopback guard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales import CustomFieldSpec, Limits
from fake_freshsales.models.variants import VARIANT_NAMES, Variants, describe

if TYPE_CHECKING:
    from conftest import Fake, MakeFake


def errors(*messages: str, code: int = 400) -> dict[str, Any]:
    return {"errors": {"code": code, "message": list(messages)}}


def test_state_lists_every_record_type(fake: Fake) -> None:
    contact = fake.create("contacts", "contact", {"email": "a@b.com"})
    response = fake.admin("GET", "/state")
    assert response.json == {
        "leads": [],
        "contacts": [contact],
        "sales_accounts": [],
        "deals": [],
        "sales_activities": [],
        "notes": [],
    }


def test_state_of_an_unknown_domain_is_404(fake: Fake) -> None:
    response = fake.admin("GET", "/state", query_string={"domain": "nowhere"})
    assert (response.status_code, response.json) == (
        404,
        errors("Unknown domain nowhere.", code=404),
    )


def test_reset_returns_to_the_configured_state(make_fake: MakeFake) -> None:
    fake = make_fake(
        custom_fields=(CustomFieldSpec("contacts", "cf_plan", "text"),),
        activity_types=("Segment Event",),
        limits=Limits(hourly=100, per_minute=4),
    )
    fake.create("contacts", "contact", {"email": "a@b.com"})
    fake.get("/selector/owners")
    assert fake.get("/selector/owners").headers["X-RateLimit-Remaining"] == "1"
    fake.admin("POST", "/fields", {"entity": "contacts", "name": "cf_extra", "type": "text"})
    fake.admin("POST", "/activity-types", {"name": "Page View"})
    fake.admin("POST", "/accounts", {"domain": "b", "api_key": "b-key"})
    fake.admin("POST", "/faults", {"rate": 1})
    fake.admin("POST", "/clock", {"advance": 30})
    assert fake.admin("POST", "/reset").json == {"reset": True}

    assert fake.state()["contacts"] == []
    assert fake.admin("GET", "/journal").json == {"journal": []}
    # The budget spent above is whole again.
    assert fake.get("/selector/owners").headers["X-RateLimit-Remaining"] == "3"
    assert fake.admin("GET", "/clock").json["now"] == "2026-01-01T00:00:00+00:00"
    assert fake.admin("GET", "/faults").json == {"faults": None}
    assert fake.get("/selector/owners", key="b-key").status_code == 401
    fields = [f["name"] for f in fake.get("/settings/contacts/fields").json["fields"]]
    assert ("cf_plan" in fields, "cf_extra" in fields) == (True, False)
    types = fake.get("/selector/sales_activity_types").json["sales_activity_types"]
    assert [t["name"] for t in types][-1] == "Segment Event"


def test_clock_can_be_read_and_advanced(fake: Fake) -> None:
    assert fake.admin("GET", "/clock").json == {
        "now": "2026-01-01T00:00:00+00:00",
        "epoch": 1767225600.0,
    }
    assert fake.admin("POST", "/clock", {"advance": 3661.5}).json == {
        "now": "2026-01-01T01:01:01+00:00",
        "epoch": 1767229261.5,
    }
    for bad in ({"advance": -1}, {"advance": "1"}, {}):
        response = fake.admin("POST", "/clock", bad)
        assert response.json == errors("advance must be a number of seconds, 0 or more.")


def test_the_offset_of_timestamps_is_configurable(make_fake: MakeFake) -> None:
    fake = make_fake(config={"utc_offset_minutes": -240})
    contact = fake.create("contacts", "contact", {"email": "a@b.com"})
    assert contact["created_at"] == "2025-12-31T20:00:00-04:00"


def test_seed_creates_records_without_spending_budget(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=100, per_minute=1))
    response = fake.admin(
        "POST",
        "/seed",
        {
            "contacts": [{"email": "a@b.com"}, {"email": "b@b.com"}],
            "sales_accounts": [{"name": "Acme"}],
        },
    )
    assert response.status_code == 201
    seeded = response.json
    assert list(seeded) == ["sales_accounts", "contacts"]
    assert [c["email"] for c in seeded["contacts"]] == ["a@b.com", "b@b.com"]
    assert seeded["sales_accounts"][0]["id"] == 70000000001
    assert fake.state()["contacts"] == seeded["contacts"]
    assert fake.get("/selector/owners").headers["X-RateLimit-Remaining"] == "0"


def test_seed_into_another_domain(fake: Fake) -> None:
    fake.admin("POST", "/accounts", {"domain": "b", "api_key": "b-key"})
    fake.admin("POST", "/seed", {"domain": "b", "deals": [{"name": "D"}]})
    assert (len(fake.state()["deals"]), len(fake.state("b")["deals"])) == (0, 1)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"people": []}, "Unknown record type people."),
        ({"contacts": {"email": "a@b.com"}}, "The type for contacts is invalid."),
        ({"deals": [{"amount": 5}]}, "Deal name can't be empty"),
        ([], "The request body must be a JSON object."),
    ],
)
def test_bad_seed_is_400(fake: Fake, body: Any, message: str) -> None:
    assert fake.admin("POST", "/seed", body).json == errors(message)


def test_seed_file_is_loaded_at_start_and_on_reset(make_fake: MakeFake, tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"contacts": [{"email": "seeded@b.com"}]}))
    fake = make_fake(config={"seed_file": seed})
    assert [c["email"] for c in fake.state()["contacts"]] == ["seeded@b.com"]
    fake.create("contacts", "contact", {"email": "new@b.com"})
    fake.admin("POST", "/reset")
    assert [c["email"] for c in fake.state()["contacts"]] == ["seeded@b.com"]


def test_bad_seed_file_is_a_configuration_error(make_fake: MakeFake, tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"deals": [{}]}))
    with pytest.raises(ValueError, match="invalid configuration: Deal name can't be empty"):
        make_fake(config={"seed_file": seed})
    with pytest.raises(ValueError, match="cannot read seed file"):
        make_fake(config={"seed_file": tmp_path / "missing.json"})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"domain": "acme", "api_key": "x"}, "Domain has already been taken"),
        ({"domain": "b", "api_key": "test-key-acme"}, "API key has already been taken"),
        ({"domain": "", "api_key": "x"}, "domain must be a non-empty string."),
        ({"domain": "b"}, "api_key must be a non-empty string."),
        ({"domain": "b", "api_key": "x", "strict": True}, "Unknown setting strict."),
        ({"domain": "b", "api_key": "x", "variants": []}, "The type for variants is invalid."),
        (
            {"domain": "b", "api_key": "x", "variants": {"retry_after": "yes"}},
            'variant retry_after takes one of false, true; got "yes"',
        ),
        (
            {"domain": "b", "api_key": "x", "variants": {"strict": True}},
            "unknown variant 'strict' (known: " + ", ".join(VARIANT_NAMES) + ")",
        ),
        (
            {"domain": "b", "api_key": "x", "limits": {"hourly": 0}},
            "hourly limit must be a positive integer, got 0",
        ),
        (
            {"domain": "b", "api_key": "x", "limits": {"daily": 5}},
            "limits must be an object with hourly and per_minute.",
        ),
        ({"domain": "b", "api_key": "x", "plan": "pro"}, "Unknown setting plan."),
        ({"domain": "b", "api_key": "x", "app_token": ""}, "app_token must be a non-empty string."),
        (
            {"domain": "b", "api_key": "x", "tracking_limits": []},
            "tracking_limits must be an object with hourly and per_minute.",
        ),
    ],
)
def test_bad_account_is_400(fake: Fake, body: dict[str, Any], message: str) -> None:
    assert fake.admin("POST", "/accounts", body).json == errors(message)


def test_added_account_is_described_without_its_key(fake: Fake) -> None:
    response = fake.admin(
        "POST",
        "/accounts",
        {
            "domain": "b",
            "api_key": "b-secret",
            "variants": {"custom_fields": "strict", "upsert_create_status": 201},
            "limits": {"per_minute": 5},
            "app_token": "b-token",
            "tracking_limits": {"hourly": 50},
        },
    )
    assert "b-token" not in response.text
    assert response.json == {
        "account": {
            "domain": "b",
            "limits": {"hourly": 1000, "per_minute": 5},
            "tracking_limits": {"hourly": 50, "per_minute": 400},
            "variants": {
                **Variants().as_dict(),
                "custom_fields": "strict",
                "upsert_create_status": 201,
            },
            "user": {
                "id": 71500000001,
                "display_name": "API User",
                "email": "api-user@b.example.com",
                "is_active": True,
            },
        }
    }


def test_admin_answers_loopback_clients_only(fake: Fake) -> None:
    remote = {"REMOTE_ADDR": "10.1.2.3"}
    response = fake.client.post("/_fake/reset", environ_base=remote)
    assert (response.status_code, response.json) == (
        403,
        errors("The admin API answers loopback clients only.", code=403),
    )
    ipv6 = fake.client.get("/_fake/clock", environ_base={"REMOTE_ADDR": "::1"})
    assert ipv6.status_code == 200


def test_openapi_document_is_served(fake: Fake) -> None:
    document = fake.admin("GET", "/openapi.json").json
    assert document["openapi"] == "3.0.3"
    assert document["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "Token token=<api key>",
    }
    assert document["x-fake-variants"] == describe(Variants())
    paths = set(document["paths"])
    assert {
        "/api/leads/upsert",
        "/crm/sales/api/contacts/upsert",
        "/api/lookup",
        "/api/leads/bulk_upsert",
        "/crm/sales/api/deals/bulk_upsert",
        "/crm/sales/api/job_statuses/{id}",
    } <= paths
    assert not any(path.startswith("/crm/sales/api/leads") for path in paths)
    assert not any(path.startswith("/_fake") for path in paths)


def test_openapi_documents_every_answer_a_switch_allows(fake: Fake) -> None:
    document = fake.admin("GET", "/openapi.json").json
    upsert = document["paths"]["/crm/sales/api/contacts/upsert"]["post"]["responses"]
    assert {"200", "201"} <= set(upsert)
    assert upsert["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Unauthorized"
    }
    assert document["components"]["schemas"]["Unauthorized"] == {
        "oneOf": [
            {"$ref": "#/components/schemas/LoginFailed"},
            {"$ref": "#/components/schemas/Errors"},
        ]
    }
    assert upsert["429"]["headers"]["Retry-After"]["required"] is False
    leads = document["paths"]["/api/leads/upsert"]["post"]["responses"]["404"]
    assert "leads_upsert" in leads["description"]
    job = document["paths"]["/api/job_statuses/{id}"]["get"]["responses"]["200"]
    assert job["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JobStatus"
    }
