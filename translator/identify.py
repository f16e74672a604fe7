"""identify → a lead (company and deal nested), or with `fsContact` (and always on the Suite
host) account upsert → contact upsert → the account added to the contact's → the deal, linked
by `$ref`."""

from __future__ import annotations

from translator.coerce import coerce
from translator.errors import InvalidEvent
from translator.fields import (
    CONTACT,
    DEAL,
    LEAD_COMPANY,
    LEAD_DEAL,
    SALES_ACCOUNT,
    FieldType,
    Record,
)
from translator.links import ACCOUNT_ID, deal_step, link_account
from translator.message import is_email, optional_object, resolve_email, user_id
from translator.person import asks_for_contact, lead_step, person_record, upsert
from translator.plan import JSON, Call, Plan, path_ref, ref
from translator.settings import Settings
from translator.traits import Mapped, map_traits, object_trait

__all__ = ["translate_identify"]

_SPECIAL = frozenset({"email", "name", "company", "deal", "fs_contact"})


def translate_identify(message: dict[str, JSON], settings: Settings, when: str | None) -> Plan:
    """The plan for an identify call."""
    uid = user_id(message)
    if uid is None:
        raise InvalidEvent("userId", "expected a userId: it identifies the lead or contact")
    traits = optional_object(message, "traits") or {}
    record = person_record(settings, contact=asks_for_contact(traits, "traits"))
    person = map_traits(traits, record, path="traits", special=_SPECIAL)

    email_path, email_value = person.special.get("email", ("traits.email", None))
    candidates = [(email_path, email_value)]
    if is_email(uid.strip()):
        candidates.append(("userId", uid))
    email = resolve_email(candidates)
    if email is None:
        raise InvalidEvent(
            "traits.email",
            "expected an email address: the userId is not one, so traits.email is required",
        )
    _split_name(person)
    body: dict[str, JSON] = {"email": email, "external_id": uid, **person.body()}
    ignored = person.ignored
    company = _nested(person, "company", LEAD_COMPANY if record.key == "lead" else SALES_ACCOUNT)
    deal = _nested(person, "deal", LEAD_DEAL if record.key == "lead" else DEAL)
    for nested in (company, deal):
        if nested is not None:
            ignored.extend(nested.ignored)

    if record is not CONTACT:
        if company is not None:
            body["company"] = company.body()
        if deal is not None:
            body["deal"] = deal.body()
        return Plan([lead_step(settings, email, body)], sorted(ignored))

    calls: list[Call] = []
    if company is not None:
        key = {"name": company.fields["name"]}
        calls.append(upsert("account", SALES_ACCOUNT, key, company.body()))
    calls.append(upsert("person", CONTACT, {"emails": email}, body))
    if company is not None:
        # The upsert answers the contact with the accounts it has: add this one to them.
        existing = ref("person", "/contact/sales_accounts")
        calls.append(link_account(path_ref("person", "/contact/id"), existing))
    if deal is not None:
        deal_body = deal.body()
        if company is not None:
            deal_body["sales_account_id"] = ACCOUNT_ID
        deal_body["contacts_added_list"] = [ref("person", "/contact/id")]
        calls.append(deal_step(settings, deal.fields["name"], deal_body, company is not None))
    return Plan(calls, sorted(ignored))


def _split_name(person: Mapped) -> None:
    """Fill first and last name from `name` when neither is given (first word, then the rest)."""
    if "name" not in person.special or {"first_name", "last_name"} & person.fields.keys():
        return
    path, value = person.special["name"]
    name = coerce(value, FieldType.STRING, path)
    if name is None or not name.strip():
        return
    first, _, last = name.strip().partition(" ")
    person.fields["first_name"] = first
    if last.strip():
        person.fields["last_name"] = last.strip()


def _nested(person: Mapped, key: str, record: Record) -> Mapped | None:
    """The `company` or `deal` object mapped onto `record`; None when absent or unnamed.

    Freshsales finds accounts and deals by name, so an object without one is left out, and
    each of its keys reported as ignored.
    """
    if key not in person.special:
        return None
    path, value = person.special[key]
    raw = object_trait(value, path)
    if raw is None:
        person.ignored.append(key)
        return None
    nested = map_traits(raw, record, path=path, prefix=f"{key}.")
    name = nested.fields.get("name")
    if not isinstance(name, str) or not name.strip():
        person.ignored.extend(f"{key}.{k}" for k in raw)
        if not raw:
            person.ignored.append(key)
        return None
    return nested
