"""Filling a plan's placeholders from earlier results, and reading people from responses.

Pure functions: the client supplies what it fetched (call results, selector entries).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from translator.plan import JSON

__all__ = [
    "TARGETABLE_TYPES",
    "Unresolved",
    "lookup_names",
    "person_from_lookup",
    "person_from_upsert",
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


class Unresolved(Exception):
    """A placeholder that cannot be filled; the text says which and why."""


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


def resolve(
    body: JSON,
    results: Mapping[str, JSON],
    lookup: Callable[[str, str], int],
) -> JSON:
    """`body` with every `$ref` and `$lookup` placeholder replaced.

    `results` holds earlier calls' results by call name; `lookup(selector, name)` returns the id
    of a picklist entry (or raises Unresolved).
    """
    if isinstance(body, dict):
        if "$ref" in body and len(body) == 1:
            call, _, path = str(body["$ref"]).partition("#")
            if call not in results:
                raise Unresolved(f"$ref to {call!r}, which has no result yet")
            try:
                return pointer(results[call], path)
            except Unresolved as error:
                raise Unresolved(f"call {call!r}: {error}") from None
        if "$lookup" in body and set(body) == {"$lookup", "name"}:
            return lookup(str(body["$lookup"]), str(body["name"]))
        return {key: resolve(value, results, lookup) for key, value in body.items()}
    if isinstance(body, list):
        return [resolve(item, results, lookup) for item in body]
    return body


def lookup_names(selector: str, response: JSON) -> dict[str, int]:
    """Entry ids by name from a `GET /selector/<selector>` response (owners come as `users`)."""
    key = "users" if selector == "owners" else selector
    entries = response.get(key) if isinstance(response, dict) else None
    if not isinstance(entries, list):
        return {}
    return {
        entry["name"]: entry["id"]
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and "id" in entry
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
                return {"targetable_type": kind, "targetable_id": found[0]["id"]}
    return None


def person_from_upsert(path: str, response: JSON) -> dict[str, JSON] | None:
    """The person an upsert (`/leads/upsert`, `/contacts/upsert`) answered with."""
    entity = path.strip("/").split("/")[0].removesuffix("s")
    kind = TARGETABLE_TYPES.get(entity)
    record = response.get(entity) if isinstance(response, dict) else None
    if kind is None or not isinstance(record, dict) or "id" not in record:
        return None
    return {"targetable_type": kind, "targetable_id": record["id"]}
