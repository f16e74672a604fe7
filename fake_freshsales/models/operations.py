"""What each API call does to an account: create, update, upsert, delete, look up, seed.

Checks run in a fixed order, each stage answering 400 with every message it found: the body
and envelope, JSON types, links to other records, required values, activity and note targets,
then duplicates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .accounts import Account
from .entities import (
    ALL_ENTITIES,
    BY_LOOKUP_NAME,
    BY_PLURAL,
    CRM_ENTITIES,
    NOTES,
    SALES_ACCOUNTS,
    SALES_ACTIVITIES,
    TARGETABLE,
    Entity,
    available,
)
from .errors import bad_request, blank, invalid_link, not_found, type_invalid
from .fields import Kind, humanize
from .records import Record, apply, set_identifier
from .selectors import ACTIVITY_TYPES
from .validation import Patch, is_email, validate

BODY_NOT_OBJECT = "The request body must be a JSON object."
LOOKUP_KEYS = ("email", "emails", "external_id", "mobile_number", "name")
PER_PAGE_DEFAULT = 25
PER_PAGE_MAX = 100
# Links go in before the records that point at them.
SEED_ORDER = (SALES_ACCOUNTS, *(e for e in ALL_ENTITIES if e is not SALES_ACCOUNTS))


def missing(param: str) -> str:
    """[I] Rails' ActionController::ParameterMissing text; Freshsales is a Rails app."""
    return f"param is missing or the value is empty: {param}"


def check_entity(entity: Entity, *, classic: bool) -> None:
    if not available(entity, classic=classic):
        raise not_found()


def _object(body: object) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise bad_request(BODY_NOT_OBJECT)
    return body


def envelope(entity: Entity, body: object) -> Mapping[str, Any]:
    """The attributes inside `{"<singular>": {...}}`."""
    attributes = _object(body).get(entity.singular)
    if attributes is None:
        raise bad_request(missing(entity.singular))
    if not isinstance(attributes, dict):
        raise bad_request(type_invalid(entity.singular))
    return attributes


def _patch(account: Account, entity: Entity, body: object) -> Patch:
    attributes = envelope(entity, body)
    patch = validate(entity, attributes, account.custom_fields(entity), strict=account.strict)
    _check_links(account, entity, patch)
    return patch


def _check_links(account: Account, entity: Entity, patch: Patch) -> None:
    messages = []
    for name, value in patch.values.items():
        spec = entity.field(name)
        if spec is None or spec.link is None or value is None:
            continue
        if spec.kind is Kind.ACCOUNT_LINKS:
            ids = [link.id for link in value]
        else:
            ids = value if isinstance(value, list) else [value]
        target = BY_PLURAL[spec.link]
        if any(account.store.find(target, target_id) is None for target_id in ids):
            messages.append(invalid_link(name))
    if messages:
        raise bad_request(*messages)


def _check_record(account: Account, record: Record, *, classic: bool) -> None:
    """Rules on the record as it would be stored: required values, targets, duplicates."""
    values = record.values
    required = [
        blank(humanize(name)) for name in record.entity.required if values.get(name) in (None, "")
    ]
    if required:
        raise bad_request(*required)
    if record.entity in (SALES_ACTIVITIES, NOTES):
        target = TARGETABLE.get(values["targetable_type"])
        if target is None or not available(target, classic=classic):
            raise bad_request(invalid_link("targetable_type"))
        if account.store.find(target, values["targetable_id"]) is None:
            raise bad_request(invalid_link("targetable_id"))
    type_id = values.get("sales_activity_type_id")
    if record.entity is SALES_ACTIVITIES and not account.selectors.has(ACTIVITY_TYPES, type_id):
        raise bad_request(invalid_link("sales_activity_type_id"))
    conflict = account.store.conflict(record)
    if conflict is not None:
        raise bad_request(conflict)


def _new_record(account: Account, entity: Entity, now: float) -> Record:
    # The id is a placeholder until the record passes every check, so a refused create
    # leaves no gap in the sequence.
    record = Record(id=0, entity=entity, created_at=now, updated_at=now)
    if entity.owned_by_default:
        record.values["owner_id"] = account.user["id"]
    return record


def _store_new(account: Account, record: Record, *, classic: bool) -> Record:
    _check_record(account, record, classic=classic)
    record.id = account.new_record_id()
    account.store.put(record)
    return record


def create(account: Account, entity: Entity, body: object, *, now: float, classic: bool) -> Record:
    check_entity(entity, classic=classic)
    patch = _patch(account, entity, body)
    record = _new_record(account, entity, now)
    apply(record, patch, account.new_aux_id)
    return _store_new(account, record, classic=classic)


