"""Tracks that mean something: sales activities from their properties, lifecycle stages, and
the event map that names more of them."""

from typing import Any

import pytest

from translator import InvalidEvent, Plan, Settings, translate

CLASSIC = Settings(domain="acme", api_key="k")
SUITE = Settings(domain="acme.myfreshworks.com", api_key="k")
STRICT = Settings(domain="acme", api_key="k", strict=True)
OWNED = Settings(domain="acme", api_key="k", owner=70)
WHEN = "2026-05-01T10:00:00Z"
PERSON = {"$ref": "person#/targetable_id"}
PERSON_TYPE = {"$ref": "person#/targetable_type"}
PERSON_OWNER = {"from": "person", "value": {"$ref": "person#/owner_id"}}


def track(event: str, properties: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    message = {"type": "track", "userId": "ann@example.com", "event": event, "timestamp": WHEN}
    if properties is not None:
        message["properties"] = properties
    return {**message, **extra}


def sales_activity(plan: Plan) -> dict[str, Any]:
    [activity] = [call for call in plan.calls if call.name == "activity"]
    assert (activity.method, activity.path) == ("POST", "/sales_activities")
    body: dict[str, Any] = activity.body["sales_activity"]
    return body


@pytest.mark.parametrize(
    "event", ["sales_activity", "Sales Activity", "SALES ACTIVITY", "Sales_Activity"]
)
def test_a_sales_activity_track_is_recognised_in_any_case(event: str) -> None:
    body = sales_activity(translate(track(event, {"title": "Call"}), CLASSIC))
    assert body["title"] == "Call"


def test_a_sales_activity_reads_its_fields_from_the_properties() -> None:
    properties = {
        "title": "Call with Ann",
        "salesActivityType": "Phone",
        "outcome": "Interested",
        "start_date": "2026-05-01T09:30:00Z",
        "endDate": "2026-05-01T09:45:00+02:00",
        "owner_id": "71",
        "notes": "Asked about pricing",
        "location": "Berlin",
        "latitude": "52.52",
        "longitude": 13.405,
        "checkedinAt": "2026-05-01",
        "plan": "pro",
    }
    plan = translate(track("sales_activity", properties, messageId="m-9"), CLASSIC)
    assert [(c.name, c.path) for c in plan.calls] == [
        ("person", "/lookup"),
        ("activity", "/sales_activities"),
    ]
    assert sales_activity(plan) == {
        "title": "Call with Ann",
        "notes": "Asked about pricing\nplan: pro\nSegment messageId: m-9",
        "start_date": "2026-05-01T09:30:00Z",
        "end_date": "2026-05-01T09:45:00+02:00",
        "sales_activity_type_id": {"$lookup": "sales_activity_types", "name": "Phone"},
        "sales_activity_outcome_id": {"$lookup": "sales_activity_outcomes", "name": "Interested"},
        "location": "Berlin",
        "latitude": 52.52,
        "longitude": 13.405,
        "checkedin_at": "2026-05-01T00:00:00Z",
        "targetable_type": PERSON_TYPE,
        "targetable_id": PERSON,
        "owner_id": {"$owner": [{"from": "properties.owner_id", "value": 71}]},
    }
    assert plan.dropped == []


def test_ids_win_over_names_and_defaults_fill_the_rest() -> None:
    properties = {
        "sales_activity_type_id": "7",
        "sales_activity_type": "Phone",
        "sales_activity_outcome_id": 3,
        "outcome": "Interested",
    }
    body = sales_activity(translate(track("sales_activity", properties), OWNED))
    assert body["title"] == "sales_activity"
    assert body["notes"] == 'Segment track "sales_activity"'
    assert body["start_date"] == body["end_date"] == WHEN
    assert body["sales_activity_type_id"] == 7
    assert body["sales_activity_outcome_id"] == 3
    assert body["owner_id"] == {"$owner": [PERSON_OWNER, {"from": "Settings.owner", "value": 70}]}


def test_without_a_type_the_activity_is_of_the_track_type() -> None:
    body = sales_activity(translate(track("sales_activity"), CLASSIC))
    assert body["sales_activity_type_id"] == {
        "$lookup": "sales_activity_types",
        "name": "Segment Event",
    }
    assert "sales_activity_outcome_id" not in body


def test_the_end_defaults_to_the_start() -> None:
    body = sales_activity(translate(track("sales_activity", {"startDate": "2026-06-01"}), CLASSIC))
    assert body["start_date"] == body["end_date"] == "2026-06-01T00:00:00Z"


@pytest.mark.parametrize(
    ("properties", "path"),
    [
        ({"sales_activity_type_id": "seven"}, "properties.sales_activity_type_id"),
        ({"start_date": "tomorrow"}, "properties.start_date"),
        ({"latitude": "north"}, "properties.latitude"),
        ({"outcome": {"name": "x"}}, "properties.outcome"),
        ({"title": ["a"]}, "properties.title"),
        ({"ownerId": "boss"}, "properties.ownerId"),
    ],
)
def test_a_bad_optional_property_is_dropped_or_with_strict_settings_rejected(
    properties: dict[str, Any], path: str
) -> None:
    plan = translate(track("sales_activity", properties), CLASSIC)
    assert [d.path for d in plan.dropped] == [path]
    sales_activity(plan)  # sent all the same
    with pytest.raises(InvalidEvent) as error:
        translate(track("sales_activity", properties), STRICT)
    assert error.value.path == path


@pytest.mark.parametrize(
    ("context", "target"),
    [
        ({"externalId": [{"type": "Deal", "id": "42"}]}, ("Deal", 42)),
        ({"externalId": {"type": "SalesAccount", "id": 7}}, ("SalesAccount", 7)),
        ({"externalId": [{"type": "contact", "id": 9}]}, ("Contact", 9)),
        (
            {
                "externalIds": [
                    {"id": "h-1", "type": "hubspot_id", "collection": "users", "encoding": "none"},
                    {"id": "8", "type": "sales_account", "collection": "accounts"},
                ]
            },
            ("SalesAccount", 8),
        ),
    ],
)
def test_an_external_id_of_a_freshsales_type_is_the_target_with_no_lookup(
    context: dict[str, Any], target: tuple[str, int]
) -> None:
    plan = translate(track("sales_activity", context=context), OWNED)
    assert [c.name for c in plan.calls] == ["activity"]
    body = sales_activity(plan)
    assert (body["targetable_type"], body["targetable_id"]) == target
    # No person step: the owner is the message's, else the settings'.
    assert body["owner_id"] == {"$owner": [{"from": "Settings.owner", "value": 70}]}


@pytest.mark.parametrize(
    "context",
    [
        {"externalIds": [{"id": "h-1", "type": "hubspot_id"}]},
        {"externalId": [{"type": "Deal"}]},
        {"externalId": []},
    ],
)
def test_without_a_usable_external_id_the_person_is_the_target(context: dict[str, Any]) -> None:
    plan = translate(track("sales_activity", context=context), CLASSIC)
    assert [c.name for c in plan.calls] == ["person", "activity"]
    assert plan.dropped == []


def test_a_bad_external_id_is_dropped_and_the_person_is_the_target() -> None:
    context = {"externalId": [{"type": "Deal", "id": "forty-two"}, "junk"]}
    plan = translate(track("sales_activity", context=context), CLASSIC)
    assert [c.name for c in plan.calls] == ["person", "activity"]
    assert [d.path for d in plan.dropped] == ["context.externalId[0].id", "context.externalId[1]"]


@pytest.mark.parametrize("event", ["lifecycle_stage", "Lifecycle Stage"])
def test_a_lifecycle_stage_track_updates_the_person_found_or_creates_them(event: str) -> None:
    plan = translate(track(event, {"lifecycleStage": "Customer"}), CLASSIC)
    stage = {"$lookup": "lifecycle_stages", "name": "Customer"}
    [person, contact, lead] = plan.calls
    assert person.query == {"q": "ann@example.com", "f": "email", "entities": "contact,lead"}
    assert person.fallback is not None
    assert (person.fallback.path, person.fallback.body) == (
        "/leads",
        {
            "lead": {
                "email": "ann@example.com",
                "external_id": "ann@example.com",
                "lifecycle_stage_id": stage,
            }
        },
    )
    for call, record in ((contact, "contact"), (lead, "lead")):
        assert (call.method, call.path) == ("PUT", f"/{record}s/{{person#/targetable_id}}")
        assert call.body == {record: {"lifecycle_stage_id": stage}}
        assert call.when == {
            "person#/targetable_type": record.capitalize(),
            "person#/created": False,
        }
    assert plan.dropped == []


def test_on_the_suite_host_only_contacts_have_a_stage() -> None:
    plan = translate(track("lifecycle_stage", {"lifecycle_stage_id": "3"}), SUITE)
    assert [(c.method, c.path) for c in plan.calls] == [
        ("GET", "/lookup"),
        ("PUT", "/contacts/{person#/targetable_id}"),
    ]
    assert plan.calls[1].body == {"contact": {"lifecycle_stage_id": 3}}


def test_a_bad_stage_id_falls_back_to_the_name_and_is_dropped() -> None:
    plan = translate(
        track("lifecycle_stage", {"lifecycle_stage_id": "x", "lifecycle_stage": "Lead"}), CLASSIC
    )
    assert plan.calls[1].body == {
        "contact": {"lifecycle_stage_id": {"$lookup": "lifecycle_stages", "name": "Lead"}}
    }
    assert [d.path for d in plan.dropped] == ["properties.lifecycle_stage_id"]


@pytest.mark.parametrize(
    ("properties", "path"),
    [
        (None, "properties.lifecycle_stage"),
        ({"lifecycle_stage": "  "}, "properties.lifecycle_stage"),
        ({"lifecycle_stage_id": "x"}, "properties.lifecycle_stage_id"),
    ],
)
def test_a_lifecycle_stage_track_without_a_stage_is_invalid(
    properties: dict[str, Any] | None, path: str
) -> None:
    with pytest.raises(InvalidEvent) as error:
        translate(track("lifecycle_stage", properties), CLASSIC)
    assert error.value.path == path


def test_the_event_map_names_kinds_types_stages_and_events_to_ignore() -> None:
    settings = Settings(
        domain="acme",
        api_key="k",
        event_map={
            "Trial Started": {"lifecycle_stage": "Trial"},
            "Plan Upgraded": {"lifecycle_stage_id": 5},
            "Demo Booked": {"sales_activity_type": "Meeting"},
            "Call Logged": "sales_activity",
            "Heartbeat": None,
            "sales_activity": None,
        },
    )
    trial = translate(track("Trial Started", {"plan": "pro"}), settings)
    assert trial.calls[1].body == {
        "contact": {"lifecycle_stage_id": {"$lookup": "lifecycle_stages", "name": "Trial"}}
    }
    upgraded = translate(track("Plan Upgraded"), settings)
    assert upgraded.calls[1].body == {"contact": {"lifecycle_stage_id": 5}}
    demo = sales_activity(translate(track("Demo Booked", {"plan": "pro"}), settings))
    assert demo["sales_activity_type_id"] == {"$lookup": "sales_activity_types", "name": "Meeting"}
    assert (demo["title"], demo["notes"]) == (
        "Demo Booked",
        'Segment track "Demo Booked"\nplan: pro',
    )
    call = sales_activity(translate(track("Call Logged", {"outcome": "Interested"}), settings))
    assert call["sales_activity_outcome_id"] == {
        "$lookup": "sales_activity_outcomes",
        "name": "Interested",
    }
    for ignored in ("Heartbeat", "sales_activity"):  # the map wins over the built-in names
        plan = translate(track(ignored), settings)
        assert plan == Plan(skipped="event_map")
        assert plan.to_json() == {"calls": [], "ignored": [], "skipped": "event_map"}


def test_the_event_map_matches_names_exactly_and_leaves_other_events_alone() -> None:
    settings = Settings(domain="acme", api_key="k", event_map={"Heartbeat": None})
    plan = translate(track("heartbeat"), settings)
    assert sales_activity(plan)["title"] == "heartbeat"
    assert sales_activity(plan)["notes"] == 'Segment track "heartbeat"'


def test_the_properties_stage_wins_over_the_map() -> None:
    settings = Settings(
        domain="acme",
        api_key="k",
        event_map={"Trial Started": {"lifecycle_stage": "Trial"}},
    )
    plan = translate(track("Trial Started", {"lifecycle_stage": "Customer"}), settings)
    assert plan.calls[1].body["contact"]["lifecycle_stage_id"]["name"] == "Customer"


def test_page_and_screen_are_not_read_through_the_event_map() -> None:
    settings = Settings(domain="acme", api_key="k", event_map={"Pricing": None})
    page = {"type": "page", "userId": "ann@example.com", "name": "Pricing"}
    assert [c.name for c in translate(page, settings).calls] == ["person", "activity"]
