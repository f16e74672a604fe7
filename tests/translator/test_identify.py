"""identify: the trait rules, the lead/contact choice and the email resolution."""

from typing import Any

import pytest

from translator import Dropped, InvalidEvent, Plan, Settings, translate
from translator.fields import SEGMENT_IDENTIFY_TRAITS

CLASSIC = Settings(domain="acme", api_key="k")
SUITE = Settings(domain="acme.myfreshworks.com", api_key="k")
UPSERTS = Settings(domain="acme", api_key="k", lead_write="upsert", deal_write="upsert")
STRICT = Settings(domain="acme", api_key="k", strict=True)
ACCOUNT_ID = {"$ref": "account#/sales_account/id"}
CONTACT_ID = {"$ref": "person#/contact/id"}


def identify(traits: dict[str, Any], user_id: Any = "u-1", **extra: Any) -> dict[str, Any]:
    return {"type": "identify", "userId": user_id, "traits": traits, **extra}


def writes(plan: Plan) -> list[str]:
    """The path each step writes to when nothing is found: a find call's fallback's."""
    return [(c.fallback or c).path for c in plan.calls]


def lead_step(plan: Plan) -> tuple[str, dict[str, Any]]:
    """The email of a plan that is one lead step, and the lead it writes: found by email,
    then updated by id, else created, with the same body."""
    [step] = plan.calls
    assert step.query is not None and step.found is not None and step.fallback is not None
    assert (step.method, step.path, step.query["f"], step.query["entities"]) == (
        "GET",
        "/lookup",
        "email",
        "lead",
    )
    assert (step.found.method, step.found.path) == ("PUT", "/leads/{person#/targetable_id}")
    assert (step.fallback.method, step.fallback.path) == ("POST", "/leads")
    assert step.found.body == step.fallback.body
    body: dict[str, Any] = step.found.body["lead"]
    return step.query["q"], body


def lead_body(traits: dict[str, Any], settings: Settings = CLASSIC) -> dict[str, Any]:
    return lead_step(translate(identify({"email": "ann@example.com", **traits}), settings))[1]


def test_camel_case_traits_become_snake_case_fields() -> None:
    body = lead_body({"firstName": "Ann", "mobileNumber": "+1 555", "timeZone": "Pune"})
    assert body == {
        "email": "ann@example.com",
        "external_id": "u-1",
        "first_name": "Ann",
        "mobile_number": "+1 555",
        "time_zone": "Pune",
    }


def test_title_and_phone_are_renamed() -> None:
    body = lead_body({"title": "CTO", "phone": "555-0100"})
    assert body["job_title"] == "CTO"
    assert body["work_number"] == "555-0100"
    assert "title" not in body and "phone" not in body


def test_name_is_split_when_first_and_last_are_absent() -> None:
    assert lead_body({"name": "Ann Marie Lee"}) | {} == {
        "email": "ann@example.com",
        "external_id": "u-1",
        "first_name": "Ann",
        "last_name": "Marie Lee",
    }
    assert lead_body({"name": "Cher"})["first_name"] == "Cher"
    assert "last_name" not in lead_body({"name": "Cher"})


def test_name_is_not_used_when_a_first_or_last_name_is_given() -> None:
    body = lead_body({"name": "Someone Else", "lastName": "Lee"})
    assert body["last_name"] == "Lee"
    assert "first_name" not in body


def test_address_object_is_spread_over_flat_fields() -> None:
    address = {
        "street": "1 Main St",
        "city": "Pune",
        "state": "MH",
        "postalCode": "411001",
        "country": "India",
        "floor": 3,
    }
    plan = translate(identify({"email": "ann@example.com", "address": address}), CLASSIC)
    body = lead_step(plan)[1]
    assert {k: body[k] for k in ("address", "city", "state", "zipcode", "country")} == {
        "address": "1 Main St",
        "city": "Pune",
        "state": "MH",
        "zipcode": "411001",
        "country": "India",
    }
    assert plan.ignored == ["address.floor"]


