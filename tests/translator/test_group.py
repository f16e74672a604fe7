"""group: a sales account upsert by name, linked to the user when their email is known."""

from typing import Any

import pytest

from translator import InvalidEvent, Settings, translate
from translator.fields import SEGMENT_GROUP_TRAITS

CLASSIC = Settings(domain="acme", api_key="k")
SUITE = Settings(domain="acme.myfreshworks.com", api_key="k")


def group(traits: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "group", "groupId": "g-1", "traits": traits, **extra}


def test_group_traits_map_onto_the_account() -> None:
    plan = translate(
        group(
            {
                "name": "Acme",
                "employees": "329",
                "industry": "Tech",
                "website": "acme.io",
                "total billed": 830,
                "address": {"city": "Pune"},
            }
        ),
        CLASSIC,
    )
    assert [c.to_json() for c in plan.calls] == [
        {
            "name": "account",
            "method": "POST",
            "path": "/sales_accounts/upsert",
            "body": {
                "unique_identifier": {"name": "Acme"},
                "sales_account": {
                    "name": "Acme",
                    "number_of_employees": 329,
                    "website": "acme.io",
                    "city": "Pune",
                },
            },
        }
    ]
    assert plan.ignored == ["industry", "total billed"]


def test_reserved_group_traits_are_all_accounted_for() -> None:
    values = {"address": {"city": "Pune"}, "employees": 3, "name": "Acme"}
    for trait, where in SEGMENT_GROUP_TRAITS.items():
        plan = translate(group({"name": "Acme", trait: values.get(trait, "v")}), CLASSIC)
        assert (plan.ignored == [trait]) is (where is None), trait


def test_known_contact_is_linked_on_the_suite_host() -> None:
    plan = translate(group({"name": "Acme"}, userId="ann@example.com"), SUITE)
    assert plan.calls[1].to_json() == {
        "name": "person",
        "method": "POST",
        "path": "/contacts/upsert",
        "body": {
            "unique_identifier": {"emails": "ann@example.com"},
            "contact": {
                "email": "ann@example.com",
                "external_id": "ann@example.com",
                "sales_accounts": [
                    {"id": {"$ref": "account#/sales_account/id"}, "is_primary": True}
                ],
            },
        },
    }


def test_known_lead_gets_the_company_on_the_classic_host() -> None:
    plan = translate(
        group({"name": "Acme"}, userId="u-1", context={"traits": {"email": "ann@example.com"}}),
        CLASSIC,
    )
    assert plan.calls[1].body == {
        "unique_identifier": {"emails": "ann@example.com"},
        "lead": {"email": "ann@example.com", "external_id": "u-1", "company": {"name": "Acme"}},
    }


def test_context_fs_contact_links_a_contact_on_the_classic_host() -> None:
    message = group({"name": "Acme"}, userId="a@b.co", context={"traits": {"fsContact": "true"}})
    assert translate(message, CLASSIC).calls[1].path == "/contacts/upsert"


def test_unknown_user_means_the_account_alone() -> None:
    plan = translate(group({"name": "Acme"}, userId="u-1"), CLASSIC)
    assert [c.name for c in plan.calls] == ["account"]


@pytest.mark.parametrize(
    ("message", "path"),
    [
        ({"type": "group", "traits": {"name": "Acme"}}, "groupId"),
        (group({"name": "Acme"}, groupId=""), "groupId"),
        (group({"name": "Acme"}, groupId=True), "groupId"),
        (group({}), "traits.name"),
        (group({"name": "  "}), "traits.name"),
        (group({"name": None}), "traits.name"),
        ({"type": "group", "groupId": "g", "traits": "Acme"}, "traits"),
        (group({"name": "Acme", "employees": "many"}), "traits.employees"),
    ],
)
def test_invalid_groups(message: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidEvent) as error:
        translate(message, CLASSIC)
    assert error.value.path == path
