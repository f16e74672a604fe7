"""The plan format: the Freshsales calls one Segment message becomes, as plain data.

A plan is what `translate` returns and what contract files store. The client carries it out in
order; nothing in it is code.

**Plans are read-only.** Plans of one Settings share parts (the person step of a person seen
before, the owner and activity type placeholders: `translator.shared`), so a consumer that needs
a changed body or call builds a new one, as delivery does when it fills placeholders and when
it merges calls; changing a plan in place would change other plans too.

**Placeholders** stand anywhere inside a call's body and are filled at delivery time:

* `{"$ref": "<call name>#<JSON pointer>"}` - a value from an earlier call's result, e.g.
  `{"$ref": "account#/sales_account/id"}`.
* `{"$lookup": "<selector>", "name": "<display name>"}` - the id of the picklist entry with that
  name, from `GET /selector/<selector>` (fetched once per client), e.g. the sales activity type
  "Segment Event". Owners are users, found by email: `{"$lookup": "owners", "email": "..."}`.
* `{"$owner": [{"from": "<where>", "value": <value or placeholder>}, ...]}` - the owner of a
  sales activity: the first source whose value is not null, in order. `from` says where it
  comes from: `properties.ownerId` (or `properties.owner_id`, the message), `person` (the
  person's own owner, `{"$ref": "person#/owner_id"}`) or `Settings.owner` (an id, or a
  `$lookup` of owners by email). A `$ref` to nothing counts as null; when no source gives an
  owner the message is rejected.
* `{"$link": <account id>, "to": <the contact's sales_accounts>}` - the contact's accounts with
  this one added: the existing ones in their order, each keeping `is_primary`, then the new one
  (primary only when it is the first). When the account is already there, the call holding the
  placeholder is not made: the link exists.
* `{"$secret": "app_token"}` - the tracking API's application token (`Settings.app_token`),
  put in by delivery from its Settings: the token never appears in a plan.

A call's **path** may hold `{<call name>#<JSON pointer>}` segments, filled like `$ref`, e.g.
`/leads/{person#/targetable_id}`. It is relative to the API root (`Settings.base_url`), except a
path that starts with `/track/`: a call of the tracking API, sent relative to the account URL
(`Settings.tracking_url`), e.g. `POST /track/events` (see `translator.tracking`).

**Find calls** look a record up before writing it:

* `GET /lookup` finds a person. Its result is
  `{"targetable_type": "Contact" | "Lead", "targetable_id": <id>, "owner_id": <id or null>,
  "created": <bool>}` for the first record found (in the order of the `entities` query).
* A `GET` with `match: {"list": "<JSON pointer>", "where": {"<field>": <value>, ...}}` finds the
  first element of that list in its answer whose fields equal `where` (e.g. a deal by name among
  `GET /sales_accounts/{id}?include=deals`). Its result is the element found.

When a find call finds a record, its `found` call is made (if any; the find call's name then
refers to the record found, e.g. `PUT /leads/{person#/targetable_id}`). When it finds nothing,
its `fallback` call is made instead (if any). The find call's result is then that call's
answer, reduced to the person shape above for `/lookup` (`created` is true when the fallback
made the person). With neither a record nor a fallback a find call has no result: a call that
needs it is rejected, one whose `when` names it is skipped.

A call with **`when`** `{"<call name>#<JSON pointer>": <value>, ...}` is made only when each
pointer into an earlier result holds that value; otherwise it is skipped and has no result.

A plan may also say what it left out of the message: **`dropped`** lists the optional values
that could not be sent (each with its path and the reason), delivered without them; and
**`skipped`** names why a message is not for Freshsales at all (`"integrations"`,
`"event_map"`): such a plan has no calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

__all__ = [
    "JSON",
    "Call",
    "Dropped",
    "Plan",
    "link_placeholder",
    "lookup_placeholder",
    "owner_placeholder",
    "path_ref",
    "ref",
    "secret_placeholder",
]

JSON: TypeAlias = Any
"""A value as decoded from JSON: dict, list, str, int, float, bool or None."""

_METHODS = frozenset({"GET", "POST", "PUT", "DELETE"})
_KEYS = frozenset({"name", "method", "path", "body", "query", "fallback", "found", "match", "when"})


def ref(call: str, pointer: str) -> dict[str, str]:
    """A placeholder for a value from an earlier call's result."""
    return {"$ref": f"{call}#{pointer}"}


def path_ref(call: str, pointer: str) -> str:
    """A path segment filled from an earlier call's result."""
    return f"{{{call}#{pointer}}}"


def lookup_placeholder(selector: str, name: str) -> dict[str, str]:
    """A placeholder for the id of the picklist entry `name` of `GET /selector/<selector>`."""
    return {"$lookup": selector, "name": name}


def owner_placeholder(sources: list[tuple[str, JSON]]) -> dict[str, JSON]:
    """A placeholder for an activity's owner: the first of (where, value) that is not null."""
    return {"$owner": [{"from": where, "value": value} for where, value in sources]}


def secret_placeholder(name: str) -> dict[str, str]:
    """A placeholder for a secret of the Settings that delivery puts in (`"app_token"`)."""
    return {"$secret": name}


def link_placeholder(account: JSON, existing: JSON) -> dict[str, JSON]:
    """A placeholder for a contact's accounts (`existing`) with `account` added."""
    return {"$link": account, "to": existing}