def test_address_string_is_the_address_field() -> None:
    assert lead_body({"address": "1 Main St, Pune"})["address"] == "1 Main St, Pune"


def test_exact_field_name_wins_over_other_spellings() -> None:
    body = lead_body(
        {"first_name": "Exact", "firstName": "Camel", "city": "Top", "address": {"city": "Nested"}}
    )
    assert body["first_name"] == "Exact"
    assert body["city"] == "Top"
    body = lead_body({"jobTitle": "Camel", "title": "Alias"})
    assert body["job_title"] == "Alias"  # neither is exact: the later key wins


def test_custom_fields_in_camel_or_snake_case() -> None:
    body = lead_body({"cfAlternateNumber": "98765432", "cf_plan_tier": "gold", "cfScore": 7})
    assert body["custom_field"] == {
        "cf_alternate_number": "98765432",
        "cf_plan_tier": "gold",
        "cf_score": 7,
    }


def test_explicit_null_clears_a_field_and_absent_traits_are_not_sent() -> None:
    body = lead_body({"lastName": None, "cfPlan": None})
    assert body["last_name"] is None
    assert body["custom_field"] == {"cf_plan": None}
    assert "first_name" not in body


def test_unmapped_traits_are_reported_sorted() -> None:
    plan = translate(
        identify(
            {
                "email": "a@b.co",
                "zeta": 1,
                "age": 30,
                "total billed": 830,
                "company": {"name": "Acme", "plan": "pro"},
            }
        ),
        CLASSIC,
    )
    assert plan.ignored == ["age", "company.plan", "total billed", "zeta"]


# What each reserved trait of the Segment Spec becomes on a lead: (value sent, fields expected).
RESERVED = {
    "address": ({"street": "1 Main St", "city": "Pune"}, {"address": "1 Main St", "city": "Pune"}),
    "age": (30, {}),
    "avatar": ("https://x.io/a.png", {}),
    "birthday": ("1990-01-01", {}),
    "company": ({"name": "Acme"}, {"company": {"name": "Acme"}}),
    "createdAt": ("2020-01-01T00:00:00Z", {}),
    "description": ("likes tea", {}),
    "email": ("ann@example.com", {}),
    "firstName": ("Ann", {"first_name": "Ann"}),
    "lastName": ("Lee", {"last_name": "Lee"}),
    "gender": ("f", {}),
    "id": ("42", {}),
    "name": ("Ann Lee", {"first_name": "Ann", "last_name": "Lee"}),
    "phone": ("555", {"work_number": "555"}),
    "title": ("CTO", {"job_title": "CTO"}),
    "username": ("ann", {}),
    "website": ("ann.dev", {}),
}


def test_the_reserved_trait_table_is_covered() -> None:
    assert RESERVED.keys() == SEGMENT_IDENTIFY_TRAITS.keys()


@pytest.mark.parametrize("trait", sorted(RESERVED))
def test_every_reserved_trait_goes_where_the_field_table_says(trait: str) -> None:
    value, fields = RESERVED[trait]
    plan = translate(identify({"email": "ann@example.com", trait: value}), CLASSIC)
    base = {"email": "ann@example.com", "external_id": "u-1"}
    assert lead_step(plan)[1] == {**base, **fields}
    ignored = SEGMENT_IDENTIFY_TRAITS[trait] is None
    assert plan.ignored == ([trait] if ignored else [])
    assert ignored == (fields == {} and trait != "email")


