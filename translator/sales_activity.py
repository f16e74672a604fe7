"""A track of the `sales_activity` kind → a sales activity built from its properties.

Read from `properties` (any spelling: `startDate` is `start_date`):

* `title`, else the event name;
* `sales_activity_type_id`, else `sales_activity_type` (a name), else the type the event map
  names, else `Settings.track_activity_type`;
* `start_date` and `end_date`, else the message's timestamp (the end: else the start);
* `owner_id`, else the person's owner (when the person is the target), else `Settings.owner`;
* `sales_activity_outcome_id`, else `outcome` (a name);
* `notes`: the first lines of the activity's notes (else the usual heading), then the other
  properties, one line each, then the messageId line;
* `location`, `latitude`, `longitude`, `checkedin_at`.

Names are looked up in `GET /selector/sales_activity_types` and `.../sales_activity_outcomes`.
The activity targets the record `context.externalId` (or Segment's `context.externalIds`) names
with a `type` of Contact, SalesAccount or Deal and its `id`, with no lookup; else the person, as
every activity does.
"""

from __future__ import annotations

from typing import Final

from translator.activity import TITLE_LIMIT, activity_owner, notes
from translator.coerce import coerce
from translator.errors import InvalidEvent, child, describe
from translator.fields import FieldType
from translator.lenient import Drops, drop
from translator.message import iso_datetime, optional_object, user_id
from translator.person import find_person, user_email
from translator.plan import JSON, Call, Plan, lookup_placeholder, ref
from translator.settings import Settings
from translator.traits import spelled_all

__all__ = ["activity_target", "translate_sales_activity"]

_FIELDS: Final = frozenset(
    {
        "title",
        "sales_activity_type",
        "sales_activity_type_id",
        "start_date",
        "end_date",
        "owner_id",
        "outcome",
        "sales_activity_outcome_id",
        "notes",
        "location",
        "latitude",
        "longitude",
        "checkedin_at",
    }
)
# Optional values sent as they are once coerced; [I] no source gives the types of the
# coordinates: numbers, as a map gives them.
_PLAIN: Final = (
    ("location", FieldType.STRING),
    ("latitude", FieldType.NUMBER),
    ("longitude", FieldType.NUMBER),
)
# `type` of an external id entry (any case; "sales_account" too) → the activity's target type.
_TARGET_TYPES: Final = {"contact": "Contact", "salesaccount": "SalesAccount", "deal": "Deal"}


def translate_sales_activity(
    message: dict[str, JSON],
    settings: Settings,
    when: str | None,
    event: str,
    type_given: str | int | None,
) -> Plan:
    """The plan for a track of the sales_activity kind; `type_given` is the activity type the
    event map names for it (a name or an id), if any."""
    properties = optional_object(message, "properties") or {}
    drops: Drops = None if settings.strict else []
    found = spelled_all(properties, _FIELDS)
    target = activity_target(message, drops)

    title = _value(found, "title", FieldType.STRING, drops)
    text = _value(found, "notes", FieldType.STRING, drops)
    rest = {k: v for k, v in properties.items() if not _consumed(k, found)}
    heading = text if isinstance(text, str) and text.strip() else f'Segment track "{event}"'
    activity: dict[str, JSON] = {
        "title": (title if isinstance(title, str) and title.strip() else event)[:TITLE_LIMIT],
        "notes": notes(heading, rest, message.get("messageId")),
    }
    start = _date(found, "start_date", drops) or when
    end = _date(found, "end_date", drops) or start
    if start is not None and end is not None:
        activity["start_date"], activity["end_date"] = start, end
    activity["sales_activity_type_id"] = _picked(
        found, "sales_activity_type", "sales_activity_types", drops
    ) or _placeholder("sales_activity_types", type_given or settings.track_activity_type)
    outcome = _picked(found, "outcome", "sales_activity_outcomes", drops, "sales_activity_outcome")
    if outcome is not None:
        activity["sales_activity_outcome_id"] = outcome
    for name, kind in _PLAIN:
        value = _value(found, name, kind, drops)
        if value is not None:
            activity[name] = value
    checked_in = _date(found, "checkedin_at", drops)
    if checked_in is not None:
        activity["checkedin_at"] = checked_in

    calls: list[Call] = []
    if target is None:
        uid = user_id(message)
        calls.append(find_person(settings, user_email(message, uid, properties), uid))
        activity["targetable_type"] = ref("person", "/targetable_type")
        activity["targetable_id"] = ref("person", "/targetable_id")
    else:
        activity["targetable_type"], activity["targetable_id"] = target
    activity["owner_id"] = activity_owner(
        found.get("owner_id"), settings, drops, person=target is None
    )
    calls.append(Call("activity", "POST", "/sales_activities", {"sales_activity": activity}))
    return Plan(calls, [], [] if drops is None else drops)