def _update_record(
    account: Account, stored: Record, patch: Patch, *, now: float, classic: bool
) -> Record:
    record = stored.copy()
    apply(record, patch, account.new_aux_id)
    record.updated_at = now
    _check_record(account, record, classic=classic)
    account.store.put(record)
    return record


def update(
    account: Account, entity: Entity, record_id: int, body: object, *, now: float, classic: bool
) -> Record:
    check_entity(entity, classic=classic)
    stored = account.store.get(entity, record_id)
    patch = _patch(account, entity, body)
    return _update_record(account, stored, patch, now=now, classic=classic)


def _identifier(entity: Entity, body: Mapping[str, Any]) -> tuple[str, str]:
    identifier = body.get("unique_identifier")
    if identifier is None:
        raise bad_request(missing("unique_identifier"))
    if not isinstance(identifier, dict) or len(identifier) != 1:
        raise bad_request(
            f"unique_identifier must have exactly one of: {', '.join(entity.identifiers)}."
        )
    key, value = next(iter(identifier.items()))
    if key not in entity.identifiers:
        raise bad_request(
            f"unique_identifier must have exactly one of: {', '.join(entity.identifiers)}."
        )
    if not isinstance(value, str):
        raise bad_request(type_invalid(f"unique_identifier.{key}"))
    if not value.strip():
        raise bad_request(blank(f"unique_identifier.{key}"))
    if key == "emails" and not is_email(value):
        raise bad_request("Email is invalid")
    return key, value


def upsert(
    account: Account, entity: Entity, body: object, *, now: float, classic: bool
) -> tuple[Record, bool]:
    """Update the oldest record matching `unique_identifier`, else create one (True)."""
    check_entity(entity, classic=classic)
    key, value = _identifier(entity, _object(body))
    patch = _patch(account, entity, body)
    matches = account.store.matching(entity, key, value)
    if matches:
        return _update_record(account, matches[0], patch, now=now, classic=classic), False
    record = _new_record(account, entity, now)
    apply(record, patch, account.new_aux_id)
    set_identifier(record, key, value, account.new_aux_id)
    return _store_new(account, record, classic=classic), True


def get(account: Account, entity: Entity, record_id: int, *, classic: bool) -> Record:
    check_entity(entity, classic=classic)
    return account.store.get(entity, record_id)


def delete(account: Account, entity: Entity, record_id: int, *, classic: bool) -> None:
    check_entity(entity, classic=classic)
    account.store.delete(entity, record_id)


def lookup(
    account: Account, query: Mapping[str, str], *, classic: bool
) -> dict[Entity, list[Record]]:
    """GET /lookup: exact matches of `q` on field `f` among the requested record types."""
    for param in ("q", "f"):
        if not query.get(param):
            raise bad_request(missing(param))
    key = query["f"]
    if key not in LOOKUP_KEYS:
        raise bad_request(invalid_link("f"))
    names = [name.strip() for name in query.get("entities", "").split(",") if name.strip()]
    if names:
        entities = [BY_LOOKUP_NAME.get(name) for name in dict.fromkeys(names)]
    else:
        entities = [e for e in CRM_ENTITIES if available(e, classic=classic)]
    if any(e is None or not available(e, classic=classic) for e in entities):
        raise bad_request(invalid_link("entities"))
    return {e: account.store.matching(e, key, query["q"]) for e in entities if e is not None}


def page(records: list[Record], query: Mapping[str, str]) -> tuple[list[Record], dict[str, int]]:
    """One page of a list and its `meta`; `per_page` is capped at 100 (S6, S8)."""
    numbers = {}
    for param, default in (("page", 1), ("per_page", PER_PAGE_DEFAULT)):
        text = query.get(param, str(default))
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise bad_request(invalid_link(param))
        numbers[param] = int(text)
    per_page = min(numbers["per_page"], PER_PAGE_MAX)
    start = (numbers["page"] - 1) * per_page
    meta = {"total_pages": math.ceil(len(records) / per_page), "total": len(records)}
    return records[start : start + per_page], meta


def seed(account: Account, data: object, *, now: float) -> dict[Entity, list[Record]]:
    """Create records directly (no rate limit), in link order; the same rules apply."""
    batches = _object(data)
    unknown = sorted(set(batches) - {e.plural for e in ALL_ENTITIES} - {"domain"})
    if unknown:
        raise bad_request(f"Unknown record type {unknown[0]}.")
    created: dict[Entity, list[Record]] = {}
    for entity in SEED_ORDER:
        items = batches.get(entity.plural)
        if items is None:
            continue
        if not isinstance(items, list):
            raise bad_request(type_invalid(entity.plural))
        created[entity] = [
            create(account, entity, {entity.singular: item}, now=now, classic=True)
            for item in items
        ]
    return created