@pytest.mark.parametrize(
    ("trait", "value", "field", "sent"),
    [
        ("phone", 5550100, "work_number", "5550100"),
        ("ownerId", "70000090119", "owner_id", 70000090119),
        ("owner_id", 12.0, "owner_id", 12),
        ("lifecycleStageId", " 42 ", "lifecycle_stage_id", 42),
        ("tags", "vip", "tags", ["vip"]),
        ("tags", ["a", "b"], "tags", ["a", "b"]),
    ],
)
def test_values_are_coerced_losslessly(trait: str, value: Any, field: str, sent: Any) -> None:
    plan = translate(identify({"email": "a@b.co", "fsContact": True, trait: value}), CLASSIC)
    assert plan.calls[0].body["contact"][field] == sent


@pytest.mark.parametrize(
    ("trait", "value", "message"),
    [
        (
            "ownerId",
            "abc",
            "traits.ownerId: expected an integer (or a string of digits), got the string 'abc'",
        ),
        ("ownerId", True, "traits.ownerId: expected an integer (or a string of digits), got true"),
        ("firstName", {"a": 1}, "traits.firstName: expected a string, got an object"),
        ("tags", [1, 2], "traits.tags: expected a string or a list of strings, got a list"),
        (
            "cfScore",
            {"a": 1},
            "traits.cfScore: expected a string, number, boolean, null or a list of those "
            "for a custom field, got an object",
        ),
        ("company", 42, "traits.company: expected an object or a name, got the number 42"),
        (
            "fsContact",
            "yes",
            'traits.fsContact: expected true, false, "true" or "false", got the string \'yes\'',
        ),
    ],
)
def test_wrong_types_name_the_trait_when_strict(trait: str, value: Any, message: str) -> None:
    with pytest.raises(InvalidEvent) as error:
        translate(identify({"email": "a@b.co", trait: value}), STRICT)
    assert str(error.value) == message
    assert error.value.path == message.split(":")[0]


@pytest.mark.parametrize(
    ("trait", "value", "reason"),
    [
        ("ownerId", "abc", "expected an integer (or a string of digits), got the string 'abc'"),
        ("firstName", {"a": 1}, "expected a string, got an object"),
        ("tags", [1, 2], "expected a string or a list of strings, got a list"),
        ("company", 42, "expected an object or a name, got the number 42"),
    ],
)
def test_a_wrong_type_drops_that_trait_and_sends_the_rest(
    trait: str, value: Any, reason: str
) -> None:
    plan = translate(identify({"email": "a@b.co", "lastName": "Lovelace", trait: value}), CLASSIC)
    _, lead = lead_step(plan)
    assert lead == {"email": "a@b.co", "external_id": "u-1", "last_name": "Lovelace"}
    assert plan.dropped == [Dropped(f"traits.{trait}", reason)]
    assert plan.ignored == []


def test_the_flag_that_chooses_the_record_is_never_dropped() -> None:
    # fsContact decides lead or contact: guessing would make a twin, so it is still refused.
    with pytest.raises(InvalidEvent) as error:
        translate(identify({"email": "a@b.co", "fsContact": "yes"}), CLASSIC)
    assert error.value.path == "traits.fsContact"


@pytest.mark.parametrize("flag", [True, "true", "TRUE", " True "])
def test_fs_contact_true_makes_a_contact(flag: Any) -> None:
    plan = translate(identify({"email": "a@b.co", "fsContact": flag}), CLASSIC)
    assert [c.path for c in plan.calls] == ["/contacts/upsert"]
    assert plan.ignored == []


@pytest.mark.parametrize("flag", [False, "false", None])
def test_fs_contact_false_keeps_a_lead(flag: Any) -> None:
    plan = translate(identify({"email": "a@b.co", "fs_contact": flag}), CLASSIC)
    assert writes(plan) == ["/leads"]


def test_snake_case_fs_contact_wins_over_camel_case() -> None:
    plan = translate(
        identify({"email": "a@b.co", "fsContact": "true", "fs_contact": "false"}), CLASSIC
    )
    assert writes(plan) == ["/leads"]


def test_suite_host_always_makes_contacts() -> None:
    plan = translate(identify({"email": "a@b.co", "fsContact": "false"}), SUITE)
    assert [c.path for c in plan.calls] == ["/contacts/upsert"]


