"""Sending a contract request over httpx, shared by verification and recording."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from contracts.errors import ContractError

__all__ = ["WRONG_KEY", "Exchange", "auth_headers", "origin", "send", "suite_host"]

# The key a `wrong_key` interaction sends: plainly not a real one.
WRONG_KEY: Final = "wrong-key-for-contract-check"
_SUITE_SUFFIXES: Final = (".myfreshworks.com", ".freshworks.com")


@dataclass(frozen=True)
class Exchange:
    """A request as sent and the response to it (JSON body; the text when it is not JSON)."""

    request: httpx.Request
    status: int
    headers: httpx.Headers
    body: Any


def origin(url: str, flag: str = "--base-url") -> str:
    """`url` as `scheme://host[:port]`; a ContractError when it has a path, query or credentials.

    Interaction paths carry the API root (`/api/...`, `/crm/sales/api/...`), so only the
    origin is taken.
    """
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
    ):
        raise ContractError(
            flag,
            f"expected an origin such as https://acme.myfreshworks.com, got {url!r} "
            "(no path: interaction paths carry the API root)",
        )
    return f"{parts.scheme}://{parts.netloc}"


def suite_host(url: str) -> bool | None:
    """True for a Suite host, False for a classic freshsales.io one, None for anything else."""
    host = urlsplit(url).hostname or ""
    if host.endswith(_SUITE_SUFFIXES):
        return True
    return False if host.endswith(".freshsales.io") else None


def auth_headers(auth: str, api_key: str) -> dict[str, str]:
    """The Authorization header an interaction's `auth` asks for."""
    if auth == "none":
        return {}
    return {"Authorization": f"Token token={api_key if auth == 'api_key' else WRONG_KEY}"}


def send(
    http: httpx.Client,
    method: str,
    path: str,
    *,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    body: Any,
) -> Exchange:
    """Send one request (`body` as JSON when not None) and read its answer."""
    content = None if body is None else json.dumps(body).encode()
    response = http.request(
        method, path, params=dict(query) or None, headers=dict(headers), content=content
    )
    try:
        answer = response.json() if response.content else None
    except ValueError:
        answer = response.text
    return Exchange(response.request, response.status_code, response.headers, answer)
