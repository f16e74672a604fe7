"""Filling a plan's placeholders from earlier results, and reading records from responses.

Pure functions: the engine supplies what it fetched (call results, selector entries). The
placeholders and find calls are described in `translator.plan`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import orjson

from translator.plan import JSON

__all__ = [
    "TARGETABLE_TYPES",
    "Missing",
    "NoOwner",
    "Unchanged",
    "Unresolved",
    "created_record",
    "fill_path",
    "find_key",
    "holds",
    "lookup_names",
    "match_record",
    "needed_selectors",
    "person_from_lookup",
    "person_from_record",
    "pointer",
    "resolve",
]

# Lookup entity names and collection paths → the targetable_type of activities and notes.
TARGETABLE_TYPES = {
    "contact": "Contact",
    "lead": "Lead",
    "sales_account": "SalesAccount",
    "deal": "Deal",
}
_PATH_REF = re.compile(r"\{([^{}#]+)#([^{}]*)\}")

Lookup = Callable[[str, str, str], int]
"""lookup(selector, field, value): the id of the selector entry whose `field` is `value`."""


class Unresolved(Exception):
    """A placeholder that cannot be filled; the text says which and why."""


class Missing(Unresolved):
    """A placeholder names a call that has no result (skipped, or it found nobody)."""

    def __init__(self, call: str) -> None:
        self.call = call
        super().__init__(f"$ref to {call!r}, which has no result")


class NoOwner(Unresolved):
    """No source of an `$owner` placeholder gave an owner; `tried` names them."""

    def __init__(self, tried: list[str]) -> None:
        self.tried = tried
        # No sources at all: the message named no owner and Settings.owner is unset.
        sources = ", ".join(tried) or "properties.ownerId, Settings.owner"
        super().__init__(
            f"the sales activity has no owner (tried: {sources}), and a Freshsales "
            "account refuses an activity without one: set Settings.owner (the command line's "
            "--owner ID|EMAIL or $FRESHSALES_OWNER), or send properties.ownerId"
        )


class Unchanged(Exception):
    """A `$link` adds nothing: the call holding it need not be made."""


def pointer(document: JSON, path: str) -> JSON:
    """The value at JSON pointer `path` (RFC 6901) in `document`."""
    if path == "":
        return document
    if not path.startswith("/"):
        raise Unresolved(f"{path!r} is not a JSON pointer")
    value = document
    for raw in path[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise Unresolved(f"no {path} in the response")
    return value


def _referenced(reference: str, results: Mapping[str, JSON]) -> JSON:
    """The value a `<call>#<pointer>` reference names."""
    call, _, path = reference.partition("#")
    if call not in results:
        raise Missing(call)
    try:
        return pointer(results[call], path)
    except Unresolved as error:
        raise Unresolved(f"call {call!r}: {error}") from None


def resolve(body: JSON, results: Mapping[str, JSON], lookup: Lookup) -> JSON:
    """`body` with every placeholder replaced.

    `results` holds earlier calls' results by call name; `lookup(selector, field, value)`
    returns the id of a picklist entry (or raises Unresolved). Raises Unchanged when a `$link`
    adds nothing, NoOwner when an `$owner` finds none.
    """
    if isinstance(body, dict):
        if "$ref" in body and len(body) == 1:
            return _referenced(str(body["$ref"]), results)
        if "$lookup" in body and len(body) == 2:
            field = "email" if "email" in body else "name"
            if field in body:
                return lookup(str(body["$lookup"]), field, str(body[field]))
        if "$owner" in body and len(body) == 1 and isinstance(body["$owner"], list):
            return _owner(body["$owner"], results, lookup)
        if set(body) == {"$link", "to"}:
            return _linked(resolve(body["$link"], results, lookup), body["to"], results, lookup)
        return {key: resolve(value, results, lookup) for key, value in body.items()}
    if isinstance(body, list):
        return [resolve(item, results, lookup) for item in body]
    return body


def _soft(value: JSON, results: Mapping[str, JSON]) -> tuple[bool, JSON]:
    """(True, the value) of a `$ref` source, None when it names nothing; (False, None) for
    any other source."""
    if isinstance(value, dict) and set(value) == {"$ref"}:
        try:
            return True, _referenced(str(value["$ref"]), results)
        except Unresolved:
            return True, None
    return False, None


def _owner(sources: list[Any], results: Mapping[str, JSON], lookup: Lookup) -> JSON:
    tried: list[str] = []
    for source in sources:
        if not isinstance(source, dict):
            raise Unresolved(f"$owner: expected sources like {{'from', 'value'}}, got {source!r}")
        where, value = source.get("from", "?"), source.get("value")
        is_ref, found = _soft(value, results)
        owner = found if is_ref else resolve(value, results, lookup)
        if owner is not None:
            return owner
        tried.append(f"{where} (none)" if where == "person" else str(where))
    raise NoOwner(tried)


def _linked(account: JSON, to: JSON, results: Mapping[str, JSON], lookup: Lookup) -> JSON:
    """The contact's accounts with `account` added (the first stays primary)."""
    existing = resolve(to, results, lookup)
    if existing is None:
        existing = []
    if not isinstance(existing, list) or not all(
        isinstance(link, dict) and "id" in link for link in existing
    ):
        raise Unresolved("the contact's sales_accounts are not a list of accounts")
    if any(link["id"] == account for link in existing):
        raise Unchanged
    links = [{"id": link["id"], "is_primary": bool(link.get("is_primary"))} for link in existing]
    return [*links, {"id": account, "is_primary": not links}]


