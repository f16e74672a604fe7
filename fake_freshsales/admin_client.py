"""AdminClient: the fake's admin API (`/_fake/...`) from Python, one method per route.

```python
with AdminClient("http://127.0.0.1:8080") as admin:   # or transport=httpx.WSGITransport(app=app)
    admin.reset()
    admin.add_activity_type("Segment Event")
    admin.set_variants({"owner_required": False})
    admin.state()["contacts"]
```
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from .config import Limits
from .responses.common import ADMIN_ROOT

__all__ = ["AdminClient", "AdminError"]


class AdminError(RuntimeError):
    """An admin call the fake refused, or one that could not reach it."""


class AdminClient:
    """A client of the admin API of the fake at `url`, its origin (`http://127.0.0.1:8080`).

    Every refusal or transport error raises `AdminError`; its message never repeats the body
    that was sent, which may hold an API key.
    """

    def __init__(
        self, url: str, *, transport: httpx.BaseTransport | None = None, timeout: float = 10.0
    ) -> None:
        self.url = url.rstrip("/")
        # The admin API answers loopback clients only: no proxy from the environment may
        # stand between.
        self._http = httpx.Client(
            base_url=self.url + ADMIN_ROOT, transport=transport, timeout=timeout, trust_env=False
        )

    def __repr__(self) -> str:
        return f"AdminClient({self.url!r})"

    def _call(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        """The parsed answer of one admin route."""
        route = f"{method} {ADMIN_ROOT}{path}"
        if self._http.is_closed:
            raise AdminError(f"{route}: this client is closed")
        try:
            response = self._http.request(method, path, params=params, json=json)
        except httpx.HTTPError as error:
            raise AdminError(
                f"{route}: the fake at {self.url} could not be reached: {error}"
            ) from error
        if response.is_error:
            raise AdminError(f"{route} answered {response.status_code}: {response.text}")
        try:
            return response.json()
        except ValueError:
            raise AdminError(f"{route} answered {response.status_code} without JSON") from None

    def reset(self) -> None:
        """Back to the configuration: records, journal, faults, clock, accounts, fields,
        variants, bulk jobs."""
        self._call("POST", "/reset")

    def state(self, domain: str | None = None) -> dict[str, list[dict[str, Any]]]:
        """Every record of the account (the first one when no domain), rendered as the API."""
        params = None if domain is None else {"domain": domain}
        state: dict[str, list[dict[str, Any]]] = self._call("GET", "/state", params=params)
        return state

    def tracking(self, domain: str | None = None) -> dict[str, dict[str, Any]]:
        """What the tracking API recorded for the account (the first one when no domain), per
        identifier: `visitors` (merged properties), `events` and `page_views` (lists)."""
        params = None if domain is None else {"domain": domain}
        recorded: dict[str, dict[str, Any]] = self._call("GET", "/tracking", params=params)
        return recorded

    def journal(
        self, *, method: str | None = None, path: str | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        """API requests and their answers, oldest first, matching every filter given."""
        filters = {"method": method, "path": path, "status": status}
        params = {key: value for key, value in filters.items() if value is not None}
        entries: list[dict[str, Any]] = self._call("GET", "/journal", params=params)["journal"]
        return entries

    def clock(self) -> dict[str, Any]:
        """The fake's time: `now` (ISO-8601) and `epoch` (seconds)."""
        now: dict[str, Any] = self._call("GET", "/clock")
        return now

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the clock forward; its new time, as `clock()`."""
        now: dict[str, Any] = self._call("POST", "/clock", json={"advance": seconds})
        return now

    def set_faults(self, **config: Any) -> dict[str, Any]:
        """Inject faults (`rate`, `statuses`, `latency_ms`, `drop_connection_rate`, `seed`,
        and for bulk jobs `bulk_fail_rate`, `bulk_partial_rate`)."""
        faults: dict[str, Any] = self._call("POST", "/faults", json=config)["faults"]
        return faults

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def bulk(self) -> dict[str, Any]:
        """The bulk job settings: `job_seconds`, how long a job waits on the fake clock."""
        settings: dict[str, Any] = self._call("GET", "/bulk")["bulk"]
        return settings

    def set_bulk(self, *, job_seconds: float) -> dict[str, Any]:
        """Set how long bulk jobs queued from now on wait; the settings afterwards."""
        settings: dict[str, Any] = self._call("POST", "/bulk", json={"job_seconds": job_seconds})[
            "bulk"
        ]
        return settings

    def add_custom_field(
        self,
        entity: str,
        name: str,
        type: str,
        choices: list[str] | None = None,
        *,
        label: str | None = None,
        domain: str | None = None,
    ) -> dict[str, Any]:
        """Define a custom field (`entity` plural, `name` `cf_...`); its settings entry."""
        body = {"entity": entity, "name": name, "type": type, "choices": choices, "label": label}
        if domain is not None:
            body["domain"] = domain
        field: dict[str, Any] = self._call("POST", "/fields", json=body)["field"]
        return field

    def add_activity_type(self, name: str, *, domain: str | None = None) -> dict[str, Any]:
        """Add a sales activity type; its selector entry."""
        body = {"name": name} if domain is None else {"name": name, "domain": domain}
        entry: dict[str, Any] = self._call("POST", "/activity-types", json=body)[
            "sales_activity_type"
        ]
        return entry

    def add_account(
        self,
        domain: str,
        api_key: str,
        *,
        limits: Limits | None = None,
        variants: Mapping[str, Any] | None = None,
        app_token: str | None = None,
        tracking_limits: Limits | None = None,
    ) -> dict[str, Any]:
        """Add an account (`variants`: values of the switches it does not leave at their
        defaults, by name; `app_token`: the token its tracking API takes); its description,
        without the key or the token."""
        body: dict[str, Any] = {
            "domain": domain,
            "api_key": api_key,
            "limits": _limits(limits or Limits()),
            "tracking_limits": _limits(tracking_limits or Limits()),
            "variants": dict(variants or {}),
        }
        if app_token is not None:
            body["app_token"] = app_token
        account: dict[str, Any] = self._call("POST", "/accounts", json=body)["account"]
        return account

    def variants(self, domain: str | None = None) -> dict[str, dict[str, Any]]:
        """The account's switches by name: `value`, `default`, `alternatives`, `grade`,
        `evidence` and `fact` of each."""
        params = None if domain is None else {"domain": domain}
        return _by_name(self._call("GET", "/variants", params=params))

    def set_variants(
        self, values: Mapping[str, Any], *, domain: str | None = None
    ) -> dict[str, dict[str, Any]]:
        """Set some switches of the account (all or none: a bad name or value changes
        nothing); every switch afterwards, as `variants()`."""
        body = dict(values) if domain is None else {**values, "domain": domain}
        return _by_name(self._call("POST", "/variants", json=body))

    def seed(
        self, records: dict[str, list[dict[str, Any]]], *, domain: str | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        """Create records directly (same rules, no budget); them, rendered, by record type."""
        body: dict[str, Any] = dict(records)
        if domain is not None:
            body["domain"] = domain
        created: dict[str, list[dict[str, Any]]] = self._call("POST", "/seed", json=body)
        return created

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3 document of the fake's Freshsales routes."""
        document: dict[str, Any] = self._call("GET", "/openapi.json")
        return document

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _limits(limits: Limits) -> dict[str, int]:
    return {"hourly": limits.hourly, "per_minute": limits.per_minute}


def _by_name(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        entry["name"]: {key: value for key, value in entry.items() if key != "name"}
        for entry in answer["variants"]
    }
