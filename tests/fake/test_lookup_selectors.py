"""GET /lookup and GET /selector/<name>."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Fake

SUITE = "/crm/sales/api"


def errors(*messages: str, code: int = 400) -> dict[str, Any]:
    return {"errors": {"code": code, "message": list(messages)}}


def test_lookup_by_email_is_exact_and_ignores_case(fake: Fake) -> None:
    contact = fake.create("contacts", "contact", {"emails": ["Jane@Example.com", "j2@b.com"]})
    fake.create("contacts", "contact", {"email": "janet@example.com"})
    response = fake.get(
        "/lookup", query_string={"q": "jane@example.COM", "f": "email", "entities": "contact"}
    )
    assert (response.status_code, response.json) == (200, {"contacts": {"contacts": [contact]}})


def test_lookup_answers_one_key_per_requested_entity(fake: Fake) -> None:
    lead = fake.create("leads", "lead", {"email": "x@y.z", "external_id": "u1"})
    response = fake.get(
        "/lookup", query_string={"q": "u1", "f": "external_id", "entities": "contact,lead,deal"}
    )
    assert response.json == {
        "contacts": {"contacts": []},
        "leads": {"leads": [lead]},
        "deals": {"deals": []},
    }


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
    }
    assert [t["name"] for t in types if t["is_checkedin"]] == ["Meeting"]


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


def test_unknown_selector_is_404(fake: Fake) -> None:
    response = fake.get("/selector/colours")
    assert response.json == errors("The resource you have specified cannot be found.", code=404)