def fill_path(path: str, results: Mapping[str, JSON]) -> str:
    """`path` with each `{<call>#<pointer>}` segment replaced by the value it names."""

    def value(found: re.Match[str]) -> str:
        filled = _referenced(f"{found[1]}#{found[2]}", results)
        if isinstance(filled, bool) or not isinstance(filled, int | str) or filled == "":
            raise Unresolved(f"call {found[1]!r}: {found[2]} is not an id")
        return quote(str(filled), safe="")

    return _PATH_REF.sub(value, path)


def holds(when: Mapping[str, JSON], results: Mapping[str, JSON]) -> bool:
    """Whether every `<call>#<pointer>` of `when` names its value (nothing named: false)."""
    for reference, expected in when.items():
        try:
            if _referenced(reference, results) != expected:
                return False
        except Unresolved:
            return False
    return True


def needed_selectors(body: JSON, results: Mapping[str, JSON]) -> list[str]:
    """The selectors `resolve` will read for `body`: those of its `$lookup` placeholders,
    except in `$owner` sources after one that already gives an owner."""
    found: list[str] = []
    stack: list[Any] = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if "$lookup" in value:
                found.append(str(value["$lookup"]))
            elif "$owner" in value and isinstance(value["$owner"], list):
                for source in value["$owner"]:
                    candidate = source.get("value") if isinstance(source, dict) else None
                    is_ref, owner = _soft(candidate, results)
                    if not is_ref:
                        stack.append(candidate)
                    if (owner if is_ref else candidate) is not None:
                        break  # resolve stops at this source: later ones are not read
            else:
                stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def lookup_names(selector: str, response: JSON) -> dict[str, int]:
    """Entry ids by name from a `GET /selector/<selector>` response; owners come as `users`
    and are found by email, in lower case."""
    owners = selector == "owners"
    entries = response.get("users" if owners else selector) if isinstance(response, dict) else None
    if not isinstance(entries, list):
        return {}
    key = "email" if owners else "name"
    return {
        entry[key].lower() if owners else entry[key]: entry["id"]
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get(key), str) and "id" in entry
    }


def _person(kind: str, record: dict[str, JSON], created: bool) -> dict[str, JSON]:
    owner = record.get("owner_id")
    return {
        "targetable_type": kind,
        "targetable_id": record["id"],
        "owner_id": owner if isinstance(owner, int) and not isinstance(owner, bool) else None,
        "created": created,
    }


def person_from_lookup(entities: str, response: JSON) -> dict[str, JSON] | None:
    """The first record a `GET /lookup` found, in the order of `entities`, as a person result.

    Freshsales nests each entity's list (`{"contacts": {"contacts": [...]}}`, [C-3p]); a flat
    list is read too.
    """
    if not isinstance(response, dict):
        return None
    for entity in entities.split(","):
        plural = f"{entity.strip()}s"
        found = response.get(plural)
        if isinstance(found, dict):
            found = found.get(plural)
        if isinstance(found, list) and found and isinstance(found[0], dict) and "id" in found[0]:
            kind = TARGETABLE_TYPES.get(entity.strip())
            if kind is not None:
                return _person(kind, found[0], created=False)
    return None


def person_from_record(path: str, response: JSON, created: bool) -> dict[str, JSON] | None:
    """The person a write of a lead or contact (`/leads`, `/leads/{id}`, `/contacts/upsert`,
    ...) answered with."""
    entity = path.strip("/").split("/")[0].removesuffix("s")
    kind = TARGETABLE_TYPES.get(entity)
    record = response.get(entity) if isinstance(response, dict) else None
    if kind not in ("Contact", "Lead") or not isinstance(record, dict) or "id" not in record:
        return None
    return _person(kind, record, created)


def find_key(path: str, query: Mapping[str, str] | None, match: Mapping[str, JSON]) -> str:
    """What a find call (other than a lookup) asks, as one string: its filled path, its query
    and its match. Two calls with the same key find the same record."""
    return orjson.dumps([path, query, match], option=orjson.OPT_SORT_KEYS).decode()


def created_record(create: JSON, answer: JSON) -> dict[str, JSON] | None:
    """The record a create answered with, out of the envelope its body (`create`) used:
    `{"deal": {...}}` answers `{"deal": {"id": ...}}`; None without an id."""
    if not isinstance(create, dict) or len(create) != 1 or not isinstance(answer, dict):
        return None
    [envelope] = create
    record = answer.get(envelope)
    return record if isinstance(record, dict) and "id" in record else None


def match_record(match: Mapping[str, JSON], response: JSON) -> dict[str, JSON] | None:
    """The first element of the list at `match["list"]` in `response` whose fields equal
    `match["where"]`."""
    try:
        items = pointer(response, str(match["list"]))
    except Unresolved:
        return None
    where: Mapping[str, JSON] = match["where"]
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and all(item.get(k) == v for k, v in where.items()):
            return item
    return None
