"""Standard field tables per record type (reference §3.3, §4.1) and custom field definitions.

Written from the Freshsales reference only, never from the translator's tables: if both sides
read one table they would agree by construction and the contract tests would prove nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    """How a standard field is typed in requests, stored, and rendered."""

    TEXT = "text"
    WEBSITE = "website"  # a string that must look like a host name or URL
    EMAIL = "email"  # the primary email: a string, stored in the emails list
    EMAILS = "emails"  # a string, a list of strings, or a list of {"value", ...} objects
    INTEGER = "integer"
    NUMBER = "number"
    AMOUNT = "amount"  # a number in requests, a decimal string in responses (reference §8)
    BOOLEAN = "boolean"
    DATE = "date"  # "YYYY-MM-DD"
    DATETIME = "datetime"  # ISO-8601
    TAGS = "tags"  # a list of strings
    ACCOUNT_LINKS = "account_links"  # [{"id": int, "is_primary": bool}]
    PRIMARY_ACCOUNT = "primary_account"  # an account id, stored as the primary account link
    CONTACTS_ADDED = "contacts_added"  # a list of contact ids to link to a deal
    CONTACTS_REMOVED = "contacts_removed"  # a list of contact ids to unlink
    OBJECT = "object"  # a nested object with its own field table (a lead's company and deal)


# Accepted in requests and ignored in both modes: clients echo rendered records back (S10 sends
# created_at and updated_at), and ignoring read-only values is what a Rails app does.
READ_ONLY = frozenset(
    {
        "id",
        "display_name",
        "created_at",
        "updated_at",
        "links",
        "is_deleted",
        "avatar",
        "lead_score",
        "record_type_id",
        "contact_ids",
        "open_deals_amount",
        "open_deals_count",
        "creater_id",
        "partial",
    }
)


def humanize(name: str) -> str:
    """Rails' humanize: "sales_account_id" -> "Sales account"."""
    words = name.removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Field:
    """One standard field: its kind, the record type a link points at, its picklist."""

    name: str
    kind: Kind
    link: str | None = None
    picklist: str | None = None
    nested: tuple[Field, ...] = ()
    # The longest text accepted; None for no limit.
    max_length: int | None = None

    @property
    def label(self) -> str:
        return humanize(self.name)

    @property
    def write_only(self) -> bool:
        return self.kind in (Kind.CONTACTS_ADDED, Kind.CONTACTS_REMOVED)


def _text(*names: str) -> tuple[Field, ...]:
    return tuple(Field(name, Kind.TEXT) for name in names)


def _picks(*pairs: tuple[str, str]) -> tuple[Field, ...]:
    return tuple(Field(name, Kind.INTEGER, picklist=selector) for name, selector in pairs)


# [I] The limit: E3 saw a 300-character first name refused; 255 is Rails' string column size.
_NAME_LENGTH = 255

PERSON_FIELDS: tuple[Field, ...] = (
    Field("first_name", Kind.TEXT, max_length=_NAME_LENGTH),
    Field("last_name", Kind.TEXT, max_length=_NAME_LENGTH),
    Field("email", Kind.EMAIL),
    Field("emails", Kind.EMAILS),
    *_text(
        "job_title",
        "department",
        "work_number",
        "mobile_number",
        "address",
        "city",
        "state",
        "zipcode",
        "country",
        "time_zone",
        "medium",
        "keyword",
        "facebook",
        "twitter",
        "linkedin",
        "external_id",
        "work_email",
    ),
    *_picks(
        ("owner_id", "owners"),
        ("territory_id", "territories"),
        ("lead_source_id", "lead_sources"),
        ("campaign_id", "campaigns"),
    ),
    Field("subscription_status", Kind.INTEGER),
    Field("subscription_types", Kind.TEXT),
    Field("tags", Kind.TAGS),
)

CONTACT_FIELDS: tuple[Field, ...] = (
    *PERSON_FIELDS,
    *_picks(("contact_status_id", "contact_statuses"), ("lifecycle_stage_id", "lifecycle_stages")),
    Field("sales_account_id", Kind.PRIMARY_ACCOUNT, link="sales_accounts"),
    Field("sales_accounts", Kind.ACCOUNT_LINKS, link="sales_accounts"),
)

LEAD_COMPANY_FIELDS: tuple[Field, ...] = (
    *_text("name", "address", "city", "state", "zipcode", "country", "phone", "website"),
    Field("number_of_employees", Kind.INTEGER),
    Field("annual_revenue", Kind.NUMBER),
    *_picks(("industry_type_id", "industry_types"), ("business_type_id", "business_types")),
)

LEAD_DEAL_FIELDS: tuple[Field, ...] = (
    Field("name", Kind.TEXT),
    Field("amount", Kind.AMOUNT),
    *_picks(("currency_id", "currencies"), ("deal_product_id", "deal_products")),
    Field("expected_close", Kind.DATE),
)

