"""Which messages a bulk upsert can carry, and what it carries for each.

An identify goes in bulk when its plan (the translator's, as the engine gets it) is a contact
upsert, optionally with an account upsert and the link of that account to the contact, and
nothing else: no deal, no lead. Everything else goes through the engine, one message at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from segment_freshsales.delivery.outcome import warning
from translator.errors import InvalidEvent
from translator.plan import JSON, Call, Plan
from translator.settings import Settings
from translator.translate import translate

__all__ = ["ACCOUNT_ID", "BulkItem", "bulk_item", "merged_account", "plan_of"]

ACCOUNT_ID: Final = "sales_account_id"
"""The field of a bulk contact that links it to an account: the fake (and, by the evidence's
upsert rules, Freshsales [I]) makes that account the contact's primary one and keeps the
others. `sales_accounts` would replace the contact's links, so it is never sent in bulk."""

_CONTACT_UPSERT: Final = ("person", "POST", "/contacts/upsert")
_ACCOUNT_UPSERT: Final = ("account", "POST", "/sales_accounts/upsert")


@dataclass(frozen=True, slots=True)
class BulkItem:
    """One identify as a bulk upsert carries it.

    `contact` is the contact's item without its account link: `{"unique_identifier": {...},
    "data": {...}}`; `account` the account's name and `account_data` its fields, when the
    identify names one. Bodies may still hold `$lookup` placeholders.
    """

    position: int
    message: object
    message_id: str | None
    email: str  # case-folded: the contact a bulk upsert writes
    contact: dict[str, JSON]
    account: str | None
    account_data: dict[str, JSON] | None
    warnings: tuple[str, ...]


def bulk_item(position: int, message: object, plan: Plan) -> BulkItem | None:
    """The bulk item of a message with its plan (`plan_of`), or None when it goes through the
    engine."""
    if not isinstance(message, dict):
        return None
    calls = _shape(plan)
    if calls is None:
        return None
    account, person = calls
    contact = _item(person, "contact")
    if contact is None or not isinstance(contact["unique_identifier"].get("emails"), str):
        return None
    name, account_data = None, None
    if account is not None:
        item = _item(account, "sales_account")
        name = item["unique_identifier"].get("name") if item is not None else None
        if item is None or not isinstance(name, str):
            return None
        account_data = item["data"]
    message_id = message.get("messageId")
    return BulkItem(
        position=position,
        message=message,
        message_id=message_id if isinstance(message_id, str) else None,
        email=contact["unique_identifier"]["emails"].strip().casefold(),
        contact=contact,
        account=name,
        account_data=account_data,
        warnings=tuple(warning(dropped) for dropped in plan.dropped),
    )


def plan_of(message: object, settings: Settings) -> Plan | None:
    """A message's plan; None when the message is invalid (the engine rejects it, saying
    why)."""
    try:
        return translate(message, settings)
    except InvalidEvent:
        return None


def merged_account(earlier: dict[str, JSON], later: dict[str, JSON]) -> dict[str, JSON]:
    """The fields two upserts of one account leave, the later one last: as Freshsales merges
    `custom_field` key by key, so do they."""
    merged = {**earlier, **later}
    custom = (earlier.get("custom_field"), later.get("custom_field"))
    if isinstance(custom[0], dict) and isinstance(custom[1], dict):
        merged["custom_field"] = {**custom[0], **custom[1]}
    return merged


def _shape(plan: Plan) -> tuple[Call | None, Call] | None:
    """(account upsert or None, contact upsert) when that, and the link, is the whole plan."""
    if plan.skipped is not None:
        return None
    calls = {call.name: call for call in plan.calls}
    person, account = calls.get("person"), calls.get("account")
    expected = {"person"} | ({"account", "link"} if account is not None else set())
    if person is None or set(calls) != expected or len(plan.calls) != len(expected):
        return None
    if _key(person) != _CONTACT_UPSERT or (account and _key(account) != _ACCOUNT_UPSERT):
        return None
    link = calls.get("link")
    if link is not None and (link.method, link.when, link.found) != ("PUT", None, None):
        return None
    return account, person


def _key(call: Call) -> tuple[str, str, str]:
    if call.when is not None or call.found is not None or call.fallback is not None:
        return ("", "", "")
    return (call.name, call.method, call.path)


def _item(call: Call, envelope: str) -> dict[str, JSON] | None:
    """`{"unique_identifier", "data"}` of an upsert's body `{"unique_identifier", envelope}`."""
    body = call.body
    if not isinstance(body, dict) or set(body) != {"unique_identifier", envelope}:
        return None
    unique, data = body["unique_identifier"], body[envelope]
    if not isinstance(unique, dict) or not isinstance(data, dict) or _has_ref(data):
        return None
    return {"unique_identifier": unique, "data": data}


def _has_ref(value: JSON) -> bool:
    """Whether a value holds a placeholder that reads another call's result, which a bulk
    item has no way to fill."""
    if isinstance(value, dict):
        return "$ref" in value or "$link" in value or any(_has_ref(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_ref(v) for v in value)
    return False
