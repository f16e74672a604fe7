"""POST /filtered_search/<contact|sales_account>: records matching every rule of a filter.

The route and its body are a claim (freshsales-api.md "Filtered search": two third-party
clients). The fake supports the rules a client needs to find many records by their keys in one
call: `is` (one value) and `is_in` (a list) on a contact's `email`/`emails` or `external_id`
and an account's `name`, matched as lookups and upserts match them. [I] Anything else is
refused with a 400 naming it, though the real API filters on many more fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .accounts import Account
from .entities import CONTACTS, SALES_ACCOUNTS, Entity
from .errors import BODY_NOT_OBJECT, bad_request, invalid_param, missing, type_invalid
from .operations import page
from .records import Record

__all__ = ["SEARCHABLE", "filtered_search"]

# The attributes each record type can be searched on here, and the match key each stands for.
SEARCHABLE: Final[Mapping[Entity, Mapping[str, str]]] = {
    CONTACTS: {"email": "emails", "emails": "emails", "external_id": "external_id"},
    SALES_ACCOUNTS: {"name": "name"},
}
_OPERATORS: Final = ("is", "is_in")


def _values(rule: Mapping[str, Any]) -> list[str]:
    value = rule.get("value")
    values = [value] if rule.get("operator") == "is" else value
    if not isinstance(values, list) or not values:
        raise bad_request(type_invalid("value"))
    checked = [item for item in values if isinstance(item, str)]
    if len(checked) != len(values):
        raise bad_request(type_invalid("value"))
    return checked


def _matching(account: Account, entity: Entity, rule: object) -> set[int]:
    """The ids of the records one rule selects."""
    if not isinstance(rule, Mapping):
        raise bad_request(type_invalid("filter_rule"))
    attribute = rule.get("attribute")
    key = SEARCHABLE[entity].get(attribute) if isinstance(attribute, str) else None
    if key is None:
        raise bad_request(f"Filtering {entity.plural} by {attribute} is not supported.")
    if rule.get("operator") not in _OPERATORS:
        raise bad_request(invalid_param("operator"))
    return {
        record.id
        for value in _values(rule)
        for record in account.store.matching(entity, key, value)
    }


def _page_query(body: Mapping[str, Any]) -> dict[str, str]:
    """`page` and `per_page` as the list routes read them from a query string."""
    query = {}
    for name in ("page", "per_page"):
        if name in body:
            value = body[name]
            if isinstance(value, bool) or not isinstance(value, int):
                raise bad_request(invalid_param(name))
            query[name] = str(value)
    return query


def filtered_search(
    account: Account, entity: Entity, body: object
) -> tuple[list[Record], dict[str, int]]:
    """One page of the records matching every rule (oldest first), and its `meta`."""
    if not isinstance(body, Mapping):
        raise bad_request(BODY_NOT_OBJECT)
    rules = body.get("filter_rule")
    if rules is None or rules == []:
        raise bad_request(missing("filter_rule"))
    if not isinstance(rules, list):
        raise bad_request(type_invalid("filter_rule"))
    selected = set.intersection(*(_matching(account, entity, rule) for rule in rules))
    records = [record for record in account.store.all(entity) if record.id in selected]
    return page(sorted(records, key=lambda record: record.id), _page_query(body))
