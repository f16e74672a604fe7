"""What goes on the wire: headers, JSON bodies, and replies read back."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlencode

import httpx
import orjson

from segment_freshsales.delivery.events import Instant, NoReply, Reply, Send
from segment_freshsales.delivery.tracking import is_tracking, tracking_body, tracking_url
from translator.plan import JSON
from translator.settings import Settings

__all__ = [
    "USER_AGENT",
    "AsyncHttp",
    "Http",
    "Requests",
    "encode",
    "headers",
    "no_reply",
    "read_reply",
    "send",
]


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
    """Each Send as the `httpx.Request` that carries it out (sent by `send`, or by
    `httpx.AsyncClient.send`).

    The URL is joined as text, and the headers are given whole (the client's, with `Host`,
    and `Content-Type` and `Content-Length` for a body) next to the body as a stream, which
    httpx takes as they are: `httpx.Client.request` would merge and parse the client's
    headers again for every call, and `httpx.Request(content=...)` would go over them several
    times more, which took four times as long as building the request itself
    (bench.longrun). A tracking call goes to the account URL with its token filled in.
    """

    def __init__(self, http: httpx.Client | httpx.AsyncClient, settings: Settings) -> None:
        self._settings = settings
        self._api_root = str(http.base_url).rstrip("/")
        self._headers = http.headers.raw
        self._extensions = {"timeout": http.timeout.as_dict()}

    def __call__(self, send: Send) -> httpx.Request:
        url, body = self._api_root + send.path, send.body
        if is_tracking(send.path):
            url, body = tracking_url(self._settings, send.path), tracking_body(body, self._settings)
        # A query names a person (an email): it is parsed for this call alone.
        target = httpx.URL(f"{url}?{urlencode(send.query)}") if send.query else _parsed(url)
        headers = [(b"Host", target.netloc), *self._headers]
        content = b""
        if body is not None:
            content = encode(body)
            headers += [_JSON, (b"Content-Length", str(len(content)).encode())]
        return httpx.Request(
            send.method,
            target,
            stream=httpx.ByteStream(content),
            headers=headers,
            extensions=self._extensions,
        )


_JSON = (b"Content-Type", b"application/json")


@lru_cache(maxsize=1024)
def _parsed(url: str) -> httpx.URL:
    """URLs are immutable, and most calls without a query go to a few of them
    (`/sales_activities`, ...): each is parsed once."""
    return httpx.URL(url)


def send(http: httpx.Client, request: httpx.Request) -> httpx.Response:
    """`http.send(request)`, read, minus the machinery a Freshsales client never uses.

    `httpx.Client.send` runs every request through the auth flow, the redirect loop, the event
    hooks and the cookie jar, and wraps the answer's stream: this client sends its token in a
    header, follows no redirect and has no hooks nor cookies, and that machinery took more time
    than building and answering the request did against a transport that answers at once
    (bench.longrun: +17% messages a second without it). The transport is still the one the
    client picks for the URL, so a proxy from the environment is honoured. An httpx without
    that method gets the public path.
    """
    transport_for = getattr(http, "_transport_for_url", None)
    if transport_for is None:
        return http.send(request)
    response: httpx.Response = transport_for(request.url).handle_request(request)
    try:
        response.read()  # and, read to its end, the connection goes back to the pool
    except BaseException:
        response.close()
        raise
    return response


class _NoCookies(httpx.Cookies):
    """Cookies that keep nothing: Freshsales authenticates every call by its token, and a
    cookie one answer sets has no business riding along on the next. Not even read: httpx
    wraps every answer in urllib's request and response objects to offer it to the cookie
    jar, which took a sixth of the time of a request to a transport that answers at once
    (bench.longrun)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep none of the answer's cookies."""


class _KeepsNoCookies:
    @property
    def cookies(self) -> httpx.Cookies:
        """A new, empty jar each time: nothing put in it lasts."""
        return _NoCookies()

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        raise AttributeError("a Freshsales client keeps no cookies")


class Http(_KeepsNoCookies, httpx.Client):
    """An httpx.Client that keeps no cookies."""


class AsyncHttp(_KeepsNoCookies, httpx.AsyncClient):
    """An httpx.AsyncClient that keeps no cookies."""