def test_company_as_a_string_is_its_name() -> None:
    assert lead_body({"company": "Acme"})["company"] == {"name": "Acme"}


def test_company_employee_count_and_website_map_onto_the_account() -> None:
    plan = translate(
        identify(
            {
                "email": "a@b.co",
                "fsContact": True,
                "company": {
                    "name": "Acme",
                    "employee_count": "120",
                    "website": "acme.io",
                    "industry": "Tech",
                    "id": 9,
                },
            }
        ),
        CLASSIC,
    )
    assert plan.calls[0].body == {
        "unique_identifier": {"name": "Acme"},
        "sales_account": {"name": "Acme", "number_of_employees": 120, "website": "acme.io"},
    }
    assert plan.ignored == ["company.id", "company.industry"]


def test_company_and_deal_without_a_name_are_left_out_and_reported() -> None:
    plan = translate(
        identify(
            {
                "email": "a@b.co",
                "fsContact": True,
                "company": {"website": "x.io"},
                "deal": {"amount": 5},
            }
        ),
        CLASSIC,
    )
    assert [c.name for c in plan.calls] == ["person"]
    assert "sales_accounts" not in plan.calls[0].body["contact"]
    assert plan.ignored == ["company.website", "deal.amount"]
    assert translate(identify({"email": "a@b.co", "company": None}), CLASSIC).ignored == ["company"]


def test_deal_without_company_links_the_contact_only() -> None:
    plan = translate(
        identify(
            {"email": "a@b.co", "fsContact": True, "deal": {"name": "Big", "amount": "19.99"}}
        ),
        CLASSIC,
    )
    assert [c.name for c in plan.calls] == ["person", "deal"]
    deal = plan.calls[1]
    # Found among the contact's own deals, since there is no account to look in.
    assert (deal.method, deal.path, deal.query) == (
        "GET",
        "/contacts/{person#/contact/id}",
        {"include": "deals"},
    )
    body = {"deal": {"name": "Big", "amount": 19.99, "contacts_added_list": [CONTACT_ID]}}
    assert deal.found is not None and deal.fallback is not None
    assert (deal.found.path, deal.found.body) == ("/deals/{deal#/id}", body)
    assert (deal.fallback.path, deal.fallback.body) == ("/deals", body)


def test_lead_nests_company_and_deal() -> None:
    body = lead_body(
        {
            "company": {"name": "Acme", "employees": 5},
            "deal": {"name": "D", "amount": 1, "expectedClose": "2026-06-30"},
        }
    )
    assert body["company"] == {"name": "Acme", "number_of_employees": 5}
    assert body["deal"] == {"name": "D", "amount": 1, "expected_close": "2026-06-30"}


def test_email_comes_from_traits_stripped() -> None:
    plan = translate(identify({"email": "  Ann@Example.com "}), CLASSIC)
    assert lead_step(plan)[0] == "Ann@Example.com"


def test_email_falls_back_to_an_email_user_id() -> None:
    plan = translate(identify({}, user_id="ann@example.com"), CLASSIC)
    assert lead_step(plan) == (
        "ann@example.com",
        {"email": "ann@example.com", "external_id": "ann@example.com"},
    )


def test_numeric_user_id_is_stringified() -> None:
    plan = translate(identify({"email": "a@b.co"}, user_id=12345), CLASSIC)
    assert lead_step(plan)[1]["external_id"] == "12345"


