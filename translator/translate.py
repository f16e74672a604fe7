"""translate(message, settings) → Plan: the one entry point of the pure mapping."""

from __future__ import annotations

from collections.abc import Callable

from translator.errors import InvalidEvent, describe
from translator.group import translate_group
from translator.identify import translate_identify
from translator.lenient import drop
from translator.message import (
    MAX_MESSAGE_ID_LENGTH,
    check_message,
    timestamp,
    user_id,
)
from translator.page import translate_page
from translator.plan import JSON, Plan
from translator.settings import Settings
from translator.track import translate_track

__all__ = ["DESTINATION", "MESSAGE_TYPES", "translate"]

DESTINATION = "Freshsales"
"""This destination's name in a message's `integrations` (Segment's keys are case-sensitive)."""


def _alias(message: dict[str, JSON], settings: Settings, when: str | None) -> Plan:
    """Freshsales has no use for a change of user id: nothing to send, once it is well formed."""
    if user_id(message) is None:
        raise InvalidEvent("userId", "expected the new userId of the alias")
    previous = message.get("previousId")
    if not (isinstance(previous, str) and previous.strip()) and (
        not isinstance(previous, int) or isinstance(previous, bool)
    ):
        raise InvalidEvent("previousId", f"expected the previous id, got {describe(previous)}")
    return Plan()


_HANDLERS: dict[str, Callable[[dict[str, JSON], Settings, str | None], Plan]] = {
    "identify": translate_identify,
    "track": translate_track,
    "page": translate_page,
    "screen": translate_page,
    "group": translate_group,
    "alias": _alias,
}
MESSAGE_TYPES = tuple(_HANDLERS)


def translate(message: object, settings: Settings) -> Plan:
    """The Freshsales calls that deliver one Segment message.

    ```python
    plan = translate({"type": "track", "userId": "ann@example.com", "event": "Signed Up"},
                     Settings(domain="acme", api_key="..."))
    [(c.method, c.path) for c in plan.calls]
    # [("GET", "/lookup"), ("POST", "/sales_activities")]
    ```

    Pure and deterministic: no I/O, no clock. Raises only InvalidEvent, whose `path` names the
    field at fault. A message whose `integrations` turn Freshsales off gives a plan with no
    calls, `skipped="integrations"`.
    """
    checked = check_message(message)
    kind = checked.get("type")
    handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        expected = ", ".join(MESSAGE_TYPES)
        raise InvalidEvent("type", f"expected one of {expected}, got {describe(kind)}")
    integrations = checked.get("integrations")
    unread: InvalidEvent | None = None  # integrations that are not an object
    if isinstance(integrations, dict):
        if _turned_off(integrations):
            return Plan(skipped="integrations")
    elif integrations is not None:
        unread = InvalidEvent(
            "integrations", f"expected an object of destination names, got {describe(integrations)}"
        )
        if settings.strict:
            raise unread
    message_id = checked.get("messageId")
    if message_id is not None and not (
        isinstance(message_id, str) and 0 < len(message_id) <= MAX_MESSAGE_ID_LENGTH
    ):
        raise InvalidEvent(
            "messageId",
            f"expected a string of 1 to {MAX_MESSAGE_ID_LENGTH} characters, "
            f"got {describe(message_id)}",
        )
    context = checked.get("context")  # handlers read it as an object from here on
    if context is not None and not isinstance(context, dict):
        raise InvalidEvent("context", f"expected an object, got {describe(context)}")
    anonymous_id = checked.get("anonymousId")
    if anonymous_id is not None and not isinstance(anonymous_id, (str, int)):
        raise InvalidEvent("anonymousId", f"expected a string, got {describe(anonymous_id)}")
    plan = handler(checked, settings, timestamp(checked))
    if unread is not None:
        drop(plan.dropped, unread)
    return plan


def _turned_off(integrations: dict[str, JSON]) -> bool:
    """Whether `integrations` keep the message from Freshsales: `{"Freshsales": false}`, or
    `{"All": false}` without Freshsales turned on (`true`, or an object of its options)."""
    own = integrations.get(DESTINATION)
    if own is not None:
        return own is False
    return integrations.get("All") is False
