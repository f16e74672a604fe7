"""Custom fields of every type under both values of the custom_fields switch (lenient, the
default, and strict); field definitions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales import CustomFieldSpec

if TYPE_CHECKING:
    from conftest import Fake, MakeFake

FIELDS = (
    CustomFieldSpec("contacts", "cf_note", "text"),
    CustomFieldSpec("contacts", "cf_logins", "number"),
    CustomFieldSpec("contacts", "cf_score", "decimal"),
    CustomFieldSpec("contacts", "cf_since", "date"),
    CustomFieldSpec("contacts", "cf_seen_at", "datetime"),
    CustomFieldSpec("contacts", "cf_vip", "checkbox"),
    CustomFieldSpec("contacts", "cf_plan", "dropdown", choices=("Free", "Pro")),
    CustomFieldSpec("contacts", "cf_tools", "multiselect", choices=("Slack", "Jira", "Zoom")),
)

# (field, accepted value, stored value, refused value)
CASES = [
    ("cf_note", "hello", "hello", 5),
    ("cf_logins", 5, 5, 5.5),
    ("cf_logins", 7, 7, True),
    ("cf_score", 4.5, 4.5, "4.5"),
    ("cf_since", "2026-02-28", "2026-02-28", "2026-02-30"),
    ("cf_seen_at", "2026-02-28T10:00:00+05:30", "2026-02-28T10:00:00+05:30", "2026-02-28"),
    ("cf_vip", True, True, "true"),
    ("cf_plan", "Pro", "Pro", "Gold"),
    ("cf_tools", ["Slack", "Zoom"], "Slack;Zoom", ["Slack", "Teams"]),
    ("cf_tools", "Jira;Slack", "Jira;Slack", 3),
]


STRICT = {"custom_fields": "strict"}


def errors(*messages: str) -> dict[str, Any]:
    return {"errors": {"code": 400, "message": list(messages)}}


@pytest.fixture(params=[False, True], ids=["lenient", "strict"])
def account(make_fake: MakeFake, request: pytest.FixtureRequest) -> Fake:
    mode = "strict" if request.param else "lenient"
    return make_fake(custom_fields=FIELDS, variants={"custom_fields": mode})


def contact(fake: Fake, custom: object, **attributes: Any) -> Any:
    body = {"contact": {"email": "a@b.com", **attributes, "custom_field": custom}}
    return fake.post("/contacts", body)


def test_every_defined_field_is_rendered_null_when_unset(account: Fake) -> None:
    response = contact(account, {"cf_plan": "Free"})
    assert response.json["contact"]["custom_field"] == {
        "cf_note": None,
        "cf_logins": None,
        "cf_score": None,
        "cf_since": None,
        "cf_seen_at": None,
        "cf_vip": None,
        "cf_plan": "Free",
        "cf_tools": None,
    }


@pytest.mark.parametrize(("field", "value", "stored", "_refused"), CASES)
def test_a_value_of_the_right_type_is_stored(
    account: Fake, field: str, value: object, stored: object, _refused: object
) -> None:
    response = contact(account, {field: value})
    assert response.status_code == 200
    assert response.json["contact"]["custom_field"][field] == stored


@pytest.mark.parametrize(("field", "_value", "_stored", "refused"), CASES)
def test_lenient_drops_a_wrong_typed_value(
    make_fake: MakeFake, field: str, _value: object, _stored: object, refused: object
) -> None:
    fake = make_fake(custom_fields=FIELDS)
    response = contact(fake, {field: refused}, first_name="Kept")
    assert response.status_code == 200
    record = response.json["contact"]
    assert (record["custom_field"][field], record["first_name"]) == (None, "Kept")


@pytest.mark.parametrize(("field", "_value", "_stored", "refused"), CASES)
def test_strict_refuses_a_wrong_typed_value(
    make_fake: MakeFake, field: str, _value: object, _stored: object, refused: object
) -> None:
    fake = make_fake(custom_fields=FIELDS, variants=STRICT)
    response = contact(fake, {field: refused})
    assert (response.status_code, response.json) == (
        400,
        errors(f"The type for {field} is invalid."),
    )
    assert fake.state()["contacts"] == []


def test_unknown_custom_field_lenient_ignores_strict_refuses(make_fake: MakeFake) -> None:
    lenient = make_fake(custom_fields=FIELDS)
    ok = contact(lenient, {"cf_missing": 1, "cf_vip": False})
    assert ok.status_code == 200
    assert "cf_missing" not in ok.json["contact"]["custom_field"]
    strict = make_fake(custom_fields=FIELDS, variants=STRICT)
    assert contact(strict, {"cf_missing": 1}).json == errors("Unknown custom field cf_missing.")


def test_unknown_attribute_lenient_ignores_strict_refuses(make_fake: MakeFake) -> None:
    body = {"contact": {"email": "a@b.com", "favourite_colour": "blue", "created_at": "x"}}
    assert make_fake().post("/contacts", body).status_code == 200
    strict = make_fake(variants=STRICT).post("/contacts", body)
    # Read-only attributes (created_at) are ignored in both modes.
    assert strict.json == errors("Unknown attribute favourite_colour.")


def test_custom_field_must_be_an_object_in_both_modes(account: Fake) -> None:
    assert contact(account, ["cf_plan"]).json == errors("The type for custom_field is invalid.")


def test_null_clears_a_value_and_absent_keeps_it(account: Fake) -> None:
    created = contact(account, {"cf_plan": "Pro", "cf_vip": True}).json["contact"]
    path = f"/contacts/{created['id']}"
    changed = account.put(path, {"contact": {"custom_field": {"cf_plan": None}}}).json["contact"]
    assert (changed["custom_field"]["cf_plan"], changed["custom_field"]["cf_vip"]) == (None, True)


def test_fields_added_through_the_admin_api_exist_only_for_their_entity(fake: Fake) -> None:
    added = fake.admin(
        "POST",
        "/fields",
        {"entity": "deals", "name": "cf_region", "type": "dropdown", "choices": ["EU", "US"]},
    )
    assert added.status_code == 201
    field = added.json["field"]
    assert field == {
        "id": field["id"],
        "name": "cf_region",
        "label": "Region",
        "type": "dropdown",
        "default": False,
        "required": False,
        "base_model": "Deal",
        "choices": [
            {"id": field["choices"][0]["id"], "value": "EU", "position": 1},
            {"id": field["choices"][1]["id"], "value": "US", "position": 2},
        ],
    }
    deal = fake.create("deals", "deal", {"name": "D", "custom_field": {"cf_region": "EU"}})
    assert deal["custom_field"] == {"cf_region": "EU"}
    assert contact(fake, {"cf_region": "EU"}).json["contact"]["custom_field"] == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"entity": "notes", "name": "cf_x", "type": "text"},
            "entity must be one of: leads, contacts, sales_accounts, deals.",
        ),
        (
            {"entity": "contacts", "name": "x", "type": "text"},
            "A custom field name starts with cf_ and has no spaces.",
        ),
        (
            {"entity": "contacts", "name": "cf_x", "type": "colour"},
            "type must be one of: text, number, decimal, date, datetime, checkbox, dropdown,"
            " multiselect.",
        ),
        (
            {"entity": "contacts", "name": "cf_x", "type": "dropdown"},
            "choices must be a non-empty list of distinct strings without ';'.",
        ),
        (
            {"entity": "contacts", "name": "cf_x", "type": "multiselect", "choices": ["a;b"]},
            "choices must be a non-empty list of distinct strings without ';'.",
        ),
        (
            {"entity": "contacts", "name": "cf_x", "type": "text", "choices": ["a"]},
            "choices apply to dropdown and multiselect fields only.",
        ),
        (
            {"entity": "contacts", "name": "cf_x", "type": "text", "size": 3},
            "Unknown setting size.",
        ),
        (
            {"entity": "contacts", "name": "cf_x", "type": "text", "domain": "nowhere"},
            "Unknown domain nowhere.",
        ),
    ],
)
def test_bad_field_definition_is_refused(fake: Fake, body: dict[str, Any], message: str) -> None:
    response = fake.admin("POST", "/fields", body)
    assert response.json["errors"]["message"] == [message]


def test_duplicate_field_name_is_refused(fake: Fake) -> None:
    body = {"entity": "contacts", "name": "cf_x", "type": "text"}
    fake.admin("POST", "/fields", body)
    assert fake.admin("POST", "/fields", body).json == errors("Name has already been taken")


def test_settings_list_standard_then_custom_fields(make_fake: MakeFake) -> None:
    fake = make_fake(custom_fields=FIELDS)
    fields = fake.get("/settings/contacts/fields", root="/crm/sales/api").json["fields"]
    names = [field["name"] for field in fields]
    assert names[:3] == ["first_name", "last_name", "email"]
    assert names[-8:] == [spec.name for spec in FIELDS]
    by_name = {field["name"]: field for field in fields}
    assert {k: by_name["owner_id"][k] for k in ("label", "type", "default", "base_model")} == {
        "label": "Owner",
        "type": "dropdown",
        "default": True,
        "base_model": "Contact",
    }
    assert [c["value"] for c in by_name["cf_tools"]["choices"]] == ["Slack", "Jira", "Zoom"]
    deal_fields = fake.get("/settings/deals/fields").json["fields"]
    assert next(f for f in deal_fields if f["name"] == "name")["required"] is True
