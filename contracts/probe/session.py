"""The probe's connection to one account: its API root, its key, and what the rate limit showed.

Every answer's `X-RateLimit-*` headers are kept, and every 429 is noted (with or without
`Retry-After`), because the `reset_unit` and `retry_after` facts are read from them. A 429 met
on the way is waited out (at most `MAX_WAIT` seconds, twice) so that a busy account does not
spoil the other checks.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

import httpx

from contracts.wire import auth_headers, origin, send, suite_host

__all__ = ["CLASSIC_ROOT", "SUITE_ROOT", "Answer", "ProbeError", "Session", "api_root"]

CLASSIC_ROOT: Final = "/api"
SUITE_ROOT: Final = "/crm/sales/api"
# A reset header above this is an epoch second; below it, a count of seconds (no window lasts
# 30 years).
EPOCH_FLOOR: Final = 10**9
MAX_WAIT: Final = 65.0
_THROTTLE_RETRIES: Final = 2
_SNIPPET: Final = 100


class ProbeError(Exception):
    """The account could not be reached, or refused the key where the probe needs it (exit 1).

    `leftovers` lists the test records that could not be deleted before the probe stopped.
    """

    def __init__(self, message: str, leftovers: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.leftovers = leftovers


@dataclass(frozen=True)
class Answer:
    """One response: status, headers and body (parsed JSON, else its text)."""

    method: str
    path: str
    status: int
    headers: httpx.Headers
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def record(self, singular: str) -> dict[str, Any] | None:
        """The record in `{"<singular>": {...}}`, when the answer holds one with an id."""
        found = self.body.get(singular) if isinstance(self.body, dict) else None
        return found if isinstance(found, dict) and isinstance(found.get("id"), int) else None

    def message(self) -> str:
        """What the answer says, short: the errors' messages, else the body itself."""
        body = self.body
        errors = body.get("errors") if isinstance(body, dict) else None
        messages = errors.get("message") if isinstance(errors, dict) else None
        if isinstance(messages, list) and messages:
            text = " ".join(str(message) for message in messages)
        elif isinstance(messages, str):
            text = messages
        elif body is None:
            text = ""
        else:
            text = body if isinstance(body, str) else json.dumps(body)
        return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"


def api_root(base_url: str) -> str:
    """The API root of a host: `/crm/sales/api` on a Suite host, `/api` on any other."""
    return SUITE_ROOT if suite_host(base_url) else CLASSIC_ROOT


def reset_wait(headers: httpx.Headers, now: float) -> float:
    """How long a 429 asks to wait: `Retry-After`, else `X-RateLimit-Reset` in either unit,
    kept between 1 second and MAX_WAIT."""
    for name in ("Retry-After", "X-RateLimit-Reset"):
        text = headers.get(name, "")
        try:
            value = float(text)
        except ValueError:
            continue
        if math.isfinite(value):
            seconds = value - now if value > EPOCH_FLOOR else value
            return min(max(seconds, 1.0), MAX_WAIT)
    return MAX_WAIT


class Session:
    """Requests to one account as the probe makes them.

    `throttles` holds, for each 429 answered so far, whether it carried `Retry-After`;
    `rate` the `X-RateLimit-*` headers of the latest answer that had them.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        root: str,
        transport: httpx.BaseTransport | None,
        timeout: float,
        sleep: Callable[[float], None],
    ) -> None:
        self.origin = origin(base_url)
        self.root = root
        self.suite = root.endswith(SUITE_ROOT)
        self._key = api_key
        self._sleep = sleep
        self._http = httpx.Client(base_url=self.origin, transport=transport, timeout=timeout)
        self.throttles: list[bool] = []
        self.rate: httpx.Headers | None = None

    def __repr__(self) -> str:
        return f"Session({self.origin!r}, root={self.root!r})"

    def close(self) -> None:
        self._http.close()

    def api(
        self,
        method: str,
        route: str,
        *,
        query: Mapping[str, str] | None = None,
        body: Any = None,
        wrong_key: bool = False,
        wait_out_throttling: bool = True,
    ) -> Answer:
        """`method` on `<root><route>`; see `request`."""
        return self.request(
            method,
            self.root + route,
            query=query,
            body=body,
            wrong_key=wrong_key,
            wait_out_throttling=wait_out_throttling,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: Any = None,
        wrong_key: bool = False,
        wait_out_throttling: bool = True,
    ) -> Answer:
        """One request with the key (or a deliberately wrong one); a 429 is waited out unless
        told not to. ProbeError when the server cannot be reached."""
        headers = auth_headers("wrong_key" if wrong_key else "api_key", self._key)
        if body is not None:
            headers["Content-Type"] = "application/json"
        waits = 0
        while True:
            answer = self._send(method, path, query or {}, headers, body)
            if answer.status != 429:
                return answer
            self.throttles.append("Retry-After" in answer.headers)
            if not wait_out_throttling or waits == _THROTTLE_RETRIES:
                return answer
            waits += 1
            self._sleep(reset_wait(answer.headers, time.time()))

    def track(self, path: str, body: Any) -> Answer:
        """POST a tracking-API body (its token inside) to `path` on this origin, without the
        API key; its rate headers, a budget of their own, are not kept."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        return self._send("POST", path, {}, headers, body, keep_rate=False)

    def _send(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: dict[str, str],
        body: Any,
        *,
        keep_rate: bool = True,
    ) -> Answer:
        try:
            exchange = send(self._http, method, path, query=query, headers=headers, body=body)
        except httpx.HTTPError as error:
            # httpx names the URL, never the headers: the key stays out of the message.
            raise ProbeError(
                f"{method} {self.origin}{path} could not be reached: "
                f"{type(error).__name__}: {error}"
            ) from None
        answer = Answer(method, path, exchange.status, exchange.headers, exchange.body)
        if keep_rate and "X-RateLimit-Remaining" in answer.headers:
            self.rate = answer.headers
        return answer

    def follow(self, url: str) -> Answer:
        """GET a URL the account handed out (a job's status), on this session's origin only:
        the key is never sent to a host the user did not name."""
        parts = urlsplit(url)
        return self.request("GET", parts.path, query=dict(parse_qsl(parts.query)))
