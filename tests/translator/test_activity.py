"""track, page and screen: a sales activity on the person, found by email or external id."""

from typing import Any

import pytest

from translator import InvalidEvent, Settings, translate

CLASSIC = Settings(domain="acme", api_key="k")
SUITE = Settings(domain="acme.myfreshworks.com", api_key="k")
CUSTOM = Settings(
    domain="acme",
    api_key="k",
    track_activity_type="Website Event",
    page_activity_type="Website Visit",
    screen_activity_type="App Screen",
)


def activity(plan: Any) -> dict[str, Any]:
    assert [(c.name, c.method, c.path) for c in plan.calls] == [
        ("person", "GET", "/lookup"),
        ("activity", "POST", "/sales_activities"),
    ]
    body: dict[str, Any] = plan.calls[1].body["sales_activity"]
    return body


def test_timestamp_dates_the_activity() -> None:
    plan = translate(
        {
            "type": "track",
            "userId": "a@b.co",
            "event": "Signed Up",
            "timestamp": "2026-05-01T10:00:00.123+05:30",
        },
        CLASSIC,
    )
    body = activity(plan)
    assert body["start_date"] == body["end_date"] == "2026-05-01T10:00:00.123+05:30"


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("2026-05-01T10:00:00Z", "2026-05-01T10:00:00Z"),
        ("2026-05-01T10:00:00", "2026-05-01T10:00:00Z"),
        ("2026-05-01", "2026-05-01T00:00:00Z"),
        ("2026-05-01 10:00:00.5+00:00", "2026-05-01T10:00:00.500Z"),
        ("20260501T100000Z", "2026-05-01T10:00:00Z"),
    ],
)
def test_timestamps_are_sent_in_extended_iso_format(given: str, sent: str) -> None:
    plan = translate(
        {"type": "track", "userId": "a@b.co", "event": "E", "timestamp": given}, CLASSIC
    )
    assert activity(plan)["start_date"] == sent


def test_without_timestamp_the_activity_has_no_dates() -> None:
    body = activity(translate({"type": "track", "userId": "a@b.co", "event": "E"}, CLASSIC))
    assert "start_date" not in body and "end_date" not in body


def test_activity_types_come_from_settings() -> None:
    track = activity(translate({"type": "track", "userId": "a@b.co", "event": "E"}, CUSTOM))
    page = activity(translate({"type": "page", "userId": "a@b.co"}, CUSTOM))
    screen = activity(translate({"type": "screen", "userId": "a@b.co"}, CUSTOM))
    assert track["sales_activity_type_id"] == {
        "$lookup": "sales_activity_types",
        "name": "Website Event",
    }
    assert page["sales_activity_type_id"]["name"] == "Website Visit"
    assert screen["sales_activity_type_id"]["name"] == "App Screen"


def test_notes_render_every_property_readably() -> None:
    message = {
        "type": "track",
        "userId": "a@b.co",
        "event": "Order Completed",
        "properties": {
            "total": 19.99,
            "products": [{"sku": "A-1", "qty": 2}],
            "coupon": None,
            "gift": True,
            "note": "x",
        },
    }
    assert activity(translate(message, CLASSIC))["notes"] == (
        'Segment track "Order Completed"\n'
        "total: 19.99\n"
        'products: [{"sku":"A-1","qty":2}]\n'
        "coupon: null\n"
        "gift: true\n"
        "note: x"
    )


def test_big_integers_in_properties_are_rendered() -> None:
    message = {"type": "track", "userId": "a@b.co", "event": "E", "properties": {"n": 2**70}}
    assert activity(translate(message, CLASSIC))["notes"].endswith(f"n: {2**70}")


@pytest.mark.parametrize(
    ("message", "title", "heading"),
    [
        ({"name": "Pricing", "category": "Docs"}, "Pricing", 'Segment page "Pricing" in Docs'),
        ({"properties": {"title": "Home | Acme"}}, "Home | Acme", 'Segment page "Home | Acme"'),
        (
            {"properties": {"url": "https://acme.io/"}},
            "https://acme.io/",
            'Segment page "https://acme.io/"',
        ),
        ({}, "Page view", 'Segment page "Page view"'),
    ],
)
def test_page_title_fallbacks(message: dict[str, Any], title: str, heading: str) -> None:
    body = activity(translate({"type": "page", "userId": "a@b.co", **message}, CLASSIC))
    assert body["title"] == title
    assert body["notes"].split("\n")[0] == heading


