"""Who a message is about in Freshsales: a lead or a contact, and how to find them."""

from __future__ import annotations

from translator.errors import InvalidEvent, child, describe
from translator.fields import CONTACT, LEAD, Record
from translator.message import is_email, resolve_email
from translator.plan import JSON, Call
from translator.settings import Settings
from translator.traits import SNAKE_NAMES

__all__ = [
    "asks_for_contact",
    "context_traits",
    "find_person",
    "person_record",
    "upsert",
    "user_email",
]


def asks_for_contact(traits: dict[str, JSON], path: str) -> bool:
    """Whether `traits` ask for a contact with `fsContact` (`fs_contact` spelled so wins).

    The value is true, false, or those words as strings in any case (the seed sends "true").
    """
    found: tuple[str, JSON] | None = None
    for key, value in traits.items():
        if SNAKE_NAMES[key] == "fs_contact" and (found is None or key == "fs_contact"):
            found = (key, value)
    if found is None or found[1] is None or isinstance(found[1], bool):
        return found is not None and found[1] is True
    key, value = found
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidEvent(
        child(path, key), f'expected true, false, "true" or "false", got {describe(value)}'
    )


def context_traits(message: dict[str, JSON]) -> dict[str, JSON]:
    """The message's `context.traits` (identify-style traits carried by other calls), or {}."""
    context: dict[str, JSON] = message.get("context") or {}  # an object: translate checked it
    traits = context.get("traits")
    if traits is None:
        return {}
    if not isinstance(traits, dict):
        raise InvalidEvent("context.traits", f"expected an object, got {describe(traits)}")
    return traits


def user_email(
    message: dict[str, JSON], user_id: str | None, properties: dict[str, JSON] | None = None
) -> str | None:
    """The email of the user an event is about: the userId when it is an email, else
    `context.traits.email`, else `properties.email`."""
    if user_id is not None and is_email(stripped := user_id.strip()):
        return stripped
    candidates: list[tuple[str, JSON]] = [
        ("context.traits.email", context_traits(message).get("email"))
    ]
    if properties is not None:
        candidates.append(("properties.email", properties.get("email")))
    return resolve_email(candidates)


def person_record(settings: Settings, contact: bool) -> Record:
    """Contacts when asked for, and always on the Suite host, where leads do not exist."""
    return CONTACT if contact or settings.suite else LEAD


def upsert(name: str, record: Record, key: dict[str, JSON], body: dict[str, JSON]) -> Call:
    """An upsert of `record` matched on the one field in `key`."""
    return Call(name, "POST", record.upsert_path, {"unique_identifier": key, record.key: body})


def find_person(settings: Settings, email: str | None, user_id: str | None) -> Call:
    """The `person` step of an activity: look the person up, by email when known.

    With an email, nobody found means the person is upserted with the email alone, so an event
    for an unseen visitor is not lost; contacts are looked up before leads, so an existing
    contact never gets a twin lead. With only a userId there is nothing to create a person with.
    """
    entities = "contact" if settings.suite else "contact,lead"
    if email is None:
        if user_id is None:
            raise InvalidEvent(
                "userId",
                "expected a userId or an email (context.traits.email) to find the person "
                "in Freshsales",
            )
        query = {"q": user_id, "f": "external_id", "entities": entities}
        return Call("person", "GET", "/lookup", None, query)
    body: dict[str, JSON] = {"email": email}
    if user_id is not None:
        body["external_id"] = user_id
    record = CONTACT if settings.suite else LEAD
    query = {"q": email, "f": "email", "entities": entities}
    return Call(
        "person", "GET", "/lookup", None, query, upsert("person", record, {"emails": email}, body)
    )
