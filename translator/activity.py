"""track, page and screen → a sales activity on the person (found, or created by email).

The activity's type is looked up by name (`Settings.track_activity_type` and friends); its title
is the event or page name, its notes the properties, one readable line each, and last the
message's messageId (`message_id_line`): an activity is a create, and when an attempt got no
answer the client looks for that line among the person's activities before sending again. A
real account refuses an activity without an owner: it is the message's `properties.ownerId`,
else the person's own owner, else `Settings.owner`, and the plan says which it tried (`$owner`).

Tracks of a kind of their own (`translator.event_map`) are `translator.track`'s.
"""

from __future__ import annotations

import json
from typing import Final

import orjson

from translator.coerce import coerce
from translator.errors import InvalidEvent, describe
from translator.fields import FieldType
from translator.lenient import Drops, drop
from translator.message import optional_object, optional_string, user_id
from translator.person import find_person, kept_person_step, user_email
from translator.plan import JSON, Call, Plan, owner_placeholder, ref
from translator.settings import Settings
from translator.traits import spelled

__all__ = [
    "TITLE_LIMIT",
    "activity_owner",
    "message_id_line",
    "notes",
    "translate_activity",
    "translate_event",
]

TITLE_LIMIT: Final = 255  # [I] Freshsales' text fields hold 255 characters


def translate_activity(message: dict[str, JSON], settings: Settings, when: str | None) -> Plan:
    """The plan for a page or screen call."""
    kind = message["type"]
    properties = optional_object(message, "properties") or {}
    name = optional_string(message, "name")
    category = optional_string(message, "category")
    fallback = "Page view" if kind == "page" else "Screen view"
    title = name or _text(properties.get("title")) or _text(properties.get("url")) or fallback
    heading = f'Segment {kind} "{title}"' + (f" in {category}" if category else "")
    return _on_person(message, settings, when, properties, title, kind, heading)


def translate_event(
    message: dict[str, JSON], settings: Settings, when: str | None, event: str
) -> Plan:
    """The plan for a track call of no kind of its own: an activity of the track type."""
    properties = optional_object(message, "properties") or {}
    heading = f'Segment track "{event}"'
    return _on_person(message, settings, when, properties, event, "track", heading)


# The activity's target: the person the plan's `person` step finds or makes.
_TARGETABLE_TYPE: Final = ref("person", "/targetable_type")
_TARGETABLE_ID: Final = ref("person", "/targetable_id")


def _on_person(
    message: dict[str, JSON],
    settings: Settings,
    when: str | None,
    properties: dict[str, JSON],
    title: str,
    kind: str,
    heading: str,
) -> Plan:
    """The plan of an activity of the `kind` message type (of the type its setting names) on
    the person the message is about."""
    uid = user_id(message)
    person = kept_person_step(settings, message, uid, properties)
    email = None if person is not None else user_email(message, uid, properties)
    shared = settings.shared
    drops: Drops = None if settings.strict else []
    owner = spelled(properties, "owner_id")
    # One literal, in the order the body is sent: this is the commonest plan. The placeholders
    # are the same in every plan of these settings, built once and shared.
    activity: dict[str, JSON] = {
        "title": title[:TITLE_LIMIT],
        "notes": notes(heading, properties, message.get("messageId")),
        "start_date": when,
        "end_date": when,
        "sales_activity_type_id": shared.activity_types[kind],
        "targetable_type": _TARGETABLE_TYPE,
        "targetable_id": _TARGETABLE_ID,
        "owner_id": shared.owner if owner is None else activity_owner(owner, settings, drops),
    }
    if when is None:  # a message with no time: the activity has none either
        del activity["start_date"], activity["end_date"]
    if person is None:
        person = find_person(settings, email, uid)
    return Plan(
        [person, Call("activity", "POST", "/sales_activities", {"sales_activity": activity})],
        [],
        [] if drops is None else drops,
    )


def activity_owner(
    given: tuple[str, JSON] | None, settings: Settings, drops: Drops, person: bool = True
) -> JSON:
    """Where the activity's owner comes from, in order (see translator.plan): the properties'
    owner (`given`, its key and value), the person's (when the plan has a person step), then
    `Settings.owner`."""
    if given is not None and given[1] is not None:
        key, value = given
        path = f"properties.{key}"
        owner = _user_id(value, path, drops)
        if owner is not None:
            return owner_placeholder([(path, owner)])
    return settings.shared.owner if person else settings.shared.owner_without_person


def _user_id(value: JSON, path: str, drops: Drops) -> int | None:
    """A Freshsales user id; None when `value` is not one (and then dropped)."""
    try:
        owner = coerce(value, FieldType.INTEGER, path)
    except InvalidEvent as error:
        drop(drops, error)
        return None
    if isinstance(owner, int) and owner >= 1:
        return owner
    drop(drops, InvalidEvent(path, f"expected a Freshsales user id, got {describe(value)}"))
    return None


def _text(value: JSON) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


_MESSAGE_ID_PREFIX: Final = "Segment messageId: "


def message_id_line(message_id: str) -> str:
    """The last line of the notes of the activity a message with this messageId makes."""
    return _MESSAGE_ID_PREFIX + message_id


def notes(heading: str, properties: dict[str, JSON], message_id: JSON) -> str:
    """The heading, one `key: value` line per property in the message's order, then the
    messageId line when the message has a messageId."""
    # A plain loop: notes are written for every activity, and a comprehension costs a call.
    lines = [heading]
    for key, value in properties.items():
        lines.append(f"{key}: {value}" if type(value) is str else f"{key}: {_render(value)}")
    if isinstance(message_id, str) and message_id:
        lines.append(_MESSAGE_ID_PREFIX + message_id)
    return "\n".join(lines)


def _render(value: JSON) -> str:
    """A property value that is not a string, as compact JSON."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # integers beyond 64 bits; the message was checked already
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