def test_screen_title() -> None:
    assert (
        activity(translate({"type": "screen", "userId": "a@b.co"}, CLASSIC))["title"]
        == "Screen view"
    )
    assert (
        activity(translate({"type": "screen", "userId": "a@b.co", "name": "Cart"}, CLASSIC))[
            "title"
        ]
        == "Cart"
    )


def test_long_titles_are_cut_to_255_characters() -> None:
    body = activity(translate({"type": "track", "userId": "a@b.co", "event": "E" * 400}, CLASSIC))
    assert body["title"] == "E" * 255


def test_email_from_context_traits_with_the_user_id_as_external_id() -> None:
    message = {
        "type": "track",
        "userId": "u-7",
        "event": "E",
        "context": {"traits": {"email": "ann@example.com"}},
    }
    person = translate(message, CLASSIC).calls[0]
    assert person.query == {"q": "ann@example.com", "f": "email", "entities": "contact,lead"}
    assert person.fallback is not None
    # Nobody with the email among contacts and leads: a lead is created, never upserted.
    assert (person.fallback.method, person.fallback.path, person.fallback.body) == (
        "POST",
        "/leads",
        {"lead": {"email": "ann@example.com", "external_id": "u-7"}},
    )


def test_lead_write_upsert_upserts_the_unseen_visitor() -> None:
    settings = Settings(domain="acme", api_key="k", lead_write="upsert")
    person = translate({"type": "track", "userId": "a@b.co", "event": "E"}, settings).calls[0]
    assert person.fallback is not None
    assert (person.fallback.path, person.fallback.body) == (
        "/leads/upsert",
        {
            "unique_identifier": {"emails": "a@b.co"},
            "lead": {"email": "a@b.co", "external_id": "a@b.co"},
        },
    )


def test_email_from_properties_when_nothing_else_has_one() -> None:
    message = {
        "type": "track",
        "anonymousId": "anon",
        "event": "Signed Up",
        "properties": {"email": "new@x.io"},
    }
    person = translate(message, CLASSIC).calls[0]
    assert person.query is not None and person.query["q"] == "new@x.io"
    assert person.fallback is not None and person.fallback.body == {"lead": {"email": "new@x.io"}}


def test_user_id_alone_looks_up_by_external_id_with_nothing_to_create() -> None:
    person = translate({"type": "page", "userId": "u-7"}, CLASSIC).calls[0]
    assert person.query == {"q": "u-7", "f": "external_id", "entities": "contact,lead"}
    assert person.fallback is None


def test_suite_host_looks_up_and_creates_contacts_only() -> None:
    person = translate({"type": "track", "userId": "a@b.co", "event": "E"}, SUITE).calls[0]
    assert person.query is not None and person.query["entities"] == "contact"
    assert person.fallback is not None and person.fallback.path == "/contacts/upsert"


PERSON_OWNER = {"from": "person", "value": {"$ref": "person#/owner_id"}}


def owner(properties: dict[str, Any], settings: Settings = CLASSIC) -> Any:
    message = {"type": "track", "userId": "a@b.co", "event": "E", "properties": properties}
    return activity(translate(message, settings))["owner_id"]


@pytest.mark.parametrize(
    ("key", "value", "sent"), [("ownerId", 42, 42), ("owner_id", "43", 43), ("OwnerId", 4.0, 4)]
)
def test_the_owner_named_by_the_message_comes_first_and_alone(
    key: str, value: Any, sent: int
) -> None:
    assert owner({key: value}, Settings(domain="acme", api_key="k", owner=7)) == {
        "$owner": [{"from": f"properties.{key}", "value": sent}]
    }


