"""The rest of Segment's message: context.traits on identify, originalTimestamp, the trait
aliases Segment sources use, integrations, and optional values that cannot be sent."""

from typing import Any

import pytest

from translator import Dropped, InvalidEvent, Plan, Settings, translate

CLASSIC = Settings(domain="acme", api_key="k")
SUITE = Settings(domain="acme.myfreshworks.com", api_key="k")
STRICT = Settings(domain="acme", api_key="k", strict=True)
STRICT_SUITE = Settings(domain="acme.myfreshworks.com", api_key="k", strict=True)


def contact(traits: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The contact an identify (of a contact, on the Suite host) upserts."""
    message = {"type": "identify", "userId": "u-1", "traits": traits, **extra}
    plan = translate(message, SUITE)
    [person] = [call for call in plan.calls if call.name == "person"]
    body: dict[str, Any] = person.body["contact"]
    return body


def test_context_traits_fill_what_traits_do_not_give() -> None:
    body = contact(
        {"email": "ann@example.com", "firstName": "Ann", "title": "CTO"},
        context={"traits": {"first_name": "Anna", "jobTitle": "CEO", "lastName": "Lee"}},
    )
    assert body == {
        "email": "ann@example.com",
        "external_id": "u-1",
        "first_name": "Ann",
        "job_title": "CTO",
        "last_name": "Lee",
    }


def test_context_traits_can_carry_the_email_the_flag_and_the_company() -> None:
    message = {
        "type": "identify",
        "userId": "u-1",
        "traits": {"plan": "pro"},
        "context": {
            "traits": {"email": "ann@example.com", "fsContact": True, "company": "Acme", "age": 3}
        },
    }
    plan = translate(message, CLASSIC)
    assert [c.path for c in plan.calls] == [
        "/sales_accounts/upsert",
        "/contacts/upsert",
        "/contacts/{person#/contact/id}",
    ]
    assert plan.calls[1].body["unique_identifier"] == {"emails": "ann@example.com"}
    assert plan.ignored == ["context.traits.age", "plan"]


def test_a_flag_in_traits_wins_over_one_in_context_traits() -> None:
    message = {
        "type": "identify",
        "userId": "u-1",
        "traits": {"email": "ann@example.com", "fs_contact": False},
        "context": {"traits": {"fsContact": True}},
    }
    assert [c.path for c in translate(message, CLASSIC).calls] == ["/lookup"]  # a lead


def test_bad_context_traits_are_rejected_on_identify() -> None:
    message = {"type": "identify", "userId": "a@b.co", "context": {"traits": ["x"]}}
    with pytest.raises(InvalidEvent) as error:
        translate(message, CLASSIC)
    assert error.value.path == "context.traits"


def test_original_timestamp_dates_a_message_without_timestamp() -> None:
    message = {
        "type": "track",
        "userId": "a@b.co",
        "event": "E",
        "originalTimestamp": "2026-05-01T09:59:58.120Z",
    }
    body = translate(message, CLASSIC).calls[1].body["sales_activity"]
    assert body["start_date"] == "2026-05-01T09:59:58.120Z"
    timestamped = {**message, "timestamp": "2026-05-01T10:00:00Z"}
    body = translate(timestamped, CLASSIC).calls[1].body["sales_activity"]
    assert body["start_date"] == "2026-05-01T10:00:00Z"


def test_a_bad_original_timestamp_is_named() -> None:
    message = {"type": "track", "userId": "a@b.co", "event": "E", "originalTimestamp": "now"}
    with pytest.raises(InvalidEvent) as error:
        translate(message, CLASSIC)
    assert error.value.path == "originalTimestamp"


@pytest.mark.parametrize(
    ("trait", "value", "field", "sent"),
    [
        ("postalCode", "10115", "zipcode", "10115"),
        ("zip", 10115, "zipcode", "10115"),
        ("facebook", "ann.lee", "facebook", "ann.lee"),
        ("facebookUserName", "ann.lee", "facebook", "ann.lee"),
        ("twitterUserName", "annlee", "twitter", "annlee"),
        ("linkedInUserName", "in/annlee", "linkedin", "in/annlee"),
        ("linkedinUserName", "in/annlee", "linkedin", "in/annlee"),
        (
            "salesAccounts",
            [5, {"id": "6", "is_primary": False}],
            "sales_accounts",
            [{"id": 5, "is_primary": True}, {"id": 6, "is_primary": False}],
        ),
        (
            "salesAccounts",
            [{"id": 5}, {"id": 6, "isPrimary": True}],
            "sales_accounts",
            [{"id": 5, "is_primary": False}, {"id": 6, "is_primary": True}],
        ),
    ],
)
def test_trait_aliases_name_freshsales_fields(
    trait: str, value: Any, field: str, sent: Any
) -> None:
    assert contact({"email": "a@b.co", trait: value})[field] == sent


def test_sales_accounts_are_a_contact_field_only() -> None:
    message = {"type": "identify", "userId": "a@b.co", "traits": {"salesAccounts": [5]}}
    assert translate(message, CLASSIC).ignored == ["salesAccounts"]  # a lead has a company


@pytest.mark.parametrize("value", ["5", [True], [{"id": "x"}], [{"id": 5, "is_primary": "yes"}]])
def test_account_links_that_are_not_ids_are_dropped(value: Any) -> None:
    message = {"type": "identify", "userId": "a@b.co", "traits": {"salesAccounts": value}}
    plan = translate(message, SUITE)
    assert "sales_accounts" not in plan.calls[0].body["contact"]
    assert [d.path for d in plan.dropped] == ["traits.salesAccounts"]


@pytest.mark.parametrize(
    "integrations",
    [
        {"Freshsales": False},
        {"All": False},
        {"All": False, "Salesforce": True},
        {"All": True, "Freshsales": False},
    ],
)
def test_integrations_that_turn_freshsales_off_skip_the_message(
    integrations: dict[str, Any],
) -> None:
    for message in (
        {"type": "identify", "userId": "a@b.co"},
        {"type": "track", "userId": "a@b.co", "event": "E"},
        {"type": "alias", "userId": "a", "previousId": "b"},
    ):
        plan = translate({**message, "integrations": integrations}, CLASSIC)
        assert plan == Plan(skipped="integrations")


@pytest.mark.parametrize(
    "integrations",
    [
        {},
        {"All": True},
        {"All": False, "Freshsales": True},
        {"All": False, "Freshsales": {"region": "eu"}},
        {"freshsales": False, "Freshsales": True},
    ],
)
def test_integrations_that_leave_freshsales_on_send_as_usual(integrations: dict[str, Any]) -> None:
    message = {"type": "track", "userId": "a@b.co", "event": "E", "integrations": integrations}
    plan = translate(message, CLASSIC)
    assert plan.skipped is None and [c.name for c in plan.calls] == ["person", "activity"]


def test_integrations_that_are_not_an_object_are_dropped_or_rejected() -> None:
    message = {"type": "track", "userId": "a@b.co", "event": "E", "integrations": "all"}
    plan = translate(message, CLASSIC)
    assert [c.name for c in plan.calls] == ["person", "activity"]
    assert plan.dropped == [
        Dropped("integrations", "expected an object of destination names, got the string 'all'")
    ]
    with pytest.raises(InvalidEvent) as error:
        translate(message, STRICT)
    assert error.value.path == "integrations"


def test_a_skipped_message_is_still_checked_for_its_type() -> None:
    with pytest.raises(InvalidEvent) as error:
        translate({"type": "delete", "integrations": {"All": False}}, CLASSIC)
    assert error.value.path == "type"


def test_the_issue_example_drops_two_ids_and_delivers_the_rest() -> None:
    traits = {
        "email": "ann@example.com",
        "firstName": "Ann",
        "lifecycleStageId": "abc",
        "campaignId": "x",
        "address": {"city": "Berlin", "zip": ["1"]},
        "cfScore": {"a": 1},
    }
    plan = translate({"type": "identify", "userId": "u-1", "traits": traits}, SUITE)
    assert plan.calls[0].body["contact"] == {
        "email": "ann@example.com",
        "external_id": "u-1",
        "first_name": "Ann",
        "city": "Berlin",
    }
    assert [d.path for d in plan.dropped] == [
        "traits.lifecycleStageId",
        "traits.campaignId",
        "traits.address.zip",
        "traits.cfScore",
    ]
    with pytest.raises(InvalidEvent) as error:
        translate({"type": "identify", "userId": "u-1", "traits": traits}, STRICT_SUITE)
    assert error.value.path == "traits.lifecycleStageId"


@pytest.mark.parametrize(
    ("traits", "path"),
    [
        ({"email": "a@b.co", "name": {"first": "A"}}, "traits.name"),
        ({"email": "a@b.co", "deal": ["x"]}, "traits.deal"),
        (
            {"email": "a@b.co", "company": {"name": "Acme", "employees": "many"}},
            "traits.company.employees",
        ),
    ],
)
def test_nested_and_special_traits_are_dropped_too(traits: dict[str, Any], path: str) -> None:
    plan = translate({"type": "identify", "userId": "u-1", "traits": traits}, CLASSIC)
    assert [d.path for d in plan.dropped] == [path]


def test_what_makes_the_message_unusable_is_still_rejected() -> None:
    for message, path in (
        ({"type": "identify", "traits": {"email": "a@b.co"}}, "userId"),
        ({"type": "identify", "userId": "u-1", "traits": {"email": "nope"}}, "traits.email"),
        ({"type": "identify", "userId": "u-1", "traits": []}, "traits"),
        ({"type": "track", "userId": "u-1", "event": 5}, "event"),
    ):
        with pytest.raises(InvalidEvent) as error:
            translate(message, CLASSIC)
        assert error.value.path == path
