"""Freshsales field tables, as data: which standard fields each record type takes, their JSON
types, and where Segment's reserved traits go.

Facts come from the Freshsales reference (../shared/reference/freshsales-api.md §3.3): [C-3p]
unless marked [I]. To support another standard field, add it to the right table; the trait
mapping picks it up by name (camelCase traits are snake_cased first).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from types import MappingProxyType
from typing import Final

__all__ = [
    "ACCOUNT_ALIASES",
    "ADDRESS_PARTS",
    "CONTACT",
    "DEAL",
    "LEAD",
    "LEAD_COMPANY",
    "LEAD_DEAL",
    "PERSON_ALIASES",
    "SALES_ACCOUNT",
    "SEGMENT_GROUP_TRAITS",
    "SEGMENT_IDENTIFY_TRAITS",
    "FieldType",
    "Record",
]


class FieldType(Enum):
    """The JSON type Freshsales expects for a standard field."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"  # "YYYY-MM-DD"
    STRING_LIST = "string list"
    ACCOUNT_LINKS = "account links"  # [{"id": <account id>, "is_primary": <bool>}]

    # Members are singletons, so identity hashes them; Enum's own __hash__ runs Python code on
    # every lookup of a converter, once per trait.
    __hash__ = object.__hash__


TEXT, INT, NUM, DATE, LIST = (
    FieldType.STRING,
    FieldType.INTEGER,
    FieldType.NUMBER,
    FieldType.DATE,
    FieldType.STRING_LIST,
)


@dataclass(frozen=True)
class Record:
    """A Freshsales record type: its envelope key, collection path and writable fields."""

    key: str  # the singular envelope key, "contact"
    path: str  # the collection, "/contacts"
    targetable_type: str  # how sales activities and notes name it, "Contact"
    fields: Mapping[str, FieldType]
    aliases: Mapping[str, str]

    @cached_property
    def upsert_path(self) -> str:
        """The upsert route, "/contacts/upsert"."""
        return f"{self.path}/upsert"


def _table(fields: dict[str, FieldType]) -> Mapping[str, FieldType]:
    # A plain dict behind a read-only type: a MappingProxyType doubles the cost of each lookup
    # on the hottest path of a translation.
    return fields


# Fields a lead and a contact share. `email` and `external_id` are left out on purpose: the
# translator sets them from the resolved email and the userId, never from a trait.
_PERSON: Final = {
    "first_name": TEXT,
    "last_name": TEXT,
    "job_title": TEXT,
    "department": TEXT,
    "work_number": TEXT,
    "mobile_number": TEXT,
    "address": TEXT,
    "city": TEXT,
    "state": TEXT,
    "zipcode": TEXT,
    "country": TEXT,
    "time_zone": TEXT,
    "medium": TEXT,
    "keyword": TEXT,
    "facebook": TEXT,
    "twitter": TEXT,
    "linkedin": TEXT,
    "owner_id": INT,
    "territory_id": INT,
    "lead_source_id": INT,
    "campaign_id": INT,
    "tags": LIST,
}

# Other names of the address and social fields that Segment sources use (snake_cased trait →
# field): Segment's own `postalCode`, and the `*UserName` forms of the social handles.
_OTHER_NAMES: Final = {
    "postal_code": "zipcode",
    "zip": "zipcode",
    "facebook_user_name": "facebook",
    "twitter_user_name": "twitter",
    "linkedin_user_name": "linkedin",
    "linked_in": "linkedin",
    "linked_in_user_name": "linkedin",
}

# The seed document's two exceptions among the default traits (snake_cased trait → field),
# and the other names above.
PERSON_ALIASES: Final[Mapping[str, str]] = {
    "title": "job_title",
    "phone": "work_number",
    **_OTHER_NAMES,
}

# Segment's group traits and company object spell the head count two ways.
ACCOUNT_ALIASES: Final[Mapping[str, str]] = {
    "employees": "number_of_employees",
    "employee_count": "number_of_employees",
    **_OTHER_NAMES,
}

# Segment's `address` object (snake_cased keys) → Freshsales' flat address fields; a plain
# dict behind a read-only type, as the field tables (`_table`).
ADDRESS_PARTS: Final[Mapping[str, str]] = {
    "street": "address",
    "city": "city",
    "state": "state",
    "postal_code": "zipcode",
    "zip": "zipcode",
    "zipcode": "zipcode",
    "country": "country",
}

CONTACT: Final = Record(
    key="contact",
    path="/contacts",
    targetable_type="Contact",
    fields=_table(
        {
            **_PERSON,
            "work_email": TEXT,
            "contact_status_id": INT,
            "lifecycle_stage_id": INT,
            "subscription_status": INT,
            "subscription_types": TEXT,  # "2;3;4;5;1"
            # The `salesAccounts` trait: the accounts the contact is linked to, replacing
            # those it has (freshsales-api.md §3.3).
            "sales_accounts": FieldType.ACCOUNT_LINKS,
        }
    ),
    aliases=PERSON_ALIASES,
)

