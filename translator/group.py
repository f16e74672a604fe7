"""group → a sales account upsert by name, linked to the user when their email is known.

The link follows identify's choice of record: a contact (on the Suite host, or when the user's
context traits carry `fsContact`) gets the account in `sales_accounts`; a lead gets it as its
nested company.
"""

from __future__ import annotations

from translator.errors import InvalidEvent, describe
from translator.fields import CONTACT, SALES_ACCOUNT
from translator.message import optional_object, user_id
from translator.person import (
    asks_for_contact,
    context_traits,
    person_record,
    upsert,
    user_email,
)
from translator.plan import JSON, Call, Plan, ref
from translator.settings import Settings
from translator.traits import map_traits

__all__ = ["translate_group"]


def translate_group(message: dict[str, JSON], settings: Settings, when: str | None) -> Plan:
    """The plan for a group call."""
    group_id = message.get("groupId")
    if not (isinstance(group_id, str) and group_id.strip()) and (
        not isinstance(group_id, int) or isinstance(group_id, bool)
    ):
        raise InvalidEvent("groupId", f"expected a non-empty string, got {describe(group_id)}")
    uid = user_id(message)
    traits = optional_object(message, "traits") or {}
    account = map_traits(traits, SALES_ACCOUNT, path="traits")
    name = account.fields.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidEvent(
            "traits.name", "expected the company's name: Freshsales upserts accounts by name"
        )
    calls: list[Call] = [upsert("account", SALES_ACCOUNT, {"name": name}, account.body())]
    email = user_email(message, uid)
    if email is not None:
        contact = asks_for_contact(context_traits(message), "context.traits")
        record = person_record(settings, contact)
        body: dict[str, JSON] = {"email": email}
        if uid is not None:
            body["external_id"] = uid
        if record is CONTACT:
            account_id = ref("account", "/sales_account/id")
            body["sales_accounts"] = [{"id": account_id, "is_primary": True}]
        else:
            body["company"] = {"name": name}
        calls.append(upsert("person", record, {"emails": email}, body))
    return Plan(calls, sorted(account.ignored))
