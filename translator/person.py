"""Who a message is about in Freshsales: a lead or a contact, and how to find or write them."""

from __future__ import annotations

from translator.errors import InvalidEvent, child, describe
from translator.fields import CONTACT, LEAD, Record
from translator.message import checked_email, is_email
from translator.plan import JSON, Call, path_ref
from translator.settings import Settings
from translator.traits import spelled

__all__ = [
    "PERSON_ID",
    "asks_for_contact",
    "context_traits",
    "create_person",
    "find_person",
    "identified_email",
    "kept_person_step",
    "lead_step",
    "person_record",
    "upsert",
    "user_email",
]

# The id of the person a `/lookup` step found or made, as a path segment.
PERSON_ID = path_ref("person", "/targetable_id")


def asks_for_contact(traits: dict[str, JSON], path: str) -> bool:
    """Whether `traits` ask for a contact with `fsContact` (`fs_contact` spelled so wins).

    The value is true, false, or those words as strings in any case (the seed sends "true").
    """
    found = spelled(traits, "fs_contact")
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
    `context.traits.email`, else `properties.email`; the first of these present must be an
    email (an InvalidEvent names it otherwise)."""
    if user_id is not None and is_email(stripped := user_id.strip()):
        return stripped
    path, email = _given_email(message, properties)
    return None if email is None else checked_email(email, path)


def _given_email(message: dict[str, JSON], properties: dict[str, JSON] | None) -> tuple[str, JSON]:
    """Where an event gives its user's email besides the userId, and the value, unchecked:
    `context.traits.email`, else `properties.email`; the value is None when neither is."""
    email = context_traits(message).get("email")
    if email is not None or properties is None:
        return "context.traits.email", email
    return "properties.email", properties.get("email")


def kept_person_step(
    settings: Settings, message: dict[str, JSON], user_id: str | None, properties: dict[str, JSON]
) -> Call | None:
    """The step `find_person` kept for the person of an activity (`user_email` of the message
    and its `properties`), found without resolving their email; None when none is kept.

    This is the person of most activities, so it is worth skipping the email's checks. That is
    right because every step kept was made for an email `user_email` answered for this userId
    (stripped and valid): a step kept under (userId, userId) means the userId is an email, its
    own answer; one kept under (given, userId), where `given` is the email the message gives
    besides, means either that the userId is not an email and `given` is valid, so that
    `given` is the answer, or that the userId, stripped, is `given`.
    """
    steps = settings.shared.person_steps
    if user_id is not None and (step := steps.get((user_id, user_id))) is not None:
        return step
    try:
        _, given = _given_email(message, properties)
    except InvalidEvent:  # context.traits is not an object: user_email tells, when it matters
        return None
    return steps.get((given, user_id)) if type(given) is str else None


def identified_email(given: tuple[str, JSON] | None, user_id: str | None) -> str | None:
    """The email of the person an identify names: the traits' email (`given`: its path in the
    message and its value), else the userId when it is an email; an InvalidEvent when the
    traits give something else than an email."""
    if given is not None and given[1] is not None:  # the traits' email, the usual case
        return checked_email(given[1], given[0])
    if user_id is not None and is_email(stripped := user_id.strip()):
        return stripped
    return None


def person_record(settings: Settings, contact: bool) -> Record:
    """Contacts when asked for, and always on the Suite host, where leads do not exist."""
    return CONTACT if contact or settings.suite else LEAD


def upsert(name: str, record: Record, key: dict[str, JSON], body: dict[str, JSON]) -> Call:
    """An upsert of `record` matched on the one field in `key`."""
    return Call(name, "POST", record.upsert_path, {"unique_identifier": key, record.key: body})


def create_person(settings: Settings, record: Record, email: str, body: dict[str, JSON]) -> Call:
    """The `person` write after a lookup found nobody with this email.

    Contacts are upserted by email (both hosts have it). A lead is created with `POST /leads`
    unless `Settings.lead_write` is "upsert": no public client calls `/leads/upsert`, and a real
    account may answer it 404 (evidence: Leads).
    """
    if record is LEAD and settings.lead_write == "find":
        return Call("person", "POST", LEAD.path, {LEAD.key: body})
    return upsert("person", record, {"emails": email}, body)


def lead_step(settings: Settings, email: str, body: dict[str, JSON]) -> Call:
    """identify's write of a lead: looked up by email, then updated or created; or upserted
    when `Settings.lead_write` is "upsert"."""
    if settings.lead_write == "upsert":
        return upsert("person", LEAD, {"emails": email}, body)
    return Call(
        "person",
        "GET",
        "/lookup",
        None,
        {"q": email, "f": "email", "entities": "lead"},
        create_person(settings, LEAD, email, body),  # the fallback
        Call("person", "PUT", _LEAD_FOUND, {LEAD.key: body}),  # found
    )


_LEAD_FOUND = f"{LEAD.path}/{PERSON_ID}"  # the lead the lookup found


def find_person(
    settings: Settings,
    email: str | None,
    user_id: str | None,
    record: Record | None = None,
    extra: dict[str, JSON] | None = None,
) -> Call:
    """The `person` step of an activity or a group: look the person up, by email when known.

    With an email, nobody found means the person is created with the email (and `extra`), as a
    `record` (a lead on the classic host, a contact on the Suite host, by default), so an event
    for an unseen visitor is not lost; contacts are looked up before leads, so an existing
    contact never gets a twin lead. With only a userId there is nothing to create a person with.
    """
    if record is not None or extra:
        return _find_person(settings, email, user_id, record, extra)
    # The step then depends on the settings, the email and the userId alone: a person's
    # activities share it (plans are read-only), built at their first. Every caller passes
    # the email `user_email` answered, which `kept_person_step` relies on.
    step = settings.shared.person_steps.get((email, user_id))
    if step is None:
        step = _find_person(settings, email, user_id, None, None)
        settings.shared.keep_person_step((email, user_id), step)
    return step


def _find_person(
    settings: Settings,
    email: str | None,
    user_id: str | None,
    record: Record | None,
    extra: dict[str, JSON] | None,
) -> Call:
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
    if extra:
        body.update(extra)
    created = create_person(settings, record or person_record(settings, False), email, body)
    return Call(
        "person", "GET", "/lookup", None, {"q": email, "f": "email", "entities": entities}, created
    )
