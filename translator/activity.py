"""track, page and screen → a sales activity on the person (found, or created by email).

The activity's type is looked up by name (`Settings.track_activity_type` and friends); its title
is the event or page name, its notes the properties, one readable line each, and last the
message's messageId (`message_id_line`): an activity is a create, and when an attempt got no
answer the client looks for that line among the person's activities before sending again. A
real account refuses an activity without an owner: it is the message's `properties.ownerId`,
else the person's own owner, else `Settings.owner`, and the plan says which it tried (`$owner`).
"""

from __future__ import annotations

import json
from typing import Final

import orjson

from translator.coerce import coerce
from translator.errors import InvalidEvent, describe
from translator.fields import FieldType
from translator.message import optional_object, optional_string, user_id
from translator.person import find_person, user_email
from translator.plan import JSON, Call, Plan, lookup_placeholder, owner_placeholder, ref
from translator.settings import Settings
from translator.traits import spelled

__all__ = ["message_id_line", "translate_activity"]

TITLE_LIMIT: Final = 255  # [I] Freshsales' text fields hold 255 characters


def translate_activity(message: dict[str, JSON], settings: Settings, when: str | None) -> Plan:
    """The plan for a track, page or screen call."""
    kind = message["type"]
    uid = user_id(message)
    properties = optional_object(message, "properties") or {}
    email = user_email(message, uid, properties)

    title, type_name, heading = _title(kind, message, properties, settings)
    notes = _notes(heading, properties, message.get("messageId"))
    activity: dict[str, JSON] = {"title": title[:TITLE_LIMIT], "notes": notes}
    if when is not None:
        activity["start_date"] = activity["end_date"] = when
    activity["sales_activity_type_id"] = lookup_placeholder("sales_activity_types", type_name)
    activity["targetable_type"] = ref("person", "/targetable_type")
    activity["targetable_id"] = ref("person", "/targetable_id")
    activity["owner_id"] = _owner(properties, settings)
    person = find_person(settings, email, uid)
    return Plan(
        [person, Call("activity", "POST", "/sales_activities", {"sales_activity": activity})], []
    )


def _owner(properties: dict[str, JSON], settings: Settings) -> JSON:
    """Where the activity's owner comes from, in order (see translator.plan)."""
    given = spelled(properties, "owner_id")
    if given is not None and given[1] is not None:
        key, value = given
        path = f"properties.{key}"
        owner = coerce(value, FieldType.INTEGER, path)
        if not isinstance(owner, int) or owner < 1:
            raise InvalidEvent(path, f"expected a Freshsales user id, got {describe(value)}")
        return owner_placeholder([(path, owner)])
    sources: list[tuple[str, JSON]] = [("person", ref("person", "/owner_id"))]
    if isinstance(settings.owner, str):
        sources.append(("Settings.owner", {"$lookup": "owners", "email": settings.owner}))
    elif settings.owner is not None:
        sources.append(("Settings.owner", settings.owner))
    return owner_placeholder(sources)


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


def message_id_line(message_id: str) -> str:
    """The last line of the notes of the activity a message with this messageId makes."""
    return f"Segment messageId: {message_id}"


def _notes(heading: str, properties: dict[str, JSON], message_id: JSON) -> str:
    """The heading, one `key: value` line per property in the message's order, then the
    messageId line when the message has a messageId."""
    lines = [heading]
    for key, value in properties.items():
        lines.append(f"{key}: {value if type(value) is str else _render(value)}")
    if isinstance(message_id, str) and message_id:
        lines.append(message_id_line(message_id))
    return "\n".join(lines)


def _render(value: JSON) -> str:
    """A property value that is not a string, as compact JSON."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # integers beyond 64 bits; the message was checked already
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
