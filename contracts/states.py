"""Provider states: the named preconditions an interaction needs, and how a fake is put in them.

Each state is set through the fake's admin API (`/_fake/...`, see fake_freshsales' README) right
after a reset; some give values the interaction then uses (`contact_id`, `api_key`, ...). A live
Freshsales account has no admin API, so there a state cannot be set: the interaction is reported
as skipped for that reason, never run against an account in an unknown state.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpx

from fake_freshsales import AdminClient, AdminError, Limits

__all__ = ["STATES", "ProviderState", "StateError", "StateSpec", "set_states"]

# States read the account through the classic root, which serves every record type.
_API: Final = "/api"


@dataclass(frozen=True)
class ProviderState:
    """A state as an interaction names it: `contact exists` with `{"email": ...}`."""

    name: str
    params: Mapping[str, Any]

    def __str__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self.params.items())
        return f"{self.name} ({shown})" if shown else self.name


class StateError(Exception):
    """A state the server refused to take."""


_Setter = Callable[["_Fake", Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class StateSpec:
    """A known state: the params it needs, the values it gives, and how to set it on a fake."""

    required: tuple[str, ...]
    provides: tuple[str, ...]
    setter: _Setter


class _Fake:
    """The admin API and the API of one fake, as the state setters use them."""

    def __init__(self, http: httpx.Client, admin: AdminClient, api_key: str) -> None:
        self.http = http
        self.admin = admin
        self.auth = {"Authorization": f"Token token={api_key}", "Accept": "application/json"}

    def api(
        self,
        method: str,
        path: str,
        key: str | None = None,
        *,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        sent = self.auth if key is None else {**self.auth, "Authorization": f"Token token={key}"}
        return self.http.request(
            method, f"{_API}{path}", headers={**sent, **(headers or {})}, json=body
        )


def _nothing(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
    """A state about what does not exist holds on a fake that was just reset."""
    return {}


def _id_of(fake: _Fake, plural: str, key: str, value: object) -> int:
    """The id of the record of `plural` whose `key` is `value`, set by an earlier state."""
    for record in fake.admin.state()[plural]:
        if record.get(key) == value:
            found: int = record["id"]
            return found
    raise StateError(f"no {plural} with {key} {value!r}: name an earlier state that makes it")


def _with_links(fake: _Fake, plural: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes, with `account` (an account's name) and, for a deal, `contact` (a
    contact's email) turned into links to those records: ids are not known when an
    interaction is written."""
    attributes = {key: value for key, value in params.items() if key not in ("account", "contact")}
    if "account" in params:
        account_id = _id_of(fake, "sales_accounts", "name", params["account"])
        if plural == "deals":
            attributes["sales_account_id"] = account_id
        else:
            attributes["sales_accounts"] = [{"id": account_id, "is_primary": True}]
    if "contact" in params:
        attributes["contacts_added_list"] = [_id_of(fake, "contacts", "email", params["contact"])]
    return attributes