# [I] Leads keep their own stage and reason picklists instead of the contact ones; [I] they
# take the contacts' lifecycle stage too, as the Suite's contacts that replaced them do (E6).
LEAD_FIELDS: tuple[Field, ...] = (
    *PERSON_FIELDS,
    *_picks(("lifecycle_stage_id", "lifecycle_stages")),
    Field("lead_stage_id", Kind.INTEGER),
    Field("lead_reason_id", Kind.INTEGER),
    Field("company", Kind.OBJECT, nested=LEAD_COMPANY_FIELDS),
    Field("deal", Kind.OBJECT, nested=LEAD_DEAL_FIELDS),
)

SALES_ACCOUNT_FIELDS: tuple[Field, ...] = (
    *_text("name", "address", "city", "state", "zipcode", "country", "phone"),
    Field("website", Kind.WEBSITE),
    Field("number_of_employees", Kind.INTEGER),
    Field("annual_revenue", Kind.NUMBER),
    *_picks(
        ("industry_type_id", "industry_types"),
        ("business_type_id", "business_types"),
        ("territory_id", "territories"),
        ("owner_id", "owners"),
    ),
    Field("parent_sales_account_id", Kind.INTEGER, link="sales_accounts"),
    *_text("facebook", "twitter", "linkedin"),
    Field("tags", Kind.TAGS),
)

DEAL_FIELDS: tuple[Field, ...] = (
    Field("name", Kind.TEXT),
    Field("amount", Kind.AMOUNT),
    Field("sales_account_id", Kind.INTEGER, link="sales_accounts"),
    *_picks(
        ("deal_stage_id", "deal_stages"),
        ("deal_pipeline_id", "deal_pipelines"),
        ("deal_type_id", "deal_types"),
        ("deal_reason_id", "deal_reasons"),
        ("currency_id", "currencies"),
        ("owner_id", "owners"),
        ("territory_id", "territories"),
    ),
    Field("probability", Kind.INTEGER),
    Field("expected_close", Kind.DATE),
    Field("closed_date", Kind.DATE),
    *_picks(
        ("lead_source_id", "lead_sources"),
        ("campaign_id", "campaigns"),
        ("deal_product_id", "deal_products"),
        ("deal_payment_status_id", "deal_payment_statuses"),
    ),
    Field("tags", Kind.TAGS),
    Field("contacts_added_list", Kind.CONTACTS_ADDED, link="contacts"),
    Field("contacts_removed_list", Kind.CONTACTS_REMOVED),
)

SALES_ACTIVITY_FIELDS: tuple[Field, ...] = (
    *_text("title", "notes"),
    Field("start_date", Kind.DATETIME),
    Field("end_date", Kind.DATETIME),
    *_picks(
        ("sales_activity_type_id", "sales_activity_types"),
        ("sales_activity_outcome_id", "sales_activity_outcomes"),
        ("owner_id", "owners"),
    ),
    Field("targetable_type", Kind.TEXT),
    Field("targetable_id", Kind.INTEGER),
    # E4, E11 list them; [I] their types: no source shows a value.
    Field("location", Kind.TEXT),
    Field("latitude", Kind.NUMBER),
    Field("longitude", Kind.NUMBER),
    Field("checkedin_at", Kind.DATETIME),
)

NOTE_FIELDS: tuple[Field, ...] = (
    Field("description", Kind.TEXT),
    Field("targetable_type", Kind.TEXT),
    Field("targetable_id", Kind.INTEGER),
)


class CustomType(enum.StrEnum):
    """Custom field types and the JSON each accepts (reference §7, all [I])."""

    TEXT = "text"  # a string
    NUMBER = "number"  # an integer
    DECIMAL = "decimal"  # any number
    DATE = "date"  # "YYYY-MM-DD"
    DATETIME = "datetime"  # ISO-8601
    CHECKBOX = "checkbox"  # a boolean
    DROPDOWN = "dropdown"  # one of its choices
    MULTISELECT = "multiselect"  # a list of choices, or a ";"-joined string of them


@dataclass(frozen=True)
class Choice:
    id: int
    value: str


@dataclass(frozen=True)
class CustomField:
    id: int
    name: str
    label: str
    type: CustomType
    choices: tuple[Choice, ...] = ()

    @property
    def values(self) -> frozenset[str]:
        return frozenset(choice.value for choice in self.choices)


def settings_type(spec: Field) -> str:
    """The `type` shown by GET /settings/<entity>/fields, in the custom types' vocabulary [I]."""
    if spec.picklist is not None:
        return "dropdown"
    if spec.link is not None or spec.kind is Kind.CONTACTS_REMOVED:
        return "lookup"
    return _SETTINGS_TYPES[spec.kind]


_SETTINGS_TYPES = {
    Kind.TEXT: "text",
    Kind.WEBSITE: "text",
    Kind.EMAIL: "email",
    Kind.EMAILS: "email",
    Kind.INTEGER: "number",
    Kind.NUMBER: "decimal",
    Kind.AMOUNT: "decimal",
    Kind.BOOLEAN: "checkbox",
    Kind.DATE: "date",
    Kind.DATETIME: "datetime",
    Kind.TAGS: "tags",
    Kind.OBJECT: "group",
}
