"""What goes on the wire: headers, JSON bodies, and replies read back."""

from __future__ import annotations

import json
from functools import lru_cache
from http.cookiejar import CookieJar
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlencode

import httpx
import orjson

from segment_freshsales.delivery.events import Instant, NoReply, Reply, Send
from segment_freshsales.delivery.tracking import is_tracking, tracking_body, tracking_url
from translator.plan import JSON
from translator.settings import Settings

__all__ = ["USER_AGENT", "NoCookies", "Requests", "encode", "headers", "no_reply", "read_reply"]


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


class Requests:
    """Each Send as the `httpx.Request` that carries it out, for `httpx.Client.send`.

    The URL is joined as text and the client's headers and timeout are reused as they are:
    `httpx.Client.request` would merge and parse them again for every call, which took about
    as long as the rest of httpx's work on a request to a transport that answers at once
    (bench.longrun). A tracking call goes to the account URL with its token filled in.
    """

    def __init__(self, http: httpx.Client | httpx.AsyncClient, settings: Settings) -> None:
        self._settings = settings
        self._api_root = str(http.base_url).rstrip("/")
        self._headers = http.headers
        self._json_headers = httpx.Headers(http.headers)
        self._json_headers["Content-Type"] = "application/json"
        self._extensions = {"timeout": http.timeout.as_dict()}

    def __call__(self, send: Send) -> httpx.Request:
        url, body = self._api_root + send.path, send.body
        if is_tracking(send.path):
            url, body = tracking_url(self._settings, send.path), tracking_body(body, self._settings)
        # A query names a person (an email): it is parsed for this call alone.
        target = httpx.URL(f"{url}?{urlencode(send.query)}") if send.query else _parsed(url)
        content = None if body is None else encode(body)
        return httpx.Request(
            send.method,
            target,
            content=content,
            headers=self._headers if content is None else self._json_headers,
            extensions=self._extensions,
        )


@lru_cache(maxsize=1024)
def _parsed(url: str) -> httpx.URL:
    """URLs are immutable, and most calls without a query go to a few of them
    (`/sales_activities`, ...): each is parsed once."""
    return httpx.URL(url)


class NoCookies(CookieJar):
    """A cookie jar that keeps nothing: Freshsales authenticates every call by its token, and
    a cookie one answer sets has no business riding along on the next (nor the time httpx
    spends storing it)."""

    def extract_cookies(self, response: object, request: object) -> None:
        """Keep none of the answer's cookies."""