def activity_target(message: dict[str, JSON], drops: Drops) -> tuple[str, int] | None:
    """(targetable_type, id) of the first entry of `context.externalId`, else of
    `context.externalIds`, whose `type` is Contact, SalesAccount or Deal and that has an id;
    None when none does. Entries of other types (ids for other tools) are passed over."""
    context: dict[str, JSON] = message.get("context") or {}  # an object: translate checked it
    for key in ("externalId", "externalIds"):
        value = context.get(key)
        if value is None:
            continue
        entries = value if isinstance(value, list) else [value]
        for index, entry in enumerate(entries):
            path = f"context.{key}[{index}]" if isinstance(value, list) else f"context.{key}"
            if not isinstance(entry, dict):
                drop(drops, InvalidEvent(path, f'expected {{"type", "id"}}, got {describe(entry)}'))
                continue
            kind = entry.get("type")
            target = (
                _TARGET_TYPES.get(kind.lower().replace("_", "").replace(" ", ""))
                if isinstance(kind, str)
                else None
            )
            if target is None:
                continue
            try:
                record = coerce(entry.get("id"), FieldType.INTEGER, child(path, "id"))
            except InvalidEvent as error:
                drop(drops, error)
                continue
            if record is not None:
                return target, record
    return None


def _consumed(key: str, found: dict[str, tuple[str, JSON]]) -> bool:
    """Whether property `key` is one the activity reads (rather than a line of its notes)."""
    return any(spelled == key for spelled, _ in found.values())


def _value(found: dict[str, tuple[str, JSON]], name: str, kind: FieldType, drops: Drops) -> JSON:
    """The property spelling `name`, coerced to `kind`; None when absent, null or dropped."""
    if name not in found:
        return None
    key, value = found[name]
    try:
        return coerce(value, kind, f"properties.{key}")
    except InvalidEvent as error:
        drop(drops, error)
        return None


def _date(found: dict[str, tuple[str, JSON]], name: str, drops: Drops) -> str | None:
    """The property spelling `name` as an ISO-8601 date-time; None when absent or dropped."""
    if name not in found or found[name][1] is None:
        return None
    key, value = found[name]
    try:
        return iso_datetime(value, f"properties.{key}")
    except InvalidEvent as error:
        drop(drops, error)
        return None


def _picked(
    found: dict[str, tuple[str, JSON]],
    name: str,
    selector: str,
    drops: Drops,
    id_name: str | None = None,
) -> JSON:
    """A picklist entry the properties name: `<id_name>_id` (an id), else `name` (looked up
    in `selector`); None when they name none."""
    entry = _value(found, f"{id_name or name}_id", FieldType.INTEGER, drops)
    if entry is not None:
        return entry
    given = _value(found, name, FieldType.STRING, drops)
    return _placeholder(selector, given) if isinstance(given, str) and given.strip() else None


def _placeholder(selector: str, entry: str | int) -> JSON:
    """An entry of `selector`: its id as given, or a `$lookup` of its name."""
    return entry if isinstance(entry, int) else lookup_placeholder(selector, entry)
