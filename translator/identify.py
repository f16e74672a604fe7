"""identify → a lead (company and deal nested), or with `fsContact` (and always on the Suite
host) account upsert → contact upsert → the account added to the contact's → the deal, linked
by `$ref`.

Traits come from `traits`, and from `context.traits` for what `traits` does not give (a field
`traits` sets, under any spelling, keeps its value)."""

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
from translator.lenient import Drops, drop
from translator.links import ACCOUNT_ID, deal_step, link_account
from translator.message import optional_object, user_id
from translator.person import (
    asks_for_contact,
    context_traits,
    identified_email,
    lead_step,
    person_record,
    upsert,
)
from translator.plan import JSON, Call, Plan, path_ref, ref
from translator.settings import Settings
from translator.traits import Mapped, map_traits, object_trait, spelled

__all__ = ["translate_identify"]

_SPECIAL = frozenset({"email", "name", "company", "deal", "fs_contact"})


def translate_identify(message: dict[str, JSON], settings: Settings, when: str | None) -> Plan:
    """The plan for an identify call."""
    uid = user_id(message)
    if uid is None:
        raise InvalidEvent("userId", "expected a userId: it identifies the lead or contact")
    traits = optional_object(message, "traits") or {}
    drops: Drops = None if settings.strict else []
    context = message.get("context")
    more = _context_only(message, traits) if context and "traits" in context else None
    if more and spelled(traits, "fs_contact") is None:
        contact = asks_for_contact(more, "context.traits")
    else:
        contact = asks_for_contact(traits, "traits")
    record = person_record(settings, contact)
    person = map_traits(traits, record, path="traits", special=_SPECIAL, drops=drops)
    if more:
        person.absorb(
            map_traits(
                more,
                record,
                path="context.traits",
                prefix="context.traits.",
                special=_SPECIAL,
                drops=drops,
            )
        )

    email = identified_email(person.special.get("email"), uid)
    if email is None:
        raise InvalidEvent(
            "traits.email",
            "expected an email address: the userId is not one, so traits.email is required",
        )
    _split_name(person, drops)
    body: dict[str, JSON] = {"email": email, "external_id": uid, **person.body()}
    ignored = person.ignored
    company = _nested(
        person, "company", LEAD_COMPANY if record.key == "lead" else SALES_ACCOUNT, drops
    )
    deal = _nested(person, "deal", LEAD_DEAL if record.key == "lead" else DEAL, drops)
    for nested in (company, deal):
        if nested is not None:
            ignored.extend(nested.ignored)

    if record is not CONTACT:
        if company is not None:
            body["company"] = company.body()
        if deal is not None:
            body["deal"] = deal.body()
        return Plan(
            [lead_step(settings, email, body)], sorted(ignored), [] if drops is None else drops
        )

    calls: list[Call] = []
    if company is not None:
        key = {"name": company.fields["name"]}
        calls.append(upsert("account", SALES_ACCOUNT, key, company.body()))
    calls.append(upsert("person", CONTACT, {"emails": email}, body))
    if company is not None:
        # The upsert answers the contact with the accounts it has: add this one to them.
        calls.append(link_account(_CONTACT_ID_SEGMENT, _CONTACT_ACCOUNTS))
    if deal is not None:
        deal_body = deal.body()
        if company is not None:
            deal_body["sales_account_id"] = ACCOUNT_ID
        deal_body["contacts_added_list"] = [_CONTACT_ID]
        calls.append(deal_step(settings, deal.fields["name"], deal_body, company is not None))
    return Plan(calls, sorted(ignored), [] if drops is None else drops)


# The contact the `person` upsert wrote, as plans of every message refer to it.
_CONTACT_ID = ref("person", "/contact/id")
_CONTACT_ID_SEGMENT = path_ref("person", "/contact/id")
_CONTACT_ACCOUNTS = ref("person", "/contact/sales_accounts")


def _context_only(message: dict[str, JSON], traits: dict[str, JSON]) -> dict[str, JSON]:
    """The `context.traits` keys that `traits` does not have."""
    more = message["context"]["traits"]
    if more is None:
        return {}
    if not isinstance(more, dict):
        context_traits(message)  # raises the InvalidEvent that names it
    if more.keys() <= traits.keys():  # the usual copy of the traits (or a part of them)
        return {}
    return {k: v for k, v in more.items() if k not in traits}


def _split_name(person: Mapped, drops: Drops) -> None:
    """Fill first and last name from `name` when neither is given (first word, then the rest)."""
    if "name" not in person.special or {"first_name", "last_name"} & person.fields.keys():
        return
    path, value = person.special["name"]
    try:
        name = coerce(value, FieldType.STRING, path)
    except InvalidEvent as error:
        drop(drops, error)
        return
    if name is None or not name.strip():
        return
    first, _, last = name.strip().partition(" ")
    person.fields["first_name"] = first
    if last.strip():
        person.fields["last_name"] = last.strip()


def _nested(person: Mapped, key: str, record: Record, drops: Drops) -> Mapped | None:
    """The `company` or `deal` object mapped onto `record`; None when absent, unnamed or
    dropped.

    Freshsales finds accounts and deals by name, so an object without one is left out, and
    each of its keys reported as ignored.
    """
    if key not in person.special:
        return None
    path, value = person.special[key]
    try:
        raw = object_trait(value, path)
    except InvalidEvent as error:
        drop(drops, error)
        return None
    label = key if path.startswith("traits.") else f"context.traits.{key}"
    if raw is None:
        person.ignored.append(label)
        return None
    nested = map_traits(raw, record, path=path, prefix=f"{label}.", drops=drops)
    name = nested.fields.get("name")
    if not isinstance(name, str) or not name.strip():
        person.ignored.extend(f"{label}.{k}" for k in raw)
        if not raw:
            person.ignored.append(label)
        return None
    return nested