@pytest.mark.parametrize(
    ("message", "path", "fragment"),
    [
        ({"type": "identify", "traits": {"email": "a@b.co"}}, "userId", "expected a userId"),
        (identify({"email": "a@b.co"}, user_id=""), "userId", "expected a non-empty string"),
        (identify({"email": "a@b.co"}, user_id=None), "userId", "expected a userId"),
        (identify({}), "traits.email", "the userId is not one, so traits.email is required"),
        (identify({"email": "not an email"}), "traits.email", "expected an email address"),
        (identify({"email": 42}, user_id="a@b.co"), "traits.email", "got the number 42"),
        (
            {"type": "identify", "userId": "u", "traits": []},
            "traits",
            "expected an object, got a list",
        ),
    ],
)
def test_invalid_identifies(message: dict[str, Any], path: str, fragment: str) -> None:
    with pytest.raises(InvalidEvent) as error:
        translate(message, CLASSIC)
    assert error.value.path == path
    assert fragment in str(error.value)


def test_null_email_trait_falls_back_to_the_user_id() -> None:
    plan = translate(identify({"email": None}, user_id="a@b.co"), CLASSIC)
    assert lead_step(plan)[0] == "a@b.co"


def test_traits_external_id_is_ignored_since_the_user_id_is_the_external_id() -> None:
    plan = translate(identify({"email": "a@b.co", "externalId": "other"}), CLASSIC)
    assert lead_step(plan)[1]["external_id"] == "u-1"
    assert plan.ignored == ["externalId"]


def test_lead_write_upsert_keeps_the_single_upsert() -> None:
    plan = translate(identify({"email": "a@b.co", "company": "Acme"}), UPSERTS)
    assert [c.to_json() for c in plan.calls] == [
        {
            "name": "person",
            "method": "POST",
            "path": "/leads/upsert",
            "body": {
                "unique_identifier": {"emails": "a@b.co"},
                "lead": {"email": "a@b.co", "external_id": "u-1", "company": {"name": "Acme"}},
            },
        }
    ]


def test_a_contact_gets_the_account_added_to_those_it_has() -> None:
    plan = translate(
        identify({"email": "a@b.co", "fsContact": True, "company": {"name": "Acme"}}), CLASSIC
    )
    assert [c.name for c in plan.calls] == ["account", "person", "link"]
    person, link = plan.calls[1], plan.calls[2]
    # The upsert sends no accounts: alone they would replace those the contact has.
    assert person.body == {
        "unique_identifier": {"emails": "a@b.co"},
        "contact": {"email": "a@b.co", "external_id": "u-1"},
    }
    assert (link.method, link.path) == ("PUT", "/contacts/{person#/contact/id}")
    assert link.body == {
        "contact": {
            "sales_accounts": {
                "$link": ACCOUNT_ID,
                "to": {"$ref": "person#/contact/sales_accounts"},
            }
        }
    }


def test_a_deal_is_found_by_name_among_the_account_deals_then_updated_or_created() -> None:
    traits = {"email": "a@b.co", "fsContact": True, "company": "Acme", "deal": {"name": "D"}}
    plan = translate(identify(traits), CLASSIC)
    deal = plan.calls[-1]
    body = {
        "deal": {"name": "D", "sales_account_id": ACCOUNT_ID, "contacts_added_list": [CONTACT_ID]}
    }
    assert deal.to_json() == {
        "name": "deal",
        "method": "GET",
        "path": "/sales_accounts/{account#/sales_account/id}",
        "body": None,
        "query": {"include": "deals"},
        "match": {"list": "/deals", "where": {"name": "D"}},
        "found": {"name": "deal", "method": "PUT", "path": "/deals/{deal#/id}", "body": body},
        "fallback": {"name": "deal", "method": "POST", "path": "/deals", "body": body},
    }


def test_deal_write_upsert_keeps_the_upsert_by_name() -> None:
    traits = {"email": "a@b.co", "fsContact": True, "company": "Acme", "deal": {"name": "D"}}
    deal = translate(identify(traits), UPSERTS).calls[-1]
    assert (deal.method, deal.path) == ("POST", "/deals/upsert")
    assert deal.body == {
        "unique_identifier": {"name": "D"},
        "deal": {"name": "D", "sales_account_id": ACCOUNT_ID, "contacts_added_list": [CONTACT_ID]},
    }