# Not frozen: a frozen dataclass costs four times as much to build, and plans are built per event.
@dataclass(slots=True)
class Call:
    """One Freshsales REST call of a plan.

    ```python
    Call(name="account", method="POST", path="/sales_accounts/upsert",
         body={"unique_identifier": {"name": "Acme"}, "sales_account": {"name": "Acme"}})
    ```

    `path` is relative to the account's base URL (a `/track/...` path: to its tracking URL);
    `query` holds query parameters. A find call
    (`GET /lookup`, or a GET with `match`) makes its `found` call when it finds a record and
    its `fallback` call when it does not; `when` makes a call depend on earlier results (see
    the module doc).
    """

    name: str
    method: str
    path: str
    body: JSON = None
    query: dict[str, str] | None = None
    fallback: Call | None = None
    found: Call | None = None
    match: dict[str, JSON] | None = None
    when: dict[str, JSON] | None = None

    @property
    def finds(self) -> bool:
        """Whether this call looks a record up (a person, or a list element by `match`)."""
        return self.method == "GET" and (self.match is not None or self.path == "/lookup")

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
        if self.match is not None:
            data["match"] = self.match
        if self.when is not None:
            data["when"] = dict(self.when)
        if self.found is not None:
            data["found"] = self.found.to_json()
        if self.fallback is not None:
            data["fallback"] = self.fallback.to_json()
        return data

    @classmethod
    def from_json(cls, data: object, where: str = "call") -> Call:
        """Read a call written by `to_json`; a ValueError names what is malformed."""
        if not isinstance(data, Mapping):
            raise ValueError(f"{where}: expected an object")
        unknown = set(data) - _KEYS
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
        match = data.get("match")
        if match is not None and not _is_match(match):
            raise ValueError(
                f'{where}.match: expected {{"list": "<JSON pointer>", "where": {{...}}}}'
            )
        when = data.get("when")
        if when is not None and not (
            isinstance(when, Mapping) and when and all(_is_ref(k) for k in when)
        ):
            raise ValueError(f'{where}.when: expected an object of {{"<call>#<pointer>": value}}')
        found, fallback = data.get("found"), data.get("fallback")
        return cls(
            name=name,
            method=str(method),
            path=path,
            body=data.get("body"),
            query=None if query is None else dict(query),
            fallback=None if fallback is None else cls.from_json(fallback, f"{where}.fallback"),
            found=None if found is None else cls.from_json(found, f"{where}.found"),
            match=None if match is None else dict(match),
            when=None if when is None else dict(when),
        )


def _is_ref(text: object) -> bool:
    return isinstance(text, str) and "#" in text and not text.startswith("#")


def _is_match(match: object) -> bool:
    return (
        isinstance(match, Mapping)
        and set(match) == {"list", "where"}
        and isinstance(match["list"], str)
        and (match["list"] == "" or match["list"].startswith("/"))
        and isinstance(match["where"], Mapping)
        and bool(match["where"])
    )


@dataclass(frozen=True, slots=True)
class Dropped:
    """An optional value of the message left out of the plan: where it is, and why.

    ```python
    Dropped("traits.lifecycleStageId", "expected an integer (or a string of digits), got ...")
    ```
    """

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    def to_json(self) -> dict[str, JSON]:
        """This entry as a JSON object."""
        return {"path": self.path, "reason": self.reason}


@dataclass(slots=True)
class Plan:
    """The calls one Segment message becomes, in order, and what was left out: the trait keys
    that map to no field (`ignored`), the values that could not be sent (`dropped`), or the
    whole message when it is not for Freshsales (`skipped`, its reason).

    ```python
    plan = translate(message, settings)
    [call.path for call in plan.calls]   # ["/sales_accounts/upsert", "/contacts/upsert"]
    plan.ignored                         # ["age", "company.industry"]
    plan.dropped                         # [Dropped("traits.campaignId", "expected an integer...")]
    Plan.from_json(plan.to_json()) == plan
    ```
    """

    calls: list[Call] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    skipped: str | None = None

    def to_json(self) -> dict[str, JSON]:
        """This plan as a JSON-serialisable dict (`dropped` and `skipped` only when set)."""
        data: dict[str, JSON] = {
            "calls": [c.to_json() for c in self.calls],
            "ignored": list(self.ignored),
        }
        if self.dropped:
            data["dropped"] = [entry.to_json() for entry in self.dropped]
        if self.skipped is not None:
            data["skipped"] = self.skipped
        return data

    @classmethod
    def from_json(cls, data: object) -> Plan:
        """Read a plan written by `to_json`; a ValueError names what is malformed."""
        if not isinstance(data, Mapping):
            raise ValueError("plan: expected an object")
        calls, ignored = data.get("calls"), data.get("ignored", [])
        dropped, skipped = data.get("dropped", []), data.get("skipped")
        if not isinstance(calls, list):
            raise ValueError("plan.calls: expected a list")
        if not isinstance(ignored, list) or not all(isinstance(k, str) for k in ignored):
            raise ValueError("plan.ignored: expected a list of strings")
        if not isinstance(dropped, list) or not all(_is_dropped(entry) for entry in dropped):
            raise ValueError('plan.dropped: expected a list of {"path": ..., "reason": ...}')
        if skipped is not None and not (isinstance(skipped, str) and skipped):
            raise ValueError("plan.skipped: expected a reason (a non-empty string)")
        if skipped is not None and calls:
            raise ValueError("plan.calls: a skipped plan has no calls")
        parsed = [Call.from_json(c, f"plan.calls[{i}]") for i, c in enumerate(calls)]
        names = [c.name for c in parsed]
        if len(set(names)) != len(names):
            raise ValueError(f"plan.calls: call names must be unique, got {names}")
        return cls(
            calls=parsed,
            ignored=list(ignored),
            dropped=[Dropped(entry["path"], entry["reason"]) for entry in dropped],
            skipped=skipped,
        )


def _is_dropped(entry: object) -> bool:
    return (
        isinstance(entry, Mapping)
        and set(entry) == {"path", "reason"}
        and all(isinstance(entry[key], str) and entry[key] for key in ("path", "reason"))
    )
