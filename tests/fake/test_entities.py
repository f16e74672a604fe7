"""Create, read, update and delete of leads, contacts, accounts and deals, on both roots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Fake

SUITE = "/crm/sales/api"
NO_ROUTE = {"errors": {"code": 404, "message": ["Not found."]}}


def not_in_crm(label: str) -> dict[str, Any]:
    return {"errors": {"code": 404, "message": [f"The {label} is not in the CRM."]}}


def errors(*messages: str, code: int = 400) -> dict[str, Any]:
    return {"errors": {"code": code, "message": list(messages)}}


def test_create_contact_renders_the_recorded_shape(fake: Fake) -> None:
    response = fake.post(
        "/contacts",
        {"contact": {"first_name": "Jane", "last_name": "Doe", "emails": "jane@example.com"}},
    )
    assert response.status_code == 200
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


@pytest.mark.parametrize(
    ("plural", "singular", "attributes"),
    [
        ("contacts", "contact", {"email": "a@b.com"}),
        ("leads", "lead", {"email": "a@b.com"}),
        ("sales_accounts", "sales_account", {"name": "Acme"}),
        ("deals", "deal", {"name": "D"}),
    ],
)
def test_create_answers_200(
    fake: Fake, plural: str, singular: str, attributes: dict[str, Any]
) -> None:
    response = fake.post(f"/{plural}", {singular: attributes})
    assert response.status_code == 200
    assert response.json[singular]["id"] == 70000000001


def test_delete_answers_200_true_then_the_record_is_gone(fake: Fake) -> None:
    deal = fake.create("deals", "deal", {"name": "Big"})
    response = fake.delete(f"/deals/{deal['id']}")
    assert (response.status_code, response.content_type, response.json) == (
        200,
        "application/json",
        True,
    )
    assert fake.get(f"/deals/{deal['id']}").json == not_in_crm("deal")
    assert fake.delete(f"/deals/{deal['id']}").status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize(
    ("plural", "label"),
    [
        ("contacts", "contact"),
        ("leads", "lead"),
        ("sales_accounts", "sales account"),
        ("deals", "deal"),
        ("sales_activities", "sales activity"),
    ],
)
def test_unknown_id_is_404_naming_the_record_type(
    fake: Fake, method: str, plural: str, label: str
) -> None:
    response = fake.call(method, f"/{plural}/123", {})
    assert (response.status_code, response.json) == (404, not_in_crm(label))


def test_body_that_is_not_json_is_400(fake: Fake) -> None:
    response = fake.post("/contacts", data="{nope", content_type="application/json")
    assert response.json == errors("The request body is not valid JSON.")


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_not_sent_as_json_is_400(fake: Fake, method: str, content_type: str | None) -> None:
    contact = fake.create("contacts", "contact", {"email": "a@b.com"})
    path = "/contacts" if method == "POST" else f"/contacts/{contact['id']}"
    body = '{"contact": {"email": "c@d.com"}}'
    response = fake.call(method, path, data=body, content_type=content_type)
    assert (response.status_code, response.json) == (400, errors("Invalid or missing attributes"))
    charset = fake.call(method, path, data=body, content_type="application/json; charset=utf-8")
    assert charset.status_code == 200


def test_an_empty_body_needs_no_content_type(fake: Fake) -> None:
    response = fake.call("POST", "/deals", data="")
    assert response.json == errors("param is missing or the value is empty: deal")


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
    response = fake.post("/contacts", {"contact": {"emails": ["a@b.com", "nope", "no pe"]}})
    assert response.json == errors(
        "nope is an invalid email address", "no pe is an invalid email address"
    )
    assert fake.post("/leads", {"lead": {"email": "x"}}).json == errors(
        "x is an invalid email address"
    )


@pytest.mark.parametrize(("plural", "singular"), [("contacts", "contact"), ("leads", "lead")])
def test_duplicate_email_on_create_names_the_address_as_sent(
    fake: Fake, plural: str, singular: str
) -> None:
    fake.create(plural, singular, {"emails": ["a@b.com", "second@b.com"]})
    response = fake.post(f"/{plural}", {singular: {"email": "SECOND@b.com"}})
    assert (response.status_code, response.json) == (400, errors("SECOND@b.com already exists."))


def test_leads_and_contacts_keep_separate_address_books(fake: Fake) -> None:
    fake.create("contacts", "contact", {"email": "a@b.com"})
    assert fake.post("/leads", {"lead": {"email": "a@b.com"}}).status_code == 200


def test_duplicate_email_on_update_is_400(fake: Fake) -> None:
    fake.create("contacts", "contact", {"email": "a@b.com"})
    other = fake.create("contacts", "contact", {"email": "b@b.com"})
    response = fake.put(f"/contacts/{other['id']}", {"contact": {"email": "A@b.com"}})
    assert response.json == errors("A@b.com already exists.")
    assert fake.get(f"/contacts/{other['id']}").json["contact"]["email"] == "b@b.com"


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize(("plural", "singular"), [("contacts", "contact"), ("leads", "lead")])
def test_names_longer_than_255_characters_are_refused(
    fake: Fake, plural: str, singular: str, field: str
) -> None:
    label = field.replace("_", " ").capitalize()
    response = fake.post(f"/{plural}", {singular: {"email": "a@b.com", field: "x" * 256}})
    assert (response.status_code, response.json) == (
        400,
        errors(f"{label} is not in required length"),
    )
    longest = fake.post(f"/{plural}", {singular: {"email": "a@b.com", field: "x" * 255}})
    assert longest.status_code == 200


@pytest.mark.parametrize(
    ("field", "selector", "message"),
    [
        ("contact_status_id", "contact_statuses", "Invalid contact status provided."),
        ("lifecycle_stage_id", "lifecycle_stages", "Invalid lifecycle stage provided."),
        ("lead_source_id", "lead_sources", "Invalid lead source provided."),
        ("owner_id", "owners", "Invalid owner provided."),
    ],
)
def test_an_unknown_picklist_entry_is_refused(
    fake: Fake, field: str, selector: str, message: str
) -> None:
    response = fake.post("/contacts", {"contact": {"email": "a@b.com", field: 1}})
    assert (response.status_code, response.json) == (400, errors(message))
    answer = fake.get(f"/selector/{selector}").json
    known = next(iter(answer.values()))[0]["id"]
    created = fake.post("/contacts", {"contact": {"email": "a@b.com", field: known}})
    assert created.json["contact"][field] == known


def test_every_unknown_link_is_listed(fake: Fake) -> None:
    response = fake.post(
        "/deals",
        {"deal": {"name": "D", "deal_stage_id": 1, "currency_id": 2, "sales_account_id": 3}},
    )
    assert response.json == errors(
        "Invalid sales account provided.",
        "Deal stage doesn't exist",
        "Invalid currency provided.",
    )


@pytest.mark.parametrize("website", ["acme.com", "https://www.acme.com/about", "a.b"])
def test_an_account_website_that_is_a_host_name_or_url_is_kept(fake: Fake, website: str) -> None:
    account = fake.create("sales_accounts", "sales_account", {"name": "A", "website": website})
    assert account["website"] == website


@pytest.mark.parametrize("website", ["acme", "acme .com", " ", "http://localhost"])
def test_an_account_website_without_a_dot_or_with_a_space_is_refused(
    fake: Fake, website: str
) -> None:
    response = fake.post("/sales_accounts", {"sales_account": {"name": "A", "website": website}})
    assert (response.status_code, response.json) == (
        400,
        errors("website is not in required format"),
    )


def test_an_empty_account_website_clears_it(fake: Fake) -> None:
    account = fake.create("sales_accounts", "sales_account", {"name": "A", "website": ""})
    assert account["website"] is None
    path = f"/sales_accounts/{account['id']}"
    fake.put(path, {"sales_account": {"website": "acme.com"}})
    cleared = fake.put(path, {"sales_account": {"website": ""}})
    assert (cleared.status_code, cleared.json["sales_account"]["website"]) == (200, None)


def test_suite_contacts_need_an_email_classic_ones_do_not(fake: Fake) -> None:
    body = {"contact": {"first_name": "No", "external_id": "u-1"}}
    refused = fake.post("/contacts", body, root=SUITE)
    assert (refused.status_code, refused.json) == (400, errors("Need to fill this Email"))
    upsert = {"unique_identifier": {"external_id": "u-1"}, "contact": {"first_name": "No"}}
    assert fake.post("/contacts/upsert", upsert, root=SUITE).json == errors(
        "Need to fill this Email"
    )
    assert fake.state()["contacts"] == []
    classic = fake.post("/contacts", body)
    assert classic.status_code == 200
    # Only a new contact must have one: an existing one keeps working on the Suite host.
    updated = fake.post("/contacts/upsert", upsert, root=SUITE)
    assert (updated.status_code, updated.json["contact"]["email"]) == (200, None)


def test_duplicate_account_name_is_400_whatever_the_case(fake: Fake) -> None:
    fake.create("sales_accounts", "sales_account", {"name": "Acme"})
    response = fake.post("/sales_accounts", {"sales_account": {"name": "ACME"}})
    assert response.json == errors("Name has already been taken")


def test_deal_names_may_repeat(fake: Fake) -> None:
    fake.create("deals", "deal", {"name": "Renewal"})
    assert fake.post("/deals", {"deal": {"name": "Renewal"}}).status_code == 200


@pytest.mark.parametrize(
    ("plural", "singular", "message"),
    [
        ("sales_accounts", "sales_account", "Name can't be blank"),
        ("deals", "deal", "Deal name can't be empty"),
    ],
)
def test_name_is_required(fake: Fake, plural: str, singular: str, message: str) -> None:
    assert fake.post(f"/{plural}", {singular: {"name": ""}}).json == errors(message)
    assert fake.post(f"/{plural}", {singular: {}}).json == errors(message)
    record = fake.create(plural, singular, {"name": "X"})
    response = fake.put(f"/{plural}/{record['id']}", {singular: {"name": None}})
    assert response.json == errors(message)


def test_an_amount_that_is_not_a_number_is_400(fake: Fake) -> None:
    response = fake.post("/deals", {"deal": {"name": "D", "amount": "abc"}})
    assert (response.status_code, response.json) == (
        400,
        errors("The type for amount is invalid."),
    )


def test_deal_amount_is_rendered_as_a_decimal_string(fake: Fake) -> None:
    deal = fake.create("deals", "deal", {"name": "D", "amount": 50000})
    assert deal["amount"] == "50000.0"
    updated = fake.put(f"/deals/{deal['id']}", {"deal": {"amount": 12.5}}).json["deal"]
    assert updated["amount"] == "12.5"
    zero = fake.put(f"/deals/{deal['id']}", {"deal": {"amount": 0}}).json["deal"]
    assert zero["amount"] == "0.0"


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
    assert (response.status_code, response.json) == (404, NO_ROUTE)
    # The route does not exist, so neither the body nor its media type is looked at.
    raw = fake.call(method, path, data="{nope", content_type="text/plain", root=SUITE)
    assert (raw.status_code, raw.json) == (404, NO_ROUTE)


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
    assert (response.status_code, response.json) == (404, NO_ROUTE)
    outside = fake.client.get("/elsewhere")
    assert (outside.status_code, outside.json) == (404, NO_ROUTE)


def test_wrong_method_is_a_json_405(fake: Fake) -> None:
    response = fake.call("PATCH", "/contacts/1")
    assert response.status_code == 405
    assert response.json == errors("The method is not allowed for the requested URL.", code=405)
