"""What goes on the wire: headers, JSON bodies, and replies read back."""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx
import orjson

from segment_freshsales.delivery.events import Instant, NoReply, Reply, Send
from segment_freshsales.delivery.tracking import is_tracking, tracking_body, tracking_url
from translator.plan import JSON
from translator.settings import Settings

__all__ = ["USER_AGENT", "encode", "headers", "no_reply", "read_reply", "request_arguments"]


def _version() -> str:
    try:
        return version("segment-freshsales")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0"


USER_AGENT = f"segment-freshsales/{_version()} python-httpx/{httpx.__version__}"


def headers(settings: Settings) -> dict[str, str]:
    """Freshsales' token auth and JSON in both directions."""
    return {
        "Authorization": f"Token token={settings.api_key}",
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
    }


def encode(body: JSON) -> bytes:
    """A JSON body; orjson, unless it holds integers beyond 64 bits."""
    try:
        return orjson.dumps(body)
    except orjson.JSONEncodeError:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def read_reply(response: httpx.Response, at: Instant) -> Reply:
    """A Reply with lower-case header names and the body as JSON (None when it is not)."""
    try:
        body = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        body = None
    names = {key.lower(): value for key, value in response.headers.items()}
    return Reply(response.status_code, names, body, at)


def no_reply(error: BaseException, at: Instant) -> NoReply:
    """What became of a request that got no response."""
    return NoReply(f"{type(error).__name__}: {error}", at)


def request_arguments(send: Send, settings: Settings) -> dict[str, Any]:
    """Keyword arguments of `httpx.Client.request` (and its async twin) for one Send; a
    tracking call goes to the account URL with its token filled in."""
    url, body = send.path, send.body
    if is_tracking(send.path):
        url, body = tracking_url(settings, send.path), tracking_body(body, settings)
    content = None if body is None else encode(body)
    return {
        "method": send.method,
        "url": url,
        "params": send.query,
        "content": content,
        "headers": None if content is None else {"Content-Type": "application/json"},
    }
