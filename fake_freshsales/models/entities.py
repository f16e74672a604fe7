"""The record types the fake stores: their names, envelopes, upsert keys and rules."""

from __future__ import annotations

from dataclasses import dataclass

from . import fields as f


@dataclass(frozen=True)
class Entity:
    """One record type: `contacts` is sent as `{"contact": ...}` and targeted as `Contact`."""

    plural: str
    singular: str
    model: str
    fields: tuple[f.Field, ...]
    required: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    # "emails" or "name": what must not repeat among records of this type (case-insensitively).
    unique: str | None = None
    classic_only: bool = False
    has_custom_fields: bool = True
    is_person: bool = False
    # Sales activities have an owner: required, or the API user's (the owner_required switch).
    has_owner: bool = False
    # What links a record to an account; lookup rows leave it out (E2, E3).
    account_links: tuple[str, ...] = ()
    # What `?include=` may name on GET /<plural>/{id} (claim: side-loading, freshsales-api.md
    # §3.5): "deals" comes back beside the record; a contact's "sales_accounts" is embedded
    # already (S10), so naming it changes nothing. [I] No other side-load is modelled.
    includes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How messages name one record: "sales account"."""
        return self.singular.replace("_", " ")

    def field(self, name: str) -> f.Field | None:
        return _FIELD_INDEX[self.plural].get(name)


_PERSON_KEYS = ("emails", "external_id", "mobile_number")

LEADS = Entity(
    "leads",
    "lead",
    "Lead",
    f.LEAD_FIELDS,
    identifiers=_PERSON_KEYS,
    unique="emails",
    classic_only=True,
    is_person=True,
    account_links=("company",),
)
CONTACTS = Entity(
    "contacts",
    "contact",
    "Contact",
    f.CONTACT_FIELDS,
    identifiers=_PERSON_KEYS,
    unique="emails",
    is_person=True,
    account_links=("sales_account_id", "sales_accounts"),
    includes=("deals", "sales_accounts"),
)
SALES_ACCOUNTS = Entity(
    "sales_accounts",
    "sales_account",
    "SalesAccount",
    f.SALES_ACCOUNT_FIELDS,
    required=("name",),
    identifiers=("name",),
    unique="name",
    includes=("deals",),
)
# Deals are upserted by id (E4); by name only under the deal_upsert_by_name switch, and since
# deal names may repeat, that picks the oldest deal of the name.
DEALS = Entity(
    "deals", "deal", "Deal", f.DEAL_FIELDS, required=("name",), identifiers=("id", "name")
)
SALES_ACTIVITIES = Entity(
    "sales_activities",
    "sales_activity",
    "SalesActivity",
    f.SALES_ACTIVITY_FIELDS,
    required=(
        "title",
        "start_date",
        "end_date",
        "sales_activity_type_id",
        "targetable_type",
        "targetable_id",
    ),
    has_custom_fields=False,
    has_owner=True,
)
NOTES = Entity(
    "notes",
    "note",
    "Note",
    f.NOTE_FIELDS,
    required=("description", "targetable_type", "targetable_id"),
    has_custom_fields=False,
)

CRM_ENTITIES = (LEADS, CONTACTS, SALES_ACCOUNTS, DEALS)
ALL_ENTITIES = (*CRM_ENTITIES, SALES_ACTIVITIES, NOTES)
BY_PLURAL = {entity.plural: entity for entity in ALL_ENTITIES}
# What sales activities and notes may point at, by their `targetable_type`.
TARGETABLE = {entity.model: entity for entity in CRM_ENTITIES}
# The `entities` values of GET /lookup.
BY_LOOKUP_NAME = {entity.singular: entity for entity in CRM_ENTITIES}

_FIELD_INDEX = {e.plural: {field.name: field for field in e.fields} for e in ALL_ENTITIES}


def available(entity: Entity, *, classic: bool) -> bool:
    """Leads exist only on the classic freshsales.io host (reference §1, [C-3p] S6)."""
    return classic or not entity.classic_only