# Leads exist on the classic freshsales.io host only; `lead_stage_id` [C-3p, S4 side-loads].
LEAD: Final = Record(
    key="lead",
    path="/leads",
    targetable_type="Lead",
    fields=_table({**_PERSON, "lead_stage_id": INT}),
    aliases=PERSON_ALIASES,
)

SALES_ACCOUNT: Final = Record(
    key="sales_account",
    path="/sales_accounts",
    targetable_type="SalesAccount",
    fields=_table(
        {
            "name": TEXT,
            "address": TEXT,
            "city": TEXT,
            "state": TEXT,
            "zipcode": TEXT,
            "country": TEXT,
            "phone": TEXT,
            "website": TEXT,
            "number_of_employees": INT,
            "annual_revenue": NUM,
            "industry_type_id": INT,
            "business_type_id": INT,
            "territory_id": INT,
            "owner_id": INT,
            "parent_sales_account_id": INT,
            "facebook": TEXT,
            "twitter": TEXT,
            "linkedin": TEXT,
            "tags": LIST,
        }
    ),
    aliases=ACCOUNT_ALIASES,
)

# `sales_account_id` and the contact links are left out: the plan builds them.
DEAL: Final = Record(
    key="deal",
    path="/deals",
    targetable_type="Deal",
    fields=_table(
        {
            "name": TEXT,
            "amount": NUM,
            "deal_stage_id": INT,
            "deal_pipeline_id": INT,
            "deal_type_id": INT,
            "deal_reason_id": INT,
            "currency_id": INT,
            "owner_id": INT,
            "territory_id": INT,
            "probability": INT,
            "expected_close": DATE,
            "closed_date": DATE,
            "lead_source_id": INT,
            "campaign_id": INT,
            "deal_product_id": INT,
            "deal_payment_status_id": INT,
            "tags": LIST,
        }
    ),
    aliases={},
)

# The company and deal objects nested inside a lead [C-3p, S4 lead.json; state, zipcode,
# country and phone by analogy with accounts, I].
LEAD_COMPANY: Final = Record(
    key="company",
    path="/leads",
    targetable_type="Lead",
    fields=_table(
        {
            name: SALES_ACCOUNT.fields[name]
            for name in (
                "name",
                "address",
                "city",
                "state",
                "zipcode",
                "country",
                "phone",
                "website",
                "number_of_employees",
                "annual_revenue",
                "industry_type_id",
                "business_type_id",
            )
        }
    ),
    aliases=ACCOUNT_ALIASES,
)

LEAD_DEAL: Final = Record(
    key="deal",
    path="/leads",
    targetable_type="Lead",
    fields=_table(
        {
            name: DEAL.fields[name]
            for name in ("name", "amount", "currency_id", "expected_close", "deal_product_id")
        }
    ),
    aliases={},
)

# Where each reserved identify trait of the Segment Spec goes on a lead or contact; None means
# deliberately ignored (reported in `Plan.ignored`), with the reason beside it.
SEGMENT_IDENTIFY_TRAITS: Final[Mapping[str, str | None]] = MappingProxyType(
    {
        "address": "address, city, state, zipcode, country",
        "age": None,  # no Freshsales field
        "avatar": None,  # read-only in Freshsales
        "birthday": None,  # no standard field; use a custom date field
        "company": "the account (contacts) or the lead's company",
        "createdAt": None,  # Freshsales keeps its own created_at
        "description": None,  # no person field
        "email": "email, and the upsert key",
        "firstName": "first_name",
        "lastName": "last_name",
        "gender": None,  # no Freshsales field
        "id": None,  # the userId is the external_id
        "name": "first_name and last_name, when neither is given",
        "phone": "work_number",
        "title": "job_title",
        "username": None,  # no Freshsales field
        "website": None,  # people have none; the company object's website goes to the account
    }
)

# Where each reserved group trait goes on a sales account.
SEGMENT_GROUP_TRAITS: Final[Mapping[str, str | None]] = MappingProxyType(
    {
        "address": "address, city, state, zipcode, country",
        "avatar": None,  # read-only in Freshsales
        "createdAt": None,  # Freshsales keeps its own created_at
        "description": None,  # no account field
        "email": None,  # accounts have no email field
        "employees": "number_of_employees",
        "id": None,  # the groupId is Segment's; Freshsales makes its own ids
        "industry": None,  # Freshsales takes an industry_type_id, not a name
        "name": "name, and the upsert key",
        "phone": "phone",
        "plan": None,  # no account field; use a custom field
        "website": "website",
    }
)
