"""POST /<entity>/upsert: one unique_identifier key, 201 when it creates, 200 when it updates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales import StatusCodes

if TYPE_CHECKING:
    from conftest import Fake, MakeFake


def errors(*messages: str) -> dict[str, Any]:
    return {"errors": {"code": 400, "message": list(messages)}}


def test_upsert_creates_then_updates_the_same_contact(fake: Fake) -> None:
    body = {"unique_identifier": {"emails": "jane@example.com"}, "contact": {"first_name": "Jane"}}
    created = fake.post("/contacts/upsert", body)
    assert created.status_code == 201
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


def test_upsert_matches_emails_whatever_the_case(fake: Fake) -> None:
    fake.create("contacts", "contact", {"emails": ["first@b.com", "Second@b.com"]})
    response = fake.post(
        "/contacts/upsert", {"unique_identifier": {"emails": "second@B.COM"}, "contact": {}}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("key", ["external_id", "mobile_number"])
def test_people_upsert_by_other_keys(fake: Fake, key: str) -> None:
    body = {"unique_identifier": {key: "u-1"}, "lead": {"first_name": "L"}}
    assert fake.post("/leads/upsert", body).status_code == 201
    response = fake.post("/leads/upsert", body)
    assert response.status_code == 200
    assert response.json["lead"][key] == "u-1"


def test_account_upsert_by_name(fake: Fake) -> None:
    body = {"unique_identifier": {"name": "Acme"}, "sales_account": {"website": "acme.com"}}
    created = fake.post("/sales_accounts/upsert", body)
    assert (created.status_code, created.json["sales_account"]["name"]) == (201, "Acme")
    body["unique_identifier"] = {"name": "ACME"}
    assert fake.post("/sales_accounts/upsert", body).status_code == 200


def test_deal_upsert_picks_the_oldest_deal_of_that_name(fake: Fake) -> None:
    oldest = fake.create("deals", "deal", {"name": "Renewal"})
    fake.create("deals", "deal", {"name": "Renewal"})
    response = fake.post(
        "/deals/upsert", {"unique_identifier": {"name": "Renewal"}, "deal": {"amount": 5}}
    )
    assert (response.status_code, response.json["deal"]["id"]) == (200, oldest["id"])


def test_the_identifier_wins_over_the_body_on_create(fake: Fake) -> None:
    response = fake.post(
        "/deals/upsert", {"unique_identifier": {"name": "A"}, "deal": {"name": "B"}}
    )
    assert response.json["deal"]["name"] == "A"


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        (None, "param is missing or the value is empty: unique_identifier"),
        ({}, "unique_identifier must have exactly one of: emails, external_id, mobile_number."),
        (
            {"emails": "a@b.com", "external_id": "1"},
            "unique_identifier must have exactly one of: emails, external_id, mobile_number.",
        ),
        (
            {"name": "x"},
            "unique_identifier must have exactly one of: emails, external_id, mobile_number.",
        ),
        (
            "a@b.com",
            "unique_identifier must have exactly one of: emails, external_id, mobile_number.",
        ),
        ({"emails": 5}, "The type for unique_identifier.emails is invalid."),
        ({"external_id": " "}, "unique_identifier.external_id can't be blank"),
        ({"emails": "nope"}, "Email is invalid"),
    ],
)
def test_bad_unique_identifier_is_400(fake: Fake, identifier: object, message: str) -> None:
    body: dict[str, Any] = {"contact": {}}
    if identifier is not None:
        body["unique_identifier"] = identifier
    response = fake.post("/contacts/upsert", body)
    assert (response.status_code, response.json) == (400, errors(message))


def test_upsert_still_needs_the_envelope(fake: Fake) -> None:
    response = fake.post("/deals/upsert", {"unique_identifier": {"name": "D"}})
    assert response.json == errors("param is missing or the value is empty: deal")


def test_upsert_update_refuses_an_email_of_another_contact(fake: Fake) -> None:
    fake.create("contacts", "contact", {"email": "taken@b.com"})
    fake.create("contacts", "contact", {"email": "mine@b.com"})
    response = fake.post(
        "/contacts/upsert",
        {"unique_identifier": {"emails": "mine@b.com"}, "contact": {"emails": ["taken@b.com"]}},
    )
    assert response.json == errors("Email has already been taken")


def test_status_codes_are_a_test_only_switch(make_fake: MakeFake) -> None:
    broken = make_fake(config={"status_codes": StatusCodes(create=200, upsert_create=200)})
    assert broken.post("/deals", {"deal": {"name": "D"}}).status_code == 200
    body = {"unique_identifier": {"name": "E"}, "deal": {}}
    assert broken.post("/deals/upsert", body).status_code == 200
