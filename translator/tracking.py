"""track, page and screen → the account's tracking API, when `Settings.tracks_to_api` (an app
token, and `track_as` "events").

A track of no kind of its own (`translator.event_map`) becomes one event, `POST /track/events`;
a page or a screen one page view, `POST /track/page_views`: no person lookup, no owner, no
activity type. Both name the person by email, resolved as identify resolves it
(`person.identified_email` over `context.traits.email`, else the userId when it is an email),
and carry the token as the placeholder `{"$secret": "app_token"}`, which delivery fills: the
token is in no plan. Their paths are relative to `Settings.tracking_url` (see translator.plan).

```python
{"application_token": {"$secret": "app_token"}, "sdk": "segment-freshsales",
 "identifier": "ann@example.com", "event": {"name": "Signed Up", "plan": "Pro"}}
```

A message with no email to name the person by, or a page or screen without a URL, gets None
here: it stays a sales activity, so that it is delivered, never dropped.
"""

from __future__ import annotations

from typing import Final

from translator.errors import InvalidEvent
from translator.lenient import Drops, drop
from translator.message import optional_object, user_id
from translator.person import context_traits, identified_email
from translator.plan import JSON, Call, Plan, secret_placeholder
from translator.settings import Settings
from translator.traits import spelled

__all__ = ["SDK", "page_view", "tracked_event"]

SDK: Final = "segment-freshsales"
"""What the tracking API is told the calls come from (its `sdk` field)."""
# [I] Segment's page fields the tracking API is given besides the URL, from the properties,
# else from `context.page` (where analytics.js puts them).
_PAGE_FIELDS: Final = ("title", "referrer", "path")


def tracked_event(message: dict[str, JSON], settings: Settings, event: str) -> Plan | None:
    """The event a track of no kind of its own becomes; None without an email to name the
    person by. Its properties go as given, after the name; a property `name` would replace
    the event's name, so it is left out (dropped, or a rejection under strict settings)."""
    properties = optional_object(message, "properties") or {}
    email = _email(message)
    if email is None:
        return None
    drops: Drops = None if settings.strict else []
    record: dict[str, JSON] = {"name": event}
    for key, value in properties.items():
        if key == "name":
            drop(
                drops,
                InvalidEvent(
                    "properties.name",
                    "expected no property called name: the tracking API reads it as the "
                    "event's name, which is the track's event",
                ),
            )
        else:
            record[key] = value
    call = _tracking_call("event", "/track/events", email, "event", record)
    return Plan([call], [], [] if drops is None else drops)


def page_view(message: dict[str, JSON], settings: Settings) -> Plan | None:
    """The page view a page or screen becomes; None without a URL (`properties.url`, else
    `context.page.url`) or an email to name the person by."""
    properties = optional_object(message, "properties") or {}
    context: dict[str, JSON] = message.get("context") or {}  # an object: translate checked it
    page = context.get("page")
    page = page if isinstance(page, dict) else {}
    url = _text(properties.get("url")) or _text(page.get("url"))
    if url is None:
        return None
    email = _email(message)
    if email is None:
        return None
    record: dict[str, JSON] = {"url": url}
    for key in _PAGE_FIELDS:
        value = _text(properties.get(key)) or _text(page.get(key))
        if value is not None:
            record[key] = value
    return Plan([_tracking_call("page_view", "/track/page_views", email, "page_view", record)])


def _email(message: dict[str, JSON]) -> str | None:
    """The person's email as identify resolves it; None when there is none that is usable (the
    sales activity the message then becomes says what is wrong, if anything)."""
    uid = user_id(message)  # a malformed userId is rejected, with or without a token
    try:
        found = spelled(context_traits(message), "email")
        given = None if found is None else (f"context.traits.{found[0]}", found[1])
        return identified_email(given, uid)
    except InvalidEvent:
        return None


def _tracking_call(name: str, path: str, email: str, key: str, record: JSON) -> Call:
    body = {
        "application_token": secret_placeholder("app_token"),
        "sdk": SDK,
        "identifier": email,
        key: record,
    }
    return Call(name, "POST", path, body)


def _text(value: JSON) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
