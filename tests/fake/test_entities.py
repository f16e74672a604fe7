"""Create, read, update and delete of leads, contacts, accounts and deals, on both roots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Fake

SUITE = "/crm/sales/api"
NOT_FOUND = {
    "errors": {"code": 404, "message": ["The resource you have specified cannot be found."]}
}


def errors(*messages: str, code: int = 400) -> dict[str, Any]:
    return {"errors": {"code": code, "message": list(messages)}}


def test_create_contact_renders_the_recorded_shape(fake: Fake) -> None:
    response = fake.post(
        "/contacts",
        {"contact": {"first_name": "Jane", "last_name": "Doe", "emails": "jane@example.com"}},
    )
    assert response.status_code == 201
    assert response.json == {
        "contact": {
            "id": 70000000001,
            "first_name": "Jane",
            "last_name": "Doe",
            "email": "jane@example.com",
            "emails": [
                {
                    "id": response.json["contact"]["emails"][0]["id"],
                    "value": "jane@example.com",
                    "is_primary": True,
                    "label": None,
                    "_destroy": False,
                }
            ],
            **dict.fromkeys(
                [
                    "job_title",
                    "department",
                    "work_number",
                    "mobile_number",
                    "address",
                    "city",
                    "state",
                    "zipcode",
                    "country",
                    "time_zone",
                    "medium",
                    "keyword",
                    "facebook",
                    "twitter",
                    "linkedin",
                    "external_id",
                    "work_email",
                    "owner_id",
                    "territory_id",
                    "lead_source_id",
                    "campaign_id",
                    "subscription_status",
                    "subscription_types",
                ]
            ),
            "tags": [],
            "contact_status_id": None,
            "lifecycle_stage_id": None,
            "sales_account_id": None,
            "sales_accounts": [],
            "display_name": "Jane Doe",
            "custom_field": {},
            "links": {
                "notes": "/contacts/70000000001/notes?include=creater",
                "activities": "/contacts/70000000001/activities",
            },
            "is_deleted": False,
            "created_at": "2026-01-01T00:00:00+00:00",
            "updated_at": "2026-01-01T00:00:00+00:00",
        }
    }


def test_ids_count_up_and_repeat_after_a_reset(fake: Fake) -> None:
    first = fake.create("sales_accounts", "sales_account", {"name": "A"})["id"]
    second = fake.create("deals", "deal", {"name": "D"})["id"]
    assert (first, second) == (70000000001, 70000000002)
    fake.admin_client.reset()
    assert fake.create("deals", "deal", {"name": "D"})["id"] == 70000000001


def test_get_returns_what_create_returned(fake: Fake) -> None:
    created = fake.create("contacts", "contact", {"email": "a@b.com"})
    response = fake.get(f"/contacts/{created['id']}")
    assert (response.status_code, response.json) == (200, {"contact": created})


def test_update_keeps_absent_keys_and_null_clears(fake: Fake) -> None:
    created = fake.create(
        "contacts", "contact", {"email": "a@b.com", "first_name": "A", "city": "Pune"}
    )
    fake.admin_client.advance_clock(90)
    response = fake.put(
        f"/contacts/{created['id']}", {"contact": {"city": None, "job_title": "CTO"}}
    )
    contact = response.json["contact"]
    assert response.status_code == 200
    assert (contact["first_name"], contact["city"], contact["job_title"]) == ("A", None, "CTO")
    assert contact["created_at"] == "2026-01-01T00:00:00+00:00"
    assert contact["updated_at"] == "2026-01-01T00:01:30+00:00"


def test_delete_answers_204_then_the_record_is_gone(fake: Fake) -> None:
    deal = fake.create("deals", "deal", {"name": "Big"})
    response = fake.delete(f"/deals/{deal['id']}")
    assert (response.status_code, response.data, response.content_type) == (204, b"", None)
    assert fake.get(f"/deals/{deal['id']}").json == NOT_FOUND
    assert fake.delete(f"/deals/{deal['id']}").status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_unknown_id_is_404(fake: Fake, method: str) -> None:
    response = fake.call(method, "/contacts/123", {"contact": {}})
    assert (response.status_code, response.json) == (404, NOT_FOUND)


def test_body_that_is_not_json_is_400(fake: Fake) -> None:
    response = fake.post("/contacts", data="{nope", content_type="application/json")
    assert response.json == errors("The request body is not valid JSON.")


def test_body_that_is_not_an_object_is_400(fake: Fake) -> None:
    assert fake.post("/contacts", [1]).json == errors("The request body must be a JSON object.")


def test_missing_envelope_names_the_key(fake: Fake) -> None:
    response = fake.post("/sales_accounts", {"name": "Acme"})
    assert response.json == errors("param is missing or the value is empty: sales_account")
    assert fake.post("/deals").json == errors("param is missing or the value is empty: deal")


def test_envelope_that_is_not_an_object_is_a_type_error(fake: Fake) -> None:
    assert fake.post("/contacts", {"contact": "x"}).json == errors(
        "The type for contact is invalid."
    )


@pytest.mark.parametrize(
    ("plural", "singular", "field", "value"),
    [
        ("contacts", "contact", "first_name", 5),
        ("contacts", "contact", "owner_id", "12"),
        ("contacts", "contact", "owner_id", True),
        ("contacts", "contact", "tags", "vip"),
        ("contacts", "contact", "emails", 7),
        ("contacts", "contact", "sales_accounts", {"id": 1}),
        ("sales_accounts", "sales_account", "number_of_employees", 1.5),
        ("sales_accounts", "sales_account", "annual_revenue", "1000"),
        ("deals", "deal", "amount", "50000"),
        ("deals", "deal", "expected_close", "30/06/2026"),
        ("deals", "deal", "contacts_added_list", [1, "2"]),
        ("leads", "lead", "company", "Acme"),
    ],
)
def test_wrong_json_type_for_a_standard_field_is_400(
    fake: Fake, plural: str, singular: str, field: str, value: object
) -> None:
    response = fake.post(f"/{plural}", {singular: {"name": "N", field: value}})
    assert (response.status_code, response.json) == (
        400,
        errors(f"The type for {field} is invalid."),
    )


def test_every_type_error_is_listed(fake: Fake) -> None:
    response = fake.post("/leads", {"lead": {"first_name": 1, "company": {"name": 2}}})
    assert response.json == errors(
        "The type for first_name is invalid.", "The type for company.name is invalid."
    )


def test_an_address_without_at_sign_is_refused(fake: Fake) -> None:
    assert fake.post("/contacts", {"contact": {"emails": ["nope"]}}).json == errors(
        "Email is invalid"
    )


def test_duplicate_email_on_create_is_400(fake: Fake) -> None:
    fake.create("contacts", "contact", {"emails": ["a@b.com", "second@b.com"]})
    response = fake.post("/contacts", {"contact": {"email": "SECOND@b.com"}})
    assert response.json == errors("Email has already been taken")
    # Leads and contacts keep separate address books.
    assert fake.post("/leads", {"lead": {"email": "a@b.com"}}).status_code == 201


def test_duplicate_email_on_update_is_400(fake: Fake) -> None:
    fake.create("contacts", "contact", {"email": "a@b.com"})
    other = fake.create("contacts", "contact", {"email": "b@b.com"})
    response = fake.put(f"/contacts/{other['id']}", {"contact": {"email": "a@b.com"}})
    assert response.json == errors("Email has already been taken")
    assert fake.get(f"/contacts/{other['id']}").json["contact"]["email"] == "b@b.com"


def test_duplicate_account_name_is_400_whatever_the_case(fake: Fake) -> None:
    fake.create("sales_accounts", "sales_account", {"name": "Acme"})
    response = fake.post("/sales_accounts", {"sales_account": {"name": "ACME"}})
    assert response.json == errors("Name has already been taken")


def test_deal_names_may_repeat(fake: Fake) -> None:
    fake.create("deals", "deal", {"name": "Renewal"})
    assert fake.post("/deals", {"deal": {"name": "Renewal"}}).status_code == 201


@pytest.mark.parametrize(
    ("plural", "singular"), [("sales_accounts", "sales_account"), ("deals", "deal")]
)
def test_name_is_required(fake: Fake, plural: str, singular: str) -> None:
    assert fake.post(f"/{plural}", {singular: {"name": ""}}).json == errors("Name can't be blank")
    record = fake.create(plural, singular, {"name": "X"})
    response = fake.put(f"/{plural}/{record['id']}", {singular: {"name": None}})
    assert response.json == errors("Name can't be blank")


def test_deal_amount_is_rendered_as_a_decimal_string(fake: Fake) -> None:
    deal = fake.create("deals", "deal", {"name": "D", "amount": 50000})
    assert deal["amount"] == "50000.0"
    updated = fake.put(f"/deals/{deal['id']}", {"deal": {"amount": 12.5}}).json["deal"]
    assert updated["amount"] == "12.5"


def test_lead_keeps_nested_company_and_deal(fake: Fake) -> None:
    lead = fake.create(
        "leads",
        "lead",
        {
            "email": "l@b.com",
            "company": {"name": "Acme", "website": "acme.com"},
            "deal": {"name": "D", "amount": 10},
        },
    )
    assert lead["company"] == {
        "name": "Acme",
        "address": None,
        "city": None,
        "state": None,
        "zipcode": None,
        "country": None,
        "phone": None,
        "website": "acme.com",
        "number_of_employees": None,
        "annual_revenue": None,
        "industry_type_id": None,
        "business_type_id": None,
    }
    assert lead["deal"] == {
        "name": "D",
        "amount": "10.0",
        "currency_id": None,
        "deal_product_id": None,
        "expected_close": None,
    }
    changed = fake.put(
        f"/leads/{lead['id']}", {"lead": {"company": {"city": "Pune", "website": None}}}
    )
    company = changed.json["lead"]["company"]
    assert (company["name"], company["city"], company["website"]) == ("Acme", "Pune", None)


def test_emails_accepts_the_three_request_forms(fake: Fake) -> None:
    contact = fake.create(
        "contacts",
        "contact",
        {
            "emails": [
                {"value": "a@b.com", "label": "work"},
                {"value": "c@d.com", "is_primary": True},
            ]
        },
    )
    assert [(e["value"], e["is_primary"], e["label"]) for e in contact["emails"]] == [
        ("a@b.com", False, "work"),
        ("c@d.com", True, None),
    ]
    assert contact["email"] == "c@d.com"
    path = f"/contacts/{contact['id']}"
    again = fake.put(path, {"contact": {"emails": "A@B.com"}}).json["contact"]
    assert len(again["emails"]) == 2
    gone = fake.put(path, {"contact": {"emails": [{"value": "c@d.com", "_destroy": True}]}})
    assert [(e["value"], e["is_primary"]) for e in gone.json["contact"]["emails"]] == [
        ("a@b.com", True)
    ]


def test_email_replaces_the_primary_address(fake: Fake) -> None:
    contact = fake.create("contacts", "contact", {"email": "old@b.com"})
    response = fake.put(f"/contacts/{contact['id']}", {"contact": {"email": "new@b.com"}})
    emails = response.json["contact"]["emails"]
    assert [(e["id"], e["value"]) for e in emails] == [(contact["emails"][0]["id"], "new@b.com")]


def test_display_name_falls_back_to_the_email(fake: Fake) -> None:
    assert fake.create("contacts", "contact", {"email": "x@y.z"})["display_name"] == "x@y.z"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/leads"),
        ("POST", "/leads/upsert"),
        ("GET", "/leads/70000000001"),
        ("PUT", "/leads/70000000001"),
        ("DELETE", "/leads/70000000001"),
        ("GET", "/settings/leads/fields"),
    ],
)
def test_leads_do_not_exist_on_the_suite_host(fake: Fake, method: str, path: str) -> None:
    fake.create("leads", "lead", {"email": "l@b.com"})
    response = fake.call(method, path, {"lead": {"email": "x@y.z"}}, root=SUITE)
    assert (response.status_code, response.json) == (404, NOT_FOUND)


def test_suite_links_carry_the_crm_prefix(fake: Fake) -> None:
    response = fake.post("/contacts", {"contact": {"email": "a@b.com"}}, root=SUITE)
    assert response.json["contact"]["links"] == {
        "notes": "/crm/sales/contacts/70000000001/notes?include=creater",
        "activities": "/crm/sales/contacts/70000000001/activities",
    }
    # One account, two hosts: the record is there on the classic root too.
    assert fake.get("/contacts/70000000001").status_code == 200


def test_unknown_path_is_a_json_404(fake: Fake) -> None:
    response = fake.get("/nothing/here")
    assert (response.status_code, response.json) == (404, NOT_FOUND)
    outside = fake.client.get("/elsewhere")
    assert (outside.status_code, outside.json) == (404, NOT_FOUND)


def test_wrong_method_is_a_json_405(fake: Fake) -> None:
    response = fake.call("PATCH", "/contacts/1")
    assert response.status_code == 405
    assert response.json == errors("The method is not allowed for the requested URL.", code=405)