def _seeded(plural: str, gives: str) -> _Setter:
    """A setter that creates one record of `plural` from the params (its attributes, links
    named as `_with_links` takes them)."""

    def seed(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
        created = fake.admin.seed({plural: [_with_links(fake, plural, params)]})
        return {gives: created[plural][0]["id"]}

    return seed


def _deleted_contact(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
    values = _seeded("contacts", "contact_id")(fake, params)
    response = fake.api("DELETE", f"/contacts/{values['contact_id']}")
    if response.is_error:
        raise StateError(f"deleting the contact answered {response.status_code}")
    return values


def _custom_field(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(params) - {"entity", "name", "type", "choices", "label", "domain"})
    if unknown:
        raise StateError(f"a custom field has no setting {unknown[0]!r}")
    # Interactions name the record type in the singular, as the envelope does.
    fake.admin.add_custom_field(
        f"{params['entity']}s",
        params["name"],
        params["type"],
        params.get("choices"),
        label=params.get("label"),
        domain=params.get("domain"),
    )
    return {}


def _activity_type(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
    """The type's id; a default type (Phone, ...) exists already and is only looked up."""
    listed = fake.api("GET", "/selector/sales_activity_types").json()
    for entry in listed.get("sales_activity_types", []):
        if entry.get("name") == params["name"]:
            return {"activity_type_id": entry["id"]}
    added = fake.admin.add_activity_type(params["name"])
    return {"activity_type_id": added["id"]}


def _entry(selector: str, gives: str) -> _Setter:
    """A setter giving the id of the entry of `selector` (a picklist the account has from the
    start) whose name is the `name` param."""

    def look_up(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
        for entry in fake.api("GET", f"/selector/{selector}").json().get(selector, []):
            if entry.get("name") == params["name"]:
                return {gives: entry["id"]}
        raise StateError(f"{selector} has no entry named {params['name']!r}")

    return look_up


def _api_user(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
    """The id of the user the key belongs to, as `GET /selector/owners` lists it first."""
    response = fake.api("GET", "/selector/owners")
    if response.is_error:
        raise StateError(f"GET /selector/owners answered {response.status_code}")
    return {"owner_id": response.json()["users"][0]["id"]}


def _budget_spent(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
    """A second account whose per-minute budget is used up; the request then uses its key.

    It follows the switches the first account has now, those the interaction asked for.
    """
    key = f"budget-{secrets.token_urlsafe(12)}"
    per_minute = params["per_minute"]
    current = {name: entry["value"] for name, entry in fake.admin.variants().items()}
    fake.admin.add_account(
        "budget-spent",
        key,
        limits=Limits(hourly=per_minute + 1000, per_minute=per_minute),
        variants=current,
    )
    for _ in range(per_minute):
        fake.api("GET", "/selector/owners", key)
    return {"api_key": key}


def _queued_job(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
    """A bulk upsert of contacts with the `emails` given (optionally given the fake's job
    `fault`, fail or partial); the id of its job."""
    items = [{"unique_identifier": {"emails": email}, "data": {}} for email in params["emails"]]
    fault = params.get("fault")
    headers = None if fault is None else {"X-Fake-Bulk-Fault": fault}
    response = fake.api("POST", "/contacts/bulk_upsert", body={"contacts": items}, headers=headers)
    if response.status_code != 202:
        raise StateError(f"the bulk upsert answered {response.status_code}")
    url: str = response.json()["job_status_url"]
    return {"job_id": int(url.rsplit("/", 1)[1])}


def _finished_job(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
    """As `_queued_job`, then the fake clock moved on until the job has run."""
    values = _queued_job(fake, params)
    fake.admin.advance_clock(fake.admin.bulk()["job_seconds"])
    return values


def _app_token(fake: _Fake, params: Mapping[str, Any]) -> dict[str, Any]:
    """A second account whose tracking API takes a fresh token; the request then sends it.

    It follows the switches the first account has now, those the interaction asked for.
    """
    current = {name: entry["value"] for name, entry in fake.admin.variants().items()}
    token = f"contract-app-token-{secrets.token_urlsafe(12)}"
    fake.admin.add_account(
        "tracking", f"tracking-{secrets.token_urlsafe(12)}", variants=current, app_token=token
    )
    return {"app_token": token}


STATES: Final[Mapping[str, StateSpec]] = {
    "no lead with email": StateSpec(("email",), (), _nothing),
    "no contact with email": StateSpec(("email",), (), _nothing),
    "no sales account with name": StateSpec(("name",), (), _nothing),
    "no deal with name": StateSpec(("name",), (), _nothing),
    "no contact with id": StateSpec(("id",), (), _nothing),
    "lead exists": StateSpec(("email",), ("lead_id",), _seeded("leads", "lead_id")),
    "contact exists": StateSpec(("email",), ("contact_id",), _seeded("contacts", "contact_id")),
    "sales account exists": StateSpec(
        ("name",), ("sales_account_id",), _seeded("sales_accounts", "sales_account_id")
    ),
    "deal exists": StateSpec(("name",), ("deal_id",), _seeded("deals", "deal_id")),
    "contact was deleted": StateSpec(("email",), ("contact_id",), _deleted_contact),
    "custom field exists": StateSpec(("entity", "name", "type"), (), _custom_field),
    "activity type exists": StateSpec(("name",), ("activity_type_id",), _activity_type),
    "budget spent": StateSpec(("per_minute",), ("api_key",), _budget_spent),
    "api user exists": StateSpec((), ("owner_id",), _api_user),
    "lifecycle stage exists": StateSpec(
        ("name",), ("lifecycle_stage_id",), _entry("lifecycle_stages", "lifecycle_stage_id")
    ),
    "activity outcome exists": StateSpec(
        ("name",), ("outcome_id",), _entry("sales_activity_outcomes", "outcome_id")
    ),
    "bulk job queued": StateSpec(("emails",), ("job_id",), _queued_job),
    "bulk job finished": StateSpec(("emails",), ("job_id",), _finished_job),
    "app token accepted": StateSpec((), ("app_token",), _app_token),
}


def set_states(
    http: httpx.Client, admin: AdminClient, api_key: str, states: Sequence[ProviderState]
) -> dict[str, Any]:
    """Put the fake behind `http` (base URL: its origin) and `admin` in `states`; the values
    they give."""
    fake = _Fake(http, admin, api_key)
    values: dict[str, Any] = {}
    for state in states:
        try:
            values.update(STATES[state.name].setter(fake, state.params))
        except (StateError, AdminError, httpx.HTTPError, KeyError, ValueError) as error:
            raise StateError(f"provider state {state} could not be set: {error}") from error
    return values
