"""A track of the `lifecycle_stage` kind → the person's lifecycle stage, set by an update of
the contact (or lead): not an activity.

The stage is `properties.lifecycle_stage_id`, else `properties.lifecycle_stage` (a name, looked
up in `GET /selector/lifecycle_stages`), else the stage the event map names. The person is
found as an activity finds them (contacts before leads, by email, else by external id); one
found is updated (`PUT /contacts/{id}` or `PUT /leads/{id}`), one the lookup did not find is
created with the stage.
"""

from __future__ import annotations

from typing import Final

from translator.coerce import coerce
from translator.errors import InvalidEvent, describe
from translator.fields import CONTACT, LEAD, FieldType
from translator.lenient import Drops, drop
from translator.message import optional_object, user_id
from translator.person import PERSON_ID, find_person, user_email
from translator.plan import JSON, Call, Plan, lookup_placeholder
from translator.settings import Settings
from translator.traits import spelled_all

__all__ = ["translate_lifecycle_stage"]

_NAMES: Final = frozenset({"lifecycle_stage", "lifecycle_stage_id"})
_FIELD: Final = "lifecycle_stage_id"


def translate_lifecycle_stage(
    message: dict[str, JSON], settings: Settings, when: str | None, stage_given: str | int | None
) -> Plan:
    """The plan for a track of the lifecycle_stage kind; `stage_given` is the stage the event
    map names for it (a name or an id), if any."""
    properties = optional_object(message, "properties") or {}
    drops: Drops = None if settings.strict else []
    stage = _stage(properties, stage_given, drops)
    uid = user_id(message)
    email = user_email(message, uid, properties)
    calls = [find_person(settings, email, uid, extra={_FIELD: stage})]
    # A person the lookup's fallback made has the stage already.
    for record in (CONTACT,) if settings.suite else (CONTACT, LEAD):
        found = {"person#/targetable_type": record.targetable_type, "person#/created": False}
        path = f"{record.path}/{PERSON_ID}"
        body = {record.key: {_FIELD: stage}}
        calls.append(Call(f"{record.key}_stage", "PUT", path, body, when=found))
    return Plan(calls, [], [] if drops is None else drops)


def _stage(properties: dict[str, JSON], given: str | int | None, drops: Drops) -> JSON:
    """The stage's id, or a `$lookup` of its name. Without one the message has no use: an
    InvalidEvent (the property that does not name one, if any, is then the reason)."""
    found = spelled_all(properties, _NAMES)
    problems: list[InvalidEvent] = []
    key, value = found.get(_FIELD, ("", None))
    if value is not None:
        try:
            return coerce(value, FieldType.INTEGER, f"properties.{key}")
        except InvalidEvent as error:
            problems.append(error)
    stage: JSON = None
    key, value = found.get("lifecycle_stage", ("", None))
    if isinstance(value, str) and value.strip():
        stage = lookup_placeholder("lifecycle_stages", value)
    elif value is not None:
        problems.append(
            InvalidEvent(
                f"properties.{key}",
                f"expected the name of a lifecycle stage, got {describe(value)}",
            )
        )
    if stage is None and given is not None:
        stage = given if isinstance(given, int) else lookup_placeholder("lifecycle_stages", given)
    if stage is None:
        raise (
            problems[0]
            if problems
            else InvalidEvent(
                "properties.lifecycle_stage",
                "expected the name of a lifecycle stage (or properties.lifecycle_stage_id)",
            )
        )
    for problem in problems:
        drop(drops, problem)
    return stage