def test_owner_id_spelled_so_wins_over_owner_id_in_camel_case() -> None:
    assert owner({"ownerId": 1, "owner_id": 2}) == {
        "$owner": [{"from": "properties.owner_id", "value": 2}]
    }


def test_without_one_in_the_message_the_person_owner_then_the_settings_owner() -> None:
    assert owner({}) == {"$owner": [PERSON_OWNER]}
    assert owner({"ownerId": None}, Settings(domain="acme", api_key="k", owner=7)) == {
        "$owner": [PERSON_OWNER, {"from": "Settings.owner", "value": 7}]
    }
    by_email = Settings(domain="acme", api_key="k", owner="boss@acme.io")
    assert owner({}, by_email) == {
        "$owner": [
            PERSON_OWNER,
            {"from": "Settings.owner", "value": {"$lookup": "owners", "email": "boss@acme.io"}},
        ]
    }


@pytest.mark.parametrize("value", ["abc", True, 0, -3, 1.5, {"id": 1}])
def test_an_owner_that_is_not_a_user_id_is_an_invalid_event_when_strict(value: Any) -> None:
    with pytest.raises(InvalidEvent) as error:
        owner({"ownerId": value}, Settings(domain="acme", api_key="k", strict=True))
    assert error.value.path == "properties.ownerId"


@pytest.mark.parametrize("value", ["abc", True, 0, -3, 1.5, {"id": 1}])
def test_an_owner_that_is_not_a_user_id_is_dropped_for_the_next_source(value: Any) -> None:
    message = {"type": "track", "userId": "a@b.co", "event": "E", "properties": {"ownerId": value}}
    plan = translate(message, Settings(domain="acme", api_key="k", owner=7))
    assert activity(plan)["owner_id"] == {
        "$owner": [PERSON_OWNER, {"from": "Settings.owner", "value": 7}]
    }
    [dropped] = plan.dropped
    assert dropped.path == "properties.ownerId"
    assert dropped.reason.startswith("expected ")


def test_activity_targets_the_person_step() -> None:
    body = activity(translate({"type": "track", "userId": "a@b.co", "event": "E"}, CLASSIC))
    assert body["targetable_type"] == {"$ref": "person#/targetable_type"}
    assert body["targetable_id"] == {"$ref": "person#/targetable_id"}


@pytest.mark.parametrize(
    ("message", "path", "fragment"),
    [
        ({"type": "track", "userId": "a@b.co"}, "event", "expected the event name"),
        ({"type": "track", "userId": "a@b.co", "event": " "}, "event", "expected the event name"),
        ({"type": "track", "userId": "a@b.co", "event": 7}, "event", "expected the event name"),
        (
            {"type": "track", "userId": "a@b.co", "event": "E", "properties": "x"},
            "properties",
            "expected an object",
        ),
        (
            {"type": "track", "anonymousId": "x", "event": "E"},
            "userId",
            "expected a userId or an email",
        ),
        (
            {
                "type": "track",
                "userId": "u",
                "event": "E",
                "context": {"traits": {"email": "nope"}},
            },
            "context.traits.email",
            "expected an email address",
        ),
        (
            {"type": "track", "userId": "u", "event": "E", "context": {"traits": []}},
            "context.traits",
            "expected an object",
        ),
        ({"type": "page", "userId": "a@b.co", "name": 3}, "name", "expected a non-empty string"),
        (
            {"type": "page", "userId": "a@b.co", "category": ""},
            "category",
            "expected a non-empty string",
        ),
        (
            {"type": "track", "userId": "a@b.co", "event": "E", "timestamp": "2015-2-02T00:30:08Z"},
            "timestamp",
            "expected an ISO-8601 date-time",
        ),
        (
            {"type": "track", "userId": "a@b.co", "event": "E", "timestamp": 1714557600},
            "timestamp",
            "got the number 1714557600",
        ),
    ],
)
def test_invalid_activities(message: dict[str, Any], path: str, fragment: str) -> None:
    with pytest.raises(InvalidEvent) as error:
        translate(message, CLASSIC)
    assert error.value.path == path
    assert fragment in str(error.value)
