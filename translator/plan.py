"""The plan format: the Freshsales calls one Segment message becomes, as plain data.

A plan is what `translate` returns and what contract files store. Two placeholders may stand
anywhere inside a call's body; the client fills them at delivery time:

* `{"$ref": "<call name>#<JSON pointer>"}` - a value from an earlier call's result, e.g.
  `{"$ref": "account#/sales_account/id"}`.
* `{"$lookup": "<selector>", "name": "<display name>"}` - the id of the picklist entry with that
  name, from `GET /selector/<selector>`, e.g. the sales activity type "Segment Event".

A call to `GET /lookup` finds a person; its result is
`{"targetable_type": "Contact" | "Lead", "targetable_id": <id>}` for the first record found (in
the order of the `entities` query). When nobody is found, its `fallback` call is made instead
(an upsert) and its response reduced to the same shape; with no fallback the message is rejected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

__all__ = ["JSON", "Call", "Plan", "lookup_placeholder", "ref"]

JSON: TypeAlias = Any
"""A value as decoded from JSON: dict, list, str, int, float, bool or None."""

_METHODS = frozenset({"GET", "POST", "PUT", "DELETE"})


def ref(call: str, pointer: str) -> dict[str, str]:
    """A placeholder for a value from an earlier call's result."""
    return {"$ref": f"{call}#{pointer}"}


def lookup_placeholder(selector: str, name: str) -> dict[str, str]:
    """A placeholder for the id of the picklist entry `name` of `GET /selector/<selector>`."""
    return {"$lookup": selector, "name": name}


# Not frozen: a frozen dataclass costs four times as much to build, and plans are built per event.
@dataclass(slots=True)
class Call:
    """One Freshsales REST call of a plan.

    ```python
    Call(name="account", method="POST", path="/sales_accounts/upsert",
         body={"unique_identifier": {"name": "Acme"}, "sales_account": {"name": "Acme"}})
    ```

    `path` is relative to the account's base URL; `query` holds query parameters; `fallback` is
    the call made when a `GET /lookup` finds nobody.
    """

    name: str
    method: str
    path: str
    body: JSON = None
    query: dict[str, str] | None = None
    fallback: Call | None = None

    def to_json(self) -> dict[str, JSON]:
        """This call as a JSON-serialisable dict (optional parts left out when unset)."""
        data: dict[str, JSON] = {
            "name": self.name,
            "method": self.method,
            "path": self.path,
            "body": self.body,
        }
        if self.query is not None:
            data["query"] = dict(self.query)
        if self.fallback is not None:
            data["fallback"] = self.fallback.to_json()
        return data

    @classmethod
    def from_json(cls, data: object, where: str = "call") -> Call:
        """Read a call written by `to_json`; a ValueError names what is malformed."""
        if not isinstance(data, Mapping):
            raise ValueError(f"{where}: expected an object")
        unknown = set(data) - {"name", "method", "path", "body", "query", "fallback"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        name, method, path = data.get("name"), data.get("method"), data.get("path")
        if not isinstance(name, str) or not name:
            raise ValueError(f"{where}.name: expected a non-empty string")
        if method not in _METHODS:
            raise ValueError(f"{where}.method: expected one of {sorted(_METHODS)}")
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(f"{where}.path: expected a path starting with '/'")
        query = data.get("query")
        if query is not None and not (
            isinstance(query, Mapping)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())
        ):
            raise ValueError(f"{where}.query: expected an object of strings")
        fallback = data.get("fallback")
        return cls(
            name=name,
            method=str(method),
            path=path,
            body=data.get("body"),
            query=None if query is None else dict(query),
            fallback=None if fallback is None else cls.from_json(fallback, f"{where}.fallback"),
        )


@dataclass(slots=True)
class Plan:
    """The calls one Segment message becomes, in order, and the trait keys left out.

    ```python
    plan = translate(message, settings)
    [call.path for call in plan.calls]   # ["/sales_accounts/upsert", "/contacts/upsert"]
    plan.ignored                         # ["age", "company.industry"]
    Plan.from_json(plan.to_json()) == plan
    ```
    """

    calls: list[Call] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, JSON]:
        """This plan as a JSON-serialisable dict."""
        return {"calls": [c.to_json() for c in self.calls], "ignored": list(self.ignored)}

    @classmethod
    def from_json(cls, data: object) -> Plan:
        """Read a plan written by `to_json`; a ValueError names what is malformed."""
        if not isinstance(data, Mapping):
            raise ValueError("plan: expected an object")
        calls, ignored = data.get("calls"), data.get("ignored", [])
        if not isinstance(calls, list):
            raise ValueError("plan.calls: expected a list")
        if not isinstance(ignored, list) or not all(isinstance(k, str) for k in ignored):
            raise ValueError("plan.ignored: expected a list of strings")
        parsed = [Call.from_json(c, f"plan.calls[{i}]") for i, c in enumerate(calls)]
        names = [c.name for c in parsed]
        if len(set(names)) != len(names):
            raise ValueError(f"plan.calls: call names must be unique, got {names}")
        return cls(calls=parsed, ignored=list(ignored))
