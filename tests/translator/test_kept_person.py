"""An activity's person step is found among the steps kept without resolving the email again
(translator.person.kept_person_step); the plan is the one resolving it gives."""

from typing import Any

import pytest

from translator import InvalidEvent, Settings, translate
from translator.person import find_person, kept_person_step, user_email

SETTINGS = Settings(domain="acme", api_key="k", owner=7)


def track(user: object, context: Any = None, **properties: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "track", "event": "Signed Up", "properties": properties}
    if user is not None:
        message["userId"] = user
    if context is not None:
        message["context"] = context
    return message


def resolved(message: dict[str, Any], settings: Settings) -> Any:
    """The person step made from the email, as without the steps kept."""
    uid = message.get("userId")
    return find_person(settings, user_email(message, uid, message["properties"]), uid)


@pytest.mark.parametrize(
    "earlier, later",
    [
        # the userId is the email
        (track("ann@example.com"), track("ann@example.com")),
        # the email is in context.traits, then in the properties, for the same userId
        (
            track("u-1", {"traits": {"email": "ann@example.com"}}),
            track("u-1", email="ann@example.com"),
        ),
        # a userId that is an email once stripped: the email given besides is the same
        (
            track(" ann@example.com "),
            track(" ann@example.com ", {"traits": {"email": "ann@example.com"}}),
        ),
        # no userId: the email alone
        (
            track(None, {"traits": {"email": "ann@example.com"}}),
            track(None, email="ann@example.com"),
        ),
    ],
)
def test_a_kept_step_is_the_step_the_email_gives(earlier: Any, later: Any) -> None:
    settings = SETTINGS.replace()
    first = translate(earlier, settings)
    kept = kept_person_step(settings, later, later.get("userId"), later["properties"])
    assert kept is first.calls[0]
    assert translate(later, settings).calls[0] == resolved(later, settings)


@pytest.mark.parametrize(
    "earlier, later",
    [
        # the userId is the email: what context.traits give besides is not read
        (track("u-1", {"traits": {"email": "bob@example.com"}}), track("bob@example.com")),
        # context.traits win over the properties
        (
            track("u-1", email="bob@example.com"),
            track("u-1", {"traits": {"email": "ann@example.com"}}, email="bob@example.com"),
        ),
        # an email userId wins over the email given besides
        (
            track("u-1", {"traits": {"email": "bob@example.com"}}),
            track("ann@example.com", {"traits": {"email": "bob@example.com"}}),
        ),
        # an email given with spaces is resolved, not looked up as given
        (
            track("u-1", {"traits": {"email": "bob@example.com"}}),
            track("u-1", email=" bob@example.com"),
        ),
    ],
)
def test_a_step_kept_for_another_email_is_not_taken(earlier: Any, later: Any) -> None:
    settings = SETTINGS.replace()
    translate(earlier, settings)
    kept = kept_person_step(settings, later, later.get("userId"), later["properties"])
    assert kept is None or kept == resolved(later, settings)
    assert translate(later, settings).calls[0] == resolved(later, settings)


def test_malformed_context_traits_are_rejected_only_when_read() -> None:
    settings = SETTINGS.replace()
    translate(track("u-1", {"traits": {"email": "ann@example.com"}}), settings)
    assert kept_person_step(settings, track("u-1", {"traits": 5}), "u-1", {}) is None
    with pytest.raises(InvalidEvent) as error:
        translate(track("u-1", {"traits": 5}), settings)
    assert error.value.path == "context.traits"
    translate(track("ann@example.com"), settings)
    plan = translate(track("ann@example.com", {"traits": 5}), settings)
    assert plan.calls[0].query == {"q": "ann@example.com", "f": "email", "entities": "contact,lead"}
