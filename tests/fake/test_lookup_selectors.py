"""GET /lookup and GET /selector/<name>."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales.models.errors import ApiError
from fake_freshsales.models.selectors import Selectors
from fake_freshsales.models.store import IdSequence

if TYPE_CHECKING:
    from conftest import Fake, MakeFake

SUITE = "/crm/sales/api"


def errors(*messages: str, code: int = 400) -> dict[str, Any]:
    return {"errors": {"code": code, "message": list(messages)}}


def without(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in keys}


def test_lookup_by_email_is_exact_and_ignores_case(fake: Fake) -> None:
    contact = fake.create("contacts", "contact", {"emails": ["Jane@Example.com", "j2@b.com"]})
    fake.create("contacts", "contact", {"email": "janet@example.com"})
    response = fake.get(
        "/lookup", query_string={"q": "jane@example.COM", "f": "email", "entities": "contact"}
    )
    row = without(contact, "sales_account_id", "sales_accounts")
    assert (response.status_code, response.json) == (200, {"contacts": {"contacts": [row]}})


def test_lookup_rows_carry_no_account_links(fake: Fake) -> None:
    account = fake.create("sales_accounts", "sales_account", {"name": "Acme"})
    contact = fake.create(
        "contacts", "contact", {"email": "a@b.com", "sales_account_id": account["id"]}
    )
    lead = fake.create("leads", "lead", {"email": "a@b.com", "company": {"name": "Acme"}})
    deal = fake.create("deals", "deal", {"name": "D", "sales_account_id": account["id"]})
    found = fake.get("/lookup", query_string={"q": "a@b.com", "f": "email"}).json
    assert found["contacts"]["contacts"] == [without(contact, "sales_account_id", "sales_accounts")]
    assert found["leads"]["leads"] == [without(lead, "company")]
    # Only people lose their links; the records themselves keep them.
    by_name = fake.get("/lookup", query_string={"q": "D", "f": "name", "entities": "deal"}).json
    assert by_name["deals"]["deals"] == [deal]
    assert fake.get(f"/contacts/{contact['id']}").json["contact"] == contact
    assert fake.state()["contacts"][0]["sales_account_id"] == account["id"]


def test_lookup_answers_one_key_per_requested_entity(fake: Fake) -> None:
    lead = fake.create("leads", "lead", {"email": "x@y.z", "external_id": "u1"})
    response = fake.get(
        "/lookup", query_string={"q": "u1", "f": "external_id", "entities": "contact,lead,deal"}
    )
    assert response.json == {
        "contacts": {"contacts": []},
        "leads": {"leads": [without(lead, "company")]},
        "deals": {"deals": []},
    }


@pytest.mark.parametrize("supported", [True, False])
def test_lookup_by_external_id_is_a_switch(make_fake: MakeFake, supported: bool) -> None:
    fake = make_fake(variants={"lookup_external_id": supported})
    fake.create("contacts", "contact", {"email": "x@y.z", "external_id": "u1"})
    query = {"q": "u1", "f": "external_id", "entities": "contact"}
    response = fake.get("/lookup", query_string=query)
    if supported:
        assert [c["external_id"] for c in response.json["contacts"]["contacts"]] == ["u1"]
    else:
        assert (response.status_code, response.json) == (400, errors("Invalid f provided."))
    # Other keys are not affected.
    by_email = {"q": "x@y.z", "f": "email", "entities": "contact"}
    assert len(fake.get("/lookup", query_string=by_email).json["contacts"]["contacts"]) == 1


def test_lookup_by_name_finds_accounts_and_deals(fake: Fake) -> None:
    account = fake.create("sales_accounts", "sales_account", {"name": "Acme"})
    response = fake.get(
        "/lookup", query_string={"q": "acme", "f": "name", "entities": "sales_account"}
    )
    assert response.json == {"sales_accounts": {"sales_accounts": [account]}}


def test_lookup_defaults_to_every_entity_of_the_host(fake: Fake) -> None:
    query = {"q": "a@b.com", "f": "email"}
    assert set(fake.get("/lookup", query_string=query).json) == {
        "leads",
        "contacts",
        "sales_accounts",
        "deals",
    }
    suite = fake.get("/lookup", query_string=query, root=SUITE).json
    assert set(suite) == {"contacts", "sales_accounts", "deals"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"f": "email"}, "param is missing or the value is empty: q"),
        ({"q": "a@b.com"}, "param is missing or the value is empty: f"),
        ({"q": "a", "f": "colour"}, "Invalid f provided."),
        ({"q": "a", "f": "email", "entities": "contact,person"}, "Invalid entities provided."),
    ],
)
def test_bad_lookup_is_400(fake: Fake, query: dict[str, str], message: str) -> None:
    response = fake.get("/lookup", query_string=query)
    assert (response.status_code, response.json) == (400, errors(message))


def test_leads_cannot_be_looked_up_on_the_suite_host(fake: Fake) -> None:
    response = fake.get(
        "/lookup", query_string={"q": "a", "f": "email", "entities": "lead"}, root=SUITE
    )
    assert response.json == errors("Invalid entities provided.")


def test_default_activity_types_have_the_recorded_shape(fake: Fake) -> None:
    types = fake.get("/selector/sales_activity_types").json["sales_activity_types"]
    assert [t["name"] for t in types] == [
        "Chat",
        "Phone",
        "Meeting",
        "Task",
        "Email",
        "SMS Outgoing",
        "Reminder",
        "SMS Incoming",
    ]
    phone = types[1]
    assert phone == {
        "partial": True,
        "id": phone["id"],
        "name": "Phone",
        "internal_name": "phone",
        "show_in_conversation": True,
        "position": 7,
        "is_default": True,
        "is_checkedin": False,
        "is_checkedin_mandatory": False,
        "is_outcome_mandatory": True,
    }
    assert [t["name"] for t in types if t["is_checkedin"]] == ["Meeting"]
    assert [t["name"] for t in types if t["is_outcome_mandatory"]] == ["Phone"]
    assert not any(t["is_checkedin_mandatory"] for t in types)


@pytest.mark.parametrize("mandatory", [False, True])
def test_an_added_activity_type_may_need_an_outcome(mandatory: bool) -> None:
    selectors = Selectors(IdSequence(1), {"id": 0})
    added = selectors.add_activity_type("Demo", outcome_mandatory=mandatory)
    assert (added["is_outcome_mandatory"], added["is_checkedin_mandatory"]) == (mandatory, False)
    assert selectors.needs_outcome(added["id"]) is mandatory
    assert selectors.add_activity_type("Visit")["is_outcome_mandatory"] is False
    with pytest.raises(ApiError) as refused:
        selectors.add_activity_type("Call", outcome_mandatory="yes")
    assert refused.value.messages == ["The type for outcome_mandatory is invalid."]


def test_an_added_activity_type_is_listed(fake: Fake) -> None:
    added = fake.admin("POST", "/activity-types", {"name": "Segment Event"})
    assert added.status_code == 201
    entry = added.json["sales_activity_type"]
    assert entry == {
        "partial": True,
        "id": entry["id"],
        "name": "Segment Event",
        "internal_name": "segment_event",
        "show_in_conversation": False,
        "position": 9,
        "is_default": False,
        "is_checkedin": False,
        "is_checkedin_mandatory": False,
        "is_outcome_mandatory": False,
    }
    types = fake.get("/selector/sales_activity_types").json["sales_activity_types"]
    assert types[-1] == entry
    again = fake.admin("POST", "/activity-types", {"name": "segment event"})
    assert again.json == errors("Name has already been taken")


def test_owners_answer_as_users(fake: Fake) -> None:
    assert fake.get("/selector/owners").json == {
        "users": [
            {
                "id": 70500000001,
                "display_name": "API User",
                "email": "api-user@acme.example.com",
                "is_active": True,
            }
        ]
    }


@pytest.mark.parametrize(
    "name",
    [
        "lifecycle_stages",
        "contact_statuses",
        "lead_sources",
        "deal_stages",
        "deal_pipelines",
        "deal_types",
        "deal_reasons",
        "currencies",
        "territories",
        "business_types",
        "industry_types",
        "sales_activity_outcomes",
        "campaigns",
        "deal_payment_statuses",
        "deal_products",
    ],
)
def test_every_picklist_has_seeded_entries(fake: Fake, name: str) -> None:
    entries = fake.get(f"/selector/{name}", root=SUITE).json[name]
    assert entries
    assert all(isinstance(e["id"], int) and e["name"] and e["partial"] for e in entries)


def test_deal_stages_belong_to_the_default_pipeline(fake: Fake) -> None:
    pipeline = fake.get("/selector/deal_pipelines").json["deal_pipelines"][0]
    stages = fake.get("/selector/deal_stages").json["deal_stages"]
    assert {stage["deal_pipeline_id"] for stage in stages} == {pipeline["id"]}
    assert [s["forecast_type"] for s in stages][-2:] == ["Won", "Lost"]


def test_unknown_selector_is_an_unknown_route(fake: Fake) -> None:
    response = fake.get("/selector/colours")
    assert response.json == errors("Not found.", code=404)
