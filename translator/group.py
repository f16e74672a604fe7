"""group → a sales account upsert by name, linked to the user when Freshsales knows them.

The user is found as track finds them: contacts before leads, by email, else by external id.
A contact found gets the account added to the accounts it has; a lead found gets it as its
company. Nobody found: with an email the person is created already linked (a lead on the
classic host unless the context traits carry `fsContact`, a contact on the Suite host); with
no email the account alone is written, since there is nobody to link it to.
"""

from __future__ import annotations

from translator.errors import InvalidEvent, describe
from translator.fields import CONTACT, LEAD, SALES_ACCOUNT
from translator.lenient import Drops
from translator.links import ACCOUNT_ID, link_account
from translator.message import optional_object, user_id
from translator.person import (
    PERSON_ID,
    asks_for_contact,
    context_traits,
    find_person,
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
    drops: Drops = None if settings.strict else []
    account = map_traits(traits, SALES_ACCOUNT, path="traits", drops=drops)
    name = account.fields.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidEvent(
            "traits.name", "expected the company's name: Freshsales upserts accounts by name"
        )
    calls: list[Call] = [upsert("account", SALES_ACCOUNT, {"name": name}, account.body())]
    email = user_email(message, uid)
    if email is None and uid is None:
        return Plan(calls, sorted(account.ignored), [] if drops is None else drops)
    record = person_record(settings, asks_for_contact(context_traits(message), "context.traits"))
    linked: dict[str, JSON] = (
        {"sales_accounts": [{"id": ACCOUNT_ID, "is_primary": True}]}
        if record is CONTACT
        else {"company": {"name": name}}
    )
    calls.append(find_person(settings, email, uid, record, linked))
    # A person the fallback made is linked already; one found is linked by what follows.
    found = {"person#/targetable_type": CONTACT.targetable_type, "person#/created": False}
    calls.append(
        Call(
            "contact",
            "GET",
            f"{CONTACT.path}/{PERSON_ID}",
            None,
            {"include": "sales_accounts"},
            when=found,
        )
    )
    calls.append(link_account(PERSON_ID, ref("contact", "/contact/sales_accounts"), found))
    if not settings.suite:
        lead = {**found, "person#/targetable_type": LEAD.targetable_type}
        body = {LEAD.key: {"company": {"name": name}}}
        calls.append(Call("company", "PUT", f"{LEAD.path}/{PERSON_ID}", body, when=lead))
    return Plan(calls, sorted(account.ignored), [] if drops is None else drops)
