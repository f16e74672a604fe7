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


ACCOUNT_ID = {"$ref": "account#/sales_account/id"}
FOUND_CONTACT = {"person#/targetable_type": "Contact", "person#/created": False}
FOUND_LEAD = {"person#/targetable_type": "Lead", "person#/created": False}
# A contact found is read for the accounts it has, then given one more; a lead found gets the
# account as its company.
LINKS = [
    {
        "name": "contact",
        "method": "GET",
        "path": "/contacts/{person#/targetable_id}",
        "body": None,
        "query": {"include": "sales_accounts"},
        "when": FOUND_CONTACT,
    },
    {
        "name": "link",
        "method": "PUT",
        "path": "/contacts/{person#/targetable_id}",
        "body": {
            "contact": {
                "sales_accounts": {
                    "$link": ACCOUNT_ID,
                    "to": {"$ref": "contact#/contact/sales_accounts"},
                }
            }
        },
        "when": FOUND_CONTACT,
    },
]
LEAD_COMPANY = {
    "name": "company",
    "method": "PUT",
    "path": "/leads/{person#/targetable_id}",
    "body": {"lead": {"company": {"name": "Acme"}}},
    "when": FOUND_LEAD,
}


def test_the_user_is_found_as_track_finds_them_then_linked() -> None:
    plan = translate(
        group({"name": "Acme"}, userId="u-1", context={"traits": {"email": "ann@example.com"}}),
        CLASSIC,
    )
    assert [c.to_json() for c in plan.calls[1:]] == [
        {
            "name": "person",
            "method": "GET",
            "path": "/lookup",
            "body": None,
            "query": {"q": "ann@example.com", "f": "email", "entities": "contact,lead"},
            # Nobody found: a lead is created with the company already.
            "fallback": {
                "name": "person",
                "method": "POST",
                "path": "/leads",
                "body": {
                    "lead": {
                        "email": "ann@example.com",
                        "external_id": "u-1",
                        "company": {"name": "Acme"},
                    }
                },
            },
        },
        *LINKS,
        LEAD_COMPANY,
    ]


def test_on_the_suite_host_a_contact_is_found_or_created_linked() -> None:
    plan = translate(group({"name": "Acme"}, userId="ann@example.com"), SUITE)
    person = plan.calls[1]
    assert person.query == {"q": "ann@example.com", "f": "email", "entities": "contact"}
    assert person.fallback is not None and person.fallback.to_json() == {
        "name": "person",
        "method": "POST",
        "path": "/contacts/upsert",
        "body": {
            "unique_identifier": {"emails": "ann@example.com"},
            "contact": {
                "email": "ann@example.com",
                "external_id": "ann@example.com",
                "sales_accounts": [{"id": ACCOUNT_ID, "is_primary": True}],
            },
        },
    }
    assert [c.to_json() for c in plan.calls[2:]] == LINKS  # no leads on the Suite host


def test_context_fs_contact_creates_a_contact_on_the_classic_host() -> None:
    message = group({"name": "Acme"}, userId="a@b.co", context={"traits": {"fsContact": "true"}})
    person = translate(message, CLASSIC).calls[1]
    assert person.fallback is not None and person.fallback.path == "/contacts/upsert"


def test_lead_write_upsert_upserts_the_lead_it_creates() -> None:
    settings = Settings(domain="acme", api_key="k", lead_write="upsert")
    person = translate(group({"name": "Acme"}, userId="a@b.co"), settings).calls[1]
    assert person.fallback is not None and person.fallback.path == "/leads/upsert"


def test_a_user_known_by_user_id_only_is_looked_up_and_never_created() -> None:
    plan = translate(group({"name": "Acme"}, userId="u-1"), CLASSIC)
    person = plan.calls[1]
    assert person.query == {"q": "u-1", "f": "external_id", "entities": "contact,lead"}
    assert person.fallback is None
    assert [c.to_json() for c in plan.calls[2:]] == [*LINKS, LEAD_COMPANY]


def test_no_user_means_the_account_alone() -> None:
    plan = translate(group({"name": "Acme"}, anonymousId="anon-1"), CLASSIC)
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
    ],
)
def test_invalid_groups(message: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidEvent) as error:
        translate(message, CLASSIC)
    assert error.value.path == path


def test_a_wrong_type_is_dropped_or_with_strict_settings_rejected() -> None:
    message = group({"name": "Acme", "employees": "many", "website": "acme.io"})
    plan = translate(message, CLASSIC)
    assert plan.calls[0].body["sales_account"] == {"name": "Acme", "website": "acme.io"}
    assert [d.path for d in plan.dropped] == ["traits.employees"]
    with pytest.raises(InvalidEvent) as error:
        translate(message, Settings(domain="acme", api_key="k", strict=True))
    assert error.value.path == "traits.employees"
