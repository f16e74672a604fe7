"""track, page and screen → a sales activity on the person (found, or created by email).

The activity's type is looked up by name (`Settings.track_activity_type` and friends); its title
is the event or page name, its notes the properties, one readable line each.
"""

from __future__ import annotations

import json
from typing import Final

import orjson

from translator.errors import InvalidEvent
from translator.message import optional_object, optional_string, user_id
from translator.person import find_person, user_email
from translator.plan import JSON, Call, Plan, lookup_placeholder, ref
from translator.settings import Settings

__all__ = ["translate_activity"]

TITLE_LIMIT: Final = 255  # [I] Freshsales' text fields hold 255 characters


def translate_activity(message: dict[str, JSON], settings: Settings, when: str | None) -> Plan:
    """The plan for a track, page or screen call."""
    kind = message["type"]
    uid = user_id(message)
    properties = optional_object(message, "properties") or {}
    email = user_email(message, uid, properties)

    title, type_name, heading = _title(kind, message, properties, settings)
    activity: dict[str, JSON] = {"title": title[:TITLE_LIMIT], "notes": _notes(heading, properties)}
    if when is not None:
        activity["start_date"] = activity["end_date"] = when
    activity["sales_activity_type_id"] = lookup_placeholder("sales_activity_types", type_name)
    activity["targetable_type"] = ref("person", "/targetable_type")
    activity["targetable_id"] = ref("person", "/targetable_id")
    person = find_person(settings, email, uid)
    return Plan(
        [person, Call("activity", "POST", "/sales_activities", {"sales_activity": activity})], []
    )


def _title(
    kind: str, message: dict[str, JSON], properties: dict[str, JSON], settings: Settings
) -> tuple[str, str, str]:
    """The activity title, its type name, and the first line of its notes."""
    if kind == "track":
        event = message.get("event")
        if not isinstance(event, str) or not event.strip():
            raise InvalidEvent("event", "expected the event name, a non-empty string")
        return event, settings.track_activity_type, f'Segment track "{event}"'
    name = optional_string(message, "name")
    category = optional_string(message, "category")
    fallback = "Page view" if kind == "page" else "Screen view"
    title = name or _text(properties.get("title")) or _text(properties.get("url")) or fallback
    heading = f'Segment {kind} "{title}"' + (f" in {category}" if category else "")
    type_name = settings.page_activity_type if kind == "page" else settings.screen_activity_type
    return title, type_name, heading


def _text(value: JSON) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _notes(heading: str, properties: dict[str, JSON]) -> str:
    """The heading, then one `key: value` line per property, in the message's order."""
    lines = [heading]
    for key, value in properties.items():
        lines.append(f"{key}: {value if type(value) is str else _render(value)}")
    return "\n".join(lines)


def _render(value: JSON) -> str:
    """A property value that is not a string, as compact JSON."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # integers beyond 64 bits; the message was checked already
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
