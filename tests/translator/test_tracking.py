"""Tracks and page views sent to the tracking API when the settings have an app token."""

from typing import Any

import pytest
from hypothesis import given

from translator import Dropped, InvalidEvent, Plan, Settings, translate
from translator import strategies as segment

TOKEN = "app-token-canary-93c1"
TOKENED = Settings(domain="acme", api_key="k", app_token=TOKEN)
STRICT = Settings(domain="acme", api_key="k", app_token=TOKEN, strict=True)
ACTIVITIES = Settings(domain="acme", api_key="k", app_token=TOKEN, track_as="activities")
PLAIN = Settings(domain="acme", api_key="k")
WHEN = "2026-05-01T10:00:00Z"
SECRET = {"$secret": "app_token"}


def track(event: str = "Signed Up", **extra: Any) -> dict[str, Any]:
    return {
        "type": "track",
        "userId": "ann@example.com",
        "event": event,
        "timestamp": WHEN,
        **extra,
    }


def page(**extra: Any) -> dict[str, Any]:
    return {
        "type": "page",
        "userId": "ann@example.com",
        "name": "Pricing",
        "timestamp": WHEN,
        **extra,
    }


def tracking_plan(name: str, identifier: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The plan of one tracking call: `name` is "event" or "page_view", its body's key."""
    body = {
        "application_token": SECRET,
        "sdk": "segment-freshsales",
        "identifier": identifier,
        name: payload,
    }
    call = {"name": name, "method": "POST", "path": f"/track/{name}s", "body": body}
    return {"calls": [call], "ignored": []}


def event_plan(identifier: str, event: dict[str, Any]) -> dict[str, Any]:
    return tracking_plan("event", identifier, event)


def page_view_plan(identifier: str, view: dict[str, Any]) -> dict[str, Any]:
    return tracking_plan("page_view", identifier, view)


def is_activity(plan: object) -> bool:
    return isinstance(plan, Plan) and [(c.method, c.path) for c in plan.calls] == [
        ("GET", "/lookup"),
        ("POST", "/sales_activities"),
    ]


def test_a_track_is_one_tracking_api_event_with_its_properties_as_given() -> None:
    properties = {"plan": "Pro", "seats": 3, "trial": True, "tags": ["a"], "cart": {"n": 1}}
    plan = translate(track(properties=properties), TOKENED)
    assert plan.to_json() == event_plan("ann@example.com", {"name": "Signed Up", **properties})


def test_the_suite_host_sends_the_same_event_to_its_own_tracking_url() -> None:
    suite = Settings(domain="acme.myfreshworks.com", api_key="k", app_token=TOKEN)
    plan = translate(track(properties={"plan": "Pro"}), suite)
    assert plan.to_json() == event_plan("ann@example.com", {"name": "Signed Up", "plan": "Pro"})
    assert suite.tracking_url == "https://acme.myfreshworks.com/crm/sales"


def test_a_property_called_name_is_dropped_not_sent_over_the_event_name() -> None:
    plan = translate(track(properties={"name": "Other", "plan": "Pro"}), TOKENED)
    assert plan.calls[0].body["event"] == {"name": "Signed Up", "plan": "Pro"}
    assert plan.dropped == [
        Dropped(
            "properties.name",
            "expected no property called name: the tracking API reads it as the event's name, "
            "which is the track's event",
        )
    ]
    with pytest.raises(InvalidEvent) as error:
        translate(track(properties={"name": "Other"}), STRICT)
    assert error.value.path == "properties.name"


def test_the_email_is_resolved_as_identify_resolves_it() -> None:
    # The traits' email (here the context's) comes before a userId that is an email.
    message = track(context={"traits": {"Email": " Bo@Example.com "}})
    assert translate(message, TOKENED).calls[0].body["identifier"] == "Bo@Example.com"
    anonymous = {**track(), "userId": "u-1", "context": {"traits": {"email": "bo@example.com"}}}
    assert translate(anonymous, TOKENED).calls[0].body["identifier"] == "bo@example.com"


def outcome(message: dict[str, Any], settings: Settings) -> object:
    try:
        return translate(message, settings)
    except InvalidEvent as error:
        return error.path, error.expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({**track(), "userId": "u-1"}, "activity"),  # no email: found by external id
        ({**track(), "context": {"traits": {"email": 7}}}, "activity"),  # by the userId
        # No email to use at all: today's rejection, which names the field at fault.
        (
            {**track(), "userId": "u-1", "context": {"traits": {"email": "no"}}},
            "context.traits.email",
        ),
    ],
)
def test_without_a_usable_email_a_track_keeps_todays_plan(
    message: dict[str, Any], expected: str
) -> None:
    got = outcome(message, TOKENED)
    assert got == outcome(message, PLAIN)
    if expected == "activity":
        assert is_activity(got)
    else:
        assert isinstance(got, tuple) and got[0] == expected


