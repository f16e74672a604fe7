"""POST /<entity>/upsert: one unique_identifier key, and the switches that decide its answers:
upsert_create_status, leads_upsert, deal_upsert_by_name and envelope_required."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales import StatusCodes

if TYPE_CHECKING:
    from conftest import Fake, MakeFake

NO_ROUTE = {"errors": {"code": 404, "message": ["Not found."]}}
SUITE = "/crm/sales/api"


def errors(*messages: str) -> dict[str, Any]:
    return {"errors": {"code": 400, "message": list(messages)}}


def test_upsert_creates_then_updates_the_same_contact(fake: Fake) -> None:
    body = {"unique_identifier": {"emails": "jane@example.com"}, "contact": {"first_name": "Jane"}}
    created = fake.post("/contacts/upsert", body)
    assert created.status_code == 200
    body["contact"] = {"last_name": "Doe"}
    updated = fake.post("/contacts/upsert", body)
    assert updated.status_code == 200
    contact = updated.json["contact"]
    assert (contact["id"], contact["first_name"], contact["last_name"]) == (
        created.json["contact"]["id"],
        "Jane",
        "Doe",
    )
    assert contact["email"] == "jane@example.com"
    assert len(fake.state()["contacts"]) == 1


@pytest.mark.parametrize("status", [200, 201])
def test_the_status_of_an_upsert_that_creates_is_a_switch(make_fake: MakeFake, status: int) -> None:
    fake = make_fake(variants={"upsert_create_status": status})
    body = {"unique_identifier": {"name": "Acme"}, "sales_account": {}}
    assert fake.post("/sales_accounts/upsert", body).status_code == status
    # An update is 200 whatever the switch says.
    assert fake.post("/sales_accounts/upsert", body).status_code == 200


def test_upsert_answers_the_whole_record_with_its_links(fake: Fake) -> None:
    account = fake.create("sales_accounts", "sales_account", {"name": "Acme"})
    body = {
        "unique_identifier": {"emails": "a@b.com"},
        "contact": {"sales_account_id": account["id"]},
    }
    contact = fake.post("/contacts/upsert", body).json["contact"]
    assert contact["sales_account_id"] == account["id"]
    assert [link["id"] for link in contact["sales_accounts"]] == [account["id"]]


def test_upsert_matches_emails_whatever_the_case(fake: Fake) -> None:
    fake.create("contacts", "contact", {"emails": ["first@b.com", "Second@b.com"]})
    response = fake.post(
        "/contacts/upsert", {"unique_identifier": {"emails": "second@B.COM"}, "contact": {}}
    )
    assert (response.status_code, len(fake.state()["contacts"])) == (200, 1)


def test_lead_upsert_does_not_exist_by_default(fake: Fake) -> None:
    body = {"unique_identifier": {"emails": "l@b.com"}, "lead": {}}
    response = fake.post("/leads/upsert", body)
    assert (response.status_code, response.json) == (404, NO_ROUTE)
    # Not even looked at: the route is not there.
    raw = fake.post("/leads/upsert", data="{nope", content_type="text/plain")
    assert (raw.status_code, raw.json) == (404, NO_ROUTE)
    assert fake.state()["leads"] == []


@pytest.mark.parametrize("key", ["emails", "external_id", "mobile_number"])
def test_with_leads_upsert_leads_are_upserted_by_each_key(make_fake: MakeFake, key: str) -> None:
    fake = make_fake(variants={"leads_upsert": True})
    value = "u-1@b.com" if key == "emails" else "u-1"
    body = {"unique_identifier": {key: value}, "lead": {"first_name": "L"}}
    assert fake.post("/leads/upsert", body).status_code == 200
    response = fake.post("/leads/upsert", body)
    assert response.status_code == 200
    lead = response.json["lead"]
    assert (lead["email"] if key == "emails" else lead[key]) == value
    assert len(fake.state()["leads"]) == 1


def test_with_leads_upsert_leads_still_do_not_exist_on_the_suite_host(make_fake: MakeFake) -> None:
    fake = make_fake(variants={"leads_upsert": True})
    body = {"unique_identifier": {"emails": "l@b.com"}, "lead": {}}
    response = fake.post("/leads/upsert", body, root=SUITE)
    assert (response.status_code, response.json) == (404, NO_ROUTE)


@pytest.mark.parametrize("key", ["external_id", "mobile_number"])
def test_contacts_upsert_by_other_keys(fake: Fake, key: str) -> None:
    body = {"unique_identifier": {key: "u-1"}, "contact": {"first_name": "C"}}
    fake.post("/contacts/upsert", body)
    response = fake.post("/contacts/upsert", body)
    assert (response.status_code, response.json["contact"][key]) == (200, "u-1")
    assert len(fake.state()["contacts"]) == 1


def test_account_upsert_by_name(fake: Fake) -> None:
    body = {"unique_identifier": {"name": "Acme"}, "sales_account": {"website": "acme.com"}}
    created = fake.post("/sales_accounts/upsert", body)
    assert (created.status_code, created.json["sales_account"]["name"]) == (200, "Acme")
    body["unique_identifier"] = {"name": "ACME"}
    assert fake.post("/sales_accounts/upsert", body).status_code == 200
    assert len(fake.state()["sales_accounts"]) == 1


@pytest.mark.parametrize("by_name", [False, True])
def test_deal_upsert_by_id_updates_that_deal(make_fake: MakeFake, by_name: bool) -> None:
    fake = make_fake(variants={"deal_upsert_by_name": by_name})
    deal = fake.create("deals", "deal", {"name": "Renewal"})
    response = fake.post(
        "/deals/upsert", {"unique_identifier": {"id": deal["id"]}, "deal": {"amount": 5}}
    )
    assert response.status_code == 200
    assert (response.json["deal"]["id"], response.json["deal"]["amount"]) == (deal["id"], "5.0")
    unknown = fake.post("/deals/upsert", {"unique_identifier": {"id": 123}, "deal": {}})
    assert (unknown.status_code, unknown.json) == (
        404,
        {"errors": {"code": 404, "message": ["The deal is not in the CRM."]}},
    )
    not_an_id = fake.post("/deals/upsert", {"unique_identifier": {"id": "1"}, "deal": {}})
    assert not_an_id.json == errors("The type for unique_identifier.id is invalid.")
    assert len(fake.state()["deals"]) == 1


def test_deal_upsert_by_name_is_refused_by_default(fake: Fake) -> None:
    fake.create("deals", "deal", {"name": "Renewal"})
    response = fake.post(
        "/deals/upsert", {"unique_identifier": {"name": "Renewal"}, "deal": {"amount": 5}}
    )
    assert (response.status_code, response.json) == (
        400,
        errors("Deals are upserted by unique_identifier id only."),
    )


def test_deal_upsert_by_name_picks_the_oldest_deal_of_that_name(make_fake: MakeFake) -> None:
    fake = make_fake(variants={"deal_upsert_by_name": True})
    oldest = fake.create("deals", "deal", {"name": "Renewal"})
    fake.create("deals", "deal", {"name": "Renewal"})
    response = fake.post(
        "/deals/upsert", {"unique_identifier": {"name": "Renewal"}, "deal": {"amount": 5}}
    )
    assert (response.status_code, response.json["deal"]["id"]) == (200, oldest["id"])


def test_the_identifier_wins_over_the_body_on_create(make_fake: MakeFake) -> None:
    fake = make_fake(variants={"deal_upsert_by_name": True})
    response = fake.post(
        "/deals/upsert", {"unique_identifier": {"name": "A"}, "deal": {"name": "B"}}
    )
    assert response.json["deal"]["name"] == "A"


PEOPLE_KEYS = "unique_identifier must have exactly one of: emails, external_id, mobile_number."


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        (None, "param is missing or the value is empty: unique_identifier"),
        ({}, PEOPLE_KEYS),
        ({"emails": "a@b.com", "external_id": "1"}, PEOPLE_KEYS),
        ({"name": "x"}, PEOPLE_KEYS),
        ({"id": 1}, PEOPLE_KEYS),
        ("a@b.com", PEOPLE_KEYS),
        ({"emails": 5}, "The type for unique_identifier.emails is invalid."),
        ({"external_id": " "}, "unique_identifier.external_id can't be blank"),
        ({"emails": "nope"}, "nope is an invalid email address"),
    ],
)
def test_bad_unique_identifier_is_400(fake: Fake, identifier: object, message: str) -> None:
    body: dict[str, Any] = {"contact": {}}
    if identifier is not None:
        body["unique_identifier"] = identifier
    response = fake.post("/contacts/upsert", body)
    assert (response.status_code, response.json) == (400, errors(message))


def test_deal_keys_are_id_and_name(make_fake: MakeFake) -> None:
    fake = make_fake(variants={"deal_upsert_by_name": True})
    response = fake.post("/deals/upsert", {"unique_identifier": {"emails": "a@b.com"}, "deal": {}})
    assert response.json == errors("unique_identifier must have exactly one of: id, name.")


def test_upsert_needs_the_envelope_by_default(fake: Fake) -> None:
    response = fake.post("/sales_accounts/upsert", {"unique_identifier": {"name": "D"}})
    assert response.json == errors("param is missing or the value is empty: sales_account")


def test_without_envelope_required_attributes_may_sit_beside_the_identifier(
    make_fake: MakeFake,
) -> None:
    fake = make_fake(variants={"envelope_required": False})
    body = {"unique_identifier": {"emails": "a@b.com"}, "first_name": "Flat"}
    created = fake.post("/contacts/upsert", body)
    assert created.status_code == 200
    assert (created.json["contact"]["first_name"], created.json["contact"]["email"]) == (
        "Flat",
        "a@b.com",
    )
    # The envelope still works, and wins when both are sent.
    body = {
        "unique_identifier": {"emails": "a@b.com"},
        "first_name": "Ignored",
        "contact": {"last_name": "Wrapped"},
    }
    contact = fake.post("/contacts/upsert", body).json["contact"]
    assert (contact["first_name"], contact["last_name"]) == ("Flat", "Wrapped")


@pytest.mark.parametrize("required", [True, False])
def test_envelope_required_on_create_and_update(make_fake: MakeFake, required: bool) -> None:
    fake = make_fake(variants={"envelope_required": required})
    created = fake.post("/deals", {"name": "Flat", "amount": 3})
    updated_path = "/deals/70000000001"
    if required:
        assert created.json == errors("param is missing or the value is empty: deal")
        fake.create("deals", "deal", {"name": "Wrapped"})
        refused = fake.put(updated_path, {"name": "Flat again"})
        assert refused.json == errors("param is missing or the value is empty: deal")
    else:
        assert (created.status_code, created.json["deal"]["amount"]) == (200, "3.0")
        updated = fake.put(updated_path, {"name": "Flat again"})
        assert updated.json["deal"]["name"] == "Flat again"


def test_without_envelope_strict_accounts_still_refuse_unknown_attributes(
    make_fake: MakeFake,
) -> None:
    fake = make_fake(variants={"envelope_required": False, "custom_fields": "strict"})
    response = fake.post("/contacts", {"email": "a@b.com", "colour": "blue"})
    assert response.json == errors("Unknown attribute colour.")


def test_upsert_update_refuses_an_email_of_another_contact(fake: Fake) -> None:
    fake.create("contacts", "contact", {"email": "taken@b.com"})
    fake.create("contacts", "contact", {"email": "mine@b.com"})
    response = fake.post(
        "/contacts/upsert",
        {"unique_identifier": {"emails": "mine@b.com"}, "contact": {"emails": ["Taken@b.com"]}},
    )
    assert response.json == errors("Taken@b.com already exists.")


def test_status_codes_are_a_test_only_switch(make_fake: MakeFake) -> None:
    broken = make_fake(config={"status_codes": StatusCodes(create=201, upsert_update=201)})
    assert broken.post("/deals", {"deal": {"name": "D"}}).status_code == 201
    body = {"unique_identifier": {"id": 70000000001}, "deal": {}}
    assert broken.post("/deals/upsert", body).status_code == 201