EVENT_MAP = {"Demo Booked": {"sales_activity_type": "Meeting"}, "Heartbeat": None}


def test_kinds_of_their_own_stay_what_they_are() -> None:
    settings = Settings(
        domain="acme",
        api_key="k",
        app_token=TOKEN,
        event_map=EVENT_MAP,
    )
    without_token = Settings(domain="acme", api_key="k", event_map=EVENT_MAP)
    for event in ("sales_activity", "Demo Booked"):
        plan = translate(track(event), settings)
        assert [c.path for c in plan.calls][-1] == "/sales_activities"
        assert plan == translate(track(event), without_token)
    stage = translate(track("lifecycle_stage", properties={"lifecycle_stage_id": 3}), settings)
    assert "/track/events" not in [c.path for c in stage.calls]
    assert translate(track("Heartbeat"), settings) == Plan(skipped="event_map")


def test_a_page_is_one_page_view_with_the_url_title_referrer_and_path() -> None:
    context = {"page": {"url": "https://e.com/c", "referrer": "https://g.com/", "path": "/c"}}
    plan = translate(page(properties={"title": "Pricing | E"}, context=context), TOKENED)
    view = {
        "url": "https://e.com/c",
        "title": "Pricing | E",
        "referrer": "https://g.com/",
        "path": "/c",
    }
    assert plan.to_json() == page_view_plan("ann@example.com", view)


def test_the_page_url_comes_from_the_properties_first_and_screens_are_page_views_too() -> None:
    message = {
        **page(properties={"url": "https://e.com/a"}),
        "type": "screen",
        "context": {"page": {"url": "https://e.com/b"}},
    }
    plan = translate(message, TOKENED)
    assert plan.to_json() == page_view_plan("ann@example.com", {"url": "https://e.com/a"})


@pytest.mark.parametrize(
    "message",
    [
        page(),  # no URL
        page(properties={"url": ""}),
        {**page(properties={"url": "https://e.com/a"}), "userId": "u-1"},  # no email
    ],
)
def test_a_page_without_a_url_or_an_email_stays_a_sales_activity(message: dict[str, Any]) -> None:
    assert translate(message, TOKENED) == translate(message, PLAIN)
    assert is_activity(translate(message, TOKENED))


@pytest.mark.parametrize(
    "message",
    [track(properties={"plan": "Pro"}), page(properties={"url": "https://e.com/a"})],
)
def test_track_as_activities_and_no_token_keep_todays_plans(message: dict[str, Any]) -> None:
    today = translate(message, PLAIN)
    assert is_activity(today)
    assert translate(message, ACTIVITIES) == today


def test_the_token_is_in_no_plan() -> None:
    for message in (track(properties={"plan": "Pro"}), page(properties={"url": "https://e/a"})):
        text = repr(translate(message, TOKENED).to_json())
        assert TOKEN not in text
        assert "'$secret': 'app_token'" in text


@given(segment.valid_messages())
def test_with_a_token_plans_never_hold_it(message: dict[str, Any]) -> None:
    try:
        plan = translate(message, TOKENED)
    except InvalidEvent:
        return
    assert TOKEN not in repr(plan.to_json())
    for call in plan.calls:
        if call.path.startswith("/track/"):
            assert call.body["application_token"] == SECRET
